"""Which articles the article page points to: related stories and its section neighbours.

These two lookups are the article page's only SQL written by hand. Built with the ORM (an
EXISTS, a counting subquery and two ordered scalar subqueries), Django spent about 5 ms of
Python composing and compiling them on every uncached article page, against under 2 ms for
the database to answer; the article page's whole budget is a few milliseconds
(benchmarks/RESULTS.md). The statements are plain SQL that SQLite and PostgreSQL both run, on
the same indexes the ORM version used, and the suite runs them on both.

Only ids come back; the caller loads the articles with the ORM.
"""

from django.db import connection

from articles.models import Article, TaggedArticle

POOL = 200  # newest candidates ranked; bounds the cost on a large archive


def _tables():
    quote = connection.ops.quote_name
    return quote(Article._meta.db_table), quote(TaggedArticle._meta.db_table)


def _timestamp(value):
    """A datetime as the database backend stores it (SQLite keeps naive UTC text)."""
    return connection.ops.adapt_datetimefield_value(value)


def related_and_neighbour_ids(article, tag_ids, *, now, limit):
    """(related ids, previous id, next id) in one statement; the neighbours may be None.

    Related: published articles sharing the most of ``tag_ids``, then the same section; newest
    first among equals. Only the newest POOL candidates (same section or a shared tag) are
    ranked, so the page costs the same on an archive of 100 or 100,000 articles.

    Neighbours: the article's previous and next in its section by posting time, ties broken
    by id. Each side reads the (section, status, time, id) index from the article outwards and
    stops at the first published article.
    """
    parts = [_related(article, tag_ids, now), _neighbours(article, now)]
    parts = [part for part in parts if part]
    if not parts:
        return [], None, None
    with connection.cursor() as cursor:
        cursor.execute(
            " UNION ALL ".join(sql for sql, _ in parts), [p for _, params in parts for p in params]
        )
        rows = cursor.fetchall()
    previous = next((pk for kind, pk, *_ in rows if kind == PREVIOUS), None)
    following = next((pk for kind, pk, *_ in rows if kind == NEXT), None)
    # Most shared tags first, then newest: a union promises no order, so sort here.
    ranked = sorted(
        (row for row in rows if row[0] == RELATED), key=lambda row: (row[2], row[3]), reverse=True
    )
    return [pk for _, pk, *_ in ranked[:limit]], previous, following


RELATED, PREVIOUS, NEXT = 0, 1, 2  # the first column of each row: which answer it is


def _related(article, tag_ids, now):
    if not tag_ids and not article.section_id:
        return None
    articles, tagged = _tables()
    shared, shared_params = "0", []
    candidates, candidate_params = [], []
    if tag_ids:
        in_tags = ", ".join(["%s"] * len(tag_ids))
        alike = f"FROM {tagged} t WHERE t.content_object_id = a.id AND t.tag_id IN ({in_tags})"
        shared, shared_params = f"(SELECT COUNT(*) {alike})", list(tag_ids)
        candidates.append(f"EXISTS (SELECT 1 {alike})")
        candidate_params += tag_ids
    if article.section_id:
        candidates.append("a.section_id = %s")
        candidate_params.append(article.section_id)
    sql = (
        f"SELECT {RELATED}, pool.id, pool.shared, pool.published_at FROM ("
        f"SELECT a.id AS id, {shared} AS shared, a.published_at AS published_at"
        f" FROM {articles} a"
        " WHERE a.status = %s AND a.published_at <= %s AND a.id <> %s"
        f" AND ({' OR '.join(candidates)})"
        f" ORDER BY a.published_at DESC LIMIT {POOL}) pool"
    )
    params = [*shared_params, Article.Status.PUBLISHED, _timestamp(now), article.pk]
    return sql, params + candidate_params


def _neighbours(article, now):
    if not article.section_id or article.published_at is None:
        return None
    articles, _ = _tables()
    live = "b.section_id = %s AND b.status = %s AND b.published_at <= %s"
    sql = (
        f"SELECT {PREVIOUS}, (SELECT b.id FROM {articles} b WHERE {live}"
        " AND b.published_at <= %s AND NOT (b.published_at = %s AND b.id >= %s)"
        " ORDER BY b.published_at DESC, b.id DESC LIMIT 1), 0, NULL"
        f" UNION ALL SELECT {NEXT}, (SELECT b.id FROM {articles} b WHERE {live}"
        " AND b.published_at >= %s AND NOT (b.published_at = %s AND b.id <= %s)"
        " ORDER BY b.published_at ASC, b.id ASC LIMIT 1), 0, NULL"
    )
    live_params = [article.section_id, Article.Status.PUBLISHED, _timestamp(now)]
    at = _timestamp(article.published_at)
    return sql, [*live_params, at, at, article.pk, *live_params, at, at, article.pk]
