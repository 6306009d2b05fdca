"""The article page's reads, all built by the ORM and derived from ``Article.objects.published()``.

The page costs eight statements however many authors, tags, photos or archived articles there
are: the article with its section and hero photo (and its photographer); its tags in the order
they were attached; the photos its body places; the corrections whose time has come; the
related stories and neighbours, named in one statement and loaded as cards in a second
(articles/reader/related.py); the bylines of the article and of those cards; the menu.

The article page is the long tail readers reach from search engines, so it is the page most
often rendered uncached, and building and compiling these querysets cost several times what
the database takes to answer them. Each is therefore built once per shape and run with each
page's values (articles/reader/prepared.py); the querysets below are what they run. Prefetched
lists are kept in attributes, as ``Prefetch(to_attr=...)`` would keep them, so a preview that
loaded the article another way gets the same reads from ``prefetch_related_objects``.
"""

import functools
from datetime import UTC, datetime
from typing import NamedTuple

from django.db import connection
from django.db.models import Prefetch, prefetch_related_objects

from articles import links
from articles.cache.dependencies import active_collector, dependency
from articles.cache.invalidation import TRACKED
from articles.models import (
    BYLINES_ATTR,
    Article,
    ArticleImage,
    Author,
    Correction,
    Image,
    Section,
    TaggedArticle,
    bylines_in_order,
    bylines_prefetch,
)
from articles.reader.cards import CARD_VALUES, Card
from articles.reader.prepared import Prepared

TAGGED_ATTR = "tagged_in_order"
PHOTOS_ATTR = "body_photos"
CORRECTIONS_ATTR = "shown_corrections"

# Stand-ins, unlike any real value, that mark where each page's own values go.
NOW = datetime(1901, 2, 3, 4, 5, 6, tzinfo=UTC)
SLUG = "\x00stand-in slug"
ARTICLE = -900_001
ID_BASE = -920_000  # the n-th id of a list: ID_BASE - n
# Reads of a list of ids are prepared for each length up to this; longer lists are built anew.
MOST_IDS = 32


def tagged_in_order():
    # Through the link rows: taggit's own prefetch takes no queryset, so no order.
    return TaggedArticle.objects.select_related("tag").order_by("pk")


def photos_placed():
    return ArticleImage.objects.select_related("image__photographer")


def corrections_shown(now):
    return Correction.objects.filter(published_at__lte=now)


# (attribute, link model's foreign key to the article, queryset of the links)
PAGE_LISTS = (
    (TAGGED_ATTR, "content_object", lambda now: tagged_in_order()),
    (PHOTOS_ATTR, "article", lambda now: photos_placed()),
    (CORRECTIONS_ATTR, "article", corrections_shown),
)


def page_prefetches(now):
    """What the page shows around the text, one query each, kept in attributes."""
    accessors = {TAGGED_ATTR: "taggedarticle_set", PHOTOS_ATTR: "image_uses"}
    accessors[CORRECTIONS_ATTR] = "corrections"
    return [
        Prefetch(accessors[attr], queryset=links(now), to_attr=attr)
        for attr, _, links in PAGE_LISTS
    ]


def live_article(slug, *, now):
    """The article readers may see at ``slug``, with what the page shows around it, or None."""
    found = _article_read(connection.vendor).objects({"now": now, "slug": slug})
    if not found:
        return None
    article = found[0]
    for attr, field, _ in PAGE_LISTS:
        links = _links_read(connection.vendor, attr).objects({"now": now, "article": article.pk})
        cache = links[0]._meta.get_field(field) if links else None
        for link in links:
            cache.set_cached_value(link, article)  # as the prefetch would: link.article
        setattr(article, attr, links)
    return article


@functools.cache
def _article_read(vendor):
    published = Article.objects.published(NOW)
    article = published.select_related("section", "hero_image__photographer").filter(slug=SLUG)
    if not article.ordered:
        article = article.order_by("pk")  # as .first() would
    return Prepared(article[:1], {"now": NOW, "slug": SLUG})


@functools.cache
def _links_read(vendor, attr):
    links, field = next((links, field) for a, field, links in PAGE_LISTS if a == attr)
    queryset = links(NOW).filter(**{f"{field}_id": ARTICLE})
    stand_ins = {"article": ARTICLE}
    if attr == CORRECTIONS_ATTR:
        stand_ins["now"] = NOW
    return Prepared(queryset, stand_ins)


def furnish(article, *, now):
    """Load what ``page_prefetches`` names onto an article read without it (a preview).

    An article ``live_article`` read already has them: then nothing is composed at all (the
    three prefetch querysets cost about 0.2 ms of ORM work per page, for no query).
    """
    if all(hasattr(article, attr) for attr, _, _ in PAGE_LISTS):
        return
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


