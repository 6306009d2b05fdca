import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone

from .articles import Article


class WorkflowEvent(models.Model):
    """One transition of an article's status: the rows of its timeline."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="events")
    transition = models.CharField("transition", max_length=40)
    from_status = models.CharField("from", max_length=20, choices=Article.Status.choices)
    to_status = models.CharField("to", max_length=20, choices=Article.Status.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="by",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    comment = models.TextField("comment", blank=True)
    created_at = models.DateTimeField("when", auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.article}: {self.from_status} -> {self.to_status}"


class Revision(models.Model):
    """A snapshot of an article's content (fields, byline order, tags, photos) at one save."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField("number")
    content = models.JSONField("content")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="by",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    transition = models.CharField("transition", max_length=40, blank=True)
    is_pending = models.BooleanField(
        "pending review",
        default=False,
        help_text="Changes to a live article that readers will see once published.",
    )
    created_at = models.DateTimeField("when", auto_now_add=True)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["article", "number"], name="unique_revision_number")
        ]

    def __str__(self):
        return f"{self.article} r{self.number}"


class Correction(models.Model):
    """A note readers see on a live article: a correction, clarification or update."""

    class Kind(models.TextChoices):
        CORRECTION = "correction", "Correction"
        CLARIFICATION = "clarification", "Clarification"
        UPDATE = "update", "Update"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="corrections")
    kind = models.CharField("kind", max_length=20, choices=Kind.choices, default=Kind.CORRECTION)
    text = models.TextField("text")
    published_at = models.DateTimeField("published", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["published_at", "id"]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.text[:60]}"


def new_share_token():
    return secrets.token_urlsafe(24)


class ShareLinkQuerySet(models.QuerySet):
    def live(self, now=None):
        """Links that still open their preview: neither revoked nor expired."""
        return self.filter(revoked_at__isnull=True, expires_at__gt=now or timezone.now())


class ShareLink(models.Model):
    """A signed, expiring, revocable preview link for an outside reviewer."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="share_links")
    token = models.CharField(max_length=64, unique=True, default=new_share_token, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField("expires")
    revoked_at = models.DateTimeField("revoked", null=True, blank=True)

    objects = ShareLinkQuerySet.as_manager()

    def __str__(self):
        return f"Share link for {self.article}"


class NotificationPreference(models.Model):
    """Whether a member of staff gets the desk's e-mails; without a row they do."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_preference",
    )
    workflow_email = models.BooleanField(
        "e-mail me about my articles and the review queue",
        default=True,
        help_text="Writers hear when changes are requested or their article is published; "
        "editors hear when an article is submitted for review.",
    )

    def __str__(self):
        return f"{self.user}: {'on' if self.workflow_email else 'off'}"
