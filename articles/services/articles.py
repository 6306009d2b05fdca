"""The one write path for an article's content: the admin form, revision restore and the
importer all save through ``article_save``.

It decides, in one place: who may change the article in its current state; that the
publishing, embargo and unpublish times are editors' decisions (a writer's save or restore keeps them);
that edits to a live article wait as a pending revision; that each user action keeps exactly
one revision; and that the body's photos follow the text. Page-cache invalidation follows
the rows it writes (articles/cache/invalidation.py).
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction

from articles.models import Article, Author
from articles.services import set_byline, sync_body_images
from articles.workflow import revisions
from articles.workflow import transitions as workflow

# The fields of a revision snapshot that only editors decide (house style B: scheduling and
# embargo are editorial decisions; writers propose text).
EDITORS_FIELDS = ("published_at", "embargo_until", "expires_at")


@dataclass
class SaveResult:
    article: Article
    revision: object  # the Revision this action kept, or None when nothing changed
    pending: bool  # True: a live article's changes wait for an editor to publish them


def _keep_editors_decisions(content: dict, current: dict | None, user) -> dict:
    """A writer's save or restore cannot move the publishing or embargo time."""
    if workflow.is_editor(user):
        return content
    kept = {name: (current or {}).get(name) for name in EDITORS_FIELDS}
    return content | kept


def check_may_change(article: Article | None, user) -> None:
    """Raise PermissionDenied, naming why, unless ``user`` (None: a trusted command) may
    create (``article`` None) or change this article in its current state."""
    if article is None:
        if user is not None and not user.has_perm("articles.add_article"):
            raise PermissionDenied("You may not create articles.")
        return
    if user is not None and not workflow.can_edit(article, user):
        state = article.get_status_display().lower()
        raise PermissionDenied(
            f"You may not change \u201c{article}\u201d: it is {state}"
            + ("" if workflow.is_author(article, user) else " and not yours")
            + "."
        )


@transaction.atomic
def article_save(*, article: Article, user, content: dict, label: str = "") -> SaveResult:
    """Save ``content`` (a revision snapshot: fields, ``authors`` pks, ``tags`` names) onto
    ``article`` (new when it has no pk) on behalf of ``user`` (None: a trusted command).

    Raises PermissionDenied when the user may not change the article in its state.
    """
    is_new = article.pk is None
    current = None
    if not is_new:
        article = Article.objects.select_for_update().get(pk=article.pk)
        check_may_change(article, user)
        current = revisions.snapshot(article)
    else:
        check_may_change(None, user)
    if user is not None:
        content = _keep_editors_decisions(content, current, user)

    if not is_new and article.status == Article.Status.PUBLISHED:
        if _same(content, revisions.pending_or_live_content(article)):
            return SaveResult(article, None, pending=article.has_unpublished_changes)
        revision = revisions.save_pending(article, content, user=user, transition=label)
        return SaveResult(article, revision, pending=True)

    if not is_new and _same(content, current):
        return SaveResult(article, None, pending=False)
    if not is_new:
        revisions.ensure_baseline(article.pk)
        article.version += 1
    else:
        article.created_by = article.created_by or user
    revisions.apply_fields(article, content)
    article.updated_by = user
    article.save()
    authors = Author.objects.in_bulk(content.get("authors", []))
    wanted = [authors[pk] for pk in content.get("authors", []) if pk in authors]
    if [b.author_id for b in article.bylines.order_by("position", "id")] != [a.pk for a in wanted]:
        set_byline(article=article, authors=wanted)
    if sorted(article.tags.names(), key=str.lower) != sorted(
        content.get("tags", []), key=str.lower
    ):
        article.tags.set(content.get("tags", []))
    sync_body_images(article=article)
    revision = revisions.record(article, user=user, transition=label)
    return SaveResult(article, revision, pending=False)


@transaction.atomic
def revision_restore(*, revision, user) -> SaveResult:
    """Bring back an old revision's content as a new revision; nothing is destroyed.

    The same rules as any save: on a live article it waits to be published, and a writer's
    restore keeps the editors' publishing and embargo times.
    """
    article = Article.objects.get(pk=revision.article_id)
    return article_save(
        article=article, user=user, content=revision.content, label=f"restored r{revision.number}"
    )


def _same(content: dict, other: dict | None) -> bool:
    """Equal as readers and the history would see it (the version counter aside)."""
    if other is None:
        return False
    return revisions.comparable(content) == revisions.comparable(other)
