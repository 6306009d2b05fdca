"""Shared by the sign-in security tests: signing in through the admin's form, and TOTP codes."""

import time

from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

PASSWORD = "correct horse battery staple"


def with_password(user, password=PASSWORD):
    user.set_password(password)
    user.save()
    return user


def sign_in(client, username, password=PASSWORD, *, address="127.0.0.1"):
    """POST the admin's login form from ``address``, as a browser would."""
    return client.post(
        reverse("admin:login"),
        {"username": username, "password": password, "next": "/admin/"},
        REMOTE_ADDR=address,
    )


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def app_device(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)


def code_for(device_or_key, *, steps_ahead=0) -> str:
    """The code an authenticator app shows for this key, ``steps_ahead`` 30-second steps on
    (a code already used is refused, so a second sign-in uses the next step's code)."""
    key = device_or_key.bin_key if hasattr(device_or_key, "bin_key") else device_or_key
    totp = TOTP(key, step=30, t0=0, digits=6)
    totp.time = time.time() + 30 * steps_ahead
    return f"{totp.token():06d}"
