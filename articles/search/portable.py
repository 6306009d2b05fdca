"""Reader search for a database with no full-text index: every word as a substring.

Slow (it reads every live article's text) but portable; articles.search.query uses it on a
database other than PostgreSQL and SQLite, and the search benchmark measures it as the
"before" of SQLite's FTS5 index.
"""

from django.db.models import Case, IntegerField, Q, Value, When

from articles.models import Article
from articles.search.terms import search_terms

# Where a word is found decides its weight: headline over standfirst over body.
WEIGHTS = (("headline", 5), ("standfirst", 3), ("body", 1))


def search_articles(query, *, now=None):
    """Published articles containing every word of the query, best matches first."""
    terms = search_terms(query)
    if not terms:
        return Article.objects.none()
    articles = Article.objects.published(now=now)
    rank = Value(0)
    for term in terms:
        articles = articles.filter(
            Q(headline__icontains=term) | Q(standfirst__icontains=term) | Q(body__icontains=term)
        )
        for field, weight in WEIGHTS:
            rank = rank + Case(
                When(**{f"{field}__icontains": term}, then=Value(weight)),
                default=Value(0),
                output_field=IntegerField(),
            )
    return articles.annotate(rank=rank).order_by("-rank", "-published_at", "-id")
