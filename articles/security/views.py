"""The admin's sign-in in two steps (password, then code), and setting up a second factor.

Django's admin signs a user in as soon as the password is right. Here a user with a second
factor is only remembered as "password checked" (for five minutes) until the code is given,
so no session is ever signed in on a password alone.
"""

import time

from axes.handlers.proxy import AxesProxyHandler
from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import REDIRECT_FIELD_NAME, get_user_model
from django.contrib.auth import login as auth_login
from django.contrib.auth.signals import user_login_failed
from django.contrib.auth.views import LoginView, redirect_to_login
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django_otp import login as otp_login

from articles.security import throttle, twofactor
from articles.security.forms import CodeForm

PENDING = "security.password_checked"
PENDING_SECONDS = 300


class PasswordStepView(LoginView):
    authentication_form = AdminAuthenticationForm
    template_name = "admin/login.html"

    def form_valid(self, form):
        user = form.get_user()
        if not twofactor.has_second_factor(user):
            return super().form_valid(form)
        self.request.session[PENDING] = {
            "user": user.pk,
            "backend": user.backend,
            "at": time.time(),
            "next": self.get_success_url(),
        }
        return redirect("security-verify")


def admin_login(request):
    """The admin's login page (AdminSite.login's context), with the code step added."""
    if request.method == "GET" and admin.site.has_permission(request):
        return redirect(reverse("admin:index", current_app=admin.site.name))
    request.current_app = admin.site.name
    context = {
        **admin.site.each_context(request),
        "title": "Log in",
        "subtitle": None,
        "app_path": request.get_full_path(),
        "username": request.user.get_username(),
    }
    if REDIRECT_FIELD_NAME not in request.GET and REDIRECT_FIELD_NAME not in request.POST:
        context[REDIRECT_FIELD_NAME] = reverse("admin:index", current_app=admin.site.name)
    return PasswordStepView.as_view(extra_context=context)(request)


def _password_checked(request):
    """The user whose password was checked in this session in the last five minutes."""
    pending = request.session.get(PENDING)
    if not pending or time.time() - pending["at"] > PENDING_SECONDS:
        request.session.pop(PENDING, None)
        return None, None
    user = get_user_model()._default_manager.filter(pk=pending["user"], is_active=True).first()
    return user, pending


@sensitive_post_parameters("code")
@csrf_protect
@never_cache
def verify(request):
    """Second step: a code from the app or a recovery code. Wrong codes count as failed
    sign-ins for django-axes, so guessing codes meets the same lockout as guessing passwords."""
    user, pending = _password_checked(request)
    if user is None:
        return redirect("admin:login")
    credentials = {"username": user.get_username()}
    request.newsroom_credentials = credentials  # throttle.cool_off reads the name from here
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not AxesProxyHandler.is_allowed(request, credentials):
            request.session.pop(PENDING, None)
            return throttle.lockout_response(request, None, credentials)
        device = twofactor.verify(user, form.cleaned_data["code"])
        if device is not None:
            del request.session[PENDING]
            auth_login(request, user, backend=pending["backend"])
            otp_login(request, device)
            return redirect(_safe_next(request, pending["next"]))
        user_login_failed.send(
            sender=__name__,
            credentials={**credentials, "reason": "Wrong authentication code."},
            request=request,
        )
        form.add_error("code", "That code is not right. Codes change every 30 seconds.")
    context = {**admin.site.each_context(request), "title": "Authentication code", "form": form}
    return render(request, "admin/security/verify.html", context)


def _safe_next(request, url):
    allowed = url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return url if allowed else reverse("admin:index")


@sensitive_post_parameters("code")
@csrf_protect
@never_cache
def enrol(request):
    """Set up an authenticator app: QR code, a code to confirm, then recovery codes, once."""
    user = request.user
    if not (user.is_authenticated and user.is_active and user.is_staff):
        return redirect_to_login(request.get_full_path(), reverse("admin:login"))
    if twofactor.has_second_factor(user) and not user.is_verified():
        # Replacing a second factor needs that factor: sign in with it first.
        return redirect_to_login(request.get_full_path(), reverse("admin:login"))
    device = twofactor.pending_app_device(user)
    form = CodeForm(request.POST or None)
    context = {**admin.site.each_context(request), "title": "Set up two-factor sign-in"}
    if request.method == "POST" and form.is_valid():
        codes = twofactor.confirm_app_device(
            device=device, token=form.cleaned_data["code"], request=request
        )
        if codes is not None:
            otp_login(request, device)
            context.update(title="Your recovery codes", codes=codes)
            return render(request, "admin/security/recovery_codes.html", context)
        form.add_error("code", "That code is not right. Check the time on your phone.")
    context.update(
        form=form,
        qr_code=twofactor.qr_code_data_uri(device),
        key=twofactor.manual_key(device),
        required=twofactor.must_use_second_factor(user),
        replacing=twofactor.has_second_factor(user),
    )
    return render(request, "admin/security/enrol.html", context)
