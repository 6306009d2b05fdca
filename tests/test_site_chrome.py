"""The site header and footer kept once rendered (articles/reader/chrome.py) show what the
sections and the site's name say now, and are the markup their templates render."""

import pytest
from django.db.models import F
from django.urls import reverse

from articles.models import Section
from articles.reader import chrome
from newsroom.templating import url
from tests.factories import make_article, make_section

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def page_cache_off(settings):
    settings.PAGE_CACHE = False


def menu_of(page):
    return page.split('aria-label="Sections"')[1].split("</nav>")[0]


def test_a_kept_header_and_footer_are_the_templates_own_markup():
    make_section(name="Economy", slug="economy")
    sections = list(Section.objects.all())
    for _ in range(2):  # rendered, then served kept
        assert chrome.site_header(sections, "The Daily") == chrome.render_header(
            sections, "The Daily"
        )
        assert chrome.site_footer("The Daily") == chrome.render_footer("The Daily")


def test_a_renamed_section_shows_in_the_menu_at_the_next_request(client):
    section = make_section(name="Economy", slug="economy")
    article = make_article(section=section)
    assert '<a href="/section/economy/">Economy</a>' in menu_of(
        client.get(article.get_absolute_url()).content.decode()
    )

    section.name, section.slug = "Business", "business"
    section.save()
    menu = menu_of(client.get(article.get_absolute_url()).content.decode())

    assert '<a href="/section/business/">Business</a>' in menu
    assert "Economy" not in menu and "/section/economy/" not in menu


def test_a_new_or_moved_section_shows_in_its_menu_place_at_the_next_request(client):
    make_section(name="Economy", slug="economy", position=1)
    article = make_article(section=make_section(name="World", slug="world", position=2))
    client.get(article.get_absolute_url())

    make_section(name="Culture", slug="culture", position=3)
    Section.objects.filter(slug="economy").update(position=F("position") + 10)
    menu = menu_of(client.get(article.get_absolute_url()).content.decode())

    assert menu.index("World") < menu.index("Culture") < menu.index("Economy")


def test_the_site_name_shows_in_header_and_footer_as_configured(client, settings):
    article = make_article()
    settings.NEWSROOM_SITE_NAME = "The Evening Post"
    page = client.get(article.get_absolute_url()).content.decode()

    assert '<a class="site-name" href="/">The Evening Post</a>' in page
    assert '<p class="site-footer__name">The Evening Post</p>' in page


def test_tag_and_feed_links_are_the_addresses_django_reverses(client):
    section = make_section(name="Economy", slug="economy")
    article = make_article(section=section, tags=["Potash", "Grain prices"])
    page = client.get(article.get_absolute_url()).content.decode()

    for tag in article.tags.all():
        assert f'href="{reverse("articles:tag", args=[tag.slug])}" rel="tag"' in page
    assert reverse("articles:feed_section_rss", args=["economy"]) in page
    for name in ("articles:tag", "articles:feed_tag_rss", "articles:feed_author_atom"):
        assert url(name, "potash-2") == reverse(name, args=["potash-2"])
    # Anything but an ASCII slug is left to reverse(), which quotes it.
    assert url("articles:tag", "río-grande") == "/tag/r%C3%ADo-grande/"
