"""What the reader templates call (newsroom/templating.py): responsive pictures, posting
times, bylines and search highlighting, each returning safe HTML."""

from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe

from articles import links
from articles.images import renditions
from articles.search import query as search

DEFAULT_SIZES = "(min-width: 50rem) 46rem, 100vw"
LAZY = mark_safe(' loading="lazy" decoding="async"')
EAGER = mark_safe(' fetchpriority="high"')


def picture(image, sizes=DEFAULT_SIZES, lazy=True, crop=False):
    """A <picture> with WebP and JPEG srcsets, width, height and alt; '' for a missing file.

    ``crop=True`` gives the 16:9 card crop centred on the photo's focal point.
    """
    if image is None or not image.file:
        return ""
    sources = renditions.picture(image, crop=crop)
    # Built here rather than in a template: a page has up to 20 of them, and the markup is
    # the same for every page that shows a photo.
    return format_html(
        '<picture>\n  <source type="image/webp" srcset="{webp}" sizes="{sizes}">\n'
        '  <img src="{src}" srcset="{jpeg}" sizes="{sizes}" width="{width}" height="{height}"'
        ' alt="{alt}"{loading}>\n</picture>',
        webp=sources["webp_srcset"],
        jpeg=sources["jpeg_srcset"],
        src=sources["src"],
        sizes=sizes,
        width=sources["width"],
        height=sources["height"],
        alt=image.alt_text,
        loading=LAZY if lazy else EAGER,
    )


def posted(when):
    """<time> of a posting time in the site's zone: '21 August 2024, 10:30'."""
    local = timezone.localtime(when, links.local_zone())
    # Spelled out rather than dateformat.format(local, "j F Y, H:i"): a front page shows twenty
    # of these and the format parser cost more than the rest of the teaser's date.
    shown = f"{local.day} {MONTHS[local.month]} {local.year}, {local.hour:02d}:{local.minute:02d}"
    return format_html('<time datetime="{}">{}</time>', local.isoformat(), shown)


def byline(authors, linked=False):
    """'By A, B and C', each name linked to the author's page when ``linked``; '' for none."""
    if not authors:
        return ""
    if linked:
        names = [
            format_html('<a href="{}" rel="author">{}</a>', author.get_absolute_url(), author.name)
            for author in authors
        ]
    else:
        names = [conditional_escape(author.name) for author in authors]
    listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    return format_html('<p class="byline">By {}</p>', mark_safe(listed))


def highlight(text, terms):
    """Escape the text and mark each search term in it."""
    return search.highlight(text, terms)


def snippet(html, terms):
    """A highlighted plain-text excerpt around the first search term."""
    return search.snippet(html, terms)
