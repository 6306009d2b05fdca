"""Corrections are data appended when an editor republishes; writers cannot schedule."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains

from articles.models import Article, Correction
from articles.workflow import revisions
from articles.workflow import transitions as workflow
from tests.factories import make_article
from tests.workflow_support import article_form_data, change_url, own_article, transition_url

pytestmark = pytest.mark.django_db
S = Article.Status


def propose(article, user, **changes):
    revisions.save_pending(article, revisions.snapshot(article) | changes, user=user)


def test_republishing_with_corrections_appends_notes_and_moves_modified_time(client, clock, editor):
    article = make_article(body="Mayor was born in 1960.")
    first_live = article.last_published_at
    propose(article, editor, body="Mayor was born in 1961.")
    workflow.apply_transition(
        article,
        "publish_changes",
        user=editor,
        correction_kind="correction",
        correction_text="An earlier version gave the wrong birth year.",
    )
    clock.advance(hours=2)
    propose(article, editor, body="Mayor was born in 1961. He resigned today.")
    workflow.apply_transition(
        article,
        "publish_changes",
        user=editor,
        correction_kind="update",
        correction_text="Added his resignation.",
    )
    notes = list(article.corrections.values_list("kind", "text", "published_at"))
    assert [(kind, text) for kind, text, _ in notes] == [
        ("correction", "An earlier version gave the wrong birth year."),
        ("update", "Added his resignation."),
    ]
    assert notes[1][2] - notes[0][2] == timedelta(hours=2)
    article.refresh_from_db()
    assert article.last_published_at == clock.now != first_live
    client.force_login(editor)
    page = client.get(change_url(article))
    assertContains(page, "Correction, ")
    assertContains(page, "Added his resignation.")


def test_nobody_but_superusers_may_change_or_delete_a_correction(editor, writer):
    for user in (editor, writer):
        assert not user.has_perm("articles.change_correction")
        assert not user.has_perm("articles.delete_correction")
    assert editor.has_perm("articles.add_correction")


def test_correction_kind_without_text_is_refused(client, editor):
    article = make_article()
    propose(article, editor, headline="Better headline")
    client.force_login(editor)
    response = client.post(
        transition_url(article, "publish_changes"),
        {"workflow-correction_kind": "clarification"},
        follow=True,
    )
    assertContains(response, "Write the note readers will see.")
    article.refresh_from_db()
    assert article.has_unpublished_changes
    assert not Correction.objects.exists()


def test_writer_cannot_set_publish_time_or_embargo_through_the_form(client, writer):
    article = own_article(writer)
    client.force_login(writer)
    later = timezone.now() + timedelta(days=3)
    data = article_form_data(article, published_at=later, embargo_until=later)
    assert client.post(change_url(article), data).status_code == 302
    article.refresh_from_db()
    assert article.published_at is None
    assert article.embargo_until is None


def test_writer_can_use_the_pickers_of_the_article_form(client, writer):
    client.force_login(writer)
    for field in ["section", "hero_image"]:
        url = reverse("admin:autocomplete") + (
            f"?app_label=articles&model_name=article&field_name={field}"
        )
        assert client.get(url).status_code == 200, field
    url = reverse("admin:autocomplete") + (
        "?app_label=articles&model_name=articleauthor&field_name=author"
    )
    assert client.get(url).status_code == 200
