"""Stored files follow their rows: deleting a photo, a rendition or an author removes the files.

The files go only once the transaction commits, so a rolled-back delete never leaves a row
pointing at a missing file. Everything goes through the field's storage (disk or bucket), so
it works the same on both. A signal is the house exception for exactly this (STYLE.md I):
rows disappear by cascade (an image takes its renditions along) where no service runs.
"""

from django.db import transaction
from django.db.models.signals import post_delete

from articles.images import renditions
from articles.models import Author, Image, Rendition


def _delete_on_commit(storage, names, using):
    names = [name for name in names if name]
    if not names:
        return

    def delete():
        for name in names:
            storage.delete(name)

    transaction.on_commit(delete, using=using)


def file_row_deleted(sender, instance, using, **kwargs):
    """An Image or Rendition row is gone: its file goes too."""
    _delete_on_commit(instance.file.storage, [instance.file.name], using)


def author_deleted(sender, instance, using, **kwargs):
    """An author is gone: the uploaded portrait and the square copy made from it go too."""
    if instance.portrait:
        names = [instance.portrait.name, renditions.portrait_name(instance)]
        _delete_on_commit(instance.portrait.storage, names, using)


def connect():
    for model in (Image, Rendition):
        post_delete.connect(file_row_deleted, sender=model, dispatch_uid=f"files_{model}")
    post_delete.connect(author_deleted, sender=Author, dispatch_uid="files_author")
