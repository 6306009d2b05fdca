"""How an article travels from draft to reader: the one place that changes ``Article.status``.

Read ``TRANSITIONS`` as a table: name -> (button label, from states, to state, permission,
required comment). ``apply_transition`` is the single entry point for a change of status; the
admin and the tests go through it. The ``publish_scheduled`` command changes no status (a
scheduled article is already Published; the reader gate shows it when its time comes): it only
records that moment, through ``record_went_live``.
"""

from datetime import datetime
from typing import NamedTuple

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.formats import date_format

from articles.models import Article, Correction, WorkflowEvent
from articles.security.events import record_transition
from articles.workflow import notifications, readiness, revisions

S = Article.Status


class Transition(NamedTuple):
    label: str
    sources: frozenset
    target: str
    permission: str
    comment: str = ""  # when set, a comment is required and this names it in the error


TRANSITIONS = {
    "submit": Transition(
        "Submit for review", frozenset({S.DRAFT, S.CHANGES_REQUESTED}), S.IN_REVIEW,
        "articles.change_article",
    ),
    "request_changes": Transition(
        "Request changes", frozenset({S.IN_REVIEW}), S.CHANGES_REQUESTED,
        "articles.review_article", comment="A comment saying what to change",
    ),
    "publish": Transition(
        "Publish", frozenset({S.IN_REVIEW}), S.PUBLISHED, "articles.publish_article"
    ),
    "publish_changes": Transition(
        "Publish changes", frozenset({S.PUBLISHED}), S.PUBLISHED, "articles.publish_article"
    ),
    "reject_changes": Transition(
        "Reject proposed changes", frozenset({S.PUBLISHED}), S.PUBLISHED,
        "articles.review_article", comment="A comment saying why the changes are rejected",
    ),
    "unpublish": Transition(
        "Unpublish", frozenset({S.PUBLISHED}), S.UNPUBLISHED, "articles.publish_article",
        comment="A reason for unpublishing",
    ),
    "back_to_draft": Transition(
        "Back to draft", frozenset({S.UNPUBLISHED}), S.DRAFT, "articles.change_article"
    ),
}  # fmt: skip

# How the timeline names each recorded event.
EVENT_LABELS = {
    **{name: transition.label for name, transition in TRANSITIONS.items()},
    "schedule": "Scheduled",
    "went_live": "Went live at its scheduled time",
    "import": "Imported as published",
    "rejected": "Proposed changes rejected",
    "before first edit": "As it stood before the first edit",
    "": "Saved",
}


def event_label(name: str) -> str:
    """The words people read for a recorded event or revision, never the code word."""
    if name in EVENT_LABELS:
        return EVENT_LABELS[name]
    return name[:1].upper() + name[1:].replace("_", " ")


# These act on the changes proposed to a published article, so they need some.
PENDING_TRANSITIONS = frozenset({"publish_changes", "reject_changes"})

# Writers may edit their own articles in these states; edits to a published one wait as a
# pending revision until an editor publishes them.
WRITER_EDITABLE = frozenset({S.DRAFT, S.CHANGES_REQUESTED, S.PUBLISHED})
WRITER_DELETABLE = frozenset({S.DRAFT, S.CHANGES_REQUESTED})


class TransitionNotAllowed(ValidationError):
    """The article is not in a state this transition starts from (or the name is unknown)."""


def is_editor(user) -> bool:
    """Editors (and superusers) act on every article; everyone else only on their own."""
    return user.has_perm("articles.review_article")


def is_author(article: Article, user) -> bool:
    if not user.is_authenticated:
        return False
    return (
        article.created_by_id == user.pk or article.bylines.filter(author__user_id=user.pk).exists()
    )


def own_articles(queryset, user):
    """Narrow ``queryset`` to the articles ``user`` wrote or created."""
    return queryset.filter(Q(created_by=user) | Q(bylines__author__user=user)).distinct()


