"""Find authors and photographers by name the way an editor would: ignoring case, spacing
and diacritics ("Igor Savostenko" = "igor  SAVOSTENKO" = "Igor Savoštenko")."""

import unicodedata

from django.utils.text import slugify

from articles.models import Author, Photographer


def name_key(name):
    decomposed = unicodedata.normalize("NFKD", name)
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(bare.casefold().split())


# Belarusian, Russian and Ukrainian letters in Latin (BGN/PCGN-like), so that Cyrillic
# headlines and names get readable ASCII addresses instead of the fallback slug.
CYRILLIC = dict(
    zip(
        "абвгдеёжзийклмнопрстуфхцчшщъыьэюяіўєїґ",
        "a b v g d e yo zh z i y k l m n o p r s t u f kh ts ch sh shch - y - e yu ya i w ye yi g".split(),
        strict=True,
    )
)
CYRILLIC = str.maketrans({**CYRILLIC, "ъ": "", "ь": ""})


def slug_text(text):
    return text.lower().translate(CYRILLIC)


def unique_slug(model, text, *, fallback, max_length):
    """slugify(text), with -2, -3... appended when the slug is taken."""
    base = slugify(slug_text(text))[: max_length - 8].strip("-") or fallback
    taken = set(model.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    slug, number = base, 1
    while slug in taken:
        number += 1
        slug = f"{base}-{number}"
    return slug


class PeopleIndex:
    """Name -> person lookups for one import run, loaded once.

    People created while importing a file are only remembered once that file's transaction
    succeeds (``commit``); after a failure (``discard``) the rolled-back rows are forgotten.
    """

    def __init__(self):
        self._known = {Author: None, Photographer: None}
        self._pending = {Author: {}, Photographer: {}}

    def author(self, name):
        return self._find_or_create(Author, name)

    def photographer(self, name):
        return self._find_or_create(Photographer, name)

    def commit(self):
        for model, pending in self._pending.items():
            if self._known[model] is not None:
                self._known[model].update(pending)
            pending.clear()

    def discard(self):
        for pending in self._pending.values():
            pending.clear()

    def _find_or_create(self, model, name):
        if self._known[model] is None:
            self._known[model] = {}
            for person in model.objects.order_by("pk").only("pk", "name", "slug"):
                self._known[model].setdefault(name_key(person.name), person)
        key = name_key(name)
        person = self._known[model].get(key) or self._pending[model].get(key)
        if person is None:
            slug = unique_slug(model, name, fallback="person", max_length=200)
            person = model.objects.create(name=name, slug=slug)
            self._pending[model][key] = person
        return person
