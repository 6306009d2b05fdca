"""Previews: editors and authors see any state of an article exactly as readers would, and
outside reviewers see one article through a signed, expiring, revocable share link.

Both render the reader's template, ``articles/article_detail.html``, with the reader's
context (``reader_context``), so a preview cannot drift from the live page.
"""

from datetime import timedelta

from django.core import signing
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.text import slugify
from django.views.decorators.cache import never_cache
from taggit.models import Tag

from articles.images import renditions
from articles.models import Article, ArticleAuthor, ArticleImage, Author, Image, ShareLink
from articles.models.articles import BYLINES_ATTR
from articles.reader import article_page
from articles.reader.selectors import (
    article_json_ld,
    article_page_context,
    share_image_url,
    without_hero_slot,
)
from articles.rendering import clean_body, image_references, insert_figures, render_body
from articles.security.events import Kind, record_security_event
from articles.workflow import revisions
from articles.workflow import transitions as workflow

SHARE_HOURS = 48
_signer = signing.Signer(salt="articles.preview.share-link")


class ShareLinkRefused(Exception):
    """The link is malformed, unknown, revoked or expired; the message says which."""

    def __init__(self, message, *, status=410):
        super().__init__(message)
        self.http_status = status


def can_preview(article: Article, user) -> bool:
    return user.has_perm("articles.view_article") and (
        workflow.is_editor(user) or workflow.is_author(article, user)
    )


def reader_context(article: Article, request) -> dict:
    """The reader view's context for ``article``, whatever its state.

    With changes pending on a live article, the byline, tags and photos come from those
    changes too, so the preview is what readers will see once they are published.
    """
    context = article_page_context(article, request)
    pending = getattr(article, "pending_content", None)
    if pending is not None:
        context.update(_pending_parts(pending, body_html=article.body_html, hero=context["hero"]))
        context["json_ld"] = article_json_ld(
            article,
            request,
            hero_url=share_image_url(context["hero"]),
            corrections=context["corrections"],
            authors=context["authors"],
            tags=context["tags"],
        )
    return context


def _pending_parts(pending: dict, *, body_html: str, hero) -> dict:
    authors = Author.objects.in_bulk(pending["authors"])
    existing = {tag.name.lower(): tag for tag in Tag.objects.filter(name__in=pending["tags"])}
    tags = [
        existing.get(name.lower()) or Tag(name=name, slug=slugify(name)) for name in pending["tags"]
    ]
    images = Image.objects.select_related("photographer").in_bulk(
        pending["images"], field_name="key"
    )
    return {
        "authors": [authors[pk] for pk in pending["authors"] if pk in authors],
        "tags": tags,
        "body": insert_figures(without_hero_slot(body_html, hero), images),
    }


def preview_article(pk) -> Article:
    """The article as it will look once published: pending changes shown over live text."""
    article = Article.objects.for_listing().select_related("hero_image__photographer").get(pk=pk)
    article.pending_content = revisions.overlay_pending(article)
    if article.pending_content is not None:
        article.body_html = render_body(article.body)
    return article


def preview_unsaved(pk, *, headline: str, standfirst: str, body: str) -> Article:
    """The article with the text still in the writer's form: the editor's live preview.

    Byline and tags are the saved (or pending) ones; the photos are those the unsaved body
    places. Nothing is written.
    """
    article = preview_article(pk)
    pending = article.pending_content or {
        "authors": [author.pk for author in article.byline_authors],
        "tags": [tag.name for tag in article.tags.all()],
    }
    article.headline = headline.strip() or article.headline
    article.standfirst = standfirst.strip()
    article.body = clean_body(body)
    article.body_html = article.body
    article.pending_content = {
        **pending,
        "images": list(dict.fromkeys(key for _, key in image_references(article.body))),
    }
    return article


def preview_new(*, user, headline: str, standfirst: str, body: str) -> Article:
    """A new article's unsaved text as readers would see it, before its first save: the
    writer's own byline, the photos the body places, no tags yet. Nothing is written."""
    article = Article(headline=headline.strip() or "Untitled", standfirst=standfirst.strip())
    article.body = clean_body(body)
    article.body_html = article.body
    keys = list(dict.fromkeys(key for _, key in image_references(article.body)))
    images = Image.objects.select_related("photographer").in_bulk(keys, field_name="key")
    setattr(article, article_page.TAGGED_ATTR, [])
    setattr(article, article_page.CORRECTIONS_ATTR, [])
    setattr(
        article,
        article_page.PHOTOS_ATTR,
        [ArticleImage(image=images[key]) for key in keys if key in images],
    )
    author = Author.objects.filter(user=user).first()
    setattr(article, BYLINES_ATTR, [ArticleAuthor(author=author)] if author else [])
    return article


@never_cache
def render_preview(request, article: Article, *, link: ShareLink | None = None) -> HttpResponse:
    """Every preview carries the "Preview — not published" banner, whatever its state."""
    context = {**reader_context(article, request), "is_preview": True}
    response = render(request, "articles/article_detail.html", context)
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"  # the share token must not leak onwards
    if link is not None:
        # Photos of an unpublished article are refused to strangers (staff see them anyway);
        # this browser may see them while the link stays live.
        renditions.allow_preview_photos(request, response, article, link=link)
    return response


def create_share_link(*, article: Article, user, hours: int = SHARE_HOURS) -> ShareLink:
    if not user.has_perm("articles.add_sharelink"):
        raise PermissionDenied("You may not share previews.")
    link = ShareLink.objects.create(
        article=article, created_by=user, expires_at=timezone.now() + timedelta(hours=hours)
    )
    record_security_event(Kind.SHARE_LINK_CREATED, user=user, target=link)
    return link


@transaction.atomic
def revoke_share_link(*, link: ShareLink, user) -> None:
    if not user.has_perm("articles.change_sharelink"):
        raise PermissionDenied("You may not revoke preview links.")
    if link.revoked_at is None:
        link.revoked_at = timezone.now()
        link.save(update_fields=["revoked_at"])
        record_security_event(Kind.SHARE_LINK_REVOKED, user=user, target=link)


def signed_token(link: ShareLink) -> str:
    return _signer.sign(link.token)


def share_path(link: ShareLink) -> str:
    return reverse("share-preview", args=[signed_token(link)])


def link_for(signed: str) -> ShareLink:
    """The live share link behind a signed token, or ShareLinkRefused saying why not."""
    try:
        token = _signer.unsign(signed)
    except signing.BadSignature as bad:
        raise ShareLinkRefused("This preview link is not valid.", status=404) from bad
    link = ShareLink.objects.select_related("article").filter(token=token).first()
    if link is None:
        raise ShareLinkRefused("This preview link is not valid.", status=404)
    if link.revoked_at is not None:
        raise ShareLinkRefused("This preview link has been withdrawn.")
    if link.expires_at <= timezone.now():
        raise ShareLinkRefused("This preview link has expired.")
    return link


def shared_preview(request, signed):
    """Public: the one article a valid share link points at, and nothing else."""
    try:
        link = link_for(signed)
    except ShareLinkRefused as refusal:
        response = render(
            request,
            "articles/share_refused.html",
            {"message": str(refusal)},
            status=refusal.http_status,
        )
        add_never_cache_headers(response)
        return response
    article = preview_article(link.article_id)
    return render_preview(request, article, link=link)
