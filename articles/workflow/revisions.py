"""Revisions: a snapshot of an article's content at every save, and what can be done with them.

A small model of our own rather than django-reversion: we need byline order, tags and body
photos in one JSON snapshot, a "pending" flag for changes to live articles, and diffs by
field label; reversion would version each related row separately and know none of that.
"""

import difflib
import re

from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from articles.models import Article, Author, Image, Revision, Section
from articles.rendering import body_text, image_references
from articles.services import set_byline, sync_body_images

TEXT_FIELDS = ["headline", "slug", "standfirst", "body", "seo_title", "seo_description"]
TIME_FIELDS = ["published_at", "embargo_until", "expires_at"]
LINK_FIELDS = {"hero_image": Image, "section": Section}
LABELS = {
    **{name: Article._meta.get_field(name).verbose_name for name in TEXT_FIELDS + TIME_FIELDS},
    **{name: Article._meta.get_field(name).verbose_name for name in LINK_FIELDS},
    "authors": "byline",
    "tags": "tags",
    "images": "photos in body",
}


def _content(article: Article, *, author_pks, tags) -> dict:
    content = {name: getattr(article, name) for name in TEXT_FIELDS}
    for name in TIME_FIELDS:
        value = getattr(article, name)
        content[name] = value.isoformat() if value else None
    for name in LINK_FIELDS:
        content[name] = getattr(article, f"{name}_id")
    content["authors"] = list(author_pks)
    content["tags"] = sorted(tags, key=str.lower)
    content["images"] = list(dict.fromkeys(key for _, key in image_references(article.body)))
    content["version"] = article.version
    return content


def snapshot(article: Article) -> dict:
    """The article's saved content, as stored in a revision."""
    author_pks = article.bylines.order_by("position", "id").values_list("author_id", flat=True)
    return _content(article, author_pks=author_pks, tags=article.tags.names())


def snapshot_from_form(form, byline_formset) -> dict:
    """The content an admin form is about to save, without saving it (for pending changes)."""
    rows = []
    for index, row in enumerate(byline_formset.forms):
        # An untouched extra row skips validation; its initial value still counts.
        data = row.cleaned_data if row.has_changed() else row.initial
        author = data.get("author")
        if author and not data.get("DELETE"):
            rows.append((data.get("position") or 0, index, getattr(author, "pk", author)))
    author_pks = [pk for _, _, pk in sorted(rows)]
    tags = [str(tag) for tag in form.cleaned_data.get("tags", [])]
    return _content(form.instance, author_pks=author_pks, tags=tags)


def overlay_pending(article: Article) -> dict | None:
    """Show a pending revision's fields on ``article`` in memory (for the edit form)."""
    pending = pending_revision(article)
    if pending is None:
        return None
    apply_fields(article, pending.content)
    return pending.content


def pending_or_live_content(article: Article) -> dict:
    """What an editor of a live article continues from: its pending changes, else the live text."""
    pending = pending_revision(article)
    return pending.content if pending is not None else snapshot(article)


def comparable(content: dict) -> dict:
    """A snapshot reduced to what people see: times as instants (not their spelling), no
    counters, no derived photo list, one kind of line ending."""
    reduced = {}
    for name in [*TEXT_FIELDS, *TIME_FIELDS, *LINK_FIELDS, "authors", "tags"]:
        value = content.get(name)
        if name in TIME_FIELDS:
            value = _instant(value)
        elif name == "tags":
            value = sorted(value or [], key=str.lower)
        elif isinstance(value, str):
            value = value.replace("\r\n", "\n")
        reduced[name] = value if value not in ("", []) else None
    return reduced


def _instant(value):
    """A stored time (ISO text, possibly with microseconds or another offset) as the instant,
    to the second, that the admin shows."""
    if not value:
        return None
    moment = parse_datetime(value) if isinstance(value, str) else value
    return moment.replace(microsecond=0).timestamp()


def _next_number(article: Article) -> int:
    return (article.revisions.aggregate(top=Max("number"))["top"] or 0) + 1


def record(article, *, user, transition="", pending=False, content=None) -> Revision:
    """Store a new revision (the current saved content unless ``content`` is given)."""
    return Revision.objects.create(
        article=article,
        number=_next_number(article),
        content=content if content is not None else snapshot(article),
        user=user if user and user.is_authenticated else None,
        transition=transition,
        is_pending=pending,
    )


def ensure_baseline(article_pk) -> None:
    """Before an article's first recorded change, keep its content as it stands (imported
    and fixture articles have no revision yet), so that first change can be diffed and undone."""
    if Revision.objects.filter(article_id=article_pk).exists():
        return
    record(Article.objects.get(pk=article_pk), user=None, transition="before first edit")


def pending_revision(article: Article) -> Revision | None:
    if not article.has_unpublished_changes:
        return None
    return article.revisions.filter(is_pending=True).order_by("-number").first()


