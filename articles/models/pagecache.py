"""The page cache's version tokens, kept in the database when the cache itself is per-process.

With the default in-process cache (LocMem) every server process and every command has its
own memory, so a token renewed by ``manage.py import_articles`` would never reach a running
gunicorn. The database is the one thing every process shares, so tokens live here then
(articles/cache/tokens.py). Rows are only ever written by writes, never by readers, and
never deleted: a missing row means "never changed".
"""

from django.db import models


class PageToken(models.Model):
    """One named version token (``articles.article:42``, the reader epoch, ...)."""

    name = models.CharField(
        "name",
        max_length=200,
        primary_key=True,
        help_text="What the token versions: a model and primary key, or a page-cache marker.",
    )
    value = models.CharField(
        "value", max_length=40, help_text="Renewed with a random value whenever it changes."
    )

    class Meta:
        verbose_name = "page-cache token"
        verbose_name_plural = "page-cache tokens"

    def __str__(self):
        return f"{self.name}={self.value}"
