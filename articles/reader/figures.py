"""Photos placed in an article's text, rendered once per content and kept, as teaser cards are.

Each photo slot in the text becomes a figure: the picture with its sizes, the caption and the
credit linked to the photographer's page. On an uncached article page the two or three
figures cost about a twentieth of the page, and a library photo recurs across the articles
that use it; the hero photo above the text is the same figure, loaded eagerly, and kept the
same way. A figure's HTML is kept in process memory under everything it shows (``shown``),
so an edited caption, credit, alt text or file is another key, and no write has to invalidate
it. tests/test_kept_figures.py changes every field a figure could show and checks the key
follows.
"""

from django.template.loader import render_to_string
from markupsafe import Markup

from articles import links
from articles.images import renditions
from articles.reader.kept import Kept

FIGURE_TEMPLATE = "articles/includes/figure.html"
_kept = Kept(4096)  # figures kept per process: a few megabytes


def shown(image, eager=False):
    """Everything ``image``'s figure shows, and what its markup depends on (``eager``: the
    hero's, loaded first, above the text)."""
    photo = None
    if image.file:
        photo = (image.file.name, image.alt_text, renditions.oriented_size(image))
    if image.photographer_id:
        credit = (image.photographer.name, image.photographer.slug)
    else:
        credit = image.credit_text
    return (eager, image.key, photo, image.caption, credit, links.url_context())


def render(image, eager=False):
    """The figure's HTML straight from the template (for the test, and a figure not kept)."""
    return render_to_string(FIGURE_TEMPLATE, {"image": image, "eager": eager})


def hero(image):
    """The hero photo's figure above the text, rendered once per content (a template global)."""
    return Markup(figure(image, eager=True))


def figure(image, eager=False):
    """The figure of ``image`` in an article's text, rendered once per content."""
    return _kept.get_or_render(shown(image, eager), lambda: render(image, eager))
