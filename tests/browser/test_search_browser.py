"""Searching as people do, in Chromium: a reader types into the site's search box, an editor
into the article list's. With more matches than are ranked (here 3), both see the newest and
are told that more matched."""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone
from playwright.sync_api import expect

from articles.models import Article
from tests.browser.admin_support import log_in, with_password
from tests.factories import make_article

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def harbour_stories(settings):
    settings.SEARCH_RANKED_MATCHES = 3
    return [
        make_article(
            slug=f"harbour-{days}",
            headline=f"Harbour news, {days} days ago",
            body="<p>The harbour reopened.</p>",
            published_at=timezone.now() - timedelta(days=days),
        )
        for days in (1, 2, 3, 4, 5)
    ]


def test_a_reader_searching_a_common_word_sees_the_newest_matches_and_is_told_more_matched(
    page, live_server, harbour_stories
):
    page.goto(live_server.url + "/")
    page.get_by_role("searchbox").first.fill("harbour")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search/?q=harbour")
    expect(page.get_by_role("status")).to_have_text(
        "More than 3 results for “harbour”. Showing the newest 3, best matches first; "
        "add a word to narrow the search."
    )
    headlines = page.locator("main h2, main h3").all_inner_texts()
    assert [h for h in headlines if h.startswith("Harbour")] == [
        "Harbour news, 1 days ago",
        "Harbour news, 2 days ago",
        "Harbour news, 3 days ago",
    ]


def test_an_editor_searching_the_article_list_finds_the_newest_matches(
    page, live_server, harbour_stories, editor
):
    make_article(
        slug="undated", headline="Harbour draft", status=Article.Status.DRAFT, published_at=None
    )
    log_in(page, live_server, with_password(editor))
    page.goto(live_server.url + "/admin/articles/article/")
    page.locator("#searchbar").fill("harbour")
    page.keyboard.press("Enter")
    page.wait_for_url("**/admin/articles/article/?q=harbour")
    listed = page.locator("#result_list tbody th a").all_inner_texts()
    if connection.vendor == "postgresql":  # the full-text index: the newest 3, drafts first
        expect(page.locator(".messagelist")).to_contain_text(
            "More than 3 articles match “harbour”: the newest 3 are listed."
        )
        assert listed == ["Harbour draft", "Harbour news, 1 days ago", "Harbour news, 2 days ago"]
    else:  # SQLite: Django's own search of the three fields, every match
        assert len(listed) == 6
