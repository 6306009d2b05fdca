"""Tag housekeeping that editors do from the admin."""

from django.db import transaction

from articles.cache.invalidation import invalidate_all_pages
from articles.models import TaggedArticle, TaggedImage


@transaction.atomic
def merge_tags(*, tags, into) -> int:
    """Move every use of ``tags`` onto ``into`` and delete the others; returns how many merged."""
    others = [tag for tag in tags if tag.pk != into.pk]
    for through in (TaggedArticle, TaggedImage):
        for tag in others:
            already = through.objects.filter(tag=into).values_list("content_object_id", flat=True)
            through.objects.filter(tag=tag, content_object_id__in=list(already)).delete()
            through.objects.filter(tag=tag).update(tag=into)
    for tag in others:
        tag.delete()
    invalidate_all_pages()  # .update() sends no signals: tag pages and cards changed
    return len(others)