def can_edit(article: Article, user) -> bool:
    if not user.has_perm("articles.change_article"):
        return False
    if is_editor(user):
        return True
    return article.status in WRITER_EDITABLE and is_author(article, user)


def can_delete(article: Article, user) -> bool:
    """Only superusers delete a published article (others unpublish it first); writers delete
    only their own drafts."""
    if user.is_superuser:
        return True
    if not user.has_perm("articles.delete_article") or article.status == S.PUBLISHED:
        return False
    if is_editor(user):
        return True
    return article.status in WRITER_DELETABLE and is_author(article, user)


def _may(article: Article, transition: Transition, user) -> bool:
    if user is None:
        return True  # a trusted command run on the server (manage.py), not a person's request
    if not user.has_perm(transition.permission):
        return False
    return is_editor(user) or is_author(article, user)


def _in_source_state(article: Article, name: str) -> bool:
    if article.status not in TRANSITIONS[name].sources:
        return False
    if name in PENDING_TRANSITIONS:
        return article.has_unpublished_changes
    return True


def available_transitions(article: Article, user) -> list[tuple[str, Transition]]:
    """The transitions ``user`` may take on ``article`` now: exactly the admin's buttons."""
    return [
        (name, transition)
        for name, transition in TRANSITIONS.items()
        if _in_source_state(article, name) and _may(article, transition, user)
    ]


def _publish_time(article, publish_at, now) -> datetime:
    if publish_at is not None:
        return publish_at
    if article.published_at and article.published_at > now:
        return article.published_at  # the editor already entered a future time: schedule
    return now


def _refuse_embargoed(article, when):
    if article.embargo_until and when < article.embargo_until:
        local = date_format(timezone.localtime(article.embargo_until), "d.m.Y H:i")
        raise ValidationError(
            f"Embargoed until {local}: it cannot go public before then. "
            "Schedule it for that time or later.",
            code="embargoed",
        )


def _refuse_unready(article):
    missing = readiness.problems(article)
    if missing:
        raise ValidationError([ValidationError(problem, code="not_ready") for problem in missing])


@transaction.atomic
def apply_transition(
    article: Article,
    name: str,
    *,
    user,
    comment: str = "",
    publish_at: datetime | None = None,
    correction_kind: str = "",
    correction_text: str = "",
    now: datetime | None = None,
) -> WorkflowEvent:
    """Move ``article`` along transition ``name`` or raise, changing nothing.

    Raises PermissionDenied (the user may not take it), TransitionNotAllowed (wrong state)
    or ValidationError (missing comment, pre-publish problems, embargo).
    """
    if name not in TRANSITIONS:
        raise TransitionNotAllowed(f"There is no transition called {name!r}.", code="unknown")
    transition = TRANSITIONS[name]
    now = now or timezone.now()
    locked = Article.objects.select_for_update().get(pk=article.pk)
    if not _may(locked, transition, user):
        raise PermissionDenied(f"You may not {transition.label.lower()} this article.")
    if not _in_source_state(locked, name):
        state = locked.get_status_display()
        if name in PENDING_TRANSITIONS:
            raise TransitionNotAllowed("There are no unpublished changes.", code="no_changes")
        raise TransitionNotAllowed(
            f"Cannot {transition.label.lower()}: the article is {state}.", code="wrong_state"
        )
    comment = comment.strip()
    if transition.comment and not comment:
        raise ValidationError(f"{transition.comment} is required.", code="comment_required")

    revisions.ensure_baseline(locked.pk)
    from_status = locked.status
    fields = ["status", "version", "updated_at", "updated_by"]
    locked.updated_by = user
    recorded_name = name
    if name == "publish":
        when = _publish_time(locked, publish_at, now)
        _refuse_embargoed(locked, when)
        _refuse_unready(locked)
        locked.published_at = when
        fields += ["published_at", "last_published_at"]
        locked.last_published_at = when
        if when > now:
            recorded_name = "schedule"
            local = date_format(timezone.localtime(when), "d.m.Y H:i")
            comment = comment or f"Scheduled for {local}."
        elif locked.first_published_at is None:
            locked.first_published_at = when
            fields.append("first_published_at")
    elif name == "publish_changes":
        fields += revisions.apply_pending(locked)
        if locked.published_at and locked.published_at > now:
            _refuse_embargoed(locked, locked.published_at)  # the changes may move either time
        elif locked.embargo_until and locked.embargo_until > now:
            _refuse_embargoed(locked, now)
        _refuse_unready(locked)
        if correction_text.strip():
            Correction.objects.create(
                article=locked,
                kind=correction_kind or Correction.Kind.CORRECTION,
                text=correction_text.strip(),
                published_at=now,
                created_by=user,
            )
        # A scheduled article's "updated" time cannot precede its "posted" time.
        locked.last_published_at = max(now, locked.published_at or now)
        fields += ["last_published_at"]
    elif name == "reject_changes":
        fields += revisions.discard_pending(locked)

    locked.status = transition.target
    locked.version += 1
    locked.save(update_fields=sorted(set(fields)))
    # No revision here: a step changes the state, not the content (the timeline records it);
    # publishing pending changes makes their revision the live one.
    event = WorkflowEvent.objects.create(
        article=locked,
        transition=recorded_name,
        from_status=from_status,
        to_status=locked.status,
        user=user,
        comment=comment,
    )
    notifications.notify(event, event_label(recorded_name))
    record_transition(recorded_name, user=user, article=locked, comment=comment)
    article.refresh_from_db()
    return event


