"""The newsroom's content model. Import from here: ``from articles.models import Article``.

Dependencies point one way: people -> images -> articles -> history.
"""

from .articles import (
    BYLINES_ATTR,
    Article,
    ArticleAuthor,
    ArticleImage,
    ArticleQuerySet,
    OldSlug,
    Section,
    TaggedArticle,
    bylines_in_order,
    bylines_prefetch,
    tags_prefetch,
)
from .history import Correction, NotificationPreference, Revision, ShareLink, WorkflowEvent
from .images import Image, ImageQuerySet, Rendition, TaggedImage, display_size
from .pagecache import PageToken
from .people import Author, Photographer
from .security import SecurityEvent

__all__ = [
    "BYLINES_ATTR",
    "bylines_in_order",
    "bylines_prefetch",
    "tags_prefetch",
    "Article",
    "ArticleAuthor",
    "ArticleImage",
    "ArticleQuerySet",
    "Author",
    "Correction",
    "Image",
    "ImageQuerySet",
    "NotificationPreference",
    "OldSlug",
    "PageToken",
    "Photographer",
    "Rendition",
    "Revision",
    "Section",
    "SecurityEvent",
    "ShareLink",
    "TaggedArticle",
    "TaggedImage",
    "WorkflowEvent",
    "display_size",
]
