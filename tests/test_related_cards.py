"""The article page's related stories and neighbours (``Card``) and its bylines, read as
values, show what the same rows loaded as instances show, and a cached page still depends on
each of them."""

from datetime import timedelta

import pytest
from django.utils import timezone

from articles import links
from articles.cache.dependencies import collecting
from articles.models import Article, Image
from articles.reader import article_page, cards
from articles.reader.cards import Card
from tests.factories import make_article, make_author, make_image, make_section
from tests.page_cache_support import page

pytestmark = pytest.mark.django_db


def card_and_article(article):
    """``article`` read as the article page reads a card, and as the front page reads one."""
    now = timezone.now()
    card = article_page.cards([article.pk], now=now)[article.pk]
    article_page.attach_bylines([card])
    listed = Article.objects.published(now).for_listing().get(pk=article.pk)
    return card, listed


@pytest.mark.parametrize("with_photo_and_section", [True, False])
def test_a_card_read_as_values_is_kept_under_the_key_of_the_article_and_renders_alike(
    settings, with_photo_and_section
):
    settings.PAGE_CACHE = False
    extra = {} if with_photo_and_section else {"section": None}
    article = make_article(
        headline="Potash exports rise",
        hero_image=make_image(alt_text="A quay at dawn") if with_photo_and_section else None,
        authors=[make_author(name="Ann Lee"), make_author(name="Bo Kim")],
        **extra,
    )
    card, listed = card_and_article(article)

    assert card.get_absolute_url() == listed.get_absolute_url()
    for lead in (False, True):
        assert cards.shown(card, lead) == cards.shown(listed, lead)
        assert cards.render(card, lead) == cards.render(listed, lead)


def test_a_card_whose_photo_predates_its_stored_orientation_has_the_articles_key(settings):
    settings.PAGE_CACHE = False
    article = make_article(hero_image=make_image())
    Image.objects.filter(pk=article.hero_image_id).update(orientation=None)
    card, listed = card_and_article(article)

    assert cards.shown(card) == cards.shown(listed)


def test_reading_cards_records_each_article_section_and_photo_as_loading_them_would():
    article = make_article(hero_image=make_image())

    with collecting() as collector:
        article_page.cards([article.pk], now=timezone.now())

    assert collector.names == {
        f"articles.article:{article.pk}",
        f"articles.section:{article.section_id}",
        f"articles.image:{article.hero_image_id}",
    }
    assert not collector.unsafe


@pytest.mark.parametrize("change", ["unpublished", "expired"])
def test_a_page_that_read_a_card_no_longer_live_is_never_stored(change):
    # Read live, no longer live when recorded (an expiry passing in between): as an instance
    # loaded that way would, the card marks the page unsafe to store.
    article = make_article(section=None)
    card = Card(article_page._card_values(Article.objects.filter(pk=article.pk)).get())
    if change == "unpublished":
        card.values["status"] = Article.Status.UNPUBLISHED
    else:
        card.values["expires_at"] = timezone.now() - timedelta(seconds=1)

    with collecting() as collector:
        article_page._record_cards([card])

    assert collector.names == {f"articles.article:{article.pk}"}
    assert collector.unsafe


@pytest.fixture
def story_and_related():
    section = make_section(name="Farming")
    earlier = timezone.now() - timedelta(hours=2)
    related = make_article(
        headline="Harvest comes early",
        section=section,
        tags=["potash"],
        published_at=earlier,
        hero_image=make_image(alt_text="A field of wheat"),
        authors=[make_author(name="Bo Kim")],
    )
    story = make_article(headline="Potash exports rise", section=section, tags=["potash"])
    return story, related


def test_an_edit_to_a_related_story_shows_on_the_cached_article_page_at_the_next_request(
    client, settings, story_and_related
):
    story, related = story_and_related
    url = story.get_absolute_url()
    # Rendered once uncached first, so the cached page is built from kept cards, whose rows
    # are never made into instances: only the card read records what the page depends on.
    settings.PAGE_CACHE = False
    page(client, url)
    settings.PAGE_CACHE = True
    first = page(client, url).content.decode()
    assert first.count("Harvest comes early") == 2  # a related card and the previous link
    assert page(client, url)["X-Page-Cache"] == "hit"

    related.headline = "Harvest comes late"
    related.save()
    assert page(client, url).content.decode().count("Harvest comes late") == 2

    related.section.name = "Agriculture"
    related.section.save()
    assert "Agriculture" in page(client, url).content.decode()

    photo = related.hero_image
    photo.alt_text = "A field of barley"
    photo.save()
    assert 'alt="A field of barley"' in page(client, url).content.decode()

    author = related.byline_authors[0]
    author.name = "Bo Kim-Lee"
    author.save()
    assert "Bo Kim-Lee" in page(client, url).content.decode()


def test_bylines_read_as_values_name_and_link_each_author_and_record_them():
    first, second = make_author(name="Ann Lee"), make_author(name="Bo Kim")
    article = make_article(authors=[first, second])
    read = Article.objects.get(pk=article.pk)

    with collecting() as collector:
        article_page.attach_bylines([read])

    assert [(a.pk, a.name, a.get_absolute_url()) for a in read.byline_authors] == [
        (author.pk, author.name, author.get_absolute_url()) for author in (first, second)
    ]
    assert collector.names == {f"articles.author:{first.pk}", f"articles.author:{second.pk}"}


def test_a_page_reads_the_zone_and_url_context_once_and_cards_are_kept_per_zone(settings):
    settings.PAGE_CACHE = False
    card, listed = card_and_article(make_article())
    kept_here = cards.shown(card)

    with timezone.override("Pacific/Kiritimati"), links.read_once():
        assert links.local_zone() == timezone.get_current_timezone()
        assert links.url_context() == (settings.ROOT_URLCONF, "/")
        assert cards.shown(card) == cards.shown(listed) != kept_here
        assert card.get_absolute_url() == listed.get_absolute_url()
    assert cards.shown(card) == kept_here
