"""Raw agency copy into structured articles: parse (pure), then load (one transaction a file).

Use ``parse_raw_article`` to read text, ``Importer`` to write it to the database; the
``import_articles`` command and the admin's "Import articles" page both go through them.
"""

from .bulk import import_many, record_import_run
from .loader import (
    CREATED,
    FAILED,
    UNCHANGED,
    UPDATED,
    Importer,
    ImportOptions,
    ImportResult,
    RawFile,
)
from .markup import body_html
from .parser import Paragraph, ParsedArticle, Photo, RawArticleError, Subheading, parse_raw_article
from .people import name_key
from .sources import MAX_RAW_BYTES, decode_raw, iter_raw_files, photos_by_number, source_key_for

__all__ = [
    "record_import_run",
    "CREATED",
    "FAILED",
    "MAX_RAW_BYTES",
    "UNCHANGED",
    "UPDATED",
    "ImportOptions",
    "ImportResult",
    "Importer",
    "Paragraph",
    "ParsedArticle",
    "Photo",
    "RawArticleError",
    "RawFile",
    "Subheading",
    "body_html",
    "decode_raw",
    "import_many",
    "iter_raw_files",
    "name_key",
    "parse_raw_article",
    "photos_by_number",
    "source_key_for",
]
