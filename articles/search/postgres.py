"""Reader search on PostgreSQL: full-text and ranked; same interface as articles.search.query.

Matches against the stored ``search_vector`` column (migration 0003: generated, GIN-indexed,
headline A > standfirst B > body C, English stemming), so "floods" finds "flooding", and each
word also matches as a prefix ("rail" finds "railway"), as the portable search matches inside
words. Every word must match. The query never reaches the database as syntax: it is reduced
to at most a few alphanumeric words, joined here into a prefix tsquery.

Results carry ``rank`` only. The page highlights the rows it shows with articles.search.query's
``highlight`` and ``snippet``, as on every database; two ts_headline calls per row cost more
than the rest of the query, for output the page never showed.
"""

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVectorField
from django.db import connection
from django.db.models import F
from django.db.models.expressions import RawSQL

from articles.models import Article
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


def matching(articles, tsquery):
    """``articles`` whose search vector matches ``tsquery``; read from the GIN index."""
    # An alias, not an annotation: filter (and rank) on the vector without sending it back.
    vector = RawSQL('"articles_article"."search_vector"', [], SearchVectorField())
    return articles.alias(search_vector=vector).filter(search_vector=tsquery)


def search_articles(query, *, now=None):
    """Published articles matching every word of the query, best matches first."""
    terms = search_terms(query)
    if not terms:
        return Article.objects.none()
    tsquery = text_query(terms)
    return (
        matching(Article.objects.published(now=now), tsquery)
        .annotate(rank=SearchRank(F("search_vector"), tsquery))
        .order_by("-rank", "-published_at", "-id")
    )


def filter_articles(articles, query):
    """``articles`` (of any status: the admin's list) with every word of the query in their
    headline, standfirst or body, as stems and prefixes, as reader search matches them."""
    terms = search_terms(query)
    if not terms:
        return articles.none()
    return matching(articles, text_query(terms))
