"""Body text: Markdown with photo references, rendered and sanitised once at save time.

A photo is placed on a line of its own as ``[[image KEY]]``. The stored HTML keeps that
reference as an empty ``<figure data-image="KEY">`` slot; ``insert_figures`` fills the slot
from the image's current caption and credit when the page is rendered, so editing a credit
in the library shows everywhere without re-saving articles, and no request parses Markdown.
"""

import re
import secrets

import markdown
import nh3
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

IMAGE_LINE = re.compile(r"^[ \t]*\[\[\s*image\s+([A-Za-z0-9_-]+)\s*\]\][ \t]*$", re.MULTILINE)
FIGURE_SLOT = re.compile(r'<figure data-image="([A-Za-z0-9_-]+)"></figure>')

ALLOWED_TAGS = {
    "p",
    "br",
    "hr",
    "h2",
    "h3",
    "h4",
    "blockquote",
    "a",
    "em",
    "strong",
    "i",
    "b",
    "ul",
    "ol",
    "li",
    "code",
    "pre",
    "sub",
    "sup",
    "abbr",
    "figure",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "figure": {"data-image"},
}


def normalise_newlines(text):
    """Browsers submit textareas with CRLF; everything here reads lines ending in LF."""
    return (text or "").replace("\r\n", "\n").replace("\r", "\n")


def image_references(body):
    """[(line number, key)] for every photo reference in the body, in order."""
    body = normalise_newlines(body)
    references = []
    for match in IMAGE_LINE.finditer(body or ""):
        line_number = body.count("\n", 0, match.start()) + 1
        references.append((line_number, match.group(1)))
    return references


def validate_image_references(body):
    """Raise a ValidationError naming each line whose photo is not in the library."""
    from articles.models import Image

    references = image_references(body)
    known = set(
        Image.objects.filter(key__in=[key for _, key in references]).values_list("key", flat=True)
    )
    errors = [
        ValidationError(
            "Line %(line)s: there is no photo %(key)s in the image library.",
            code="unknown_image",
            params={"line": line, "key": key},
        )
        for line, key in references
        if key not in known
    ]
    if errors:
        raise ValidationError(errors)


def render_body(body):
    """Markdown source -> sanitised HTML with empty figure slots for photos."""
    if not body:
        return ""
    body = normalise_newlines(body)
    # Protect photo lines from Markdown as opaque paragraphs, then turn them into slots
    # after sanitising, so no HTML a writer types can pose as a slot.
    nonce = secrets.token_hex(8)
    source = IMAGE_LINE.sub(lambda m: f"\n\nphoto{nonce}{m.group(1)}\n\n", body)
    html = markdown.markdown(source, extensions=["sane_lists"], output_format="html")
    html = nh3.clean(
        html,
        tags=ALLOWED_TAGS - {"figure"},
        attributes={k: v for k, v in ALLOWED_ATTRIBUTES.items() if k != "figure"},
        link_rel="noopener noreferrer nofollow",
        url_schemes={"http", "https", "mailto"},
    )
    slot = re.compile(rf"<p>photo{nonce}([A-Za-z0-9_-]+)</p>")
    return slot.sub(lambda m: f'<figure data-image="{m.group(1)}"></figure>', html)


def insert_figures(body_html, images_by_key, template="articles/includes/figure.html"):
    """Fill each figure slot with the photo, caption and credit; drop slots of unknown photos."""

    def figure(match):
        image = images_by_key.get(match.group(1))
        if image is None:
            return ""
        return render_to_string(template, {"image": image})

    return mark_safe(FIGURE_SLOT.sub(figure, body_html))
