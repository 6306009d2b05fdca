"""The admin's article list never counts the whole table, and still pages, filters and searches."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.admin.articles import ArticleAdmin
from articles.admin.paging import EstimatedCountPaginator
from articles.models import Article
from tests.factories import make_article

pytestmark = pytest.mark.django_db

URL = "/admin/articles/article/"
# COUNT(*) over articles_article without a WHERE: the count of every article there is.
WHOLE_TABLE_COUNT = re.compile(
    r'SELECT COUNT\(\*\).*FROM "articles_article"(?!.*\bWHERE\b)', re.IGNORECASE | re.DOTALL
)


@pytest.fixture
def big_archive(monkeypatch):
    """Five articles, two a page, and a paginator that treats anything as big."""
    monkeypatch.setattr(ArticleAdmin, "list_per_page", 2)
    monkeypatch.setattr(EstimatedCountPaginator, "exact_below", 0)
    return [make_article(headline=f"Story {n}") for n in range(5)]


def shown(response):
    return [article.headline for article in response.context["cl"].result_list]


def test_unfiltered_list_counts_no_whole_table_and_pages_on(client, editor, big_archive):
    client.force_login(editor)
    with CaptureQueriesContext(connection) as captured:
        first = client.get(URL)
    assert first.status_code == 200
    counts = [q["sql"] for q in captured if WHOLE_TABLE_COUNT.search(q["sql"])]
    assert counts == []
    # Nor a DISTINCT over every article (a date hierarchy's years: 0.7 s at a million).
    assert not [q["sql"] for q in captured if "SELECT DISTINCT" in q["sql"]]
    assert shown(first) == ["Story 4", "Story 3"]
    assert 'href="?p=2"' in first.content.decode()
    assert shown(client.get(URL + "?p=2")) == ["Story 2", "Story 1"]
    assert shown(client.get(URL + "?p=3")) == ["Story 0"]


def test_filtered_and_searched_lists_are_counted_exactly(client, editor, big_archive):
    make_article(headline="A draft about harbours", status=Article.Status.DRAFT)
    client.force_login(editor)
    drafts = client.get(URL + "?status__exact=draft")
    assert drafts.context["cl"].result_count == 1
    assert shown(drafts) == ["A draft about harbours"]
    found = client.get(URL + "?q=harbours")
    assert found.context["cl"].result_count == 1
    assert shown(found) == ["A draft about harbours"]


def test_writer_sees_an_exact_count_of_their_own_articles(client, writer, big_archive):
    mine = make_article(headline="Wanda's story", status=Article.Status.DRAFT, created_by=writer)
    client.force_login(writer)
    response = client.get(URL)
    assert response.status_code == 200
    assert response.context["cl"].result_count == 1
    assert shown(response) == [mine.headline]


def test_search_finds_drafts_and_published_articles_by_a_word_of_headline_or_body(
    client, editor, big_archive
):
    make_article(headline="Port report", body="<p>The harbours reopened.</p>", status="draft")
    make_article(headline="Harbour master retires")
    client.force_login(editor)
    with CaptureQueriesContext(connection) as captured:
        found = client.get(URL + "?q=harbour")
    assert sorted(shown(found)) == ["Harbour master retires", "Port report"]
    assert found.context["cl"].result_count == 2
    if connection.vendor == "postgresql":
        # From the full-text index: a LIKE over every article's body reads the whole table.
        searches = [q["sql"] for q in captured if 'FROM "articles_article"' in q["sql"]]
        assert not [sql for sql in searches if "LIKE" in sql]
        assert [sql for sql in searches if "search_vector" in sql]
