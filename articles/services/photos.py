"""Writes to the photo library. A rendition is made from the original and its focal point, so
when either changes the stored renditions are dropped and made anew on the next request;
a replaced original is deleted once the change commits (a rolled-back save keeps both)."""

from django.db import transaction

from articles.models import Image

RENDITION_INPUTS = frozenset({"file", "focal_x", "focal_y"})


@transaction.atomic
def photo_save(*, image: Image, user, changed_fields=()) -> Image:
    """Save ``image`` (new when it has no pk) for ``user``; ``changed_fields`` names what the
    form changed, so that renditions are remade only when their inputs moved."""
    if image.pk is None:
        image.uploaded_by = user
        image.save()
        return image
    changed = set(changed_fields)
    replaced = None
    if "file" in changed:
        replaced = Image.objects.filter(pk=image.pk).values_list("file", flat=True).get()
    image.save()
    if changed & RENDITION_INPUTS:
        image.renditions.all().delete()  # their files go on commit (images/cleanup.py)
    if replaced and replaced != image.file.name:
        storage = image.file.storage
        transaction.on_commit(lambda: storage.delete(replaced))
    return image
