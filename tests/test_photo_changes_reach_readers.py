"""When the photo desk replaces a photo's file or moves its focal point in the admin, readers
get the new picture at the next request (renditions are made anew), and the old original is
removed from storage."""

from io import BytesIO

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image as PILImage

from articles.images import renditions
from articles.models import Rendition
from tests.factories import make_article, make_image

pytestmark = pytest.mark.django_db

RED, BLUE = (220, 20, 20), (20, 20, 220)


def jpeg(color, size=(1200, 800)):
    buffer = BytesIO()
    PILImage.new("RGB", size, color).save(buffer, "JPEG")
    return SimpleUploadedFile("new.jpg", buffer.getvalue(), content_type="image/jpeg")


def served_colour(client, image, spec="width-480.jpg"):
    response = client.get(renditions.rendition_url(image, spec))
    assert response.status_code == 200
    with PILImage.open(BytesIO(b"".join(response.streaming_content))) as picture:
        return picture.convert("RGB").getpixel((picture.width // 2, picture.height // 2))


def library_photo(upload, **fields):
    image = make_image(with_file=False, **fields)
    image.file, image.is_placeholder = upload, False
    image.save()
    return image


def close_to(colour, expected):
    return all(abs(a - b) < 30 for a, b in zip(colour, expected, strict=True))


def admin_post(client, image, **changes):
    url = reverse("admin:articles_image_change", args=[image.pk])
    form = client.get(url).context["adminform"].form
    data = {name: form[name].value() or "" for name in form.fields if name != "file"}
    data.update(tags="", **changes)
    response = client.post(url, data)
    assert response.status_code == 302, response.content[:2000]


def test_replacing_a_photos_file_shows_readers_the_new_picture(
    client, admin_client, django_capture_on_commit_callbacks
):
    image = library_photo(jpeg(RED))
    make_article(hero_image=image)
    assert close_to(served_colour(client, image), RED)
    old_original = image.file.name

    with django_capture_on_commit_callbacks(execute=True):
        admin_post(admin_client, image, file=jpeg(BLUE))

    image.refresh_from_db()
    assert close_to(served_colour(client, image), BLUE)
    assert not default_storage.exists(old_original)
    assert default_storage.exists(image.file.name)


def test_moving_the_focal_point_recrops_the_card_photo(client, admin_client):
    left_red_right_blue = PILImage.new("RGB", (1600, 400), RED)
    left_red_right_blue.paste(BLUE, (800, 0, 1600, 400))
    buffer = BytesIO()
    left_red_right_blue.save(buffer, "JPEG")
    upload = SimpleUploadedFile("wide.jpg", buffer.getvalue(), content_type="image/jpeg")
    image = library_photo(upload, focal_x=0.1, focal_y=0.5)
    make_article(hero_image=image)
    card = renditions.CARD_SIZES[0]
    spec = f"fill-{card[0]}x{card[1]}.jpg"
    assert close_to(served_colour(client, image, spec), RED)

    admin_post(admin_client, image, focal_x="0.9", focal_y="0.5")

    assert close_to(served_colour(client, image, spec), BLUE)


def test_editing_only_the_caption_keeps_the_stored_renditions(client, admin_client):
    image = library_photo(jpeg(RED))
    make_article(hero_image=image)
    served_colour(client, image)
    made = list(Rendition.objects.filter(image=image).values_list("pk", flat=True))

    admin_post(admin_client, image, caption="A new caption")

    assert list(Rendition.objects.filter(image=image).values_list("pk", flat=True)) == made
