"""What an anonymous reader sees on the article page, the home page and the 404/500 pages."""

import json
import re
from datetime import timedelta
from html import unescape

import pytest
from django.core.management import call_command
from django.test import RequestFactory
from django.urls import set_script_prefix
from django.utils import timezone
from django.views.defaults import server_error
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from articles.models import Article, OldSlug
from tests.factories import make_article, make_author, make_image, make_photographer, make_section

pytestmark = pytest.mark.django_db

SAMPLE_URL = "/2024/08/21/in-liaison-with-the-celestial-empire/"
SUBHEADINGS = [
    "Multi-dimensional interaction",
    "Form and content",
    "Diversity and multipolarity",
    "World of new possibilities",
]


@pytest.fixture
def sample(db):
    call_command("load_demo", verbosity=0)
    return Article.objects.get(slug="in-liaison-with-the-celestial-empire")


def test_reader_sees_the_sample_article_with_headline_standfirst_and_subheadings(client, sample):
    response = client.get(SAMPLE_URL)
    assert response.status_code == 200
    assertContains(response, "<h1", count=1)
    assertContains(response, "In liaison with the Celestial Empire</h1>", html=False)
    assertContains(response, "all-weather strategic partnership established")
    for subheading in SUBHEADINGS:
        assertContains(response, f"<h2>{subheading}</h2>", html=True)
    assertContains(response, "Piotr Petrovsky concludes")


def test_article_byline_links_the_author_and_posted_time_is_minsk_time(client, sample):
    response = client.get(SAMPLE_URL)
    assertContains(
        response, 'By <a href="/author/igor-savostenko/" rel="author">Igor Savostenko</a>'
    )
    assertContains(response, 'datetime="2024-08-21T13:30:22+03:00"')
    assertContains(response, "Posted <time")
    assertContains(response, "21 August 2024, 13:30")
    assertNotContains(response, "Updated")


def test_sample_shows_each_photo_once_with_caption_and_linked_credit(client, sample):
    response = client.get(SAMPLE_URL)
    html = response.content.decode()
    # The hero is also the first photo of the body: it is shown once, above the text.
    assert html.count("<figure") == 3
    assert html.count('alt="Belarusian and Chinese special forces during the joint') == 1
    assertContains(
        response, 'Photo: <a href="/photographer/pavel-bogush/">Pavel Bogush</a>', count=3
    )
    assertContains(response, "Attacking Falcon was held in July in Belarus</span>")
    assert "/media/" not in html and "originals/" not in html


def test_article_shows_tags_section_related_and_neighbours_in_section(client):
    section = make_section(name="Economy", slug="economy")
    older = make_article(
        section=section,
        headline="Older in economy",
        published_at=timezone.now() - timedelta(days=2),
    )
    article = make_article(
        section=section,
        tags=["Trade"],
        published_at=timezone.now() - timedelta(days=1),
    )
    newer = make_article(section=section, headline="Newer in economy")
    elsewhere = make_article(headline="Same tag elsewhere", tags=["Trade"])
    unrelated = make_article(headline="Nothing in common")
    response = client.get(article.get_absolute_url())
    assertContains(response, '<a href="/tag/trade/" rel="tag">Trade</a>', html=True)
    assertContains(response, 'More in <a href="/section/economy/">Economy</a>')
    assertContains(response, f'href="{older.get_absolute_url()}" rel="prev"')
    assertContains(response, f'href="{newer.get_absolute_url()}" rel="next"')
    related = response.content.decode().split('id="related-heading"')[1]
    assert elsewhere.headline in related and older.headline in related
    assert unrelated.headline not in related


def test_article_shows_an_updated_note_only_after_a_real_update(client):
    posted = timezone.now() - timedelta(days=1)
    article = make_article(published_at=posted, last_published_at=posted + timedelta(hours=3))
    response = client.get(article.get_absolute_url())
    assertContains(response, "Updated <time")


