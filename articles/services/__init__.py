"""Writes that span several rows. Views, admin and commands call these; models stay small."""

from django.db import transaction

from articles.models import Article, ArticleAuthor, ArticleImage, Image
from articles.rendering import image_references


@transaction.atomic
def sync_body_images(*, article: Article) -> None:
    """Make the article's 'photos in body' rows match the references in its body, in order."""
    keys = list(dict.fromkeys(key for _, key in image_references(article.body)))
    images = {image.key: image for image in Image.objects.filter(key__in=keys)}
    wanted = [images[key] for key in keys if key in images]
    current = list(article.image_uses.order_by("position").values_list("image_id", flat=True))
    if current == [image.pk for image in wanted]:
        return
    article.image_uses.all().delete()
    ArticleImage.objects.bulk_create(
        ArticleImage(article=article, image=image, position=position)
        for position, image in enumerate(wanted)
    )


@transaction.atomic
def set_byline(*, article: Article, authors) -> None:
    """Replace the byline with ``authors`` in the given order."""
    article.bylines.all().delete()
    ArticleAuthor.objects.bulk_create(
        ArticleAuthor(article=article, author=author, position=position)
        for position, author in enumerate(authors)
    )
