"""Parsed blocks -> the body as the editor stores it: sanitised HTML with photo slots."""

from django.utils.html import escape

from .parser import Paragraph, Photo, Subheading


def body_html(blocks, image_keys):
    """The body as editor HTML; ``image_keys`` holds one library key per photo, in order.

    Text is escaped, never read as markup, so a paragraph shows exactly as the desk wrote it.
    """
    keys = iter(image_keys)
    parts = []
    for block in blocks:
        if isinstance(block, Photo):
            parts.append(f'<figure data-image="{escape(next(keys))}"></figure>')
        elif isinstance(block, Subheading):
            parts.append(f"<h2>{escape(block.text)}</h2>")
        elif isinstance(block, Paragraph):
            parts.append(f"<p>{escape(block.text)}</p>")
    return "".join(parts)


def body_plain_text(blocks):
    """What ``rendering.body_plain`` reads out of ``body_html(blocks, ...)``, straight from
    the blocks: the bulk import skips parsing its own HTML again (tests compare the two)."""
    parts = []
    for block in blocks:
        parts.append("" if isinstance(block, Photo) else block.text)
    return "\n".join(parts).strip()