def test_old_slug_redirects_permanently_to_the_current_address(client):
    article = make_article(slug="new-slug")
    OldSlug.objects.create(article=article, slug="old-slug")
    old_url = article.get_absolute_url().replace("new-slug", "old-slug")
    response = client.get(old_url)
    assertRedirects(response, article.get_absolute_url(), status_code=301)


def test_wrong_date_in_the_address_redirects_permanently_to_the_dated_url(client, sample):
    response = client.get("/2023/01/02/in-liaison-with-the-celestial-empire/")
    assertRedirects(response, SAMPLE_URL, status_code=301)


@pytest.mark.parametrize(
    "status",
    [Article.Status.DRAFT, Article.Status.IN_REVIEW, Article.Status.UNPUBLISHED],
)
def test_reader_gets_404_for_an_article_that_is_not_live(client, status):
    article = make_article(status=status)
    OldSlug.objects.create(article=article, slug=f"old-{article.slug}")
    assert client.get(article.get_absolute_url()).status_code == 404
    old_url = article.get_absolute_url().replace(article.slug, f"old-{article.slug}")
    assert client.get(old_url).status_code == 404


def test_home_leads_with_the_newest_story_then_lists_the_rest(client):
    make_article(headline="Yesterday's story", published_at=timezone.now() - timedelta(days=1))
    make_article(headline="Today's story")
    response = client.get("/")
    html = unescape(response.content.decode())
    lead = html.split('aria-label="Top story"')[1].split("</section>")[0]
    assert "Today's story" in lead
    assert "Yesterday's story" in html.split('id="latest-heading"')[1]


def test_home_shows_20_stories_then_older_ones_and_page_two_has_no_lead(client):
    for n in range(25):
        make_article(
            headline=f"Story {n:02d}", published_at=timezone.now() - timedelta(hours=n + 1)
        )
    first = client.get("/")
    assertContains(first, '<a class="pagination__link" rel="next" href="?page=2">Older stories')
    assertNotContains(first, "Page 1 of")  # a front page does not count the archive
    assertNotContains(first, 'rel="prev"')
    assertContains(first, "Story 19")
    assertNotContains(first, "Story 20")
    second = client.get("/?page=2")
    assertNotContains(second, "Top story")
    assertContains(second, "Story 20")
    assertContains(second, "Story 24")
    assertNotContains(second, "Story 19")
    assertContains(second, '<a class="pagination__link" rel="prev" href="?page=1">← Newer stories')
    assertNotContains(second, 'rel="next"')  # nothing older than the 25th story


def test_home_with_a_single_story_leads_with_it_and_says_nothing_is_missing(client):
    assertContains(client.get("/"), "Nothing has been published yet.")
    make_article(headline="The only story")
    response = client.get("/")
    assertContains(response, "The only story")
    assertNotContains(response, "Nothing has been published yet.")
    assertNotContains(response, 'id="latest-heading"')  # no empty "Latest" list under the lead


def test_home_answers_404_past_its_oldest_story_and_page_one_for_a_bad_number(client):
    make_article(headline="The only story")
    assert client.get("/?page=2").status_code == 404
    assert client.get("/?page=" + "9" * 30).status_code == 404  # not a database error
    assertContains(client.get("/?page=first"), "The only story")


