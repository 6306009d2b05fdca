"""Teaser cards, rendered once per content and kept.

A front page prints twenty teaser cards and an article page six, and the same stories' cards
recur page after page (the newest of each section are every neighbour's related stories).
Uncached, rendering them was about a third of the front page's time. A card's HTML is kept in
process memory under everything it shows (``shown``), so a changed headline, photo, section
name or byline is another key: a kept card can never be out of date, and no write has to
invalidate it. tests/test_teaser_cards.py changes every field a card could show, one at a
time, and checks that each change that alters the card also alters its key.
"""

import threading
from collections import OrderedDict

from django.template import engines
from django.utils import timezone

from articles import links
from articles.images import renditions

CARD_TEMPLATE = "articles/includes/article_card.html"
KEPT = 4096  # cards kept per process: a few megabytes

_kept = OrderedDict()
_lock = threading.Lock()


def shown(article, lead=False):
    """Everything ``article``'s card shows, and what its markup depends on besides."""
    image = article.hero_image
    photo = None
    if image is not None and image.file:
        photo = (image.key, image.file.name, image.alt_text, renditions.oriented_size(image))
    # The address is the posting date in the site's zone and the slug, under the URLconf and
    # script prefix: all in the key below, so the slug stands for it (building the address was
    # a fifth of this function); an article not yet posted is dated otherwise, so it keeps it.
    address = article.slug if article.published_at else article.get_absolute_url()
    return (
        lead,
        article.pk,
        article.headline,
        article.standfirst,
        address,
        article.published_at,
        article.section.name if article.section_id else None,
        photo,
        tuple(author.name for author in article.byline_authors),
        timezone.get_current_timezone_name(),
        links.url_context(),
    )


def render(article, lead=False):
    """The card's HTML, straight from the template (for search results, and the test)."""
    macro = engines["jinja2"].env.get_template(CARD_TEMPLATE).module.article_card
    return macro(article, lead=lead)


def teaser(article, lead=False):
    """The card of ``article`` (the lead story's when ``lead``), rendered once per content."""
    key = shown(article, lead)
    with _lock:
        card = _kept.get(key)
        if card is not None:
            _kept.move_to_end(key)
            return card
    card = render(article, lead)
    with _lock:
        _kept[key] = card
        if len(_kept) > KEPT:
            _kept.popitem(last=False)
    return card
