"""Login throttling: wrong passwords are refused, then not even checked; colleagues behind
the same address still sign in; the pause grows; a superuser can see and lift it."""

import time
from unittest import mock

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import base_user
from django.urls import reverse
from pytest_django.asserts import assertContains

from tests.security_support import sign_in, signed_in, with_password

pytestmark = pytest.mark.django_db

OFFICE = "10.0.0.1"  # the newsroom's one address behind its NAT


@pytest.fixture
def edith(editor):
    return with_password(editor)


@pytest.fixture
def wanda(writer):
    return with_password(writer)


def test_account_is_locked_after_five_wrong_passwords_and_the_right_one_is_refused(client, edith):
    for _ in range(4):
        response = sign_in(client, "edith", "wrong", address=OFFICE)
        assert response.status_code == 200
        assertContains(response, "Please enter the correct username and password")
    response = sign_in(client, "edith", "wrong", address=OFFICE)
    assert response.status_code == 429
    assertContains(response, "Too many failed sign-ins", status_code=429)
    assertContains(response, "try again in 5 minutes", status_code=429)

    response = sign_in(client, "edith", address=OFFICE)
    assert response.status_code == 429
    assert not signed_in(client)


def test_locked_out_sign_ins_are_refused_before_any_password_is_hashed(client, edith):
    for _ in range(5):
        sign_in(client, "edith", "wrong", address=OFFICE)
    # Every password hash goes through one of these two (right or wrong, or a missing user).
    check = mock.Mock(wraps=base_user.check_password)
    make = mock.Mock(wraps=base_user.make_password)
    with (
        mock.patch.object(base_user, "check_password", check),
        mock.patch.object(base_user, "make_password", make),
    ):
        assert sign_in(client, "nobody", "guess", address="192.0.2.1").status_code == 200
        assert check.call_count + make.call_count == 1  # the spy sees a hash when there is one
        started = time.perf_counter()
        for _ in range(50):
            assert sign_in(client, "edith", "guess", address=OFFICE).status_code == 429
        elapsed = time.perf_counter() - started
        assert check.call_count + make.call_count == 1
    # Not a benchmark: 50 refusals cost well under one production password hash each.
    assert elapsed / 50 < 0.25


def test_colleague_behind_the_same_address_signs_in_after_thirty_failures_on_another_account(
    client, edith, wanda
):
    for _ in range(30):
        sign_in(client, "edith", "wrong", address=OFFICE)
    assert sign_in(client, "edith", address=OFFICE).status_code == 429

    response = sign_in(client, "wanda", address=OFFICE)
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert signed_in(client)


def test_account_guessed_from_many_addresses_is_locked_everywhere(client, edith):
    for address in ["10.1.0.1", "10.1.0.2", "10.1.0.3", "10.1.0.4", "10.1.0.5"]:
        sign_in(client, "edith", "wrong", address=address)
        sign_in(client, "edith", "wrong", address=address)
    assert sign_in(client, "edith", address="192.0.2.7").status_code == 429
    assert not signed_in(client)


def test_one_address_trying_many_accounts_is_locked_at_its_own_higher_limit(
    client, settings, wanda
):
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 20
    for number in range(19):
        sign_in(client, f"nobody{number}", "wrong", address="203.0.113.9")
    assert sign_in(client, "wanda", address="203.0.113.9").status_code == 302
    client.logout()
    sign_in(client, "nobody-else", "wrong", address="203.0.113.9")
    assert sign_in(client, "wanda", address="203.0.113.9").status_code == 429
    assert sign_in(client, "wanda", address="198.51.100.1").status_code == 302


def test_the_pause_doubles_with_each_further_five_failures(client, edith):
    for _ in range(5):
        response = sign_in(client, "edith", "wrong", address=OFFICE)
    assertContains(response, "try again in 5 minutes", status_code=429)
    for _ in range(5):
        response = sign_in(client, "edith", "wrong", address=OFFICE)
    assertContains(response, "try again in 10 minutes", status_code=429)
    for _ in range(5):
        response = sign_in(client, "edith", "wrong", address=OFFICE)
    assertContains(response, "try again in 20 minutes", status_code=429)


def test_a_right_password_before_the_limit_forgets_the_failures(client, edith):
    for _ in range(4):
        sign_in(client, "edith", "wrong", address=OFFICE)
    assert sign_in(client, "edith", address=OFFICE).status_code == 302
    client.logout()
    for _ in range(4):
        assert sign_in(client, "edith", "wrong", address=OFFICE).status_code == 200


def test_superuser_sees_the_lockout_and_lifts_it(client, superuser_client, edith):
    for _ in range(5):
        sign_in(client, "edith", "wrong", address=OFFICE)
    changelist = reverse("admin:axes_accessattempt_changelist")
    response = superuser_client.get(changelist)
    assertContains(response, "edith")
    assertContains(response, OFFICE)

    attempts = list(AccessAttempt.objects.filter(username="edith").values_list("pk", flat=True))
    response = superuser_client.post(
        changelist, {"action": "lift_lockout", "_selected_action": attempts}, follow=True
    )
    assertContains(response, "Lockout lifted")
    assert sign_in(client, "edith", address=OFFICE).status_code == 302


def test_editor_cannot_see_the_lockouts(client, edith):
    client.force_login(edith)
    response = client.get(reverse("admin:axes_accessattempt_changelist"))
    assert response.status_code == 403
