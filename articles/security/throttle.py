"""Login throttling: django-axes with three limits and a growing lockout.

A failed sign-in is stored by django-axes (one row per account, address and browser). A
client is locked out when, within the current cool-off, one of these reaches its limit:

- failures for this account from this address (``LOGIN_FAILURE_LIMIT``),
- failures for this account from anywhere (``LOGIN_ACCOUNT_FAILURE_LIMIT``),
- failures from this address for any account (``LOGIN_ADDRESS_FAILURE_LIMIT``), far higher,
  because a whole newsroom signs in from one address behind its NAT.

Each limit's worth of failures remembered over the last day doubles the cool-off, so an
attacker who keeps trying waits longer and longer while a colleague who mistyped waits
minutes. A locked-out sign-in is refused by ``AxesStandaloneBackend`` before any password
is hashed, so hashing cost cannot be used to load the server.
"""

import math
from datetime import timedelta

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib import admin
from django.db.models import Q, Sum
from django.shortcuts import render
from django.utils import timezone

MEMORY = timedelta(days=1)  # failures are forgotten after a day without one; the longest lockout


def client_address(request) -> str | None:
    """The client as the socket (or a trusted proxy's REMOTE_ADDR rewrite) names it."""
    return request.META.get("REMOTE_ADDR") or None


def _limits() -> list[tuple[str, int]]:
    """(which rows, limit) for each rule; a rule's limit is never below the first one's."""
    base = settings.LOGIN_FAILURE_LIMIT
    return [
        ("account_address", base),
        ("account", max(base, settings.LOGIN_ACCOUNT_FAILURE_LIMIT)),
        ("address", max(base, settings.LOGIN_ADDRESS_FAILURE_LIMIT)),
    ]


def _username(request, credentials=None) -> str | None:
    credentials = credentials or getattr(request, "newsroom_credentials", None)
    return get_client_username(request, credentials)


def pressure(request, credentials=None, *, since) -> int:
    """Failures since ``since``, in units of ``LOGIN_FAILURE_LIMIT``: the largest of the three
    counts, each scaled so that reaching its own limit reads as reaching the first limit.

    django-axes compares one number with one limit; this is how three limits fit into it.
    """
    username = _username(request, credentials)
    address = client_address(request)
    rules = {
        "account_address": Q(username=username, ip_address=address),
        "account": Q(username=username),
        "address": Q(ip_address=address),
    }
    if username is None:  # no name typed: only the address can be counted
        rules = {"address": rules["address"]}
    mine = rules.get("account", Q()) | rules["address"]  # both columns are indexed
    totals = AccessAttempt.objects.filter(mine, attempt_time__gte=since).aggregate(
        **{name: Sum("failures_since_start", filter=rule) for name, rule in rules.items()}
    )
    base = settings.LOGIN_FAILURE_LIMIT
    worst = 0
    for name, limit in _limits():
        worst = max(worst, (totals.get(name) or 0) * base // limit)
    return worst


def cool_off(request=None) -> timedelta:
    """How long this client's lockout lasts: LOGIN_COOLOFF_MINUTES, doubled for every further
    limit's worth of failures remembered over the last day, at most a day."""
    base = timedelta(minutes=settings.LOGIN_COOLOFF_MINUTES)
    if request is None or not hasattr(request, "axes_ip_address"):
        return base
    now = getattr(request, "axes_attempt_time", None) or timezone.now()
    lockouts = pressure(request, since=now - MEMORY) // settings.LOGIN_FAILURE_LIMIT
    doublings = min(max(lockouts - 1, 0), 16)
    return min(base * 2**doublings, MEMORY)


class NewsroomAxesHandler(AxesDatabaseHandler):
    """django-axes' database handler with the three limits above and a day's memory."""

    def get_failures(self, request, credentials=None) -> int:
        now = getattr(request, "axes_attempt_time", None) or timezone.now()
        return pressure(request, credentials, since=now - cool_off(request))

    def user_login_failed(self, sender, credentials, request=None, **kwargs):
        if request is not None:  # (AxesProxyHandler has set request.axes_* already)
            # Tells the security log whether this attempt began a lockout or met one.
            request.newsroom_already_locked = self.is_locked(request, credentials)
        super().user_login_failed(sender, credentials, request, **kwargs)

    def clean_expired_user_attempts(self, request=None, credentials=None) -> int:
        # Kept for a day, not one cool-off: the growing back-off needs to remember them.
        count, _ = AccessAttempt.objects.filter(attempt_time__lt=timezone.now() - MEMORY).delete()
        return count

    def reset_user_attempts(self, request, credentials=None) -> int:
        # A successful sign-in forgives this account only: never the shared address's other
        # accounts, or a colleague signing in would wipe an attacker's record.
        username = _username(request, credentials)
        count, _ = AccessAttempt.objects.filter(username=username).delete()
        return count


def minutes_left(request, credentials=None) -> int:
    """Whole minutes until the newest counted failure leaves this client's cool-off."""
    username = _username(request, credentials)
    address = client_address(request)
    newest = (
        AccessAttempt.objects.filter(Q(username=username) | Q(ip_address=address))
        .order_by("-attempt_time")
        .values_list("attempt_time", flat=True)
        .first()
    )
    if newest is None:
        return settings.LOGIN_COOLOFF_MINUTES
    ends = newest + cool_off(request)
    return max(1, math.ceil((ends - timezone.now()).total_seconds() / 60))


def lockout_response(request, original_response=None, credentials=None):
    """The admin's own sign-in page, saying why it refuses and for how long (HTTP 429)."""
    context = {
        **admin.site.each_context(request),
        "title": "Sign-in paused",
        "minutes": minutes_left(request, credentials),
    }
    return render(request, "admin/security/locked_out.html", context, status=429)
