"""Reader search on PostgreSQL: full-text and ranked; same interface as articles.search.query.

Matches against the stored ``search_vector`` column (migration 0003: generated, GIN-indexed,
headline A > standfirst B > body C, English stemming), so "floods" finds "flooding", and each
word also matches as a prefix ("rail" finds "railway"), as the portable search matches inside
words. Every word must match. The query never reaches the database as syntax: it is reduced
to at most a few alphanumeric words, joined here into a prefix tsquery.

Only the newest matches are ranked (articles/search/__init__.py): they are found by looking
back over a week, then as far as its rate of matches says (``newest_matches``). Results carry ``rank`` only.
The page highlights the rows it shows with articles.search.query's ``highlight`` and
``snippet``, as on every database; two ts_headline calls per row cost more than the rest of
the query, for output the page never showed.
"""

from contextlib import contextmanager
from datetime import timedelta

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVectorField
from django.db import connection, connections
from django.db.models import F
from django.db.models.expressions import RawSQL
from django.utils import timezone

from articles.search.results import ranked_matches, search_results
from articles.search.terms import search_terms

CONFIG = "english"


def stems(terms):
    """The lexemes PostgreSQL's English configuration makes of the terms: 'flooded' -> 'flood'."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT unnest(tsvector_to_array(to_tsvector(%s::regconfig, %s)))",
            [CONFIG, " ".join(terms)],
        )
        return [lexeme for (lexeme,) in cursor.fetchall()]


def text_query(terms):
    """A tsquery needing every term, each also as a prefix: ``china:* & rail:*``."""
    return SearchQuery(" & ".join(f"{term}:*" for term in terms), search_type="raw", config=CONFIG)


def search_vector():
    """The stored column, which the model does not declare (the database generates it)."""
    return RawSQL('"articles_article"."search_vector"', [], SearchVectorField())


def matching(articles, tsquery):
    """``articles`` whose search vector matches ``tsquery``; read from the GIN index."""
    # An alias, not an annotation: filter (and rank) on the vector without sending it back.
    return articles.alias(search_vector=search_vector()).filter(search_vector=tsquery)


# The first span of publish time looked back over for the newest matches. A common word's
# newest matches lie within it; for a rarer word, how many it holds tells how far back to look
# next. Each span is read as the full-text index's matches ANDed with the publish-time index's
# range, so "embassy" at a million articles reads about 1,500 rows instead of its 21,000 matches.
FIRST_LOOK_BACK = timedelta(days=7)
SPARE = 1.5  # the second span holds half again as many matches as the first one's rate needs


def newest_matches(articles, tsquery, *, now, limit, undated_first=False):
    """The ids of the newest ``limit`` of ``articles`` matching ``tsquery``, newest first;
    with ``undated_first``, those with no publish time (drafts) before all others, as the
    admin lists them.

    Dated matches take at most three reads: the last week; as far back as the week's rate of
    matches says holds the rest; everything. Each read is exact, so the answer is too.
    """
    found = []
    if undated_first:
        found = newest_first(matching(articles.filter(published_at=None), tsquery), limit)
        articles = articles.exclude(published_at=None)
    wanted = limit - len(found)
    span = FIRST_LOOK_BACK
    while wanted:
        window = articles if span is None else articles.filter(published_at__gte=now - span)
        ids = newest_first(matching(window, tsquery), wanted)
        if len(ids) == wanted or span is None:
            return found + ids
        if span == FIRST_LOOK_BACK and ids:
            span = span * (SPARE * wanted / len(ids))
        else:
            span = None
    return found


def newest_first(matches, limit):
    """The ids of the newest ``limit`` of ``matches``, newest first, the matches read from the
    full-text index whatever their number.

    MATERIALIZED, because PostgreSQL guesses that any prefix query matches 2% of the articles:
    with ORDER BY and LIMIT it would walk the publish-time index backwards and test every
    article it passes, which for a word found nowhere is the whole archive (2.2 s at a million
    articles) instead of one empty lookup in the full-text index.
    """
    sql, params = matches.order_by().values_list("pk", "published_at").query.sql_with_params()
    database = connections[matches.db]
    with database.cursor() as cursor, planned_for_its_values(database):
        cursor.execute(
            f"WITH matches(id, published_at) AS MATERIALIZED ({sql}) SELECT id FROM matches "
            "ORDER BY published_at DESC NULLS FIRST, id DESC LIMIT %s",
            [*params, limit],
        )
        return [pk for (pk,) in cursor.fetchall()]


@contextmanager
def planned_for_its_values(database):
    """Statements run here are never prepared (settings: DATABASE_PREPARED_STATEMENTS).

    A prepared statement is planned once for any values after a few runs, and the best plan for
    a search depends on them: for a word in two thirds of a million articles, the generic plan
    took 62 ms where one planned for the word took 20 ms.
    """
    connection = database.connection  # psycopg's; the cursor has opened it
    threshold = connection.prepare_threshold
    connection.prepare_threshold = None
    try:
        yield
    finally:
        connection.prepare_threshold = threshold


def search_articles(query, *, now=None):
    """Published articles matching every word of the query: the newest ``ranked_matches()``
    of them, best matches first."""
    terms = search_terms(query)
    if not terms:
        return search_results().none()
    now = now or timezone.now()
    tsquery = text_query(terms)
    published = search_results().published(now=now)
    ranked = ranked_matches()
    newest = newest_matches(published, tsquery, now=now, limit=ranked + 1)
    results = (
        published.filter(pk__in=newest[:ranked])
        .alias(search_vector=search_vector())
        .annotate(rank=SearchRank(F("search_vector"), tsquery))
        .order_by("-rank", "-published_at", "-id")
    )
    results.more_matches = len(newest) > ranked
    return results


def filter_articles(articles, query):
    """The newest ``ranked_matches()`` of ``articles`` (of any status: the admin's list) with
    every word of the query in their headline, standfirst or body, as stems and prefixes, as
    reader search matches them; and whether more matched."""
    terms = search_terms(query)
    if not terms:
        return articles.none(), False
    ranked = ranked_matches()
    newest = newest_matches(
        articles,
        text_query(terms),
        now=timezone.now(),
        limit=ranked + 1,
        undated_first=True,
    )
    return articles.filter(pk__in=newest[:ranked]), len(newest) > ranked
