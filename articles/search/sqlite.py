"""Reader search on SQLite: FTS5 full-text, ranked; same interface as articles.search.postgres.

The index (migrations 0010_search_fts, 0012_search_body_plain) is an FTS5 table over headline, standfirst and the body's plain words, kept by
triggers on articles_article. Words are Porter-stemmed and folded (unicode61 with
``remove_diacritics 2``), so "flooded" finds "Floods" and "cafe" finds "Café"; each word also
matches as a prefix ("rail" finds "railway"), as on PostgreSQL. Every word must match. Ranked
by bm25 with column weights headline 10 > standfirst 4 > body 1, like PostgreSQL's A > B > C;
bm25 adds the weighted counts up before saturating them, so a body that repeats a word many
times can outrank a single standfirst mention (one bm25 call: a call per column would keep
the columns apart, at three times the cost). What differs from PostgreSQL is declared in
tests/test_search_parity.py.

Only the newest matches are ranked (articles/search/__init__.py), as on PostgreSQL.

The query never reaches FTS5 as syntax: each word of ``search_terms`` (letters and digits
only) becomes a quoted prefix string, so AND, OR, NEAR, NOT, quotes and stars are words.
"""

from django.db import connection, connections
from snowballstemmer import stemmer

from articles.search.results import ranked_matches, search_results
from articles.search.terms import search_terms

TABLE = "articles_article_fts"
WEIGHTS = (10.0, 4.0, 1.0)  # headline, standfirst, body: the table's column order
# Up to this many matches the reader gate is checked on each matching row; beyond, it is
# read from its index at once. Chosen from the two ends measured at 10,000 articles (200
# matches: 1 ms row by row, 5-20 ms from the index; 9,500: the reverse, 4x apart).
ROW_BY_ROW_UP_TO = 1000
# Statements that (re)create the triggers; migration 0012_search_body_plain holds the frozen copy.
COLUMNS = "headline, standfirst, body_plain"
NEW = "new.headline, new.standfirst, new.body_plain"
OLD = "old.headline, old.standfirst, old.body_plain"
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


def match_expression(terms):
    """An FTS5 query needing every term, each as a prefix: ``"china"* "rail"*``.

    Terms hold letters and digits only (``search_terms``), so quoting cannot be broken out of.
    """
    return " ".join(f'"{term}"*' for term in terms)


def stems(terms):
    """The Porter stems FTS5 matches the terms by: 'flooded' -> 'flood' (for highlighting)."""
    # The algorithm of FTS5's porter tokenizer; a stemmer per call, as one keeps state while
    # it works and requests may run in threads.
    return stemmer("porter").stemWords([term.casefold() for term in terms])


def search_articles(query, *, now=None):
    """Published articles matching every word of the query: the newest ``ranked_matches()``
    of them, best matches first."""
    terms = search_terms(query)
    if not terms:
        return search_results().none()
    return RankedArticles(match_expression(terms), search_results().published(now=now))


