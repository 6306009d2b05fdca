"""The security log: sign-ins, failures, lockouts, refusals, publishing and share links are
recorded; superusers read and filter it; nobody adds, changes or deletes a row."""

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from articles.models import Article, SecurityEvent
from articles.security.events import record_security_event
from articles.workflow import preview
from articles.workflow import transitions as workflow
from tests.security_support import sign_in, with_password
from tests.test_workflow import article_ready_for
from tests.workflow_support import transition_url

pytestmark = pytest.mark.django_db
Kind = SecurityEvent.Kind
CHANGELIST = reverse("admin:articles_securityevent_changelist")


def kinds():
    return list(SecurityEvent.objects.order_by("id").values_list("kind", flat=True))


def test_failed_sign_in_is_recorded_with_the_name_typed_and_the_address(client):
    sign_in(client, "no-such-person", "guess", address="198.51.100.23")
    event = SecurityEvent.objects.get()
    assert (event.kind, event.username, event.ip_address) == (
        Kind.LOGIN_FAILED,
        "no-such-person",
        "198.51.100.23",
    )
    assert "guess" not in event.detail


def test_sign_in_and_a_lockout_are_recorded_once(client, editor):
    with_password(editor)
    assert sign_in(client, "edith", address="10.0.0.1").status_code == 302
    client.logout()
    for _ in range(8):
        sign_in(client, "edith", "wrong", address="10.0.0.1")
    # The fifth failure starts the lockout (logged as it happens, then the failure itself).
    failed, locked = Kind.LOGIN_FAILED, Kind.LOCKOUT
    assert kinds() == [Kind.LOGIN, Kind.LOGOUT] + [failed] * 4 + [locked] + [failed] * 4
    refused = SecurityEvent.objects.filter(kind=Kind.LOGIN_FAILED).first()
    assert "locked out" in refused.detail  # the newest: refused without checking


def test_publish_and_unpublish_are_recorded_with_who_and_what(editor, writer):
    article = article_ready_for("publish", owner=writer)
    workflow.apply_transition(article, "publish", user=editor)
    workflow.apply_transition(article, "unpublish", user=editor, comment="Legal asked.")
    published, unpublished = SecurityEvent.objects.order_by("id")
    assert (published.kind, published.user, published.username) == (
        Kind.PUBLISH,
        editor,
        "edith",
    )
    assert article.headline in published.target
    assert (unpublished.kind, unpublished.detail) == (Kind.UNPUBLISH, "Legal asked.")


def test_other_transitions_are_left_to_the_timeline(writer):
    article = article_ready_for("submit", owner=writer)
    workflow.apply_transition(article, "submit", user=writer)
    assert not SecurityEvent.objects.exists()


def test_share_links_created_and_revoked_are_recorded(editor, writer):
    article = article_ready_for("submit", owner=writer)
    link = preview.create_share_link(article=article, user=editor)
    preview.revoke_share_link(link=link, user=editor)
    assert kinds() == [Kind.SHARE_LINK_CREATED, Kind.SHARE_LINK_REVOKED]
    assert SecurityEvent.objects.filter(user=editor, target__contains=article.headline).count() == 2


def test_a_refused_admin_action_is_recorded(client, writer, other_writer):
    article = article_ready_for("publish", owner=writer)
    client.force_login(other_writer)
    SecurityEvent.objects.all().delete()  # the sign-in itself
    response = client.post(transition_url(article, "publish"))
    assert response.status_code == 403
    event = SecurityEvent.objects.get()
    assert (event.kind, event.user, event.target) == (
        Kind.PERMISSION_DENIED,
        other_writer,
        transition_url(article, "publish"),
    )
    assert Article.objects.get(pk=article.pk).status == article.status


def test_anonymous_refusals_are_not_logged(client):
    client.handler.enforce_csrf_checks = True
    assert client.post(reverse("admin:login"), {"username": "x"}).status_code == 403
    assert not SecurityEvent.objects.exists()


def test_unknown_kind_is_refused():
    with pytest.raises(ValueError, match="Unknown security event kind"):
        record_security_event("coffee", user=None)


def test_superuser_reads_and_filters_the_log(superuser_client, editor):
    record_security_event(Kind.PUBLISH, user=editor, target="Budget story")
    record_security_event(Kind.LOGIN_FAILED, user=None, username="mallory")
    page = superuser_client.get(CHANGELIST, {"kind__exact": Kind.LOGIN_FAILED})
    assertContains(page, "mallory")
    assertNotContains(page, "Budget story")
    page = superuser_client.get(CHANGELIST, {"user__id__exact": editor.pk})
    assertContains(page, "Budget story")
    assertNotContains(page, "mallory")


def test_nobody_can_add_change_or_delete_a_row(superuser_client, editor):
    event = record_security_event(Kind.PUBLISH, user=editor, target="Budget story")
    change = reverse("admin:articles_securityevent_change", args=[event.pk])
    page = superuser_client.get(change)
    assert page.status_code == 200
    assertNotContains(page, 'name="_save"')
    assert superuser_client.post(change, {"kind": Kind.LOGIN, "target": "x"}).status_code == 403
    assert superuser_client.get(reverse("admin:articles_securityevent_add")).status_code == 403
    delete = reverse("admin:articles_securityevent_delete", args=[event.pk])
    assert superuser_client.post(delete, {"post": "yes"}).status_code == 403
    bulk = superuser_client.post(
        CHANGELIST, {"action": "delete_selected", "_selected_action": [event.pk], "post": "yes"}
    )
    assert bulk.status_code in {200, 302}
    event.refresh_from_db()
    assert event.target == "Budget story" and event.kind == Kind.PUBLISH


def test_editors_cannot_read_the_log(client, editor):
    client.force_login(editor)
    assert client.get(CHANGELIST).status_code == 403
    assertNotContains(client.get(reverse("admin:index")), "Security log")


def test_an_import_run_is_recorded_with_who_and_how_it_went(tmp_path, editor):
    from django.core.management import call_command

    (tmp_path / "story.txt").write_text(
        "Posted: 02.03.2025 09:15:00\n\nBridges\n\nStandfirst.\n\nBody.\n\nBy Anna Kowalska",
        encoding="utf-8",
    )
    call_command("import_articles", str(tmp_path), "--user", editor.username, verbosity=0)
    event = SecurityEvent.objects.get(kind=SecurityEvent.Kind.IMPORT)
    assert event.user == editor
    assert "1 created" in event.target and "story.txt" in event.detail
