"""Two-factor sign-in: the code step after the password, recovery codes, enrolment with a QR
code, and REQUIRE_2FA keeping Editors and superusers without a device out of the admin."""

import pytest
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from articles.security import twofactor
from tests.security_support import app_device, code_for, sign_in, signed_in, with_password
from tests.test_production import run_python

pytestmark = pytest.mark.django_db

VERIFY = "/admin/login/code/"
ENROL = "/admin/two-factor/"


@pytest.fixture
def edith(editor):
    return with_password(editor)


def test_editor_with_an_app_is_asked_for_a_code_and_not_signed_in_before_it(client, edith):
    device = app_device(edith)
    response = sign_in(client, "edith")
    assertRedirects(response, VERIFY, fetch_redirect_response=False)
    assert not signed_in(client)
    assert client.get("/admin/").status_code == 302  # still the login page

    page = client.get(VERIFY)
    assertContains(page, "Authentication code")
    response = client.post(VERIFY, {"code": code_for(device)})
    assertRedirects(response, "/admin/", fetch_redirect_response=False)
    assert signed_in(client)
    assert client.get("/admin/").status_code == 200


def test_wrong_code_is_refused_and_repeated_wrong_codes_lock_the_sign_in(client, edith):
    device = app_device(edith)
    sign_in(client, "edith")
    response = client.post(VERIFY, {"code": "000000" if code_for(device) != "000000" else "1"})
    assertContains(response, "That code is not right")
    assert not signed_in(client)
    device.refresh_from_db()
    device.throttling_failure_count = 0  # django-otp's own per-device pause is tested upstream
    device.save()
    for _ in range(4):
        response = client.post(VERIFY, {"code": "bad"})
    assert response.status_code == 429
    assertContains(response, "Too many failed sign-ins", status_code=429)
    assert not signed_in(client)


def test_a_recovery_code_signs_in_once(client, edith):
    device = twofactor.pending_app_device(edith)
    codes = twofactor.confirm_app_device(device=device, token=code_for(device))
    assert len(codes) == 10 and len(set(codes)) == 10

    sign_in(client, "edith")
    assertRedirects(client.post(VERIFY, {"code": codes[0].upper()}), "/admin/", 302, 200)
    client.logout()
    sign_in(client, "edith")
    assertContains(client.post(VERIFY, {"code": codes[0]}), "That code is not right")
    assert not signed_in(client)
    assert StaticToken.objects.filter(device__user=edith).count() == 9


def test_code_step_expires_and_needs_the_password_again(client, edith, monkeypatch):
    app_device(edith)
    sign_in(client, "edith")
    session = client.session
    session["security.password_checked"]["at"] -= 301
    session.save()
    assertRedirects(client.get(VERIFY), "/admin/login/", fetch_redirect_response=False)


def test_code_page_without_a_password_step_goes_back_to_the_login(client):
    assertRedirects(client.get(VERIFY), "/admin/login/", fetch_redirect_response=False)


def test_editor_without_a_device_cannot_reach_the_admin_when_required(client, settings, edith):
    settings.REQUIRE_2FA = True
    response = sign_in(client, "edith")
    assert response.status_code == 302  # the password is right...
    for url in ["/admin/", reverse("admin:articles_article_changelist")]:
        assertRedirects(client.get(url), ENROL, fetch_redirect_response=False)  # ...no further
    assertContains(client.get(ENROL), "needs a second factor")


def test_superuser_without_a_device_cannot_reach_the_admin_when_required(
    superuser_client, settings
):
    settings.REQUIRE_2FA = True
    assertRedirects(superuser_client.get("/admin/"), ENROL, fetch_redirect_response=False)


def test_writer_without_a_device_still_reaches_the_admin_when_required(client, settings, writer):
    settings.REQUIRE_2FA = True
    client.force_login(writer)
    assert client.get("/admin/").status_code == 200


def test_editor_reaches_the_admin_without_a_device_when_not_required(client, settings, edith):
    settings.REQUIRE_2FA = False
    client.force_login(edith)
    assert client.get("/admin/").status_code == 200


def test_enrolment_shows_a_qr_code_then_recovery_codes_once_and_opens_the_admin(
    client, settings, edith
):
    settings.REQUIRE_2FA = True
    sign_in(client, "edith")
    page = client.get(ENROL)
    assertContains(page, 'src="data:image/svg+xml;base64,')
    device = TOTPDevice.objects.get(user=edith, confirmed=False)
    assertContains(page, twofactor.manual_key(device))

    assertContains(client.post(ENROL, {"code": "123"}), "That code is not right")
    device.throttle_reset()  # django-otp pauses a device for a second after a wrong code
    response = client.post(ENROL, {"code": code_for(device)})
    codes = list(StaticToken.objects.filter(device__user=edith).values_list("token", flat=True))
    assert len(codes) == 10
    for code in codes:
        assertContains(response, code)
    assert response["Cache-Control"].startswith("max-age=0")
    assert client.get("/admin/").status_code == 200

    again = client.get(ENROL)  # a verified user may replace the app; the codes are not shown
    assertContains(again, "This replaces your current authenticator app")
    for code in codes:
        assertNotContains(again, code)


def test_half_signed_in_device_holder_cannot_replace_the_device(client, settings, edith):
    app_device(edith)
    client.force_login(edith)  # a session without the code (e.g. from before 2FA)
    response = client.get(ENROL)
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    assert TOTPDevice.objects.filter(user=edith).count() == 1


def test_session_without_the_code_is_signed_out_when_required(client, settings, edith):
    settings.REQUIRE_2FA = True
    app_device(edith)
    client.force_login(edith)
    response = client.get("/admin/articles/article/")
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    assert not signed_in(client)


def test_the_admin_shows_no_secret_of_a_device(superuser_client, edith):
    device = twofactor.pending_app_device(edith)
    twofactor.confirm_app_device(device=device, token=code_for(device))
    url = reverse("admin:otp_totp_totpdevice_change", args=[device.pk])
    response = superuser_client.get(url)
    assert response.status_code == 200
    assertNotContains(response, device.key)


@pytest.mark.parametrize(
    ("debug", "variable", "required"),
    [("", "", True), ("1", "", False), ("", "0", False), ("1", "1", True)],
)
def test_two_factor_is_required_by_default_in_production_only(debug, variable, required):
    result = run_python(
        "from django.conf import settings; print(settings.REQUIRE_2FA)",
        DEBUG=debug,
        REQUIRE_2FA=variable,
    )
    assert result.stdout.strip() == str(required), result.stderr


def test_sign_in_pages_pass_the_content_security_policy(client, edith):
    from tests.test_production import inline_code

    app_device(edith)
    sign_in(client, "edith")
    pages = [client.get(VERIFY)]
    client.logout()
    client.force_login(with_password(edith))
    TOTPDevice.objects.all().delete()
    pages.append(client.get(ENROL))
    client.logout()
    pages += [sign_in(client, "edith", "wrong") for _ in range(5)][-1:]
    assert [page.status_code for page in pages] == [200, 200, 429]
    for page in pages:
        assert inline_code(page.content.decode()) == []


def test_a_wrong_code_is_not_kept_in_the_failed_attempt_record(client, edith):
    from axes.models import AccessAttempt

    app_device(edith)
    sign_in(client, "edith")
    client.post(VERIFY, {"code": "314159"})
    attempt = AccessAttempt.objects.get(username="edith")
    assert "314159" not in attempt.post_data
