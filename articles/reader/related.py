"""Which articles the article page points to: related stories and its section neighbours.

Every candidate comes from ``Article.objects.published()`` and all of them load as cards in
one statement: a UNION ALL of four small queries, each marked with what it is (``kind``) and,
for a related story, how many tags it shares. Each branch is a lookup by primary key (one
``IN`` or ``=`` each, never OR-ed, so PostgreSQL does not fall back to scanning the archive),
so the page costs the same on an archive of 100 or 100,000 articles.
"""

from django.db.models import (
    Count,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce

from articles.models import Article, TaggedArticle

# Articles most recently tagged with each of the article's tags that are ranked: bounds the
# cost of a tag carried by thousands of stories, reading (tag, article) index entries only.
PER_TAG_POOL = 100

RELATED, SECTION_NEWEST, PREVIOUS, NEXT = 0, 1, 2, 3


def related_and_neighbours(article, tag_ids, *, now, limit):
    """(related, previous, next) as cards (``for_cards()``: no text).

    Related: published articles sharing the most of ``tag_ids``, then the newest of the same
    section; newest first among equals. Tag-sharers are looked for among the PER_TAG_POOL
    newest articles of each tag. Neighbours: the article's previous and next published
    article in its section by posting time, ties broken by id.
    """
    published = Article.objects.published(now).exclude(pk=article.pk)
    branches = [
        _cards(published, kind, ids, tag_ids)
        for kind, ids in _candidates(published, article, tag_ids, limit)
    ]
    if not branches:
        return [], None, None
    first, *others = branches
    rows = list(first.union(*others, all=True)) if others else list(first)
    return _choose(rows, limit)


def _candidates(published, article, tag_ids, limit):
    """(kind, id lookup) of each branch: a ``pk__in`` subquery or a ``pk =`` scalar subquery."""
    if tag_ids:
        yield RELATED, Q(pk__in=_tag_sharers(published, tag_ids, limit))
    if article.section_id:
        in_section = published.filter(section_id=article.section_id)
        newest = in_section.order_by("-published_at", "-pk").values("pk")[:limit]
        yield SECTION_NEWEST, Q(pk__in=newest)
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
            yield PREVIOUS, Q(pk=Subquery(before))
            yield NEXT, Q(pk=Subquery(after))


def _shared_tags(tag_ids):
    """How many of ``tag_ids`` the outer article carries."""
    tagged = TaggedArticle.objects.filter(content_object=OuterRef("pk"), tag_id__in=tag_ids)
    return Subquery(
        tagged.order_by().values("content_object").annotate(n=Count("pk")).values("n"),
        output_field=IntegerField(),
    )


def _tag_sharers(published, tag_ids, limit):
    """Ids of the ``limit`` published articles sharing the most tags, newest first among equals.

    The pool is read from the (tag, article) index: for each tag, the rows at or above its
    PER_TAG_POOL-th newest article, so no tag's whole history is read.
    """
    in_pools = Q()
    for tag_id in tag_ids:
        newest = TaggedArticle.objects.filter(tag_id=tag_id).order_by("-content_object_id")
        floor = newest.values("content_object_id")[PER_TAG_POOL - 1 : PER_TAG_POOL]
        in_pools |= Q(tag_id=tag_id, content_object_id__gte=Coalesce(Subquery(floor), 0))
    pool = TaggedArticle.objects.filter(in_pools).values("content_object_id")
    return (
        published.filter(pk__in=pool)
        .annotate(shared=_shared_tags(tag_ids))
        .order_by("-shared", "-published_at", "-pk")
        .values("pk")[:limit]
    )


def _cards(published, kind, ids, tag_ids):
    shared = _shared_tags(tag_ids) if kind == RELATED else Value(0)
    return (
        published.for_cards()
        .filter(ids)
        .annotate(kind=Value(kind, output_field=IntegerField()), shared=shared)
        .order_by()
    )


def _choose(rows, limit):
    """(related, previous, next) from the cards of every branch, each marked with its kind."""
    previous = next((card for card in rows if card.kind == PREVIOUS), None)
    following = next((card for card in rows if card.kind == NEXT), None)
    best = {}  # id: (shared tags, published at, id, card); a tag-sharer's count wins over 0
    for card in rows:
        if card.kind in (RELATED, SECTION_NEWEST):
            if card.pk not in best or card.shared > best[card.pk][0]:
                best[card.pk] = (card.shared, card.published_at, card.pk, card)
    # Most shared tags first, then newest: a union promises no order, so sort here.
    ranked = sorted(best.values(), key=lambda entry: entry[:3], reverse=True)
    return [entry[3] for entry in ranked[:limit]], previous, following
