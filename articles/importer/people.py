"""Find authors and photographers by name the way an editor would: ignoring case, spacing
and diacritics ("Igor Savostenko" = "igor  SAVOSTENKO" = "Igor Savoštenko")."""

import unicodedata
from functools import lru_cache

from articles.models import Author, Photographer

from .slugs import unique_slug


@lru_cache(maxsize=4096)  # a long import meets the same few hundred names again and again
def name_key(name):
    decomposed = unicodedata.normalize("NFKD", name)
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(bare.casefold().split())


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
