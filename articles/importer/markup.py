"""Parsed blocks -> the Markdown body that ``articles.rendering`` turns into HTML."""

import re

from .parser import Paragraph, Photo, Subheading

# Characters Markdown would read as markup anywhere in a line. '<' and '&' become entities
# because Python-Markdown has no backslash escape for them.
INLINE_SPECIAL = re.compile(r"([\\`*_\[\]#])")
LINE_START_SPECIAL = re.compile(r"^([>+-])")
ORDERED_LIST_START = re.compile(r"^(\d+)\.")


def escape_markdown(text):
    """Text that renders exactly as written (curly quotes stay characters), never as markup."""
    text = text.replace("&", "&amp;").replace("<", "&lt;")
    text = INLINE_SPECIAL.sub(r"\\\1", text)
    text = LINE_START_SPECIAL.sub(r"\\\1", text)
    return ORDERED_LIST_START.sub(r"\1\\.", text)


def body_markdown(blocks, image_keys):
    """The body as Markdown; ``image_keys`` holds one library key per photo, in order."""
    keys = iter(image_keys)
    parts = []
    for block in blocks:
        if isinstance(block, Photo):
            parts.append(f"[[image {next(keys)}]]")
        elif isinstance(block, Subheading):
            parts.append(f"## {escape_markdown(block.text)}")
        elif isinstance(block, Paragraph):
            parts.append(escape_markdown(block.text))
    return "\n\n".join(parts)
