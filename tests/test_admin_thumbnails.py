"""The image list's thumbnails are renditions: made once per photo, stored, and reused, so a
busy image library does not decode every full-size original on each visit."""

import re
from io import BytesIO

import pytest
from django.urls import reverse
from PIL import Image as PILImage

from articles.images import renditions
from articles.models import Rendition
from tests.factories import make_image

pytestmark = pytest.mark.django_db


@pytest.fixture
def opened(monkeypatch):
    """How many times Pillow opened a file, through the one pipeline or anywhere else."""
    calls = []
    real_open = PILImage.open

    def counting_open(*args, **kwargs):
        calls.append(args)
        return real_open(*args, **kwargs)

    monkeypatch.setattr(PILImage, "open", counting_open)
    return calls


def visit_image_list(client):
    """The image list and every thumbnail it shows, as a browser loads them."""
    page = client.get(reverse("admin:articles_image_changelist"))
    assert page.status_code == 200
    thumbnails = re.findall(r'<img src="([^"]+/thumbnail/)"', page.content.decode())
    for url in thumbnails:
        response = client.get(url)
        assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
        picture = PILImage.open(BytesIO(b"".join(response.streaming_content)))
        assert picture.width <= 160 and picture.height <= 120
    return thumbnails


def test_image_list_thumbnails_decode_each_original_once_then_reuse_the_stored_copy(
    superuser_client, opened
):
    photos = [make_image() for _ in range(3)]
    opened.clear()

    first = visit_image_list(superuser_client)
    assert len(first) == 3
    decoded_first = len(opened)
    opened.clear()
    again = visit_image_list(superuser_client)

    assert decoded_first == 3 + 3  # each original once, plus the test reading each thumbnail
    assert len(opened) == len(again) == 3  # only the test's own reads of the served thumbnails
    stored = Rendition.objects.filter(spec=renditions.THUMBNAIL_SPEC)
    assert sorted(stored.values_list("image_id", flat=True)) == sorted(p.pk for p in photos)


def test_thumbnail_is_not_offered_at_a_public_rendition_address(client):
    image = make_image()
    signature = renditions.signature(image.key, renditions.THUMBNAIL_SPEC)
    url = f"/photos/{image.key}/{signature}/{renditions.THUMBNAIL_SPEC}"
    assert client.get(url).status_code == 404


def test_thumbnail_is_refused_to_visitors_who_are_not_staff(client):
    image = make_image()
    response = client.get(reverse("admin:articles_image_thumbnail", args=[image.pk]))
    assert response.status_code == 302  # to the admin login
    assert not Rendition.objects.exists()
