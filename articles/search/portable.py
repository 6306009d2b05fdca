"""Reader search for a database with no full-text index: every word as a substring.

Slow (it reads every live article's text) but portable; articles.search.query uses it on a
database other than PostgreSQL and SQLite, and the search benchmark measures it as the
"before" of SQLite's FTS5 index.
"""

from django.db.models import Case, IntegerField, Q, Value, When

from articles.search.results import ranked_matches, search_results
from articles.search.terms import search_terms

# Where a word is found decides its weight: headline over standfirst over body.
WEIGHTS = (("headline", 5), ("standfirst", 3), ("body", 1))


def search_articles(query, *, now=None):
    """Published articles containing every word of the query: the newest ``ranked_matches()``
    of them, best matches first."""
    terms = search_terms(query)
    if not terms:
        return search_results().none()
    published = search_results().published(now=now)
    matches = published
    rank = Value(0)
    for term in terms:
        matches = matches.filter(
            Q(headline__icontains=term) | Q(standfirst__icontains=term) | Q(body__icontains=term)
        )
        for field, weight in WEIGHTS:
            rank = rank + Case(
                When(**{f"{field}__icontains": term}, then=Value(weight)),
                default=Value(0),
                output_field=IntegerField(),
            )
    ranked = ranked_matches()
    newest = list(matches.latest().values_list("pk", flat=True)[: ranked + 1])
    results = (
        published.filter(pk__in=newest[:ranked])
        .annotate(rank=rank)
        .order_by("-rank", "-published_at", "-id")
    )
    results.more_matches = len(newest) > ranked
    return results
