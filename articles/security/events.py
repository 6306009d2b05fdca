"""The security log's one writer, ``record_security_event``, and the receivers that feed it
from Django's sign-in signals and django-axes' lockout signal."""

from django.contrib.auth import signals as auth_signals
from django.db import models

from articles.models import SecurityEvent

Kind = SecurityEvent.Kind


def record_security_event(
    kind: str, *, user, request=None, target=None, detail: str = "", username: str = ""
) -> SecurityEvent:
    """Append one row to the security log; callers never build ``SecurityEvent`` themselves.

    ``user`` may be None or anonymous (a failed sign-in, then ``username`` is the name as
    typed); ``target`` is any object, kept as its label so the row outlives it; ``request``
    gives the client address.
    """
    if kind not in Kind.values:
        raise ValueError(f"Unknown security event kind {kind!r}; use SecurityEvent.Kind.")
    account = user if user is not None and user.is_authenticated else None
    return SecurityEvent.objects.create(
        kind=kind,
        user=account,
        username=(account.get_username() if account else str(username))[:150],
        ip_address=client_address(request),
        target=_label(target),
        detail=str(detail)[:2000],
    )


# Workflow transitions that the security log keeps, by the name the timeline records.
TRANSITION_KINDS = {
    "publish": Kind.PUBLISH,
    "schedule": Kind.PUBLISH,
    "publish_changes": Kind.PUBLISH,
    "unpublish": Kind.UNPUBLISH,
}


def record_transition(name: str, *, user, article, comment: str = "") -> None:
    """Log a publish or unpublish (other transitions are the timeline's business only)."""
    if name in TRANSITION_KINDS:
        what = {"schedule": "Scheduled. ", "publish_changes": "Changes published. "}.get(name, "")
        record_security_event(
            TRANSITION_KINDS[name], user=user, target=article, detail=what + comment
        )


def client_address(request) -> str | None:
    """REMOTE_ADDR: the only address a client cannot choose (see README, TRUSTED_PROXIES)."""
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def _label(target) -> str:
    if target is None:
        return ""
    if isinstance(target, models.Model):
        label = f"{target._meta.verbose_name} #{target.pk}: {target}"
    else:
        label = str(target)
    return label[:300]


def _logged_in(sender, request, user, **kwargs):
    record_security_event(Kind.LOGIN, user=user, request=request)


def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        record_security_event(Kind.LOGOUT, user=user, request=request)


def _login_failed(sender, credentials, request=None, **kwargs):
    # ``already_locked`` is set by the throttle (throttle.NewsroomAxesHandler) before it counts.
    locked = request is not None and getattr(request, "newsroom_already_locked", False)
    record_security_event(
        Kind.LOGIN_FAILED,
        user=None,
        request=request,
        # The name as typed; Django's signal has already masked the password.
        username=str(credentials.get("username", "")),
        detail=credentials.get("reason", "")
        or ("Refused without checking the password: locked out." if locked else ""),
    )


def _locked_out(sender, request, username, ip_address, **kwargs):
    # axes signals on every failure past the limit; the log keeps the moment a lockout began.
    if getattr(request, "newsroom_already_locked", False):
        return
    record_security_event(
        Kind.LOCKOUT,
        user=None,
        request=request,
        username=str(username or ""),
        detail=f"Sign-in paused after repeated failures from {ip_address}.",
    )


def connect() -> None:
    """Called from ``ArticlesConfig.ready``, after django-axes has connected its own
    receivers, so a failed sign-in is already counted when it is logged."""
    from axes.signals import user_locked_out

    auth_signals.user_logged_in.connect(_logged_in, dispatch_uid="security.logged_in")
    auth_signals.user_logged_out.connect(_logged_out, dispatch_uid="security.logged_out")
    auth_signals.user_login_failed.connect(_login_failed, dispatch_uid="security.login_failed")
    user_locked_out.connect(_locked_out, dispatch_uid="security.locked_out")
