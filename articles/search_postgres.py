"""Reader search on PostgreSQL: full-text, ranked, highlighted; same interface as articles.search.

Matches against the stored ``search_vector`` column (migration 0002: generated, GIN-indexed,
headline A > standfirst B > body C, English stemming), so "floods" finds "flooding", and each
word also matches as a prefix ("rail" finds "railway"), as the portable search matches inside
words. Every word must match. The query never reaches the database as syntax: it is reduced
to at most a few alphanumeric words, joined here into a prefix tsquery.

Results carry ``rank``, ``search_headline`` and ``search_snippet`` (ts_headline output,
HTML-escaped, matches wrapped in <mark>) for the page to show.
"""

import re

from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchRank,
    SearchVectorField,
)
from django.db.models import F
from django.db.models.expressions import RawSQL
from django.utils.html import escape
from django.utils.safestring import mark_safe

from articles.models import Article

CONFIG = "english"
MAX_QUERY_CHARS = 200
MAX_TERMS = 8
WORD = re.compile(r"[^\W_]+", re.UNICODE)
# ts_headline marks matches with these; they are swapped for <mark> after escaping.
START, STOP = "\x02", "\x03"


def search_terms(query):
    """The distinct words of a query (case-insensitive), capped in length and number."""
    unique = {}
    for word in WORD.findall((query or "")[:MAX_QUERY_CHARS]):
        if len(word) > 1 or word.isdigit():
            unique.setdefault(word.casefold(), word)
    return list(unique.values())[:MAX_TERMS]


def text_query(terms):
    """A tsquery needing every term, each also as a prefix: ``china:* & rail:*``."""
    return SearchQuery(" & ".join(f"{term}:*" for term in terms), search_type="raw", config=CONFIG)


def search_articles(query, *, now=None):
    """Published articles matching every word of the query, best matches first."""
    terms = search_terms(query)
    if not terms:
        return Article.objects.none()
    tsquery = text_query(terms)
    marks = {"config": CONFIG, "start_sel": START, "stop_sel": STOP}
    return (
        Article.objects.published(now=now)
        .annotate(
            search_vector=RawSQL('"articles_article"."search_vector"', [], SearchVectorField())
        )
        .filter(search_vector=tsquery)
        .annotate(
            rank=SearchRank(F("search_vector"), tsquery),
            search_headline=SearchHeadline("headline", tsquery, highlight_all=True, **marks),
            search_snippet=SearchHeadline(
                "body", tsquery, max_words=40, min_words=20, max_fragments=2, **marks
            ),
        )
        .order_by("-rank", "-published_at", "-id")
    )


def marked(text):
    """ts_headline output as safe HTML: everything escaped, matches in <mark>."""
    html = escape(text or "").replace(START, "<mark>").replace(STOP, "</mark>")
    return mark_safe(html)
