"""Reader search over published articles: portable, ranked, and safe for any input.

The query is reduced to at most a few plain words before it reaches the database, so SQL,
HTML or a 10,000-character paste simply match nothing (or the words inside them).
"""

import re
from html import unescape

from django.db import connection
from django.db.models import Case, IntegerField, Q, Value, When
from django.utils.html import escape, strip_tags
from django.utils.safestring import mark_safe

from articles.models import Article

MAX_QUERY_CHARS = 200
MAX_TERMS = 8
SNIPPET_CHARS = 220
BLOCK_END = re.compile(r"</(?:p|h[1-6]|li|blockquote|figure)>", re.IGNORECASE)
TAG = re.compile(r"<[^>]*>")
WORD = re.compile(r"\w+", re.UNICODE)
# Where a word is found decides its weight: headline over standfirst over body.
WEIGHTS = (("headline", 5), ("standfirst", 3), ("body", 1))


def search_terms(query):
    """The distinct words of a query (case-insensitive), capped in length and number."""
    words = WORD.findall((query or "")[:MAX_QUERY_CHARS])
    unique = {}
    for word in words:
        if len(word) > 1 or word.isdigit():
            unique.setdefault(word.casefold(), word)
    return list(unique.values())[:MAX_TERMS]


def search_articles(query, *, now=None):
    """Published articles matching every word of the query, best first.

    PostgreSQL uses its full-text index (articles.search.postgres); other databases the
    portable substring search below. Both take and return the same things.
    """
    if connection.vendor == "postgresql":
        from articles.search import postgres as search_postgres

        return search_postgres.search_articles(query, now=now)
    return portable_search_articles(query, now=now)


def highlight_terms(query):
    """The words to mark in results: the query's own, and on PostgreSQL also their stems,
    so that "flooded", which finds "Floods", marks it too."""
    terms = search_terms(query)
    if terms and connection.vendor == "postgresql":
        from articles.search import postgres as search_postgres

        return terms + [stem for stem in search_postgres.stems(terms) if stem not in terms]
    return terms


def portable_search_articles(query, *, now=None):
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


def _pattern(terms):
    return re.compile("|".join(re.escape(term) for term in terms), re.IGNORECASE)


def highlight(text, terms):
    """Escape ``text`` and wrap every occurrence of a term in <mark>."""
    text = str(text or "")
    if not terms:
        return escape(text)
    pieces = []
    position = 0
    for match in _pattern(terms).finditer(text):
        pieces.append(escape(text[position : match.start()]))
        pieces.append(f"<mark>{escape(match.group(0))}</mark>")
        position = match.end()
    pieces.append(escape(text[position:]))
    return mark_safe("".join(pieces))


def _plain(block):
    """Readable text of a block of HTML: tags gone, entities decoded (highlight escapes again)."""
    return " ".join(unescape(strip_tags(block)).split())


def _first_match(blocks, pattern):
    """The plain text of the first block holding a match, and the match; None if none does."""
    for block in blocks:
        # strip_tags runs an HTML parser, so a rough regex strip rules blocks out first
        # (body_html is sanitised: every "<" in it opens a tag).
        if pattern.search(TAG.sub("", block)):
            text = _plain(block)
            match = pattern.search(text)
            if match:
                return text, match
    return None


def snippet(html, terms, length=SNIPPET_CHARS):
    """Plain text of the first paragraph that holds a term, cut around it and highlighted."""
    blocks = BLOCK_END.split(html or "")
    text = next(filter(None, map(_plain, blocks)), "")
    if not text:
        return ""
    match = None
    if terms:
        text, match = _first_match(blocks, _pattern(terms)) or (text, None)
    start = 0
    if match and match.end() > length - 20:
        start = max(text.rfind(" ", 0, max(match.start() - length // 3, 0)) + 1, 0)
    excerpt = text[start : start + length]
    prefix = "… " if start else ""
    suffix = " …" if start + length < len(text) else ""
    return mark_safe(f"{prefix}{highlight(excerpt, terms)}{suffix}")
