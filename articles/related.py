"""Which articles the article page points to: related stories and its section neighbours.

These lookups are the article page's only SQL written by hand. Built with the ORM (an EXISTS,
a counting subquery and two ordered scalar subqueries), Django spent about 5 ms of Python
composing and compiling them on every uncached article page, against under 2 ms for the
database to answer; the article page's whole budget is a few milliseconds
(benchmarks/RESULTS.md). The statements are plain SQL that SQLite and PostgreSQL both run, on
indexes made for them, and the suite runs them on both.

Only ids come back; the caller loads the articles with the ORM.
"""

from django.db import connection

from articles.models import Article, TaggedArticle

# Articles most recently tagged with each of the article's tags that are ranked: bounds the
# cost of a tag carried by thousands of stories, reading (tag, article) index entries only.
PER_TAG_POOL = 100


def _tables():
    quote = connection.ops.quote_name
    return quote(Article._meta.db_table), quote(TaggedArticle._meta.db_table)


def _timestamp(value):
    """A datetime as the database backend stores it (SQLite keeps naive UTC text)."""
    return connection.ops.adapt_datetimefield_value(value)


def related_and_neighbour_ids(article, tag_ids, *, now, limit):
    """(related ids, previous id, next id) in one statement; the neighbours may be None.

    Related: published articles sharing the most of ``tag_ids``, then the newest of the same
    section; newest first among equals. Two small answers cover that ranking exactly: the
    ``limit`` best tag-sharers, and the ``limit`` newest of the section (a section article that
    also shares tags gets its count from the first). Tag-sharers are looked for among the
    PER_TAG_POOL newest articles of each tag, so the page costs the same on an archive of 100
    or 100,000 articles.

    Neighbours: the article's previous and next in its section by posting time, ties broken
    by id. Each side reads the (section, status, time, id) index from the article outwards and
    stops at the first published article.
    """
    parts = [
        _tag_sharers(article, tag_ids, now, limit),
        _section_newest(article, now, limit),
        _neighbours(article, now),
    ]
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
    candidates = {}  # id: (shared tags, published at, id); a tag-sharer's count wins over 0
    for kind, pk, shared, published_at in rows:
        if kind == RELATED and (pk not in candidates or shared > candidates[pk][0]):
            candidates[pk] = (shared, published_at, pk)
    # Most shared tags first, then newest: a union promises no order, so sort here.
    ranked = sorted(candidates.values(), reverse=True)
    return [pk for *_, pk in ranked[:limit]], previous, following


RELATED, PREVIOUS, NEXT = 0, 1, 2  # the first column of each row: which answer it is


def _tag_sharers(article, tag_ids, now, limit):
    """The ``limit`` published articles sharing the most tags, newest first among equals.

    Each candidate's count and posting time are scalar subqueries on purpose: as a join,
    PostgreSQL hashed the few candidates against every published article.
    """
    if not tag_ids:
        return None
    articles, tagged = _tables()
    newest_per_tag = " UNION ALL ".join(
        f"SELECT p{n}.content_object_id AS id FROM (SELECT content_object_id FROM {tagged}"
        f" WHERE tag_id = %s ORDER BY content_object_id DESC LIMIT {PER_TAG_POOL}) p{n}"
        for n in range(len(tag_ids))
    )
    in_tags = ", ".join(["%s"] * len(tag_ids))
    sql = (
        f"SELECT {RELATED}, r.id, r.shared, r.published_at FROM ("
        f"SELECT c.id AS id, (SELECT COUNT(*) FROM {tagged} t WHERE t.content_object_id = c.id"
        f" AND t.tag_id IN ({in_tags})) AS shared, (SELECT a.published_at FROM {articles} a"
        " WHERE a.id = c.id AND a.status = %s AND a.published_at <= %s) AS published_at"
        f" FROM (SELECT DISTINCT u.id FROM ({newest_per_tag}) u) c WHERE c.id <> %s"
        ") r WHERE r.published_at IS NOT NULL"
        f" ORDER BY r.shared DESC, r.published_at DESC, r.id DESC LIMIT {int(limit)}"
    )
    params = [*tag_ids, Article.Status.PUBLISHED, _timestamp(now), *tag_ids, article.pk]
    # Wrapped: a branch of UNION ALL may not carry its own ORDER BY and LIMIT.
    return f"SELECT * FROM ({sql}) ranked", params


def _section_newest(article, now, limit):
    """The ``limit`` newest published articles of the article's section."""
    if not article.section_id:
        return None
    articles, _ = _tables()
    sql = (
        f"SELECT {RELATED}, s.id, 0, s.published_at FROM ("
        f"SELECT a.id AS id, a.published_at AS published_at FROM {articles} a"
        " WHERE a.section_id = %s AND a.status = %s AND a.published_at <= %s AND a.id <> %s"
        f" ORDER BY a.published_at DESC, a.id DESC LIMIT {int(limit)}) s"
    )
    return sql, [article.section_id, Article.Status.PUBLISHED, _timestamp(now), article.pk]


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
