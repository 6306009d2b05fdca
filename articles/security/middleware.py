"""Two gates on the way through: staff who must use a second factor reach only the 2FA pages
until they have, and every refusal (403) of a signed-in user is written to the security log."""

from functools import cache

from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.urls import reverse

from articles.security import twofactor
from articles.security.events import Kind, record_security_event


@cache
def _admin_paths() -> tuple[str, frozenset]:
    """The admin's root and the pages under it that a half-signed-in user may still open."""
    names = ["admin:login", "admin:logout", "security-verify", "security-enrol"]
    return reverse("admin:index"), frozenset(reverse(name) for name in names)


class SecondFactorMiddleware:
    """With REQUIRE_2FA, an Editor or superuser without a verified second factor is sent to set
    one up, or signed out to sign in with it. Only the admin is guarded: reader pages and
    share links need no account."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        admin_root, open_paths = _admin_paths()
        if request.path.startswith(admin_root) and request.path not in open_paths:
            user = request.user
            if twofactor.must_use_second_factor(user) and not user.is_verified():
                if twofactor.has_second_factor(user):
                    # A session from before the device existed: start again with the code.
                    logout(request)
                    return redirect_to_login(request.get_full_path(), reverse("admin:login"))
                return redirect("security-enrol")
        return self.get_response(request)


class RefusalLogMiddleware:
    """Logs each 403 answered to a signed-in user (the admin's and the workflow's refusals).
    Anonymous 403s (a missing CSRF token) are not logged: anyone could fill the log with them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 403:
            user = getattr(request, "user", None)
            if user is not None and user.is_authenticated:
                record_security_event(
                    Kind.PERMISSION_DENIED,
                    user=user,
                    request=request,
                    target=request.path[:300],
                    detail=request.method,
                )
        return response
