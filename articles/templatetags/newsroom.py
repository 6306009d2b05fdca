"""Template helpers for the reader pages: responsive pictures and search highlighting."""

from django import template
from django.template.loader import render_to_string

from articles import renditions, search

register = template.Library()

DEFAULT_SIZES = "(min-width: 50rem) 46rem, 100vw"


@register.simple_tag
def picture(image, sizes=DEFAULT_SIZES, lazy=True, crop=False):
    """A <picture> with WebP and JPEG srcsets, width, height and alt; '' for a missing file.

    ``crop=True`` gives the 16:9 card crop centred on the photo's focal point.
    """
    if image is None or not image.file:
        return ""
    context = renditions.picture(image, crop=crop)
    context.update({"alt": image.alt_text, "sizes": sizes, "lazy": lazy})
    return render_to_string("articles/includes/picture.html", context)


@register.filter
def highlight(text, terms):
    """Escape the text and mark each search term in it."""
    return search.highlight(text, terms)


@register.filter
def snippet(html, terms):
    """A highlighted plain-text excerpt around the first search term."""
    return search.snippet(html, terms)
