"""Tag housekeeping that editors do from the admin."""

from django.db import transaction

from articles.cache.invalidation import invalidate_all_pages
from articles.models import Revision, TaggedArticle, TaggedImage


@transaction.atomic
def merge_tags(*, tags, into) -> int:
    """Move every use of ``tags`` onto ``into`` and delete the others; returns how many merged."""
    others = [tag for tag in tags if tag.pk != into.pk]
    for through in (TaggedArticle, TaggedImage):
        for tag in others:
            already = through.objects.filter(tag=into).values_list("content_object_id", flat=True)
            through.objects.filter(tag=tag, content_object_id__in=list(already)).delete()
            through.objects.filter(tag=tag).update(tag=into)
    _rename_in_pending_changes({tag.name for tag in others}, into.name)
    for tag in others:
        tag.delete()
    invalidate_all_pages()  # .update() sends no signals: tag pages and cards changed
    return len(others)


def _rename_in_pending_changes(old_names, new_name) -> None:
    """Changes waiting to be published name their tags; publishing them later must not bring
    a merged tag back. (Past revisions keep the names they had: they are history.)"""
    lowered = {name.lower() for name in old_names}
    for revision in Revision.objects.filter(is_pending=True):
        tags = revision.content.get("tags") or []
        if not any(name.lower() in lowered for name in tags):
            continue
        renamed = [new_name if name.lower() in lowered else name for name in tags]
        revision.content["tags"] = sorted(dict.fromkeys(renamed), key=str.lower)
        revision.save(update_fields=["content"])
