"""Teaser cards, rendered once per content and kept.

A front page prints twenty teaser cards and an article page six, and the same stories' cards
recur page after page (the newest of each section are every neighbour's related stories).
Uncached, rendering them was about a third of the front page's time. A card's HTML is kept in
process memory under everything it shows (``shown``), so a changed headline, photo, section
name or byline is another key: a kept card can never be out of date, and no write has to
invalidate it. tests/test_teaser_cards.py changes every field a card could show, one at a
time, and checks that each change that alters the card also alters its key.

The article page's related stories and neighbours are read as values (``Card``), not as
model instances: making an article, its section and its photo for each of six cards cost
about as much as reading them. A card is made into an Article only when its HTML is not kept.
"""

from django.template import engines
from django.utils import timezone

from articles import links
from articles.images import renditions
from articles.models import BYLINES_ATTR, Article, Image, Section, display_size
from articles.reader.kept import Kept

CARD_TEMPLATE = "articles/includes/article_card.html"
_kept = Kept(4096)  # cards kept per process: a few megabytes


def shown(article, lead=False):
    """Everything ``article``'s card shows, and what its markup depends on besides."""
    if isinstance(article, Card):
        return article.shown(lead)
    image = article.hero_image
    photo = None
    if image is not None and image.file:
        photo = (image.key, image.file.name, image.alt_text, renditions.oriented_size(image))
    # The address is the posting date in the site's zone and the slug, under the URLconf and
    # script prefix: all in the key below, so the slug stands for it (building the address was
    # a fifth of this function); an article not yet posted is dated otherwise, so it keeps it.
    address = article.slug if article.published_at else article.get_absolute_url()
    return _key(
        lead,
        article,
        address,
        article.section.name if article.section_id else None,
        photo,
        article.byline_authors,
    )


def _key(lead, article, address, section_name, photo, authors):
    return (
        lead,
        article.pk,
        article.headline,
        article.standfirst,
        address,
        article.published_at,
        section_name,
        photo,
        tuple(author.name for author in authors),
        links.local_zone(),
        links.url_context(),
    )


def render(article, lead=False):
    """The card's HTML, straight from the template (for search results, and the test)."""
    if isinstance(article, Card):
        article = article.as_article()
    macro = engines["jinja2"].env.get_template(CARD_TEMPLATE).module.article_card
    return macro(article, lead=lead)


# What a Card is read from: the columns of the article, its section and its photo that a card
# or a neighbour link shows, and the gate's, which the page cache checks of every article a
# page loaded (articles/reader/article_page.py reads them, from ``published()``).
ARTICLE_VALUES = (
    "id",
    "headline",
    "slug",
    "standfirst",
    "published_at",
    "status",
    "expires_at",
    "section_id",
    "hero_image_id",
)
SECTION_VALUES = ("section__name",)
PHOTO_VALUES = (
    "hero_image__key",
    "hero_image__file",
    "hero_image__alt_text",
    "hero_image__width",
    "hero_image__height",
    "hero_image__orientation",
)
CARD_VALUES = ARTICLE_VALUES + SECTION_VALUES + PHOTO_VALUES


class Card:
    """A published article as its card and a neighbour link show it, from a row of
    ``CARD_VALUES``: what the article page asks of a card (``pk``, ``headline``,
    ``get_absolute_url()``, ``byline_authors``; bylines are attached as to an Article)."""

    __slots__ = ("values", BYLINES_ATTR)

    def __init__(self, row):
        self.values = dict(zip(CARD_VALUES, row, strict=True))

    pk = property(lambda self: self.values["id"])
    headline = property(lambda self: self.values["headline"])
    slug = property(lambda self: self.values["slug"])
    standfirst = property(lambda self: self.values["standfirst"])
    published_at = property(lambda self: self.values["published_at"])

    @property
    def byline_authors(self):
        return [byline.author for byline in getattr(self, BYLINES_ATTR)]

    def get_absolute_url(self):
        """As ``Article.get_absolute_url``: a card comes from ``published()``, so it is posted."""
        local = timezone.localtime(self.published_at, links.local_zone())
        return links.article_url(local.year, local.month, local.day, self.slug)

    def shown(self, lead=False):
        """What ``shown()`` gives for the Article of the same values."""
        values = self.values
        photo = None
        if values["hero_image_id"] is not None and values["hero_image__file"]:
            size = display_size(
                values["hero_image__width"],
                values["hero_image__height"],
                values["hero_image__orientation"],
            )
            if size is None:  # a row from before orientations were stored: the file says
                size = renditions.oriented_size(self.as_article().hero_image)
            photo = (
                values["hero_image__key"],
                values["hero_image__file"],
                values["hero_image__alt_text"],
                size,
            )
        section_name = values["section__name"] if values["section_id"] is not None else None
        return _key(lead, self, self.slug, section_name, photo, self.byline_authors)

    def as_article(self):
        """The Article these values are of, with its section, photo and bylines, for the
        template (post_init is sent: the page recorded these rows already, as loading does)."""
        values = self.values
        article = _loaded(Article, {name: values[name] for name in ARTICLE_VALUES})
        section = image = None
        if values["section_id"] is not None:
            section = _loaded(Section, {"id": values["section_id"], **_joined(values, "section")})
        if values["hero_image_id"] is not None:
            image = _loaded(Image, {"id": values["hero_image_id"], **_joined(values, "hero_image")})
        Article.section.field.set_cached_value(article, section)
        Article.hero_image.field.set_cached_value(article, image)
        if hasattr(self, BYLINES_ATTR):
            setattr(article, BYLINES_ATTR, getattr(self, BYLINES_ATTR))
        return article


def _joined(values, relation):
    prefix = relation + "__"
    return {name.removeprefix(prefix): v for name, v in values.items() if name.startswith(prefix)}


def _loaded(model, values):
    """``model`` as loaded from a row with these values (by attname), the rest deferred."""
    names = [field.attname for field in model._meta.concrete_fields if field.attname in values]
    return model.from_db(model.objects.db, names, [values[name] for name in names])


def teaser(article, lead=False):
    """The card of ``article`` (the lead story's when ``lead``), rendered once per content."""
    return _kept.get_or_render(shown(article, lead), lambda: render(article, lead))
