"""The article page's reads, in plain SQL (articles/reader/plain_sql.py).

Built with the ORM, the page's eight small queries cost the uncached article page about 60% of
its time, nearly all of it Django composing and compiling SQL and running its query machinery,
not the database answering (benchmarks/RESULTS.md). Here they are four fixed statements that
SQLite and PostgreSQL both run, giving the ORM's own model instances: the article; what the
page shows around its text (``furniture``); the related articles and neighbours as cards; the
bylines. Each says which ORM read it stands for, and tests/test_article_reads_match_the_orm.py
compares them field by field on both databases.

The gate for readers is the same as ``Article.objects.published()``: status Published and a
publish time that has come.
"""

from dataclasses import dataclass

from taggit.models import Tag

from articles.models import (
    Article,
    ArticleAuthor,
    ArticleImage,
    Author,
    Correction,
    Image,
    Photographer,
    Section,
    TaggedArticle,
)
from articles.models.articles import BYLINES_ATTR
from articles.reader import related
from articles.reader.plain_sql import Columns, Plain, Read, fetch, fetch_together, table, timestamp

ARTICLE = Columns(Article, "a")
CARD = Columns(Article, "a", defer=("body", "body_html"))  # as for_cards(): no text
SECTION = Columns(Section, "s")
HERO = Columns(Image, "h")
HERO_CREDIT = Columns(Photographer, "hp")
IMAGE = Columns(Image, "i")
IMAGE_CREDIT = Columns(Photographer, "ip")
BYLINE = Columns(ArticleAuthor, "b")
AUTHOR = Columns(Author, "au")
TAG = Columns(Tag, "t")
CORRECTION = Columns(Correction, "c")
KIND_AND_SHARED = Plain(2)


def _with_section_and_hero(article, section, hero):
    if section is not None:
        article.section = section
    if hero is not None:
        article.hero_image = hero
    return article


def live_article(slug, *, now):
    """The published article with this slug, with its section and hero photo (and its
    photographer), or None. Stands for
    ``published().select_related("section", "hero_image__photographer").get(slug=slug)``.
    """
    rows = fetch(
        f"SELECT {ARTICLE}, {SECTION}, {HERO}, {HERO_CREDIT} FROM {table(Article)} a"
        f" LEFT JOIN {table(Section)} s ON s.id = a.section_id"
        f" LEFT JOIN {table(Image)} h ON h.id = a.hero_image_id"
        f" LEFT JOIN {table(Photographer)} hp ON hp.id = h.photographer_id"
        " WHERE a.slug = %s AND a.status = %s AND a.published_at <= %s",
        [slug, Article.Status.PUBLISHED, timestamp(now)],
        ARTICLE,
        SECTION,
        HERO,
        HERO_CREDIT,
    )
    if not rows:
        return None
    article, section, hero, credit = rows[0]
    if hero is not None and credit is not None:
        hero.photographer = credit
    return _with_section_and_hero(article, section, hero)


@dataclass
class Furniture:
    """What the article page shows around the text, read in one statement."""

    tags: list  # in the order they were attached to the article (``article.tags.all()``)
    images: dict  # {key: image} of the photos the body places, each with its photographer
    corrections: list  # those whose time has come, oldest first (Correction's ordering)
    sections: list  # every section, in menu order, for the menu and the cards


def furniture(article, *, now):
    tags, images, corrections, sections = fetch_together(
        _tags(article), _body_images(article), _corrections(article, now), _menu()
    )
    photos = {}
    for image, credit in images:
        if credit is not None:
            image.photographer = credit
        photos[image.key] = image
    return Furniture(
        tags=[tag for (tag,) in tags],
        images=photos,
        corrections=[correction for (correction,) in corrections],
        sections=[section for (section,) in sections],
    )


def sections_for_menu():
    """Every section in menu order (Section's ordering: position, then name)."""
    (sections,) = fetch_together(_menu())
    return [section for (section,) in sections]


def _tags(article):
    return Read(
        (TAG,),
        f"FROM {table(TaggedArticle)} ta JOIN {table(Tag)} t ON t.id = ta.tag_id"
        " WHERE ta.content_object_id = %s",
        [article.pk],
        order_by="ta.id",
    )


def _body_images(article):
    return Read(
        (IMAGE, IMAGE_CREDIT),
        f"FROM {table(ArticleImage)} u JOIN {table(Image)} i ON i.id = u.image_id"
        f" LEFT JOIN {table(Photographer)} ip ON ip.id = i.photographer_id"
        " WHERE u.article_id = %s",
        [article.pk],
        order_by="u.position, u.id",
    )


def _corrections(article, now):
    return Read(
        (CORRECTION,),
        f"FROM {table(Correction)} c WHERE c.article_id = %s AND c.published_at <= %s",
        [article.pk, timestamp(now)],
        order_by="c.published_at, c.id",
    )


def _menu():
    return Read((SECTION,), f"FROM {table(Section)} s", [], order_by="s.position, s.name")


def related_and_neighbours(article, tag_ids, *, now, limit, sections):
    """(related, previous, next) as cards: the related articles and the article's neighbours
    in its section (articles/reader/related.py), loaded in the statement that finds them, with what
    a card shows (as ``for_cards()``: no text).

    ``sections`` is every section, as the page's menu already holds them: a card takes its
    section from there instead of reading it again.
    """
    found = related.candidates(article, tag_ids, now=now, limit=limit)
    if found is None:
        return [], None, None
    candidates, params = found
    rows = fetch(
        f"SELECT r.kind, r.shared, {CARD}, {HERO} FROM ({candidates}) r"
        f" JOIN {table(Article)} a ON a.id = r.id"
        f" LEFT JOIN {table(Image)} h ON h.id = a.hero_image_id",
        params,
        KIND_AND_SHARED,
        CARD,
        HERO,
    )
    sections = {section.pk: section for section in sections}
    rows = [
        (kind, shared, _with_section_and_hero(card, sections.get(card.section_id), hero))
        for (kind, shared), card, hero in rows
    ]
    return related.choose(rows, limit)


def attach_bylines(articles):
    """Give each article its bylines with their authors, in byline order, as
    ``bylines_prefetch()`` does: one query for all of them.
    """
    by_article = {article.pk: [] for article in articles}
    if by_article:
        marks = ", ".join(["%s"] * len(by_article))
        rows = fetch(
            f"SELECT {BYLINE}, {AUTHOR} FROM {table(ArticleAuthor)} b"
            f" JOIN {table(Author)} au ON au.id = b.author_id"
            f" WHERE b.article_id IN ({marks}) ORDER BY b.position, b.id",
            list(by_article),
            BYLINE,
            AUTHOR,
        )
        for byline, author in rows:
            byline.author = author
            by_article[byline.article_id].append(byline)
    for article in articles:
        setattr(article, BYLINES_ATTR, by_article[article.pk])
