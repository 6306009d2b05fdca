"""Which articles the article page points to: related stories and its section neighbours.

Like the rest of the article page's reads (articles/reader/article_reads.py), this is SQL written by
hand. Built with the ORM (an EXISTS, a counting subquery and two ordered scalar subqueries),
Django spent about 5 ms of Python
composing and compiling them on every uncached article page, against under 2 ms for the
database to answer; the article page's whole budget is a few milliseconds
(benchmarks/RESULTS.md). The statements are plain SQL that SQLite and PostgreSQL both run, on
indexes made for them, and the suite runs them on both.

The statement names candidates by id; articles/reader/article_reads.py loads them for their cards in
the same statement.
"""

from articles.models import Article, TaggedArticle
from articles.reader.plain_sql import table, timestamp

# Articles most recently tagged with each of the article's tags that are ranked: bounds the
# cost of a tag carried by thousands of stories, reading (tag, article) index entries only.
PER_TAG_POOL = 100


def _tables():
    return table(Article), table(TaggedArticle)


def candidates(article, tag_ids, *, now, limit):
    """(sql, params) of one statement naming every article the page may point to, or None.

    Each row is (kind, id, shared, published_at): kind RELATED, PREVIOUS or NEXT, and for a
    related candidate the number of tags it shares. ``choose`` picks from them.

    Related: published articles sharing the most of ``tag_ids``, then the newest of the same
    section; newest first among equals. Two small answers cover that ranking exactly: the
    ``limit`` best tag-sharers, and the ``limit`` newest of the section (a section article that
    also shares tags gets its count from the first). Tag-sharers are looked for among the
    PER_TAG_POOL newest articles of each tag, so the page costs the same on an archive of 100
    or 100,000 articles.

    Neighbours: the article's previous and next in its section by posting time, ties broken
    by id. Each side reads the (section, status, time, id) index from the article outwards and
    stops at the first published article; a side with none gives a NULL id.
    """
    parts = [
        _tag_sharers(article, tag_ids, now, limit),
        _section_newest(article, now, limit),
        _neighbours(article, now),
    ]
    parts = [part for part in parts if part]
    if not parts:
        return None
    return " UNION ALL ".join(sql for sql, _ in parts), [p for _, ps in parts for p in ps]


def choose(rows, limit):
    """(related, previous, next) from (kind, shared, article) rows of ``candidates``."""
    previous = next((article for kind, _, article in rows if kind == PREVIOUS), None)
    following = next((article for kind, _, article in rows if kind == NEXT), None)
    best = {}  # id: (shared tags, published at, id, article); a tag-sharer's count wins over 0
    for kind, shared, article in rows:
        if kind == RELATED and (article.pk not in best or shared > best[article.pk][0]):
            best[article.pk] = (shared, article.published_at, article.pk, article)
    # Most shared tags first, then newest: a union promises no order, so sort here.
    ranked = sorted(best.values(), key=lambda entry: entry[:3], reverse=True)
    return [entry[3] for entry in ranked[:limit]], previous, following


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
        f"SELECT {RELATED} AS kind, r.id AS id, r.shared AS shared,"
        " r.published_at AS published_at FROM ("
        f"SELECT c.id AS id, (SELECT COUNT(*) FROM {tagged} t WHERE t.content_object_id = c.id"
        f" AND t.tag_id IN ({in_tags})) AS shared, (SELECT a.published_at FROM {articles} a"
        " WHERE a.id = c.id AND a.status = %s AND a.published_at <= %s) AS published_at"
        f" FROM (SELECT DISTINCT u.id FROM ({newest_per_tag}) u) c WHERE c.id <> %s"
        ") r WHERE r.published_at IS NOT NULL"
        f" ORDER BY r.shared DESC, r.published_at DESC, r.id DESC LIMIT {int(limit)}"
    )
    params = [*tag_ids, Article.Status.PUBLISHED, timestamp(now), *tag_ids, article.pk]
    # Wrapped: a branch of UNION ALL may not carry its own ORDER BY and LIMIT.
    return f"SELECT * FROM ({sql}) ranked", params


def _section_newest(article, now, limit):
    """The ``limit`` newest published articles of the article's section."""
    if not article.section_id:
        return None
    articles, _ = _tables()
    sql = (
        f"SELECT {RELATED} AS kind, s.id AS id, 0 AS shared, s.published_at AS published_at FROM ("
        f"SELECT a.id AS id, a.published_at AS published_at FROM {articles} a"
        " WHERE a.section_id = %s AND a.status = %s AND a.published_at <= %s AND a.id <> %s"
        f" ORDER BY a.published_at DESC, a.id DESC LIMIT {int(limit)}) s"
    )
    return sql, [article.section_id, Article.Status.PUBLISHED, timestamp(now), article.pk]


def _neighbours(article, now):
    if not article.section_id or article.published_at is None:
        return None
    articles, _ = _tables()
    live = "b.section_id = %s AND b.status = %s AND b.published_at <= %s"
    sql = (
        f"SELECT {PREVIOUS} AS kind, (SELECT b.id FROM {articles} b WHERE {live}"
        " AND b.published_at <= %s AND NOT (b.published_at = %s AND b.id >= %s)"
        " ORDER BY b.published_at DESC, b.id DESC LIMIT 1) AS id, 0 AS shared,"
        " NULL AS published_at"
        f" UNION ALL SELECT {NEXT}, (SELECT b.id FROM {articles} b WHERE {live}"
        " AND b.published_at >= %s AND NOT (b.published_at = %s AND b.id <= %s)"
        " ORDER BY b.published_at ASC, b.id ASC LIMIT 1), 0, NULL"
    )
    live_params = [article.section_id, Article.Status.PUBLISHED, timestamp(now)]
    at = timestamp(article.published_at)
    return sql, [*live_params, at, at, article.pk, *live_params, at, at, article.pk]