@transaction.atomic
def publish_imported(article: Article, *, user, source: str) -> WorkflowEvent:
    """An import asked to publish a new draft: the Publish button's permission, embargo and
    pre-publish checks, keeping the copy's own Posted time. Raises as apply_transition does."""
    if user is not None and not user.has_perm("articles.publish_article"):
        raise PermissionDenied("You may not publish articles; they were imported as drafts.")
    locked = Article.objects.select_for_update().get(pk=article.pk)
    if locked.status != S.DRAFT:
        raise TransitionNotAllowed(
            f"Cannot publish: the article is {locked.get_status_display()}.", code="wrong_state"
        )
    _refuse_embargoed(locked, locked.published_at)
    _refuse_unready(locked)
    from_status = locked.status
    locked.status = S.PUBLISHED
    locked.first_published_at = locked.first_published_at or locked.published_at
    locked.last_published_at = locked.published_at
    locked.save(update_fields=["status", "first_published_at", "last_published_at", "updated_at"])
    article.refresh_from_db()
    return WorkflowEvent.objects.create(
        article=locked,
        transition="import",
        from_status=from_status,
        to_status=locked.status,
        user=user,
        comment=f"Imported as published from {source}",
    )


@transaction.atomic
def record_went_live(article: Article) -> WorkflowEvent:
    """Log that a scheduled article's time came (the reader gate already shows it)."""
    locked = Article.objects.select_for_update().get(pk=article.pk)
    if locked.first_published_at is None:
        locked.first_published_at = locked.published_at
        locked.save(update_fields=["first_published_at"])
    return WorkflowEvent.objects.create(
        article=locked,
        transition="went_live",
        from_status=locked.status,
        to_status=locked.status,
        comment="The scheduled time came; readers see it.",
    )


def due_scheduled(now: datetime | None = None):
    """Scheduled articles whose time has come but whose going live is not yet recorded."""
    latest = WorkflowEvent.objects.filter(
        article=OuterRef("pk"), transition__in=["publish", "schedule", "went_live", "unpublish"]
    ).order_by("-created_at", "-id")
    return (
        Article.objects.published(now=now)
        .annotate(last_transition=Subquery(latest.values("transition")[:1]))
        .filter(last_transition="schedule")
        .order_by("published_at", "pk")
    )
