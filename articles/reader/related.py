"""Which articles the article page points to: related stories and its section neighbours.

Every candidate comes from ``Article.objects.published()``: one statement names them all, a
UNION ALL of four small queries each marked with what it is (``kind``) and, for a related
story, how many tags it shares. Each branch is a lookup by primary key (one ``IN`` or ``=``
each, never OR-ed, so PostgreSQL does not fall back to scanning the archive), so the page costs
the same on an archive of 100 or 100,000 articles. A second statement loads their cards.

The ORM composes that statement in about 10 ms of Python, several times what the database
takes to answer it (benchmarks/RESULTS.md), and the article page is the long tail readers
reach from search engines. So the statement is built by the ORM once per shape (number of
tags, whether the article has a section) with stand-in values, and each page runs it with its
own values in their places (articles/reader/prepared.py): the SQL is the ORM's, never retyped,
and the gate is ``published()`` itself.
"""

import functools
from dataclasses import dataclass
from datetime import UTC, datetime

from django.db import connection
from django.db.models import Case, Func, IntegerField, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce

from articles.models import Article, TaggedArticle
from articles.reader import article_page
from articles.reader.prepared import Prepared

# Articles most recently tagged with each of the article's tags that are ranked: bounds the
# cost of a tag carried by thousands of stories, reading (tag, article) index entries only.
# Six related stories are shown; 30 a tag (5 tags: 150 candidates) still finds the recent ones
# sharing most tags, and at a million articles, where every tag's pool is full and the
# candidates' rows are mostly outside PostgreSQL's buffers, 100 a tag took the page from
# about 5.5 to 8.5 ms (benchmarks/RESULTS.md).
PER_TAG_POOL = 30

RELATED, SECTION_NEWEST, PREVIOUS, NEXT = 0, 1, 2, 3


def related_and_neighbours(article, tag_ids, *, now, limit):
    """(related, previous, next) as cards (``for_cards()``: no text).

    Related: published articles sharing the most of ``tag_ids``, then the newest of the same
    section; newest first among equals. Tag-sharers are looked for among the PER_TAG_POOL
    newest articles of each tag. Neighbours: the article's previous and next published
    article in its section by posting time, ties broken by id.
    """
    shape = Shape(len(tag_ids), bool(article.section_id), article.published_at is not None)
    if not shape.tags and not shape.section:
        return [], None, None
    statement = _statement(connection.vendor, shape, limit, PER_TAG_POOL)
    values = {
        "now": now,
        "at": article.published_at,
        "pk": article.pk,
        "section": article.section_id,
        **{f"tag{n}": tag_id for n, tag_id in enumerate(tag_ids)},
    }
    related, previous, following = _choose(statement.rows(values), limit)
    # Only the chosen ones are loaded as cards (the candidates are up to twice as many).
    cards = article_page.cards([*related, previous, following], now=now)
    return [cards[pk] for pk in related if pk in cards], cards.get(previous), cards.get(following)


@dataclass(frozen=True)
class Shape:
    tags: int
    section: bool
    posted: bool


# Stand-ins, unlike any real value, that mark where each of a page's own values goes.
_STAND_INS = {
    "now": datetime(1901, 2, 3, 4, 5, 6, tzinfo=UTC),
    "at": datetime(1902, 3, 4, 5, 6, 7, tzinfo=UTC),
    "pk": -900_001,
    "section": -900_002,
}
_TAG_STAND_IN = -910_000


@functools.cache
def _statement(vendor, shape, limit, pool):
    stand_ins = dict(_STAND_INS)
    tag_ids = []
    for n in range(shape.tags):
        stand_ins[f"tag{n}"] = _TAG_STAND_IN - n
        tag_ids.append(_TAG_STAND_IN - n)
    # Plain values, not an Article: the page cache refuses a page that built a non-live one.
    around = Around(
        pk=stand_ins["pk"],
        section_id=stand_ins["section"] if shape.section else None,
        published_at=stand_ins["at"] if shape.posted else None,
    )
    if not shape.section:
        del stand_ins["section"]  # neither the section's newest nor neighbours are asked for
    if not (shape.section and shape.posted):
        del stand_ins["at"]  # no neighbours
    return Prepared(_candidates(around, tag_ids, stand_ins["now"], limit, pool), stand_ins)


