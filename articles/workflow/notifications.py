"""E-mail about workflow steps, through Django's mail framework (the console in development).

Writers hear when an editor requests changes or their article is published (or scheduled);
editors hear when something is submitted for review. Nobody hears about their own action,
and anyone can turn these off on "My desk". Mail is sent once the step has committed.
"""

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mass_mail
from django.db import transaction
from django.db.models import Q
from django.urls import reverse

from articles.models import Article, WorkflowEvent

logger = logging.getLogger(__name__)

TO_WRITERS = {"request_changes", "publish", "schedule", "publish_changes", "reject_changes"}
TO_EDITORS = {"submit"}


def _opted_in(users):
    return (
        users.filter(is_active=True)
        .exclude(email="")
        .exclude(notification_preference__workflow_email=False)
    )


def writers_of(article: Article):
    users = get_user_model().objects.filter(
        Q(pk=article.created_by_id) | Q(author_profile__bylines__article=article)
    )
    return _opted_in(users).distinct()


def editors():
    """Everyone who may review (the Editors group, and superusers)."""
    users = get_user_model().objects.filter(
        Q(is_superuser=True)
        | Q(groups__permissions__codename="review_article")
        | Q(user_permissions__codename="review_article")
    )
    return _opted_in(users).distinct()


def recipients(event: WorkflowEvent):
    if event.transition in TO_WRITERS:
        users = writers_of(event.article)
    elif event.transition in TO_EDITORS:
        users = editors()
    else:
        return []
    return [user for user in users if user.pk != event.user_id]


def message(event: WorkflowEvent, label: str) -> tuple[str, str]:
    article = event.article
    who = event.user.get_username() if event.user else "Newsroom (a scheduled or command-line job)"
    subject = f"[Newsroom] {label}: {article.headline}"
    link = settings.NEWSROOM_ADMIN_BASE_URL + reverse(
        "admin:articles_article_change", args=[article.pk]
    )
    lines = [f"{who}: {label.lower()} \u2014 \u201c{article.headline}\u201d."]
    if event.comment:
        lines += ["", event.comment]
    lines += ["", f"Open it: {link}", "", "Turn these e-mails off on My desk in the admin."]
    return subject, "\n".join(lines)


def notify(event: WorkflowEvent, label: str) -> None:
    """Queue the e-mails for ``event`` to go out when its transaction commits."""
    users = recipients(event)
    if not users:
        return
    subject, body = message(event, label)
    mails = [(subject, body, None, [user.email]) for user in users]
    transaction.on_commit(lambda: _send(mails, event))


def _send(mails, event):
    try:
        send_mass_mail(mails, fail_silently=False)
    except OSError:  # smtplib's errors are OSErrors: the step stands, the mail is logged lost
        logger.exception("Workflow e-mail for event %s could not be sent", event.pk)
