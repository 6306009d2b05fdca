"""Section, tag, author, photographer, archive and filtered list pages."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from articles.models import Article
from tests.factories import make_article, make_author, make_image, make_photographer, make_section

pytestmark = pytest.mark.django_db

MINSK = ZoneInfo("Europe/Minsk")


def test_section_page_lists_its_published_articles_only(client):
    section = make_section(name="Economy", slug="economy", description="Trade and industry.")
    make_article(section=section, headline="Factory output rises")
    make_article(section=section, headline="Draft budget leak", status=Article.Status.DRAFT)
    make_article(headline="Elsewhere")
    response = client.get("/section/economy/")
    assertContains(response, "<h1>Economy</h1>", html=True)
    assertContains(response, "Trade and industry.")
    assertContains(response, "Factory output rises")
    assertNotContains(response, "Draft budget leak")
    assertNotContains(response, "Elsewhere")


def test_tag_page_lists_tagged_articles_and_hides_tags_used_only_by_drafts(client):
    make_article(headline="Trade deal signed", tags=["Trade"])
    make_article(headline="Secret plan", tags=["Embargoed topic"], status=Article.Status.DRAFT)
    assertContains(client.get("/tag/trade/"), "Trade deal signed")
    assert client.get("/tag/embargoed-topic/").status_code == 404


def test_author_page_shows_role_bio_and_their_articles(client):
    author = make_author(name="Igor S", slug="igor-s", role="Observer", bio="Writes on policy.")
    make_article(authors=[author], headline="His column")
    make_article(headline="Someone else's")
    response = client.get("/author/igor-s/")
    assertContains(response, "<h1>Igor S</h1>", html=True)
    assertContains(response, "Observer")
    assertContains(response, "Writes on policy.")
    assertContains(response, "His column")
    assertNotContains(response, "Someone else")
    assertContains(response, "/feeds/author/igor-s/rss/")


def test_photographer_page_shows_public_photos_only(client):
    photographer = make_photographer(name="Ana Lens", slug="ana-lens")
    public = make_image(photographer=photographer, caption="Public photo")
    secret = make_image(photographer=photographer, caption="Embargoed photo")
    make_article(hero_image=public, headline="Live story")
    make_article(hero_image=secret, headline="Draft story", status=Article.Status.DRAFT)
    response = client.get("/photographer/ana-lens/")
    assertContains(response, "Public photo")
    assertContains(response, "Live story")
    assertNotContains(response, "Embargoed photo")
    assertNotContains(response, "Draft story")
    assertNotContains(response, f"/photos/{secret.key}/")


def test_photographer_page_lists_an_article_once_however_many_of_their_photos_it_has(client):
    photographer = make_photographer(name="Ana Lens", slug="ana-lens")
    hero, first, second = (make_image(photographer=photographer) for _ in range(3))
    make_article(
        hero_image=hero,
        headline="Three photos story",
        body=f"Text.\n\n[[image {first.key}]]\n\n[[image {second.key}]]",
    )
    response = client.get("/photographer/ana-lens/")
    assert response.content.decode().count("Three photos story") == 1
    assert response.content.decode().count('<article class="card">') == 1


def test_list_pages_are_paginated(client):
    section = make_section(slug="busy")
    for n in range(14):
        make_article(section=section, headline=f"Busy {n:02d}")
    first = client.get("/section/busy/")
    assertContains(first, 'rel="next" href="?page=2"')
    assertContains(first, "Busy 13")
    response = client.get("/section/busy/?page=2")
    assertContains(response, "Busy 00")
    assertContains(response, 'rel="prev" href="?page=1"')
    assertNotContains(response, 'rel="next"')
    assert client.get("/section/busy/?page=3").status_code == 404


@pytest.mark.parametrize(
    "url", ["/section/busy/", "/tag/busy-tag/", "/author/busy-writer/", "/articles/?section=busy"]
)
def test_list_pages_do_not_count_the_whole_list(client, url):
    """A section of a million-article archive holds 70,000 articles: counting them on every
    page view grows with the archive, for a total the page does not show."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    section = make_section(slug="busy")
    author = make_author(slug="busy-writer")
    for _ in range(13):
        make_article(section=section, authors=[author], tags=["Busy tag"])
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assertContains(response, 'rel="next" href="')
    assert not [
        q["sql"] for q in queries if "COUNT(" in q["sql"] and "articles_article" in q["sql"]
    ]


