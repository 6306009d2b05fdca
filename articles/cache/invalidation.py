"""Page-cache invalidation: which tokens a write renews (see articles/cache/pages.py).

Signals are allowed here only for cache purge (house style I). The rule is "renew what
readers could see change, and nothing else", so a newsroom working on drafts all day leaves
the cached pages cached:

* An article renews its token only while it is, or was until this save, published
  (scheduled included), and only when a field readers see changed: drafts, review steps,
  pending changes of a live article (kept aside in a Revision) and its bookkeeping fields
  (version, editors, timestamps) renew nothing.
* Its bylines, photos, tags and corrections count only when the article is published.
* People, photos, sections and tags renew their own token when edited; pages that did not
  show them stay cached. A new section appears in every menu, so it renews ``SET``.

Writes that bypass model signals (``QuerySet.update``, ``bulk_create``) must call
``invalidate_all_pages()`` once they are done; the service layer does.
"""

from django.db.models.signals import post_delete, post_init, post_save, pre_save
from taggit.models import Tag

from articles.cache import tokens
from articles.cache.dependencies import SET, TEXT, active_collector, dependency
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
    Article: ("status", "published_at", "expires_at", "section_id", "slug", "hero_image_id"),
    Image: ("photographer_id",),
    Section: ("name", "slug", "position"),
}
# Article fields no reader page shows: changing only these renews nothing.
UNSEEN_ARTICLE_FIELDS = frozenset(
    {
        "version",
        "has_unpublished_changes",
        "created_by_id",
        "updated_by_id",
        "created_at",
        "updated_at",
        "source_key",
        "embargo_until",
    }
)
# Link rows: a change renews the article they belong to, and the article set.
LINKS = {
    ArticleAuthor: "article_id",
    ArticleImage: "article_id",
    TaggedArticle: "content_object_id",
    Correction: "article_id",
}
SNAPSHOT = "_page_cache_snapshot"
MISSING = object()


def invalidate_all_pages():
    """Every stored page becomes stale: call after writes that bypass model signals
    (``QuerySet.update``, ``bulk_create``), such as bulk imports and tag merges."""
    tokens.renew({SET, TEXT}, next_change=True)


def collect(sender, instance, **kwargs):
    """Record an instance loaded while a cacheable page renders, and keep its loaded values."""
    if sender is Article or sender in LISTING_FIELDS:
        setattr(instance, SNAPSHOT, dict(instance.__dict__))
    collector = active_collector()
    if collector is None or instance.pk is None:
        return
    collector.names.add(dependency(TRACKED[sender], instance.pk))
    if sender is Article and not Article.live_by_values(instance.__dict__):
        collector.unsafe = True


def forget_unloaded(sender, instance, raw=False, **kwargs):
    """An instance built in memory (a fixture row, ``Article(pk=...)``) was not loaded, so its
    values at creation say nothing about the row it overwrites: count every field as changed."""
    if raw or instance._state.adding:
        instance.__dict__.pop(SNAPSHOT, None)


def changed_fields(instance, created):
    """Concrete fields whose value differs from when the instance was loaded (all if new)."""
    before = {} if created else getattr(instance, SNAPSHOT, {})
    now = instance.__dict__
    return {
        field.attname
        for field in instance._meta.concrete_fields
        if before.get(field.attname, MISSING) != now.get(field.attname, MISSING)
    }


def article_changes(article, created):
    """What readers could see change when ``article`` was saved."""
    published = Article.Status.PUBLISHED
    before = getattr(article, SNAPSHOT, None)
    was_public = not created and (before is None or before.get("status") == published)
    if not (was_public or article.status == published):
        return set()  # drafts, review steps, unpublished work: readers see none of it
    changed = changed_fields(article, created) - UNSEEN_ARTICLE_FIELDS
    if not changed:
        return set()
    names = {dependency(TRACKED[Article], article.pk), TEXT}
    if created or changed & set(LISTING_FIELDS[Article]):
        names.add(SET)
    return names


def is_published(article_id):
    return Article.objects.filter(pk=article_id, status=Article.Status.PUBLISHED).exists()


def saved(sender, instance, created, raw=False, **kwargs):
    if sender is Article:
        names = article_changes(instance, created)
    elif sender in LINKS:
        article_id = getattr(instance, LINKS[sender])
        published = is_published(article_id)
        names = {dependency(TRACKED[Article], article_id), SET} if published else set()
    elif created:
        names = {SET} if sender is Section else set()  # nothing showed it yet
    else:
        names = {dependency(TRACKED[sender], instance.pk)}
        if sender in LISTING_FIELDS and changed_fields(instance, False) & set(
            LISTING_FIELDS[sender]
        ):
            names.add(SET)
    setattr(instance, SNAPSHOT, dict(instance.__dict__))
    if names:
        tokens.renew(names, next_change=sender in (Article, Correction))


def deleted(sender, instance, **kwargs):
    if sender in LINKS:
        article_id = getattr(instance, LINKS[sender])
        if not is_published(article_id):
            return
        names = {dependency(TRACKED[Article], article_id), SET}
    elif sender is Rendition:
        names = {dependency(TRACKED[Image], instance.image_id)}
    elif sender is Article and instance.status != Article.Status.PUBLISHED:
        return
    else:
        names = {dependency(TRACKED[sender], instance.pk), SET}
    tokens.renew(names, next_change=sender in (Article, Correction))


def connect():
    for model in TRACKED:
        post_init.connect(collect, sender=model, dispatch_uid=f"page_cache_collect_{model}")
    for model in (Article, *LISTING_FIELDS):
        pre_save.connect(forget_unloaded, sender=model, dispatch_uid=f"page_cache_forget_{model}")
    for model in (*TRACKED, *LINKS):
        post_save.connect(saved, sender=model, dispatch_uid=f"page_cache_save_{model}")
        post_delete.connect(deleted, sender=model, dispatch_uid=f"page_cache_delete_{model}")
    post_delete.connect(deleted, sender=Rendition, dispatch_uid="page_cache_delete_rendition")
