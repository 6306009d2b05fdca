"""Helpers shared by the workflow tests: a controlled clock and admin form data."""

from django.urls import reverse
from django.utils import timezone

from tests.factories import make_article


def own_article(user, **overrides):
    overrides.setdefault("status", "draft")
    overrides.setdefault("published_at", None)
    return make_article(authors=[user.author_profile], created_by=user, **overrides)


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def transition_url(article, name):
    return reverse("admin:articles_article_transition", args=[article.pk, name])


def _split(value):
    if value is None:
        return {"_0": "", "_1": ""}
    local = timezone.localtime(value)
    return {"_0": f"{local:%Y-%m-%d}", "_1": f"{local:%H:%M:%S}"}


def article_form_data(article=None, *, authors=None, **changes):
    """The POST the admin's change (or add) form sends for ``article`` with ``changes``."""
    fields = {
        "headline": article.headline if article else "",
        "slug": article.slug if article else "",
        "standfirst": article.standfirst if article else "",
        "body": article.body if article else "",
        "hero_image": article.hero_image_id if article and article.hero_image_id else "",
        "section": article.section_id if article and article.section_id else "",
        "tags": ", ".join(sorted(article.tags.names())) if article else "",
        "seo_title": article.seo_title if article else "",
        "seo_description": article.seo_description if article else "",
    }
    if article is not None:
        fields["version_seen"] = article.version
    times = {
        "published_at": article.published_at if article else None,
        "embargo_until": article.embargo_until if article else None,
        "expires_at": article.expires_at if article else None,
    }
    for name in list(changes):
        if name in times:
            times[name] = changes.pop(name)
    fields.update(changes)
    for name, value in times.items():
        for suffix, part in _split(value).items():
            fields[name + suffix] = part
    if authors is None:
        authors = article.byline_authors if article else []
    existing = []
    if article is not None and not article.has_unpublished_changes:
        existing = list(article.bylines.all())
    kept = [row for row in existing if row.author in authors]
    added = [author for author in authors if author not in [row.author for row in kept]]
    fields.update(
        {
            "bylines-TOTAL_FORMS": str(len(existing) + len(added)),
            "bylines-INITIAL_FORMS": str(len(existing)),
            "image_uses-TOTAL_FORMS": "0",
            "image_uses-INITIAL_FORMS": "0",
        }
    )
    for index, row in enumerate(existing):
        fields[f"bylines-{index}-id"] = row.pk
        fields[f"bylines-{index}-article"] = article.pk
        fields[f"bylines-{index}-author"] = row.author_id
        fields[f"bylines-{index}-position"] = authors.index(row.author) if row in kept else 0
        if row not in kept:
            fields[f"bylines-{index}-DELETE"] = "on"
    for offset, author in enumerate(added):
        index = len(existing) + offset
        fields[f"bylines-{index}-author"] = author.pk
        fields[f"bylines-{index}-position"] = authors.index(author)
    return fields
