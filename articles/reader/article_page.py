"""The article page's reads, all with the ORM and all derived from ``Article.objects.published()``.

The page costs eight statements however many authors, tags, photos or archived articles there
are: the article with its section and hero photo (and its photographer); its tags in the order
they were attached; the photos its body places; the corrections whose time has come; the
related stories and neighbours, named in one statement and loaded as cards in a second
(articles/reader/related.py); the bylines of the article and of those cards; the menu. Prefetched lists are kept in attributes
(``Prefetch(to_attr=...)``), so a preview that loaded the article another way gets the same
reads from ``prefetch_related_objects``.
"""

from django.db.models import Prefetch, prefetch_related_objects

from articles.models import ArticleImage, Correction, Section, TaggedArticle, bylines_prefetch

TAGGED_ATTR = "tagged_in_order"
PHOTOS_ATTR = "body_photos"
CORRECTIONS_ATTR = "shown_corrections"


def page_prefetches(now):
    """What the page shows around the text, one query each, kept in attributes."""
    return [
        # Through the link rows: taggit's own prefetch takes no queryset, so no order.
        Prefetch(
            "taggedarticle_set",
            queryset=TaggedArticle.objects.select_related("tag").order_by("pk"),
            to_attr=TAGGED_ATTR,
        ),
        Prefetch(
            "image_uses",
            queryset=ArticleImage.objects.select_related("image__photographer"),
            to_attr=PHOTOS_ATTR,
        ),
        Prefetch(
            "corrections",
            queryset=Correction.objects.filter(published_at__lte=now),
            to_attr=CORRECTIONS_ATTR,
        ),
    ]


def live_article(published, slug, *, now):
    """The article readers may see at ``slug`` from the ``published`` queryset, or None."""
    return (
        published.select_related("section", "hero_image__photographer")
        .prefetch_related(*page_prefetches(now))
        .filter(slug=slug)
        .first()
    )


def furnish(article, *, now):
    """Load what ``page_prefetches`` names onto an article read without it (a preview)."""
    prefetch_related_objects([article], *page_prefetches(now))


def tags(article):
    """The article's tags in the order they were attached."""
    return [link.tag for link in getattr(article, TAGGED_ATTR)]


def body_photos(article):
    """{key: image} of the photos the body places, each with its photographer."""
    return {use.image.key: use.image for use in getattr(article, PHOTOS_ATTR)}


def corrections(article):
    """Corrections whose time has come, oldest first (Correction's ordering)."""
    return getattr(article, CORRECTIONS_ATTR)


def attach_bylines(articles):
    """Bylines with their authors for every article not yet given them: one query."""
    prefetch_related_objects(list(articles), bylines_prefetch())


def sections_for_menu():
    """Every section in menu order (Section's ordering: position, then name)."""
    return list(Section.objects.all())
