"""Page-cache invalidation (see articles/cache/pages.py): which dependency tokens a write renews.

Signals are allowed here only for cache purge (house style I). A write renews tokens at once
and again when its transaction commits, so a page rendered from the old rows in between is
stale too. Writes that bypass model signals (``QuerySet.update``, ``bulk_create`` without a
later save of the article) must call ``invalidate_everything()``.
"""

from django.db import transaction
from django.db.models import Min
from django.db.models.signals import post_delete, post_init, post_save
from django.utils import timezone
from taggit.models import Tag

from articles.cache import pages as cache
from articles.models import (
    Article,
    ArticleAuthor,
    ArticleImage,
    Author,
    Correction,
    Image,
    Photographer,
    Rendition,
    Section,
    TaggedArticle,
)

# Reader-visible models whose loaded instances a page depends on.
TRACKED = {
    Article: "articles.article",
    Author: "articles.author",
    Photographer: "articles.photographer",
    Image: "articles.image",
    Section: "articles.section",
    Tag: "taggit.tag",
}
# Fields whose change can move an article (or a photo's credit) between lists.
LISTING_FIELDS = {
    Article: ("status", "published_at", "section_id", "slug", "hero_image_id"),
    Image: ("photographer_id",),
}
# Link rows: a change renews the article they belong to, and the article set.
LINKS = {
    ArticleAuthor: "article_id",
    ArticleImage: "article_id",
    TaggedArticle: "content_object_id",
    Correction: "article_id",
}
# A new one of these appears on every page (menus) or in lists.
SHOWN_WHEN_CREATED = {Article, Author, Photographer, Section}
SNAPSHOT = "_page_cache_listing"
MISSING = object()


def dependency(model, pk):
    return f"{TRACKED[model]}:{pk}"


def collect(sender, instance, **kwargs):
    """Record an instance loaded while a cacheable page renders."""
    collector = cache.active_collector()
    if collector is None or instance.pk is None:
        return
    collector.keys.add(dependency(sender, instance.pk))
    if sender is Article and not is_live(instance):
        collector.unsafe = True


def is_live(article):
    """False when the loaded fields show the article is not public (deferred fields are unknown)."""
    values = article.__dict__
    if "status" in values and values["status"] != Article.Status.PUBLISHED:
        return False
    if "published_at" in values:
        published_at = values["published_at"]
        return published_at is not None and published_at <= timezone.now()
    return True


def listing_values(instance):
    return tuple(instance.__dict__.get(field, MISSING) for field in LISTING_FIELDS[type(instance)])


def remember_listing(sender, instance, **kwargs):
    setattr(instance, SNAPSHOT, listing_values(instance))


def saved(sender, instance, created, raw=False, using="default", **kwargs):
    dependencies = set()
    if sender in TRACKED:
        dependencies.add(dependency(sender, instance.pk))
    if sender in LISTING_FIELDS:
        before = getattr(instance, SNAPSHOT, None)
        now = listing_values(instance)
        if created or before is None or before != now or MISSING in before:
            if sender is Article or not created:
                dependencies.add(cache.SET)
        setattr(instance, SNAPSHOT, now)
    if sender is Article:
        dependencies.add(cache.TEXT)
    if created and sender in SHOWN_WHEN_CREATED:
        dependencies.add(cache.SET)
    if sender in LINKS:
        dependencies |= {dependency(Article, getattr(instance, LINKS[sender])), cache.SET}
    renew(dependencies, using=using, schedule=sender in (Article, Correction))


def deleted(sender, instance, using="default", **kwargs):
    dependencies = {cache.SET}
    if sender in TRACKED:
        dependencies.add(dependency(sender, instance.pk))
    if sender in LINKS:
        dependencies.add(dependency(Article, getattr(instance, LINKS[sender])))
    if sender is Rendition:
        dependencies.add(dependency(Image, instance.image_id))
    renew(dependencies, using=using, schedule=sender in (Article, Correction))


def renew(dependencies, *, using, schedule):
    """Renew tokens now, and again on commit when inside a transaction."""
    if not dependencies:
        return

    def apply():
        cache.bump(dependencies)
        if schedule:
            refresh_next_change(using=using)

    apply()
    if transaction.get_connection(using).in_atomic_block:
        transaction.on_commit(apply, using=using)


def refresh_next_change(*, using="default"):
    """Store (and return) when the next scheduled article or correction goes live; 0 if none."""
    now = timezone.now()
    times = [
        Article.objects.using(using).scheduled(now=now).aggregate(at=Min("published_at"))["at"],
        Correction.objects.using(using)
        .filter(published_at__gt=now)
        .aggregate(at=Min("published_at"))["at"],
    ]
    upcoming = [at.timestamp() for at in times if at is not None]
    value = min(upcoming) if upcoming else 0
    cache.get_cache().set(cache.NEXT_CHANGE, value, timeout=None)
    return value


def invalidate_everything():
    """For bulk writes that bypass model signals: every stored page becomes stale."""
    cache.bump({cache.SET, cache.TEXT})
    refresh_next_change()


def connect():
    for model in TRACKED:
        post_init.connect(collect, sender=model, dispatch_uid=f"page_cache_collect_{model}")
    for model in LISTING_FIELDS:
        post_init.connect(remember_listing, sender=model, dispatch_uid=f"page_cache_snap_{model}")
    for model in (*TRACKED, *LINKS):
        post_save.connect(saved, sender=model, dispatch_uid=f"page_cache_save_{model}")
        post_delete.connect(deleted, sender=model, dispatch_uid=f"page_cache_delete_{model}")
    post_delete.connect(deleted, sender=Rendition, dispatch_uid="page_cache_delete_rendition")
