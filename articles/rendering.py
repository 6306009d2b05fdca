"""Body text: sanitised HTML from the rich-text editor, with photos as empty figure slots.

Writers type in a ProseMirror editor (django-prose-editor); the browser posts HTML. A photo
is stored as an empty ``<figure data-image="KEY"></figure>`` slot; ``insert_figures`` fills
the slot from the image's current caption and credit when the page is rendered, so editing
a credit in the library shows everywhere without re-saving articles.

``clean_body`` is the one gate for what may be stored: nh3 with ``ALLOWED_TAGS``, and photo
slots rebuilt from their key alone, so no caption, image or attribute typed into a figure
survives. ``markdown_to_html`` is the former Markdown format, kept for the data migration
that converted stored bodies and for older test data.
"""

import re
import secrets

import markdown
import nh3
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

KEY = r"[A-Za-z0-9_-]+"
FIGURE_SLOT = re.compile(rf'<figure data-image="({KEY})"></figure>')
# Any figure after sanitising (nh3 leaves well-formed, unnested markup): a slot if it names a
# photo, otherwise only its text stays.
ANY_FIGURE = re.compile(r"<figure(?P<attrs>[^>]*)>(?P<inner>.*?)</figure>", re.DOTALL)
FIGURE_KEY = re.compile(rf'\sdata-image="({KEY})"')

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
_URL_SCHEMES = {"http", "https", "mailto"}
_LINK_REL = "noopener noreferrer nofollow"
# Empty paragraphs are what the editor leaves for a blank line; readers need none of them.
_EMPTY_BLOCK = re.compile(r"<p>(?:\s|<br>)*</p>")

# The former Markdown format's photo line, for converting old bodies only.
_MARKDOWN_IMAGE_LINE = re.compile(rf"^[ \t]*\[\[\s*image\s+({KEY})\s*\]\][ \t]*\r?$", re.MULTILINE)


def clean_body(html):
    """Editor HTML -> what may be stored and shown: allowed tags only, photos as empty slots."""
    if not html or not html.strip():
        return ""
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        link_rel=_LINK_REL,
        url_schemes=_URL_SCHEMES,
    )

    def figure(match):
        key = FIGURE_KEY.search(match.group("attrs"))
        return f'<figure data-image="{key.group(1)}"></figure>' if key else match.group("inner")

    cleaned = ANY_FIGURE.sub(figure, cleaned)
    return _EMPTY_BLOCK.sub("", cleaned).strip()


render_body = clean_body  # what Article.save() stores as body_html


def image_references(body):
    """[(position, key)] for every photo placed in the body, in order (position from 1)."""
    return [
        (position, match.group(1))
        for position, match in enumerate(FIGURE_SLOT.finditer(clean_body(body)), start=1)
    ]


def validate_image_references(body):
    """Raise a ValidationError naming each placed photo that is not in the library."""
    from articles.models import Image

    references = image_references(body)
    known = set(
        Image.objects.filter(key__in=[key for _, key in references]).values_list("key", flat=True)
    )
    errors = [
        ValidationError(
            "Photo %(position)s in the text (%(key)s) is not in the image library: "
            "remove it and insert one from the library.",
            code="unknown_image",
            params={"position": position, "key": key},
        )
        for position, key in references
        if key not in known
    ]
    if errors:
        raise ValidationError(errors)


def markdown_to_html(body):
    """The former Markdown body format -> stored HTML (the data migration's converter)."""
    if not body:
        return ""
    # Photo lines become opaque paragraphs before Markdown and slots after sanitising, so
    # no HTML typed in the old format can pose as a slot.
    nonce = secrets.token_hex(8)
    source = _MARKDOWN_IMAGE_LINE.sub(lambda m: f"\n\nphoto{nonce}{m.group(1)}\n\n", body)
    html = markdown.markdown(source, extensions=["sane_lists"], output_format="html")
    html = nh3.clean(
        html,
        tags=ALLOWED_TAGS - {"figure"},
        attributes={k: v for k, v in ALLOWED_ATTRIBUTES.items() if k != "figure"},
        link_rel=_LINK_REL,
        url_schemes=_URL_SCHEMES,
    )
    slot = re.compile(rf"<p>photo{nonce}({KEY})</p>")
    return slot.sub(lambda m: f'<figure data-image="{m.group(1)}"></figure>', html)


_BLOCK_END = re.compile(r"</(?:p|h[2-4]|li|blockquote|pre)>|<br>|<hr>")


def body_text(body):
    """The body as a person reads it, for diffs: paragraphs apart, photos as [photo KEY]."""
    from html import unescape

    from django.utils.html import strip_tags

    html = FIGURE_SLOT.sub(lambda m: f"\n\n[photo {m.group(1)}]\n\n", clean_body(body))
    text = unescape(strip_tags(_BLOCK_END.sub("\n\n", html)))
    return "\n\n".join(part.strip() for part in re.split(r"\n\s*\n", text) if part.strip())


def body_plain(body_html):
    """The words of the rendered body and nothing else (no tags, no photo slots): what the
    SQLite full-text index reads, so searching "strong" does not find every bold word."""
    from html import unescape

    from django.utils.html import strip_tags

    html = _BLOCK_END.sub("\n", FIGURE_SLOT.sub("\n", body_html or ""))
    return unescape(strip_tags(html)).strip()


def looks_like_html(body):
    """True for bodies in the editor's format; old Markdown bodies start with text."""
    return (body or "").lstrip().startswith("<")


def insert_figures(body_html, images_by_key, template="articles/includes/figure.html", render=None):
    """Fill each figure slot with the photo, caption and credit; drop slots of unknown photos.

    ``render(image)`` gives a figure's HTML when given (the reader page's kept figures,
    articles/reader/figures.py); otherwise ``template`` is rendered.
    """

    def figure(match):
        image = images_by_key.get(match.group(1))
        if image is None:
            return ""
        if render is not None:
            return render(image)
        return render_to_string(template, {"image": image})

    return mark_safe(FIGURE_SLOT.sub(figure, body_html))
