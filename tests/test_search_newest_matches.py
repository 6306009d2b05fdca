"""A search ranks the newest matches only, and says so when more matched: on every database.

The limit is ``SEARCH_RANKED_MATCHES`` (1,000); here it is 3, so a handful of articles shows
what a reader of a million-article archive sees for a common word.
"""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from articles.models import Article
from articles.search.query import search_articles
from tests.factories import make_article

pytestmark = pytest.mark.django_db


@pytest.fixture
def three_ranked(settings):
    settings.SEARCH_RANKED_MATCHES = 3


def harbour_story(slug, age, *, in_headline=False, **fields):
    return make_article(
        slug=slug,
        headline="Harbour news" if in_headline else f"Coast diary {slug}",
        body="The harbour reopened." if not in_headline else "Boats returned.",
        published_at=timezone.now() - age,
        **fields,
    )


def test_more_matches_than_are_ranked_shows_the_newest_best_first_and_says_more(
    client, three_ranked
):
    harbour_story("oldest-best", timedelta(days=5), in_headline=True)
    harbour_story("old", timedelta(days=4))
    harbour_story("newer", timedelta(days=3))
    harbour_story("newest-best", timedelta(days=2), in_headline=True)
    harbour_story("newest", timedelta(days=1))

    assert [a.slug for a in search_articles("harbour")] == ["newest-best", "newest", "newer"]
    response = client.get("/search/", {"q": "harbour"})
    assertContains(response, "More than 3 results for “harbour”. Showing the newest 3")
    assertContains(response, "/newest-best/")
    assertNotContains(response, "/oldest-best/")  # older than the three newest matches
    assertNotContains(response, "/old/")


def test_as_many_matches_as_are_ranked_are_counted_exactly(client, three_ranked):
    for days in (1, 2, 3):
        harbour_story(f"story-{days}", timedelta(days=days))
    response = client.get("/search/", {"q": "harbour"})
    assertContains(response, "3 results for “harbour”")
    assertNotContains(response, "More than")


def test_unpublished_matches_take_no_place_among_the_newest(client, three_ranked):
    harbour_story("live-old", timedelta(days=9), in_headline=True)
    harbour_story("live-1", timedelta(days=8))
    harbour_story("live-2", timedelta(days=7))
    harbour_story("draft", timedelta(hours=2), status=Article.Status.DRAFT)
    harbour_story("scheduled", timedelta(hours=-2))  # its time has not come
    response = client.get("/search/", {"q": "harbour"})
    assertContains(response, "3 results for “harbour”")
    assertContains(response, "/live-old/")
    assertNotContains(response, "/draft/")
    assertNotContains(response, "/scheduled/")


@pytest.mark.parametrize(
    "ages_in_days",
    [
        (1, 2, 10, 15, 100),  # two in the week: three weeks back holds the four wanted
        (1, 20, 30, 60, 100),  # one in the week: six weeks back is not far enough
        (20, 200, 900, 3650, 4000),  # none in the week: everything
    ],
)
def test_the_newest_matches_are_found_however_far_back_they_lie(three_ranked, ages_in_days):
    """PostgreSQL looks back a week, then as far as the week's rate of matches says, then
    over everything: the newest matches come back in order wherever they lie."""
    for days in ages_in_days:
        harbour_story(f"posted-{days}-days-ago", timedelta(days=days))

    results = search_articles("harbour")
    newest = sorted(ages_in_days)[:3]
    assert [a.slug for a in results] == [f"posted-{days}-days-ago" for days in newest]
    assert results.more_matches


def test_a_rare_word_is_found_in_the_oldest_article(three_ranked):
    harbour_story("ancient", timedelta(days=5000), in_headline=True)
    results = search_articles("harbour")
    assert [a.slug for a in results] == ["ancient"] and not results.more_matches


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the admin's search box reads the full-text index on PostgreSQL only",
)
def test_the_admin_search_lists_the_newest_matches_and_says_more_matched(
    client, editor, three_ranked
):
    for days in (1, 2, 3, 4):
        harbour_story(f"live-{days}", timedelta(days=days))
    make_article(
        slug="undated-draft",
        headline="Harbour draft",
        status=Article.Status.DRAFT,
        published_at=None,
    )
    client.force_login(editor)
    response = client.get("/admin/articles/article/", {"q": "harbour"})
    listed = [article.slug for article in response.context["cl"].result_list]
    assert listed == ["undated-draft", "live-1", "live-2"]
    assertContains(response, "More than 3 articles match “harbour”: the newest 3 are listed.")
