"""The workflow table: who may move an article where, and what a refusal leaves behind."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.utils import timezone

from articles.models import Article, WorkflowEvent
from articles.workflow import readiness, revisions
from articles.workflow import transitions as workflow
from tests.factories import make_article, make_image
from tests.workflow_support import own_article

pytestmark = pytest.mark.django_db
S = Article.Status

# Who may take which transition on an article in the transition's source state.
EXPECTED = {
    "writer (own article)": {"submit", "back_to_draft"},
    "writer (someone else's)": set(),
    "editor": set(workflow.TRANSITIONS),
    "photo desk": set(),
    "superuser": set(workflow.TRANSITIONS),
}


def article_ready_for(name, owner):
    source = sorted(workflow.TRANSITIONS[name].sources)[0]
    article = own_article(owner, status=source)
    if name in workflow.PENDING_TRANSITIONS:
        content = revisions.snapshot(article) | {"headline": "Proposed headline"}
        revisions.save_pending(article, content, user=owner)
    return article


def actors(writer, other_writer, editor, photo_desk, superuser):
    return {
        "writer (own article)": writer,
        "writer (someone else's)": other_writer,
        "editor": editor,
        "photo desk": photo_desk,
        "superuser": superuser,
    }


@pytest.mark.parametrize("name", list(workflow.TRANSITIONS))
@pytest.mark.parametrize("actor", list(EXPECTED))
def test_transition_permission_matrix(
    name, actor, writer, other_writer, editor, photo_desk, superuser
):
    user = actors(writer, other_writer, editor, photo_desk, superuser)[actor]
    article = article_ready_for(name, owner=writer)
    before = article.status
    comment = "Because." if workflow.TRANSITIONS[name].comment else ""
    offered = {n for n, _ in workflow.available_transitions(article, user)}
    if name in EXPECTED[actor]:
        assert name in offered
        workflow.apply_transition(article, name, user=user, comment=comment)
        assert article.status == workflow.TRANSITIONS[name].target
        assert article.events.get().user == user
    else:
        assert name not in offered
        with pytest.raises(PermissionDenied):
            workflow.apply_transition(article, name, user=user, comment=comment)
        article.refresh_from_db()
        assert article.status == before
        assert not article.events.exists()


def test_transition_from_wrong_state_is_refused_naming_the_state(editor):
    article = make_article(status=S.DRAFT, published_at=None)
    with pytest.raises(workflow.TransitionNotAllowed, match="the article is Draft"):
        workflow.apply_transition(article, "publish", user=editor)
    article.refresh_from_db()
    assert article.status == S.DRAFT
    assert not WorkflowEvent.objects.exists()


def test_unknown_transition_is_refused(editor):
    article = make_article(status=S.IN_REVIEW)
    with pytest.raises(workflow.TransitionNotAllowed, match="no transition called 'approve'"):
        workflow.apply_transition(article, "approve", user=editor)


@pytest.mark.parametrize(
    "name,status", [("request_changes", S.IN_REVIEW), ("unpublish", S.PUBLISHED)]
)
def test_editor_cannot_request_changes_or_unpublish_without_a_comment(editor, name, status):
    article = make_article(status=status)
    with pytest.raises(ValidationError, match="is required"):
        workflow.apply_transition(article, name, user=editor, comment="   ")
    article.refresh_from_db()
    assert article.status == status


def test_every_transition_is_recorded_with_who_from_to_and_comment(writer, editor):
    article = own_article(writer)
    workflow.apply_transition(article, "submit", user=writer)
    workflow.apply_transition(article, "request_changes", user=editor, comment="Cite sources.")
    workflow.apply_transition(article, "submit", user=writer)
    workflow.apply_transition(article, "publish", user=editor)
    rows = list(article.events.values_list("transition", "from_status", "to_status", "comment"))
    assert rows == [
        ("submit", S.DRAFT, S.IN_REVIEW, ""),
        ("request_changes", S.IN_REVIEW, S.CHANGES_REQUESTED, "Cite sources."),
        ("submit", S.CHANGES_REQUESTED, S.IN_REVIEW, ""),
        ("publish", S.IN_REVIEW, S.PUBLISHED, ""),
    ]
    assert Article.objects.published().filter(pk=article.pk).exists()
    assert article.first_published_at is not None


def test_publish_refusal_lists_every_missing_item(editor):
    unshown = make_image(alt_text="", photographer=None, credit_text="")
    article = make_article(
        status=S.IN_REVIEW,
        headline="Only a headline",
        standfirst="",
        body="",
        section=None,
        authors=[],
        hero_image=unshown,
    )
    with pytest.raises(ValidationError) as refusal:
        workflow.apply_transition(article, "publish", user=editor)
    assert refusal.value.messages == [
        "Standfirst is missing.",
        "Body is missing.",
        "At least one author is needed in the byline.",
        "Section is missing.",
        f"Photo {unshown.key} has no alt text.",
        f"Photo {unshown.key} has no credit.",
    ]
    article.refresh_from_db()
    assert article.status == S.IN_REVIEW


def test_placeholder_photo_is_a_warning_that_does_not_block_publishing(editor):
    placeholder = make_image(with_file=False)
    article = make_article(status=S.IN_REVIEW, body=f"Text.\n\n[[image {placeholder.key}]]")
    assert readiness.problems(article) == []
    assert readiness.warnings(article) == [
        f"Photo {placeholder.key} is a placeholder: its file has not arrived yet."
    ]
    workflow.apply_transition(article, "publish", user=editor)
    assert article.status == S.PUBLISHED


def test_publish_with_future_time_schedules_and_readers_see_it_at_that_second(clock, editor):
    article = make_article(status=S.IN_REVIEW, published_at=None)
    go_live = clock.now + timedelta(hours=2)
    event = workflow.apply_transition(article, "publish", user=editor, publish_at=go_live)
    assert event.transition == "schedule"
    assert article.is_scheduled
    assert not Article.objects.published().filter(pk=article.pk).exists()
    clock.advance(hours=2, seconds=-1)
    assert not Article.objects.published().filter(pk=article.pk).exists()
    clock.advance(seconds=1)
    assert Article.objects.published().filter(pk=article.pk).exists()


def test_publish_scheduled_command_records_due_articles_once(clock, editor, capsys):
    due = make_article(status=S.IN_REVIEW, published_at=None, headline="Due story")
    later = make_article(status=S.IN_REVIEW, published_at=None, headline="Later story")
    workflow.apply_transition(
        due, "publish", user=editor, publish_at=clock.now + timedelta(hours=1)
    )
    workflow.apply_transition(
        later, "publish", user=editor, publish_at=clock.now + timedelta(days=1)
    )
    clock.advance(hours=1)
    call_command("publish_scheduled")
    assert "Live: Due story" in capsys.readouterr().out
    call_command("publish_scheduled")
    assert "0 scheduled article(s) went live." in capsys.readouterr().out
    due.refresh_from_db()
    assert due.first_published_at == clock.now
    assert list(due.events.values_list("transition", flat=True)) == ["schedule", "went_live"]
    assert list(later.events.values_list("transition", flat=True)) == ["schedule"]


def test_editor_cannot_publish_now_before_the_embargo(clock, editor):
    embargo = clock.now + timedelta(hours=3)
    article = make_article(status=S.IN_REVIEW, published_at=None, embargo_until=embargo)
    with pytest.raises(ValidationError, match="Embargoed until"):
        workflow.apply_transition(article, "publish", user=editor)
    with pytest.raises(ValidationError, match="Embargoed until"):
        workflow.apply_transition(
            article, "publish", user=editor, publish_at=embargo - timedelta(minutes=1)
        )
    article.refresh_from_db()
    assert article.status == S.IN_REVIEW
    workflow.apply_transition(article, "publish", user=editor, publish_at=embargo)
    assert article.is_scheduled


def test_unpublished_article_disappears_for_readers_and_can_return_to_draft(writer, editor):
    article = own_article(writer, status=S.PUBLISHED, published_at=timezone.now())
    workflow.apply_transition(article, "unpublish", user=editor, comment="Legal complaint.")
    assert not Article.objects.published().filter(pk=article.pk).exists()
    workflow.apply_transition(article, "back_to_draft", user=writer)
    assert article.status == S.DRAFT


def test_editor_rejects_proposed_changes_and_readers_keep_the_live_text(writer, editor):
    article = own_article(writer, status=S.PUBLISHED, published_at=timezone.now())
    live_headline = article.headline
    content = revisions.snapshot(article) | {"headline": "Clickbait headline"}
    revisions.save_pending(article, content, user=writer)
    with pytest.raises(ValidationError, match="is required"):
        workflow.apply_transition(article, "reject_changes", user=editor)
    workflow.apply_transition(article, "reject_changes", user=editor, comment="Keep it sober.")
    assert not article.has_unpublished_changes
    assert article.headline == live_headline
    assert revisions.pending_revision(article) is None
    assert article.revisions.filter(transition="rejected").count() == 1
    assert article.events.get().comment == "Keep it sober."


def test_publishing_changes_cannot_move_a_scheduled_article_before_its_embargo(clock, editor):
    article = make_article(published_at=clock.now + timedelta(days=1))
    embargo = clock.now + timedelta(days=2)
    content = revisions.snapshot(article) | {"embargo_until": embargo.isoformat()}
    revisions.save_pending(article, content, user=editor)
    with pytest.raises(ValidationError, match="Embargoed until"):
        workflow.apply_transition(article, "publish_changes", user=editor)
    article.refresh_from_db()
    assert article.has_unpublished_changes
    assert article.embargo_until is None
