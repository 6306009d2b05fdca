"""Workflow e-mail: who hears about which step, and that each person can turn it off."""

from django.core import mail
from django.urls import reverse

from articles.models import Article, NotificationPreference
from articles.workflow import transitions as workflow
from tests.factories import make_section
from tests.workflow_support import own_article

S = Article.Status


def _with_email(*users):
    for user in users:
        user.email = f"{user.username}@news.example"
        user.save()


def test_editors_hear_when_a_writer_submits(writer, editor, django_capture_on_commit_callbacks):
    _with_email(writer, editor)
    article = own_article(writer, section=make_section())
    with django_capture_on_commit_callbacks(execute=True):
        workflow.apply_transition(article, "submit", user=writer)
    assert [m.to for m in mail.outbox] == [[editor.email]]
    assert article.headline in mail.outbox[0].subject
    assert f"/admin/articles/article/{article.pk}/change/" in mail.outbox[0].body


def test_writer_hears_the_editors_comment_and_the_publication(
    writer, editor, django_capture_on_commit_callbacks
):
    _with_email(writer, editor)
    article = own_article(writer, status=S.IN_REVIEW, section=make_section())
    with django_capture_on_commit_callbacks(execute=True):
        workflow.apply_transition(article, "request_changes", user=editor, comment="Cut it.")
    assert [m.to for m in mail.outbox] == [[writer.email]]
    assert "Cut it." in mail.outbox[0].body and "Request changes" in mail.outbox[0].subject
    with django_capture_on_commit_callbacks(execute=True):
        workflow.apply_transition(article, "submit", user=writer)
        workflow.apply_transition(article, "publish", user=editor)
    assert [m.to for m in mail.outbox[1:]] == [[editor.email], [writer.email]]
    assert "Publish" in mail.outbox[2].subject


def test_nobody_hears_about_their_own_step_or_after_turning_mail_off(
    client, writer, editor, django_capture_on_commit_callbacks
):
    _with_email(writer, editor)
    client.force_login(editor)
    response = client.post(reverse("admin:articles_desk_notifications"), {})
    assert response.status_code == 302
    assert NotificationPreference.objects.get(user=editor).workflow_email is False
    article = own_article(writer, section=make_section())
    with django_capture_on_commit_callbacks(execute=True):
        workflow.apply_transition(article, "submit", user=writer)
    assert mail.outbox == []
    desk = client.get(reverse("admin:articles_desk"))
    assert 'name="workflow_email" checked' not in desk.content.decode()