def test_every_page_has_title_description_canonical_and_link_preview_tags(client, sample):
    for url in [
        "/",
        SAMPLE_URL,
        "/section/international/",
        "/tag/china/",
        "/author/igor-savostenko/",
        "/photographer/pavel-bogush/",
        "/archive/2024/08/",
        "/articles/",
        "/search/?q=china",
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert re.search(r"<title>[^<]+</title>", html), url
        assert '<meta name="description" content="' in html, url
        assert f'<link rel="canonical" href="http://testserver{url.split("?")[0]}' in html, url
        for tag in ['property="og:title"', 'property="og:url"', 'name="twitter:card"']:
            assert tag in html, (url, tag)


def test_article_page_has_news_article_structured_data(client, sample):
    response = client.get(SAMPLE_URL)
    html = response.content.decode()
    raw = html.split('<script type="application/ld+json">')[1].split("</script>")[0]
    data = json.loads(raw)
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == "In liaison with the Celestial Empire"
    assert data["datePublished"].startswith("2024-08-21T10:30:22")
    assert data["author"][0]["name"] == "Igor Savostenko"
    assert data["articleSection"] == "International"
    assert data["publisher"]["name"] == "Newsroom"
    assert data["image"][0].startswith("http://testserver/photos/pbhawk2a/")
    assertContains(response, 'property="og:image" content="http://testserver/photos/')


def test_structured_data_cannot_break_out_of_its_script_element(client):
    article = make_article(headline="</script><script>alert(1)</script>")
    response = client.get(article.get_absolute_url())
    assertNotContains(response, "<script>alert(1)")


def test_unknown_page_gets_the_404_page_in_the_site_design(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assertContains(response, "Page not found", status_code=404)
    assertContains(response, 'class="skip-link"', status_code=404)
    assertContains(response, "articles/site.css", status_code=404)


def test_server_error_page_is_in_the_site_design():
    response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    html = response.content.decode()
    assert "Something went wrong" in html
    assert "articles/site.css" in html


def test_multiple_authors_are_listed_in_byline_order_with_links(client):
    first, second, third = (make_author(name=n) for n in ("Ann One", "Bob Two", "Cy Three"))
    article = make_article(authors=[first, second, third])
    response = client.get(article.get_absolute_url())
    html = response.content.decode()
    byline = html.split('class="byline"')[1].split("</p>")[0]
    assert byline.index("Ann One") < byline.index("Bob Two") < byline.index("Cy Three")
    assert ", <a" in byline and " and <a" in byline


def test_agency_credit_without_photographer_is_shown_as_text(client):
    image = make_image(credit_text="Reuters", photographer=None)
    article = make_article(body=f"Intro.\n\n[[image {image.key}]]\n\nMore.")
    response = client.get(article.get_absolute_url())
    assertContains(response, '<span class="credit">Photo: Reuters</span>', html=True)


def test_photographer_of_a_body_photo_is_linked_and_lists_the_article(client):
    photographer = make_photographer(name="Ana Lens", slug="ana-lens")
    image = make_image(photographer=photographer)
    article = make_article(body=f"Intro.\n\n[[image {image.key}]]\n\nMore.")
    response = client.get(article.get_absolute_url())
    assertContains(response, 'Photo: <a href="/photographer/ana-lens/">Ana Lens</a>')
    page = client.get("/photographer/ana-lens/")
    assertContains(page, article.headline)
    assertContains(page, f"/photos/{image.key}/")


def test_article_page_context_renders_a_draft_for_preview_marked_noindex(rf):
    from django.template.loader import render_to_string

    from articles.reader.selectors import article_page_context

    draft = make_article(headline="Draft for preview", status=Article.Status.DRAFT)
    html = render_to_string(
        "articles/article_detail.html", article_page_context(draft, rf.get("/preview/"))
    )
    assert "Draft for preview</h1>" in html
    assert '<meta name="robots" content="noindex">' in html
    live = make_article(headline="Live one")
    assert "noindex" not in render_to_string(
        "articles/article_detail.html", article_page_context(live)
    )


def test_related_articles_rank_by_shared_tags_before_recency(client):
    article = make_article(tags=["Potash", "Belarus", "Trade"])
    one_tag_newest = make_article(headline="Shares one tag, newest", tags=["Trade"])
    three_tags = make_article(
        headline="Shares three tags, older",
        tags=["Potash", "Belarus", "Trade"],
        published_at=timezone.now() - timedelta(days=30),
    )
    two_tags = make_article(
        headline="Shares two tags",
        tags=["Potash", "Belarus"],
        published_at=timezone.now() - timedelta(days=3),
    )
    make_article(
        headline="Draft sharing every tag", tags=["Potash", "Belarus", "Trade"], status="draft"
    )
    related = (
        client.get(article.get_absolute_url()).content.decode().split('id="related-heading"')[1]
    )
    order = [related.index(story.headline) for story in (three_tags, two_tags, one_tag_newest)]
    assert order == sorted(order)
    assert "Draft sharing every tag" not in related


def test_related_and_neighbours_skip_what_readers_cannot_see_and_list_newest_first(client):
    section = make_section(name="Farming", slug="farming")
    day = timedelta(days=1)
    before = make_article(
        section=section, headline="Live before", published_at=timezone.now() - 5 * day
    )
    make_article(
        section=section,
        headline="Withdrawn just before",
        status=Article.Status.UNPUBLISHED,
        published_at=timezone.now() - 4 * day,
    )
    article = make_article(section=section, tags=["Harvest"], published_at=timezone.now() - 3 * day)
    make_article(
        section=section,
        headline="Scheduled next",
        tags=["Harvest"],
        published_at=timezone.now() + day,
    )
    older_alike = make_article(
        headline="Harvest, older", tags=["Harvest"], published_at=timezone.now() - 9 * day
    )
    newer_alike = make_article(
        headline="Harvest, newer", tags=["Harvest"], published_at=timezone.now() - 2 * day
    )

    page = client.get(article.get_absolute_url()).content.decode()

    assert f'href="{before.get_absolute_url()}" rel="prev"' in page
    assert 'rel="next"' not in page  # the only later story in the section is not out yet
    assert "Withdrawn just before" not in page and "Scheduled next" not in page
    related = page.split('id="related-heading"')[1]
    assert related.index(newer_alike.headline) < related.index(older_alike.headline)


def test_stories_posted_in_the_same_minute_still_link_to_each_other(client):
    section = make_section(name="Wires", slug="wires")
    minute = timezone.now().replace(second=0, microsecond=0) - timedelta(hours=2)
    first = make_article(section=section, headline="First wire", published_at=minute)
    second = make_article(section=section, headline="Second wire", published_at=minute)
    assertContains(
        client.get(first.get_absolute_url()), f'href="{second.get_absolute_url()}" rel="next"'
    )
    assertContains(
        client.get(second.get_absolute_url()), f'href="{first.get_absolute_url()}" rel="prev"'
    )


@pytest.fixture
def mounted_under_news():
    """The site served under /news/, as WSGI sets it from a proxy's SCRIPT_NAME."""
    set_script_prefix("/news/")
    yield "/news"
    set_script_prefix("/")


def test_article_and_photo_links_keep_the_mount_point_of_a_site_served_under_a_path(
    client, mounted_under_news
):
    article = make_article(headline="Mounted story", hero_image=make_image())
    response = client.get("/")
    local = timezone.localtime(article.published_at)
    assertContains(response, f'href="/news/{local:%Y/%m/%d}/{article.slug}/"')
    assertContains(response, f'src="/news/photos/{article.hero_image.key}/')
    assertContains(response, f'href="/news/section/{article.section.slug}/"')  # the menu


def test_a_story_sharing_a_tag_outranks_newer_stories_of_the_same_section(client):
    section = make_section(name="Farming", slug="farming")
    article = make_article(section=section, tags=["Harvest"])
    alike = make_article(
        section=section,
        headline="Same section, shares the tag",
        tags=["Harvest"],
        published_at=timezone.now() - timedelta(days=20),
    )
    newer = [
        make_article(section=section, headline=f"Same section only {n}", tags=["Other"])
        for n in range(5)
    ]
    related = (
        client.get(article.get_absolute_url()).content.decode().split('id="related-heading"')[1]
    )
    assert related.index(alike.headline) < related.index(newer[-1].headline)
    assert related.count('class="card"') == 4  # the tag-sharer and the three newest others
    assert newer[0].headline not in related
