"""Reads for the "My desk" page: what waits for an editor, and what waits for a writer."""

from django.db.models import OuterRef, Subquery
from django.utils import timezone

from articles.models import Article, WorkflowEvent
from articles.workflow.transitions import EVENT_LABELS, own_articles


def _latest_event(transition):
    return WorkflowEvent.objects.filter(article=OuterRef("pk"), transition=transition).order_by(
        "-created_at", "-id"
    )


def review_queue():
    """Articles in review, the one waiting longest first."""
    return (
        Article.objects.in_review()
        .annotate(submitted_at=Subquery(_latest_event("submit").values("created_at")[:1]))
        .order_by("submitted_at", "updated_at", "pk")
    )


def pending_changes():
    """Live articles with proposed changes waiting to be published, oldest first."""
    return Article.objects.filter(
        status=Article.Status.PUBLISHED, has_unpublished_changes=True
    ).order_by("updated_at")


def my_proposals(user):
    """The user's proposed changes to live articles that still wait for an editor."""
    return own_articles(pending_changes(), user).order_by("updated_at")


def upcoming(now=None):
    return Article.objects.scheduled(now=now or timezone.now()).order_by("published_at")


def my_drafts(user):
    return own_articles(Article.objects.drafts(), user).order_by("-updated_at")


def returned_to(user):
    """The user's articles sent back by an editor, with the editor's comment and name."""
    latest = _latest_event("request_changes")
    return (
        own_articles(Article.objects.filter(status=Article.Status.CHANGES_REQUESTED), user)
        .annotate(
            editor_comment=Subquery(latest.values("comment")[:1]),
            returned_by=Subquery(latest.values("user__username")[:1]),
            returned_at=Subquery(latest.values("created_at")[:1]),
        )
        .order_by("returned_at")
    )


def state_summary(article):
    """For the top of the article form: since when it has been in its state, and the latest
    comment left on a step (usually the editor's "what to change"), with the step's name."""
    events = article.events.select_related("user").order_by("-created_at", "-id")
    entered = events.filter(to_status=article.status).exclude(from_status=article.status).first()
    commented = events.exclude(comment="").first()
    return {
        "state_since": entered.created_at if entered else article.created_at,
        "latest_comment": commented,
        "latest_comment_label": EVENT_LABELS.get(commented.transition, commented.transition)
        if commented
        else "",
    }
