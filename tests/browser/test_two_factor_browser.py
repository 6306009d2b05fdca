"""An editor in a real browser: signs in with the password, is sent to set up an authenticator
app (REQUIRE_2FA), confirms it, sees the recovery codes once, and next time is asked for a code."""

import re

import pytest
from django.contrib.auth.models import Group, User

from tests.security_support import PASSWORD, code_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def edith(transactional_db):
    user = User.objects.create_user("edith", "edith@example.com", PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    return user


def log_in(page, base_url):
    page.goto(f"{base_url}/admin/login/")
    page.fill("#id_username", "edith")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")


def test_editor_sets_up_two_factor_and_signs_in_with_a_code(live_server, page, settings, edith):
    settings.REQUIRE_2FA = True
    log_in(page, live_server.url)
    page.wait_for_url(re.compile("/admin/two-factor/$"))
    assert page.locator("#two-factor-qr").evaluate("img => img.naturalWidth") > 0
    key = bytes.fromhex(edith.totpdevice_set.get().key)
    page.fill("#id_code", code_for(key))
    page.click("input[type=submit]")
    codes = page.locator("#recovery-codes li").all_inner_texts()
    assert len(codes) == 10
    page.click("text=Continue to the admin")
    page.wait_for_url(re.compile("/admin/$"))
    assert page.locator("#site-name").inner_text() == "Newsroom"

    page.click("#logout-form button")
    log_in(page, live_server.url)
    page.wait_for_url(re.compile("/admin/login/code/$"))
    page.fill("#id_code", "000000")
    page.click("input[type=submit]")
    assert "That code is not right" in page.locator(".errornote").inner_text()
    page.wait_for_timeout(1100)  # django-otp pauses the device a second after a wrong code
    page.fill("#id_code", code_for(key, steps_ahead=1))  # the code used above is spent
    page.click("input[type=submit]")
    page.wait_for_url(re.compile("/admin/$"))
    assert page.locator("#user-tools").inner_text().upper().startswith("WELCOME")