@dataclass(frozen=True)
class Around:
    """What the candidates depend on of the article they are found around."""

    pk: int
    section_id: int | None
    published_at: datetime | None


def _candidates(article, tag_ids, now, limit, pool):
    """(kind, id, shared tags) of every article the page may point to, as one queryset.

    ``article`` is the article itself or an ``Around`` with its id, section and time.
    """
    published = Article.objects.published(now).exclude(pk=article.pk)
    branches = []
    if tag_ids:
        branches.append((RELATED, Q(pk__in=_tag_sharers(published, tag_ids, limit, pool))))
    if article.section_id:
        in_section = published.filter(section_id=article.section_id)
        newest = in_section.order_by("-published_at", "-pk").values("pk")[:limit]
        branches.append((SECTION_NEWEST, Q(pk__in=newest)))
        if article.published_at is not None:
            at, pk = article.published_at, article.pk
            # A range on the posting time, ties at the same instant broken by id: each side
            # reads the (section, status, time, id) index from the article outwards.
            before = (
                in_section.filter(published_at__lte=at)
                .exclude(published_at=at, pk__gte=pk)
                .order_by("-published_at", "-pk")
                .values("pk")[:1]
            )
            after = (
                in_section.filter(published_at__gte=at)
                .exclude(published_at=at, pk__lte=pk)
                .order_by("published_at", "pk")
                .values("pk")[:1]
            )
            branches.append((PREVIOUS, Q(pk=Subquery(before))))
            branches.append((NEXT, Q(pk=Subquery(after))))
    first, *others = [
        Article.objects.filter(ids)
        .annotate(
            kind=Value(kind, output_field=IntegerField()),
            shared=_shared_tags(tag_ids) if kind == RELATED else Value(0),
        )
        .values_list("kind", "pk", "shared", "published_at")
        .order_by()
        for kind, ids in branches
    ]
    return first.union(*others, all=True) if others else first


def _shared_tags(tag_ids):
    """How many of ``tag_ids`` the outer article carries.

    Counted over the article's own tag rows (``FILTER``), not looked up tag by tag: each
    candidate is one seek in the (article, tag) index instead of one per tag, and the count
    was half of the related statement (0.38 -> 0.32 ms on SQLite, the same rows).
    """
    tagged = TaggedArticle.objects.filter(content_object=OuterRef("pk"))
    # COUNT as a plain function, not an aggregate: one row per candidate, so no GROUP BY.
    shared = Func(Case(When(tag_id__in=tag_ids, then="pk")), function="COUNT")
    return Subquery(
        tagged.order_by().annotate(n=shared).values("n"),
        output_field=IntegerField(),
    )


def _tag_sharers(published, tag_ids, limit, pool_size):
    """Ids of the ``limit`` published articles sharing the most tags, newest first among equals.

    The pool is read from the (tag, article) index: for each tag, the rows at or above its
    ``pool_size``-th newest article, so no tag's whole history is read.
    """
    in_pools = Q()
    for tag_id in tag_ids:
        newest = TaggedArticle.objects.filter(tag_id=tag_id).order_by("-content_object_id")
        floor = newest.values("content_object_id")[pool_size - 1 : pool_size]
        in_pools |= Q(tag_id=tag_id, content_object_id__gte=Coalesce(Subquery(floor), 0))
    pool = TaggedArticle.objects.filter(in_pools).values("content_object_id")
    return (
        published.filter(pk__in=pool)
        .annotate(shared=_shared_tags(tag_ids))
        .order_by("-shared", "-published_at", "-pk")
        .values("pk")[:limit]
    )


def _choose(rows, limit):
    """(related ids, previous id, next id) from (kind, id, shared tags, posted at) rows."""
    previous = next((pk for kind, pk, _, _ in rows if kind == PREVIOUS), None)
    following = next((pk for kind, pk, _, _ in rows if kind == NEXT), None)
    best = {}  # id: (shared tags, posted at, id); a tag-sharer's count wins over 0
    for kind, pk, shared, at in rows:
        if kind in (RELATED, SECTION_NEWEST):
            if pk not in best or shared > best[pk][0]:
                best[pk] = (shared, at, pk)
    # Most shared tags first, then newest: a union promises no order, so sort here.
    ranked = sorted(best.values(), reverse=True)
    return [pk for _, _, pk in ranked[:limit]], previous, following
