"""Plain keyword-only builders for test data (no factory_boy)."""

import itertools
from datetime import timedelta
from io import BytesIO

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image as PILImage

from articles.models import Article, Author, Image, Photographer, Section
from articles.rendering import looks_like_html, markdown_to_html
from articles.services import set_byline, sync_body_images

_sequence = itertools.count(1)


def jpeg_bytes(*, width=64, height=48, color=(120, 140, 160), exif=None):
    buffer = BytesIO()
    image = PILImage.new("RGB", (width, height), color)
    if exif is not None:
        image.save(buffer, "JPEG", exif=exif)
    else:
        image.save(buffer, "JPEG")
    return buffer.getvalue()


def make_upload(name="photo.jpg", **kwargs):
    return SimpleUploadedFile(name, jpeg_bytes(**kwargs), content_type="image/jpeg")


def make_section(**overrides):
    n = next(_sequence)
    fields = {"name": f"Section {n}", "slug": f"section-{n}", "position": n}
    fields.update(overrides)
    return Section.objects.create(**fields)


def make_author(**overrides):
    n = next(_sequence)
    fields = {"name": f"Author {n}", "slug": f"author-{n}"}
    fields.update(overrides)
    return Author.objects.create(**fields)


def make_photographer(**overrides):
    n = next(_sequence)
    fields = {"name": f"Photographer {n}", "slug": f"photographer-{n}"}
    fields.update(overrides)
    return Photographer.objects.create(**fields)


def make_image(*, with_file=True, **overrides):
    n = next(_sequence)
    fields = {"caption": f"Caption {n}", "alt_text": f"Alt text {n}"}
    if "photographer" not in overrides and "credit_text" not in overrides:
        fields["photographer"] = make_photographer()
    fields.update(overrides)
    image = Image(**fields)
    if with_file:
        image.file = make_upload(f"photo-{n}.jpg")
    else:
        image.is_placeholder = True
    image.save()
    return image


def make_article(*, authors=None, tags=(), status=Article.Status.PUBLISHED, **overrides):
    """A complete article; published an hour ago unless told otherwise."""
    n = next(_sequence)
    fields = {
        "headline": f"Headline number {n}",
        "slug": f"headline-number-{n}",
        "standfirst": f"Standfirst of article {n}.",
        "body": f"<p>First paragraph of article {n}.</p><h2>A subheading</h2><p>Second paragraph.</p>",
        "status": status,
        "published_at": timezone.now() - timedelta(hours=1),
    }
    if "section" not in overrides:
        fields["section"] = make_section()
    fields.update(overrides)
    if not looks_like_html(fields["body"]):
        # Terse test bodies may use the former Markdown shorthand ("[[image KEY]]" lines);
        # they are stored as the editor would post them, by the data migration's converter.
        fields["body"] = markdown_to_html(fields["body"])
    article = Article.objects.create(**fields)
    set_byline(article=article, authors=authors if authors is not None else [make_author()])
    if tags:
        article.tags.add(*tags)
    sync_body_images(article=article)
    return article
