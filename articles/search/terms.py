"""The words of a reader's query, and the pattern that finds them again in a page.

One function, ``search_terms``, splits a query for every backend's matching and for the
highlighting of the results, so what is marked is what was searched for. A word is a run of
letters and digits (``[^\\W_]+``): the way PostgreSQL's parser and SQLite's unicode61
tokenizer both cut text, so "foo_bar" is two words everywhere. Nothing else of the query
(quotes, operators, SQL, HTML) reaches a database as syntax.
"""

import re
import unicodedata
from functools import lru_cache

MAX_QUERY_CHARS = 200
MAX_TERMS = 8
WORD = re.compile(r"[^\W_]+")


def search_terms(query):
    """The distinct words of a query (case-insensitive, NFC), capped in length and number.

    One-letter Latin words ("a", "I") are dropped: as prefixes they would match nearly every
    article. A digit or a single letter of another script (a Chinese character) is a word.
    """
    text = unicodedata.normalize("NFC", (query or "")[:MAX_QUERY_CHARS])
    unique = {}
    for word in WORD.findall(text):
        if len(word) > 1 or word.isdigit() or not word.isascii():
            unique.setdefault(word.casefold(), word)
    return list(unique.values())[:MAX_TERMS]


def fold(text):
    """Lower case without diacritics: 'Café' -> 'cafe' (how SQLite's index compares words)."""
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


@lru_cache(maxsize=1)
def _variants():
    """{'e': 'eéèêë…', …}: each Latin letter and the letters that fold to it."""
    variants = {}
    for code in range(0xC0, 0x250):
        letter = chr(code)
        base = fold(letter)
        if len(base) == 1 and base.isascii() and base.isalpha():
            variants.setdefault(base, {base}).add(letter.lower())
    return {base: "".join(sorted(letters)) for base, letters in variants.items()}


def term_pattern(terms):
    """A case- and accent-insensitive regex for any of the terms: 'cafe' finds 'Café'."""
    return _compiled(tuple(terms))


@lru_cache(maxsize=64)  # a results page highlights three texts per card with the same terms
def _compiled(terms):
    variants = _variants()
    alternatives = []
    for term in sorted({fold(term) for term in terms}, key=len, reverse=True):
        alternatives.append(
            "".join(f"[{variants[c]}]" if c in variants else re.escape(c) for c in term)
        )
    return re.compile("|".join(alternatives), re.IGNORECASE)
