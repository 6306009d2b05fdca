"""Reader search over published articles: one entry point, ranked, highlighted, safe for any input.

The query is reduced to at most a few plain words (articles.search.terms) before it reaches the
database, so SQL, HTML, search operators or a 10,000-character paste simply match nothing (or
the words inside them). The same words, with the stems the database matched, are highlighted.
"""

import re
from html import unescape

from django.db import connection
from django.utils.html import escape, strip_tags
from django.utils.safestring import mark_safe

from articles.search import portable
from articles.search.terms import MAX_QUERY_CHARS, MAX_TERMS, search_terms, term_pattern

__all__ = [
    "MAX_QUERY_CHARS",
    "MAX_TERMS",
    "highlight",
    "highlight_terms",
    "search_articles",
    "search_terms",
    "snippet",
]
SNIPPET_CHARS = 220
BLOCK_END = re.compile(r"</(?:p|h[1-6]|li|blockquote|figure)>", re.IGNORECASE)
TAG = re.compile(r"<[^>]*>")


def search_articles(query, *, now=None):
    """Published articles matching every word of the query, best first.

    PostgreSQL uses its full-text index (articles.search.postgres), SQLite its FTS5 index
    (articles.search.sqlite), any other database the portable substring search. All take the
    same arguments and give published articles, each with a ``rank`` (higher is better), in
    something Paginator pages: a QuerySet, or on SQLite ``RankedArticles``, which ranks from the
    index and reads rows for the page shown only.
    """
    if connection.vendor == "postgresql":
        from articles.search import postgres

        return postgres.search_articles(query, now=now)
    if connection.vendor == "sqlite":
        from articles.search import sqlite

        return sqlite.search_articles(query, now=now)
    return portable.search_articles(query, now=now)


def highlight_terms(query):
    """The words to mark in results: the query's own (``search_terms``, as matched) and the
    stems the database matched them by, so that "flooded", which finds "Floods", marks it."""
    terms = search_terms(query)
    if not terms:
        return terms
    if connection.vendor == "postgresql":
        from articles.search import postgres

        found = postgres.stems(terms)
    elif connection.vendor == "sqlite":
        from articles.search import sqlite

        found = sqlite.stems(terms)
    else:
        found = []
    folded = {term.casefold() for term in terms}
    return terms + [stem for stem in dict.fromkeys(found) if stem not in folded]


def highlight(text, terms):
    """Escape ``text`` and wrap every occurrence of a term in <mark>, whatever its case or
    accents (SQLite's index folds Latin diacritics, so "cafe" finds and marks "Café")."""
    text = str(text or "")
    if not terms:
        return escape(text)
    pieces = []
    position = 0
    for match in term_pattern(terms).finditer(text):
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
        text, match = _first_match(blocks, term_pattern(terms)) or (text, None)
    start = 0
    if match and match.end() > length - 20:
        start = max(text.rfind(" ", 0, max(match.start() - length // 3, 0)) + 1, 0)
    excerpt = text[start : start + length]
    prefix = "… " if start else ""
    suffix = " …" if start + length < len(text) else ""
    return mark_safe(f"{prefix}{highlight(excerpt, terms)}{suffix}")
