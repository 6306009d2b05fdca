"""Staff two-factor authentication with django-otp: an authenticator app (TOTP) and ten
single-use recovery codes (django-otp's static device).

Who must have a second factor: superusers and everyone who may publish (the Editors), when
``REQUIRE_2FA`` is on. Anyone on the staff may set one up; once set up, signing in asks for
it whatever the setting says.
"""

import base64

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.db import transaction
from django_otp import devices_for_user, user_has_device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from articles.security.events import Kind, record_security_event

RECOVERY_CODES = 10
APP_DEVICE_NAME = "Authenticator app"
RECOVERY_DEVICE_NAME = "Recovery codes"


def must_use_second_factor(user) -> bool:
    """True for the accounts ``REQUIRE_2FA`` covers: superusers and those who may publish."""
    if not settings.REQUIRE_2FA or not user.is_authenticated or not user.is_staff:
        return False
    return user.is_superuser or user.has_perm("articles.publish_article")


def has_second_factor(user) -> bool:
    return user_has_device(user, confirmed=True)


def pending_app_device(user) -> TOTPDevice:
    """The unconfirmed authenticator this user is setting up: the same key until confirmed,
    so reloading the page does not invalidate a code already scanned."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-id").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, confirmed=False)
    return device


def qr_code_data_uri(device: TOTPDevice) -> str:
    """The device's otpauth:// URL as an SVG QR code, drawn here (no outside service sees
    the key) and given as a data: URI, which the Content-Security-Policy allows for images."""
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage)
    encoded = base64.b64encode(image.to_string()).decode("ascii")
    return f"data:image/svg+xml;base64,{encoded}"


def manual_key(device: TOTPDevice) -> str:
    """The key as apps ask for it when typed in: base32, in groups of four."""
    key = base64.b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


@transaction.atomic
def confirm_app_device(*, device: TOTPDevice, token: str, request=None) -> list[str] | None:
    """Confirm ``device`` with a code from the app and issue fresh recovery codes.

    Returns the recovery codes (to be shown once, they are not shown again), or None when the
    code is wrong. Any older authenticator and recovery codes of the user stop working.
    """
    if not device.verify_token(normalise(token)):
        return None
    user = device.user
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    StaticDevice.objects.filter(user=user).delete()
    recovery = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=recovery, token=code) for code in codes])
    record_security_event(Kind.TWO_FACTOR_ENROLLED, user=user, request=request, target=device)
    return codes


def verify(user, token: str):
    """The device that accepts ``token`` (app code or unused recovery code), or None.

    Each device throttles its own failures (django-otp doubles the wait after each one), and a
    recovery code is deleted when used.
    """
    token = normalise(token)
    if not token:
        return None
    with transaction.atomic():
        for device in devices_for_user(user, confirmed=True, for_verify=True):
            if device.verify_token(token):
                return device
    return None


def normalise(token: str) -> str:
    """Codes are often pasted with spaces or typed in capitals."""
    return "".join(str(token).split()).lower()