def test_archive_by_year_month_and_day_uses_the_newsroom_time_zone(client):
    # 23:30 UTC on 31 July is already 1 August in Minsk.
    make_article(
        headline="Midnight story",
        published_at=datetime(2024, 7, 31, 23, 30, tzinfo=ZoneInfo("UTC")),
    )
    make_article(headline="July story", published_at=datetime(2024, 7, 10, 12, 0, tzinfo=MINSK))
    assertContains(client.get("/archive/2024/"), "Midnight story")
    august = client.get("/archive/2024/8/")
    assertContains(august, "August 2024")
    assertContains(august, "Midnight story")
    assertNotContains(august, "July story")
    assertContains(client.get("/archive/2024/8/1/"), "Midnight story")
    assertNotContains(client.get("/archive/2024/7/31/"), "Midnight story")
    index = client.get("/archive/")
    assertContains(index, 'href="/archive/2024/8/"')
    assertContains(index, 'href="/archive/2024/7/"')


def test_archive_pages_end_at_local_midnight_at_the_turn_of_the_year(client):
    make_article(
        headline="Old year story", published_at=datetime(2024, 12, 31, 23, 59, tzinfo=MINSK)
    )
    make_article(headline="New year story", published_at=datetime(2025, 1, 1, 0, 0, tzinfo=MINSK))
    for url in ["/archive/2024/", "/archive/2024/12/", "/archive/2024/12/31/"]:
        assertContains(client.get(url), "Old year story")
        assertNotContains(client.get(url), "New year story")
    for url in ["/archive/2025/", "/archive/2025/1/", "/archive/2025/1/1/"]:
        assertContains(client.get(url), "New year story")
        assertNotContains(client.get(url), "Old year story")


def test_archive_of_an_impossible_date_is_404(client):
    assert client.get("/archive/2024/2/31/").status_code == 404
    assert client.get("/archive/2024/13/").status_code == 404


def test_filter_by_section_tag_author_and_dates(client):
    economy = make_section(name="Economy", slug="economy")
    author = make_author(slug="ann")
    now = timezone.now()
    make_article(section=economy, tags=["Trade"], authors=[author], headline="Match me")
    make_article(section=economy, tags=["Trade"], headline="Wrong author")
    make_article(
        section=economy,
        tags=["Trade"],
        authors=[author],
        headline="Too old",
        published_at=now - timedelta(days=30),
    )
    after = (timezone.localdate() - timedelta(days=2)).isoformat()
    response = client.get(
        f"/articles/?section=economy&tag=trade&author=ann&published_after={after}"
    )
    assertContains(response, "Match me")
    assertNotContains(response, "Wrong author")
    assertNotContains(response, "Too old")
    assertContains(response, '<option value="economy" selected>Economy</option>', html=True)


def test_filter_values_are_kept_in_pagination_links(client):
    economy = make_section(slug="economy")
    for _ in range(14):
        make_article(section=economy)
    response = client.get("/articles/?section=economy")
    assertContains(response, 'href="?section=economy&amp;page=2"')


def test_invalid_filter_input_gives_an_empty_list_not_an_error(client):
    make_article(headline="Any story")
    for query in ["section=nope", "published_after=2024-13-45", "author=%3Cscript%3E"]:
        response = client.get(f"/articles/?{query}")
        assert response.status_code == 200
        assertNotContains(response, "Any story")
        assertContains(response, "No articles match these filters.")


def test_filter_offers_no_tag_of_an_unpublished_article(client):
    make_article(tags=["Public tag"])
    make_article(tags=["Hidden tag"], status=Article.Status.IN_REVIEW)
    response = client.get("/articles/")
    assertContains(response, "Public tag")
    assertNotContains(response, "Hidden tag")
