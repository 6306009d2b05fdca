"""Reader search on SQLite: FTS5 full-text, ranked; same interface as articles.search.postgres.

The index (migration 0007) is an FTS5 table over headline, standfirst and body kept in step by
triggers on articles_article. Words are Porter-stemmed and folded (unicode61 with
``remove_diacritics 2``), so "flooded" finds "Floods" and "cafe" finds "Café"; each word also
matches as a prefix ("rail" finds "railway"), as on PostgreSQL. Every word must match. Ranked
by bm25 with column weights headline 10 > standfirst 4 > body 1, like PostgreSQL's A > B > C;
bm25 adds the weighted counts up before saturating them, so a body that repeats a word many
times can outrank a single standfirst mention (one bm25 call: a call per column would keep
the columns apart, at three times the cost). What differs from PostgreSQL is declared in
tests/test_search_parity.py.

The query never reaches FTS5 as syntax: each word of ``search_terms`` (letters and digits
only) becomes a quoted prefix string, so AND, OR, NEAR, NOT, quotes and stars are words.
"""

from snowballstemmer import stemmer

from articles.models import Article
from articles.search.terms import search_terms

TABLE = "articles_article_fts"
WEIGHTS = (10.0, 4.0, 1.0)  # headline, standfirst, body: the table's column order
# Statements that (re)create the triggers; migration 0007 holds the first, frozen copy.
COLUMNS = "headline, standfirst, body"
NEW = "new.headline, new.standfirst, new.body"
OLD = "old.headline, old.standfirst, old.body"
TRIGGERS = {
    f"{TABLE}_insert": f"""CREATE TRIGGER IF NOT EXISTS {TABLE}_insert
AFTER INSERT ON articles_article BEGIN
    INSERT INTO {TABLE}(rowid, {COLUMNS}) VALUES (new.id, {NEW});
END""",
    f"{TABLE}_delete": f"""CREATE TRIGGER IF NOT EXISTS {TABLE}_delete
AFTER DELETE ON articles_article BEGIN
    INSERT INTO {TABLE}({TABLE}, rowid, {COLUMNS}) VALUES ('delete', old.id, {OLD});
END""",
    f"{TABLE}_update": f"""CREATE TRIGGER IF NOT EXISTS {TABLE}_update
AFTER UPDATE OF {COLUMNS} ON articles_article BEGIN
    INSERT INTO {TABLE}({TABLE}, rowid, {COLUMNS}) VALUES ('delete', old.id, {OLD});
    INSERT INTO {TABLE}(rowid, {COLUMNS}) VALUES (new.id, {NEW});
END""",
}
_porter = stemmer("porter")  # the algorithm of FTS5's porter tokenizer


def match_expression(terms):
    """An FTS5 query needing every term, each as a prefix: ``"china"* "rail"*``.

    Terms hold letters and digits only (``search_terms``), so quoting cannot be broken out of.
    """
    return " ".join(f'"{term}"*' for term in terms)


def stems(terms):
    """The Porter stems FTS5 matches the terms by: 'flooded' -> 'flood' (for highlighting)."""
    return _porter.stemWords([term.casefold() for term in terms])


def search_articles(query, *, now=None):
    """Published articles matching every word of the query, best matches first.

    The FTS rows are joined to ``Article.objects.published()`` itself, so the reader gate is
    the one QuerySet's. ``extra()`` because the ORM cannot join a table that has no model,
    and a model for the index would put its rows into dumpdata and fixtures.
    """
    terms = search_terms(query)
    if not terms:
        return Article.objects.none()
    article = Article._meta.db_table
    weights = ", ".join(str(weight) for weight in WEIGHTS)
    return (
        Article.objects.published(now=now)
        .extra(
            # bm25 is lower for better matches; negated, so rank means what it does on PostgreSQL.
            select={"rank": f"-bm25({TABLE}, {weights})"},
            tables=[TABLE],
            where=[f"{TABLE} MATCH %s", f'{TABLE}.rowid = "{article}"."id"'],
            params=[match_expression(terms)],
        )
        .order_by("-rank", "-published_at", "-id")
    )


def restore_index(connection):
    """Put back triggers a table rebuild dropped, and re-index: True if anything was missing.

    Django rebuilds a SQLite table (copy, drop, rename) for many schema changes, and dropping
    articles_article drops its triggers: the index would silently stop following writes.
    Run after every ``migrate`` (articles.apps); a no-op while the triggers are in place.
    """
    missing = missing_triggers(connection)
    if not missing:
        return False
    with connection.cursor() as cursor:
        for name in missing:
            cursor.execute(TRIGGERS[name])
        cursor.execute(f"INSERT INTO {TABLE}({TABLE}) VALUES ('rebuild')")
    return True


def missing_triggers(connection):
    """The index's triggers absent from the database; none when there is no index to keep."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE name LIKE %s", [f"{TABLE}%"])
        present = {name for (name,) in cursor.fetchall()}
    if TABLE not in present:
        return []  # not migrated this far, or migrated back
    return sorted(set(TRIGGERS) - present)


def restore_index_after_migrate(sender, using, **kwargs):
    """post_migrate receiver: ``restore_index`` on a SQLite database."""
    from django.db import connections

    if connections[using].vendor == "sqlite":
        restore_index(connections[using])
