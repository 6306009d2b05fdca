"""SQLite full-text search (FTS5): kept in step by the database, stemmed, folded, ranked, safe."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection, models
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pytest_django.asserts import assertContains

from articles.importer import Importer, ImportOptions, RawFile, import_many
from articles.models import Article
from articles.search import sqlite
from tests.factories import make_article, make_section

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "sqlite", reason="the FTS5 index is SQLite's"),
]


def search(query, **kwargs):
    return list(sqlite.search_articles(query, **kwargs))


def indexed(word):
    """Ids the index itself holds for a word, whatever their status (no reader gate)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT rowid FROM {sqlite.TABLE} WHERE {sqlite.TABLE} MATCH %s ORDER BY rowid",
            [f'"{word}"'],
        )
        return [rowid for (rowid,) in cursor.fetchall()]


def test_index_follows_save_update_and_delete():
    article = make_article(headline="Quiet day", body="Nothing happened.")
    assert search("earthquake") == []
    article.body = "An earthquake shook the capital."
    article.save()
    assert search("earthquake") == [article]
    # A bulk write sets the derived columns itself, as the importer's bulk path does.
    Article.objects.filter(pk=article.pk).update(
        headline="Tremors felt", body="", body_html="", body_plain=""
    )
    assert search("earthquake") == [] and search("tremors") == [article]
    article.delete()
    assert search("tremors") == [] and indexed("tremors") == []


def test_markup_is_not_searchable_but_the_words_inside_it_are():
    article = make_article(
        headline="Budget",
        body='<p>The <strong>deficit</strong> grew. <a href="https://x.example">Source</a></p>',
    )
    assert search("strong") == [] and search("href") == []
    assert search("deficit") == [article] and search("source") == [article]


def test_index_follows_bulk_writes_and_the_importer():
    Article.objects.bulk_create(
        Article(headline=f"Harvest {n}", slug=f"harvest-{n}", body="Grain.", section=None)
        for n in range(3)
    )
    assert len(indexed("harvest")) == 3
    raw = "\n".join(
        [
            "Posted: 01.03.2025 09:15:00",
            "Potash exports grow",
            "A standfirst",
            "To China.",
            "By Jan Novak",
        ]
    )
    results = import_many(
        Importer(ImportOptions(status=Article.Status.PUBLISHED, section=make_section())),
        [RawFile(name="potash.txt", data=raw.encode())],
    )
    assert [result.failed for result in results] == [False]
    assert [a.headline for a in search("potash china")] == ["Potash exports grow"]
    Article.objects.filter(headline__startswith="Harvest").delete()
    assert indexed("harvest") == []


def test_drafts_are_indexed_but_only_live_articles_are_found():
    draft = make_article(headline="Railway deal", status=Article.Status.IN_REVIEW)
    later = make_article(headline="Railway budget")
    posted = later.published_at
    assert indexed("railway") == sorted([draft.pk, later.pk])
    assert search("railway") == [later]
    assert search("railway", now=posted - timedelta(minutes=1)) == []


def test_word_forms_prefixes_and_accents_match():
    floods = make_article(headline="Floods hit the town", body="Flooding continues.")
    cafe = make_article(headline="Café reopens", body="Naïve coffee.")
    assert search("flooded") == [floods]
    assert search("flo") == [floods]
    assert search("cafe") == [cafe] and search("CAFÉ") == [cafe] and search("naive") == [cafe]


def test_headline_outranks_standfirst_outranks_body():
    in_body = make_article(headline="Round-up", body="The railway, and the railway again.")
    in_standfirst = make_article(headline="Trade", standfirst="The railway is open.", body="-")
    in_headline = make_article(headline="A new railway", body="Text.")
    assert search("railway") == [in_headline, in_standfirst, in_body]


def test_page_highlights_stems_and_accents_the_index_matched(client):
    make_article(headline="Floods hit the café", body="Flooding continues in the east.")
    response = client.get("/search/", {"q": "flooded cafe"})
    assertContains(response, "<mark>Flood</mark>s hit the <mark>café</mark>")
    assertContains(response, "<mark>Flood</mark>ing continues")


def test_operators_and_quotes_are_words_not_syntax():
    railway = make_article(headline="Railway to China", body="Freight trains.")
    make_article(headline="Road to China", body="Lorries.")
    # FTS5 would read these as OR, NOT, NEAR, a column filter or a phrase; here every word counts.
    assert search("railway OR road") == []
    assert search("china NOT road") == []
    assert search("NEAR(railway china)") == []
    assert search("headline:railway") == []
    assert search('"railway to" china') == [railway]
    assert search('railway" OR "1"="1') == []


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(query=st.text(max_size=60))
def test_any_text_is_a_safe_query(query):
    list(sqlite.search_articles(query)[:5])  # no OperationalError from FTS5's parser


@given(
    query=st.text(
        alphabet=st.sampled_from(list("\"*^:()-+ ANDORNEAR{}[]\\'%_,.;“”«»") + ["北", "é"]),
        max_size=30,
    )
)
@settings(max_examples=150, deadline=None)
def test_queries_made_of_fts5_syntax_are_safe(query):
    list(sqlite.search_articles(query)[:5])


@pytest.mark.django_db(transaction=True)
def test_index_follows_writes_after_a_migration_rebuilds_the_table():
    """Django rebuilds a SQLite table for many schema changes, which drops its triggers;
    migrate's post_migrate step puts them back and re-indexes what was written meanwhile."""
    before = make_article(headline="Lighthouse keeper retires")
    old = Article._meta.get_field("headline")
    wider = models.CharField("headline", max_length=301)
    wider.set_attributes_from_name("headline")
    wider.model = Article
    with connection.schema_editor() as editor:
        editor.alter_field(Article, old, wider)
    try:
        assert sqlite.missing_triggers(connection) == sorted(sqlite.TRIGGERS)
        meanwhile = make_article(headline="Lighthouse reopens")
        call_command("migrate", verbosity=0)
        assert sqlite.missing_triggers(connection) == []
        assert set(search("lighthouse")) == {before, meanwhile}
        after = make_article(headline="Lighthouse museum")
        assert after in search("lighthouse")
    finally:
        with connection.schema_editor() as editor:
            editor.alter_field(Article, wider, old)
        sqlite.restore_index(connection)


@pytest.mark.parametrize("row_by_row_up_to", [0, 1000], ids=["gate-from-index", "row-by-row"])
def test_both_ways_of_reading_the_gate_rank_the_same_live_articles(monkeypatch, row_by_row_up_to):
    monkeypatch.setattr(sqlite, "ROW_BY_ROW_UP_TO", row_by_row_up_to)
    older = make_article(headline="Harbour reopens", body="The harbour.")
    newer = make_article(headline="Harbour reopens", body="The harbour.")
    Article.objects.filter(pk=newer.pk).update(published_at=older.published_at + timedelta(1))
    in_body = make_article(headline="Coast", body="A harbour wall.")
    make_article(headline="Harbour plan", status=Article.Status.DRAFT)
    results = sqlite.search_articles("harbour", now=older.published_at + timedelta(2))
    assert results.count() == 3
    assert list(results) == [newer, older, in_body]
    assert list(results[1:]) == [older, in_body] and results[0] == newer