@transaction.atomic
def save_pending(article: Article, content: dict, *, user, transition="") -> Revision:
    """Keep changes to a published article aside; readers see the live fields until published."""
    ensure_baseline(article.pk)
    Article.objects.filter(pk=article.pk).update(
        has_unpublished_changes=True,
        version=F("version") + 1,
        updated_by=user,
        updated_at=timezone.now(),
    )
    article.refresh_from_db()
    content = content | {"version": article.version}
    return record(article, user=user, pending=True, content=content, transition=transition)


def apply_fields(article: Article, content: dict) -> None:
    """Set a snapshot's own fields on ``article`` in memory (not its byline, tags or photos)."""
    for name in TEXT_FIELDS:
        setattr(article, name, content.get(name, ""))
    for name in TIME_FIELDS:
        value = content.get(name)
        setattr(article, name, parse_datetime(value) if value else None)
    for name, model in LINK_FIELDS.items():
        pk = content.get(name)
        exists = pk is not None and model.objects.filter(pk=pk).exists()
        setattr(article, f"{name}_id", pk if exists else None)


def _apply(article: Article, content: dict) -> list[str]:
    """Write a snapshot's fields onto ``article`` (unsaved) and its byline, tags and photos."""
    apply_fields(article, content)
    authors = Author.objects.in_bulk(content.get("authors", []))
    set_byline(article=article, authors=[authors[pk] for pk in content["authors"] if pk in authors])
    article.tags.set(content.get("tags", []))
    sync_body_images(article=article)
    return [*TEXT_FIELDS, "body_html", *TIME_FIELDS, "hero_image", "section"]


def apply_pending(article: Article) -> list[str]:
    """Make the pending changes live on ``article`` (saved by the caller); returns fields."""
    pending = pending_revision(article)
    if pending is None:
        return []
    fields = _apply(article, pending.content)
    article.revisions.filter(is_pending=True).update(is_pending=False)
    article.has_unpublished_changes = False
    return [*fields, "has_unpublished_changes"]


def discard_pending(article: Article) -> list[str]:
    """Drop the proposed changes (kept in the history, marked rejected); returns fields."""
    article.revisions.filter(is_pending=True).update(is_pending=False, transition="rejected")
    article.has_unpublished_changes = False
    return ["has_unpublished_changes"]


def _display(name: str, value, names: dict):
    if value in (None, "", []):
        return "—"
    if name == "authors":
        return ", ".join(names["authors"].get(pk, f"(deleted author {pk})") for pk in value)
    if name in LINK_FIELDS:
        return names[name].get(value, f"(deleted {LABELS[name]} {value})")
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    if name in TIME_FIELDS:
        return timezone.localtime(parse_datetime(value)).strftime("%d.%m.%Y %H:%M:%S")
    if name == "body":
        return body_text(value)  # the words, not the editor's HTML
    return value


def diff(old: Revision, new: Revision) -> list[dict]:
    """Field-by-field differences between two revisions, in form order, labelled for people."""
    contents = [old.content, new.content]
    author_pks = {pk for content in contents for pk in content.get("authors", [])}
    names = {
        "authors": {a.pk: a.name for a in Author.objects.filter(pk__in=author_pks)},
        "hero_image": {
            i.pk: str(i)
            for i in Image.objects.filter(pk__in=[c.get("hero_image") for c in contents])
        },
        "section": {
            s.pk: s.name
            for s in Section.objects.filter(pk__in=[c.get("section") for c in contents])
        },
    }
    changes = []
    for name, label in LABELS.items():
        before, after = old.content.get(name), new.content.get(name)
        if comparable({name: before}).get(name) != comparable({name: after}).get(name):
            shown_before, shown_after = _display(name, before, names), _display(name, after, names)
            old_words, new_words = word_diff(str(shown_before), str(shown_after))
            changes.append(
                {
                    "field": name,
                    "label": label,
                    "old": shown_before,
                    "new": shown_after,
                    "old_words": old_words,
                    "new_words": new_words,
                }
            )
    return changes


WORDS = re.compile(r"\s+|[^\s]+")


def word_diff(old: str, new: str) -> tuple[list, list]:
    """Both texts as runs of (changed, text): what was removed in ``old`` and added in
    ``new`` is marked word by word, so a one-word edit in a long body stands out."""
    a, b = WORDS.findall(old), WORDS.findall(new)
    old_runs, new_runs = [], []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            old_runs.append((False, "".join(a[i1:i2])))
            new_runs.append((False, "".join(b[j1:j2])))
            continue
        if i2 > i1:
            old_runs.append((True, "".join(a[i1:i2])))
        if j2 > j1:
            new_runs.append((True, "".join(b[j1:j2])))
    return old_runs, new_runs
