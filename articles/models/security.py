"""The security log: who signed in, who failed, who was locked out or refused, and who
published, shared or imported what. Rows are written, never edited (see articles/security/)."""

from django.conf import settings
from django.db import models


class SecurityEvent(models.Model):
    """One security-relevant event. ``target`` is a label, not a key: the row must outlive
    the article, link or account it names."""

    class Kind(models.TextChoices):
        LOGIN = "login", "Signed in"
        LOGIN_FAILED = "login_failed", "Sign-in failed"
        LOCKOUT = "lockout", "Locked out"
        LOGOUT = "logout", "Signed out"
        TWO_FACTOR_ENROLLED = "2fa_enrolled", "Two-factor set up"
        PERMISSION_DENIED = "permission_denied", "Refused (403)"
        PUBLISH = "publish", "Published"
        UNPUBLISH = "unpublish", "Unpublished"
        SHARE_LINK_CREATED = "share_link_created", "Share link created"
        SHARE_LINK_REVOKED = "share_link_revoked", "Share link revoked"
        IMPORT = "import", "Imported"

    kind = models.CharField(
        "what", max_length=32, choices=Kind.choices, db_index=True, help_text="What happened."
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="user",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The account that acted, when it is known.",
    )
    username = models.CharField(
        "user name typed",
        max_length=150,
        blank=True,
        help_text="The name as given, kept even when no such account exists.",
    )
    ip_address = models.GenericIPAddressField(
        "address", null=True, blank=True, help_text="The client's address (REMOTE_ADDR)."
    )
    target = models.CharField(
        "on", max_length=300, blank=True, help_text="What it was done to, as it was named then."
    )
    detail = models.TextField("detail", blank=True, help_text="More about what happened.")
    created_at = models.DateTimeField("when", auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "security event"
        verbose_name_plural = "security log"

    def __str__(self):
        who = self.username or "someone"
        return f"{self.get_kind_display()}: {who} at {self.created_at:%Y-%m-%d %H:%M:%S}"