def cards(ids, *, now):
    """{id: Card} of the published articles among ``ids``: ``published()``'s rows of
    ``CARD_VALUES``, read as values (articles/reader/cards.py), each recorded for the page
    cache as loading its article, section and photo would record them."""
    ids = [pk for pk in dict.fromkeys(ids) if pk is not None]
    if not ids:
        return {}
    if len(ids) > MOST_IDS:
        rows = _card_values(Article.objects.published(now).filter(pk__in=ids))
    else:
        rows = _cards_read(connection.vendor, len(ids)).rows({"now": now, **_numbered(ids)})
    found = [Card(row) for row in rows]
    _record_cards(found)
    return {card.pk: card for card in found}


def _card_values(queryset):
    return queryset.order_by().values_list(*CARD_VALUES)


@functools.cache
def _cards_read(vendor, count):
    ids = _numbered_stand_ins(count)
    queryset = Article.objects.published(NOW).filter(pk__in=ids.values())
    return Prepared(_card_values(queryset), {"now": NOW, **ids})


def _record_cards(cards):
    """What loading each card's article, section and photo as instances would have recorded
    (articles/cache/invalidation.py's ``collect``): the page depends on each, and a page that
    read an article not live is never stored."""
    collector = active_collector()
    if collector is None:
        return
    for card in cards:
        values = card.values
        collector.names.add(dependency(TRACKED[Article], card.pk))
        if not Article.live_by_values(values):
            collector.unsafe = True
        if values["section_id"] is not None:
            collector.names.add(dependency(TRACKED[Section], values["section_id"]))
        if values["hero_image_id"] is not None:
            collector.names.add(dependency(TRACKED[Image], values["hero_image_id"]))


def latest_cards(offset, count, *, now):
    """``count`` published articles as cards with bylines, newest first, from ``offset``:
    ``Article.objects.published().for_listing().latest()[offset:offset + count]``."""
    found = _latest_read(connection.vendor, offset, count).objects({"now": now})
    attach_bylines(found)
    return found


@functools.lru_cache(maxsize=128)  # a shape per page number: the front page's first few
def _latest_read(vendor, offset, count):
    latest = Article.objects.published(NOW).for_cards().latest()
    return Prepared(latest[offset : offset + count], {"now": NOW})


def attach_bylines(articles):
    """Bylines with their authors for every article not yet given them: one query.

    Up to ``MOST_IDS`` articles (an article page, the front page), each byline is read as the
    values a byline shows (``Byline``), not as two model instances; the page still depends on
    each author, as loading them would have recorded.
    """
    articles = [article for article in articles if not hasattr(article, BYLINES_ATTR)]
    ids = list(dict.fromkeys(article.pk for article in articles))
    if not ids:
        return
    if len(ids) > MOST_IDS:
        prefetch_related_objects(articles, bylines_prefetch())
        return
    by_article = {pk: [] for pk in ids}
    rows = _bylines_read(connection.vendor, len(ids)).rows(_numbered(ids))
    collector = active_collector()
    for article_id, *author in rows:
        by_article[article_id].append(Byline(BylineAuthor(*author)))
        if collector is not None:
            collector.names.add(dependency(TRACKED[Author], author[0]))
    for article in articles:
        setattr(article, BYLINES_ATTR, by_article[article.pk])


@functools.cache
def _bylines_read(vendor, count):
    ids = _numbered_stand_ins(count)
    bylines = bylines_in_order().filter(article_id__in=ids.values())
    return Prepared(bylines.values_list("article_id", *BYLINE_AUTHOR_VALUES), ids)


BYLINE_AUTHOR_VALUES = ("author_id", "author__name", "author__slug")


class BylineAuthor(NamedTuple):
    """An author as a byline shows them: the name, linked to their page."""

    pk: int
    name: str
    slug: str

    def get_absolute_url(self):
        return links.slug_url("articles:author", self.slug)


class Byline(NamedTuple):
    """An article's byline as ``Article.byline_authors`` reads it (``.author``)."""

    author: BylineAuthor


def _numbered_stand_ins(count):
    return {f"id{n}": ID_BASE - n for n in range(count)}


def _numbered(ids):
    return {f"id{n}": pk for n, pk in enumerate(ids)}


class MenuSection(NamedTuple):
    """A section as the menu shows it: its name and its page's address."""

    name: str
    slug: str

    def get_absolute_url(self):
        return links.slug_url("articles:section", self.slug)


def sections_for_menu():
    """Every section in menu order (Section's ordering: position, then name), as the menu
    shows it: name and slug, read as values, not as Section instances (every reader page
    prints the menu). The page cache needs no record of each: a section renamed, moved, added
    or deleted renews ``SET``, which every stored page depends on (articles/cache)."""
    return [MenuSection(*row) for row in _menu_read(connection.vendor).rows({})]


@functools.cache
def _menu_read(vendor):
    return Prepared(Section.objects.values_list("name", "slug"), {})