class RankedArticles:
    """Ranked search results, used as a QuerySet is by Paginator and the pages: ``count()``,
    slices, iteration, ``more_matches``, and ``for_listing()``/``defer()`` passed on to the
    rows shown.

    The index is joined to ``live``, the SQL of the ``published`` QuerySet itself (the one
    reader gate); the newest ``ranked_matches()`` matches are ranked, and the rows shown are
    read through that QuerySet again. Article rows are read for the slice shown only, and the
    gate is read one of two ways (benchmarks/RESULTS.md):
    - few matches: row by row, from each matching article;
    - many matches (a word in most articles): all at once from the gate's covering index,
      because in SQLite's rows the gate's columns sit after the body, so checking 9,500
      matches row by row reads 9,500 bodies (4x slower at 10,000 articles).
    """

    ordered = True  # Paginator warns about unordered QuerySets

    def __init__(self, expression, published):
        self.expression = expression
        self.published = published
        self.rows = published
        self.ranked = ranked_matches()
        self._count = None
        self._matches_count = None

    def _with_rows(self, rows):
        clone = RankedArticles(self.expression, self.published)
        clone.rows = rows
        clone._matches_count = self._matches_count
        clone._count = self._count
        return clone

    def for_listing(self):
        return self._with_rows(self.rows.for_listing())

    def defer(self, *fields):
        return self._with_rows(self.rows.defer(*fields))

    def _matches(self):
        """How many articles (live or not) the index matches: a lookup in the index alone."""
        if self._matches_count is None:
            with connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT count(*) FROM {TABLE} WHERE {TABLE} MATCH %s", [self.expression]
                )
                self._matches_count = cursor.fetchone()[0]
        return self._matches_count

    def _execute(self, select, limit, tail="", tail_params=()):
        """``select`` over the newest ``limit`` live matches (``newest``: id, published_at,
        rank), then ``tail``."""
        # CROSS JOIN keeps the index the outer loop (SQLite probing the index once per live
        # article is far slower); MATERIALIZED reads the gate from its covering index at once.
        many = self._matches() > ROW_BY_ROW_UP_TO
        live = self.published.order_by().values("id", "published_at")
        live_sql, live_params = live.query.sql_with_params()
        weights = ", ".join(str(weight) for weight in WEIGHTS)
        sql = (
            f"WITH live(id, published_at) AS {'' if many else 'NOT '}MATERIALIZED ({live_sql}), "
            # bm25 is lower for better matches; negated, so rank means what it does on PostgreSQL.
            f"newest(id, published_at, rank) AS (SELECT live.id, live.published_at, "
            f"-bm25({TABLE}, {weights}) FROM {TABLE} CROSS JOIN live ON live.id = {TABLE}.rowid "
            f"WHERE {TABLE} MATCH %s ORDER BY live.published_at DESC, live.id DESC LIMIT %s) "
            f"SELECT {select} FROM newest {tail}"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [*live_params, self.expression, limit, *tail_params])
            return cursor.fetchall()

    def _count_newest(self):
        if self._count is None:
            self._count = self._execute("count(*)", self.ranked + 1)[0][0]
        return self._count

    @property
    def more_matches(self):
        return self._count_newest() > self.ranked

    def count(self):
        return min(self._count_newest(), self.ranked)

    def __len__(self):
        return self.count()

    def exists(self):
        return self.count() > 0

    def __getitem__(self, index):
        if isinstance(index, int):
            return self[index : index + 1][0]
        start = index.start or 0
        limit = -1 if index.stop is None else max(index.stop - start, 0)
        ranked = self._execute(
            "id, rank",
            self.ranked,
            "ORDER BY rank DESC, published_at DESC, id DESC LIMIT %s OFFSET %s",
            [limit, start],
        )
        rows = self.rows.in_bulk([pk for pk, _ in ranked])
        shown = []
        for pk, rank in ranked:
            if pk in rows:  # unpublished between the two statements: not shown
                rows[pk].rank = rank
                shown.append(rows[pk])
        return shown

    def __iter__(self):
        return iter(self[0:None])


def restore_index(database):
    """Put back triggers a table rebuild dropped, and re-index: True if anything was missing.

    Django rebuilds a SQLite table (copy, drop, rename) for many schema changes, and dropping
    articles_article drops its triggers: the index would silently stop following writes.
    Run after every ``migrate`` (articles.apps); a no-op while the triggers are in place.
    """
    missing = missing_triggers(database)
    if not missing:
        return False
    with database.cursor() as cursor:
        for name in missing:
            cursor.execute(TRIGGERS[name])
        cursor.execute(f"INSERT INTO {TABLE}({TABLE}) VALUES ('rebuild')")
    return True


def missing_triggers(database):
    """The index's triggers absent from the database; none when there is no index to keep."""
    with database.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE name LIKE %s", [f"{TABLE}%"])
        present = {name for (name,) in cursor.fetchall()}
    if TABLE not in present:
        return []  # not migrated this far, or migrated back
    return sorted(set(TRIGGERS) - present)


def restore_index_after_migrate(sender, using, **kwargs):
    """post_migrate receiver: ``restore_index`` on a SQLite database."""
    if connections[using].vendor == "sqlite":
        restore_index(connections[using])
