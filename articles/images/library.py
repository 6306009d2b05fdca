"""The photo library as the body editor sees it: search by caption, credit and tag, and the
small JSON description the editor shows for a placed photo (thumbnail, caption, credit)."""

from django.db.models import Q
from django.urls import reverse

from articles.models import Image

CHOOSER_PAGE = 24


def search_photos(query: str = "", *, limit: int = CHOOSER_PAGE):
    """Newest first; every word must match the caption, alt text, credit, photographer or a tag."""
    photos = Image.objects.select_related("photographer").order_by("-uploaded_at", "-id")
    for word in query.split():
        photos = photos.filter(
            Q(caption__icontains=word)
            | Q(alt_text__icontains=word)
            | Q(credit_text__icontains=word)
            | Q(photographer__name__icontains=word)
            | Q(tags__name__iexact=word)
            | Q(key=word)
        )
    return photos.distinct()[:limit]


def photos_by_key(keys):
    return Image.objects.select_related("photographer").filter(key__in=list(keys)[:100])


def describe(image: Image) -> dict:
    """What the editor shows for a photo; the thumbnail is the admin's own (staff-only)."""
    thumbnail = reverse("admin:articles_image_thumbnail", args=[image.pk]) if image.file else ""
    return {
        "key": image.key,
        "caption": image.caption,
        "alt": image.alt_text,
        "credit": image.credit,
        "thumbnail": thumbnail,
        "needs_photo": not image.file,
        "change_url": reverse("admin:articles_image_change", args=[image.pk]),
    }
