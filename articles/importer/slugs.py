"""Readable, unique ASCII slugs for imported articles and people (Cyrillic transliterated)."""

from collections import Counter
from functools import reduce
from operator import or_

from django.db.models import Q
from django.utils.text import slugify

from articles.models import Article, OldSlug

# Belarusian, Russian and Ukrainian letters in Latin (BGN/PCGN-like), so that Cyrillic
# headlines and names get readable addresses instead of the fallback slug.
CYRILLIC = str.maketrans(
    {
        **dict(
            zip(
                "абвгдеёжзийклмнопрстуфхцчшщыэюяіўєїґ",
                "a b v g d e yo zh z i y k l m n o p r s t u f kh ts ch sh shch y e yu ya i w ye "
                "yi g".split(),
                strict=True,
            )
        ),
        "ъ": "",
        "ь": "",
    }
)


def slug_base(text, *, fallback, max_length):
    return slugify(text.lower().translate(CYRILLIC))[: max_length - 8].strip("-") or fallback


def _next_free(base, taken):
    slug, number = base, 1
    while slug in taken:
        number += 1
        slug = f"{base}-{number}"
    taken.add(slug)
    return slug


def unique_slug(model, text, *, fallback, max_length):
    """slugify(text), with -2, -3... appended when the slug is taken."""
    base = slug_base(text, fallback=fallback, max_length=max_length)
    taken = set(model.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    return _next_free(base, taken)


def unique_article_slugs(headlines):
    """One free article slug per headline, in two to four queries however many headlines.

    A slug an article used to have (OldSlug) counts as taken: it still redirects readers.
    Numbered slugs (base-2, base-3...) are looked up only for the bases that need one: taken
    already, or wanted twice in this batch; a long import of fresh headlines asks two short
    ``IN`` queries a batch instead of one ``LIKE`` per headline.
    """
    bases = [slug_base(headline, fallback="article", max_length=300) for headline in headlines]
    if not bases:
        return []
    taken = _taken_slugs(Q(slug__in=set(bases)))
    wanted = Counter(bases)
    numbered = {base for base in wanted if base in taken or wanted[base] > 1}
    if numbered:
        taken |= _taken_slugs(reduce(or_, (Q(slug__startswith=f"{base}-") for base in numbered)))
    return [_next_free(base, taken) for base in bases]


def _taken_slugs(condition):
    taken = set(Article.objects.filter(condition).values_list("slug", flat=True))
    return taken | set(OldSlug.objects.filter(condition).values_list("slug", flat=True))
