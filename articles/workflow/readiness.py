"""Pre-publish checks: everything an article needs before readers may see it.

``problems()`` lists every gap at once, so an editor fixes them in one pass instead of
discovering them one refusal at a time. ``warnings()`` never block publishing.
"""

from articles.models import Article


def shown_images(article: Article):
    """The hero photo and every photo placed in the body, each once, hero first."""
    images = []
    if article.hero_image_id:
        images.append(article.hero_image)
    for use in article.image_uses.select_related("image__photographer").order_by("position"):
        if use.image not in images:
            images.append(use.image)
    return images


def problems(article: Article) -> list[str]:
    """Every reason the article cannot be published yet; empty when it is ready."""
    found = []
    if not article.headline.strip():
        found.append("Headline is missing.")
    if not article.standfirst.strip():
        found.append("Standfirst is missing.")
    if not article.body.strip():
        found.append("Body is missing.")
    if not article.bylines.exists():
        found.append("At least one author is needed in the byline.")
    if not article.section_id:
        found.append("Section is missing.")
    for image in shown_images(article):
        if not image.alt_text.strip():
            found.append(f"Photo {image.key} has no alt text.")
        if not (image.credit or "").strip():
            found.append(f"Photo {image.key} has no credit.")
    return found


def warnings(article: Article) -> list[str]:
    """Things worth a look that do not block publishing, such as a photo still to come."""
    return [
        f"Photo {image.key} is a placeholder: its file has not arrived yet."
        for image in shown_images(article)
        if image.is_placeholder or not image.file
    ]
