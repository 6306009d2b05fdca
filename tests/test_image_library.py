"""The image library: uploads are validated before anything is stored; metadata prefills credits."""

from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse
from PIL import Image as PILImage
from pytest_django.asserts import assertContains

from articles.images import renditions
from articles.models import Image
from tests.factories import (
    jpeg_bytes,
    make_article,
    make_author,
    make_image,
    make_photographer,
    make_upload,
)

pytestmark = pytest.mark.django_db

ADD_URL = "admin:articles_image_add"


def post_upload(client, upload, **fields):
    data = {
        "file": upload,
        "alt_text": "Alt",
        "caption": "",
        "credit_text": "",
        "copyright": "",
        "tags": "",
    }
    data.update(fields)
    return client.post(reverse(ADD_URL), data)


def png_bomb_bytes():
    """A tiny PNG whose header claims 20,000 x 20,000 pixels (400 megapixels)."""
    buffer = BytesIO()
    PILImage.new("1", (20000, 20000)).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("notes.jpg", b"this is not an image at all", "not a readable image"),
        ("cut.jpg", jpeg_bytes(width=800, height=600)[:1500], "not a readable image"),
        ("bomb.png", png_bomb_bytes(), "too large"),
    ],
    ids=["not-an-image", "truncated-jpeg", "decompression-bomb"],
)
def test_bad_upload_is_refused_with_a_clear_message_and_no_file_left(
    superuser_client, stored_files, name, content, message
):
    response = post_upload(superuser_client, SimpleUploadedFile(name, content))
    assert response.status_code == 200
    assertContains(response, message)
    assert Image.objects.count() == 0
    assert stored_files() == []


def test_good_upload_stores_dimensions_uploader_and_unguessable_name(superuser_client):
    response = post_upload(superuser_client, make_upload("my-holiday.jpg", width=640, height=480))
    assert response.status_code == 302
    image = Image.objects.get()
    assert (image.width, image.height) == (640, 480)
    assert image.uploaded_by.username == "chief"
    assert "my-holiday" not in image.file.name
    assert image.file.name.startswith("originals/")


def test_upload_prefills_caption_credit_and_copyright_from_exif(superuser_client):
    photographer = make_photographer(name="Pavel Bogush", slug="pavel-bogush")
    exif = PILImage.Exif()
    exif[0x010E] = "Drill at the Brestsky training ground"
    exif[0x013B] = "pavel bogush"
    exif[0x8298] = "(c) BelTA 2024"
    response = post_upload(superuser_client, make_upload(exif=exif))
    assert response.status_code == 302
    image = Image.objects.get()
    assert image.caption == "Drill at the Brestsky training ground"
    assert image.photographer == photographer
    assert image.copyright == "(c) BelTA 2024"


def test_unknown_creator_becomes_a_free_text_credit(superuser_client):
    exif = PILImage.Exif()
    exif[0x013B] = "Agency Photographer"
    post_upload(superuser_client, make_upload(exif=exif))
    assert Image.objects.get().credit == "Agency Photographer"


def test_typed_caption_wins_over_file_metadata(superuser_client):
    exif = PILImage.Exif()
    exif[0x010E] = "From the camera"
    post_upload(superuser_client, make_upload(exif=exif), caption="Typed by the desk")
    assert Image.objects.get().caption == "Typed by the desk"


def test_image_without_file_must_be_marked_as_needing_a_photo(superuser_client):
    response = superuser_client.post(
        reverse(ADD_URL), {"alt_text": "A", "caption": "C", "tags": ""}
    )
    assertContains(response, "tick")
    response = superuser_client.post(
        reverse(ADD_URL), {"alt_text": "A", "caption": "C", "tags": "", "is_placeholder": "on"}
    )
    assert response.status_code == 302
    assert Image.objects.placeholders().count() == 1


def test_image_list_filters_photos_that_are_still_needed(superuser_client):
    Image.objects.create(caption="Waiting for the file", is_placeholder=True)
    response = superuser_client.get(
        reverse("admin:articles_image_changelist") + "?is_placeholder__exact=1"
    )
    assertContains(response, "Waiting for the file")
    assertContains(response, "needs photo")


def test_upload_prefills_credit_from_xmp_when_there_is_no_exif(superuser_client):
    xmp = (
        b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
        b'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
        b'xmlns:dc="http://purl.org/dc/elements/1.1/"><rdf:Description>'
        b"<dc:creator><rdf:Seq><rdf:li>Maria Lens</rdf:li></rdf:Seq></dc:creator>"
        b'<dc:description><rdf:Alt><rdf:li xml:lang="x-default">Harvest in Minsk Region'
        b"</rdf:li></rdf:Alt></dc:description>"
        b"</rdf:Description></rdf:RDF></x:xmpmeta>"
    )
    buffer = BytesIO()
    PILImage.new("RGB", (40, 30), (10, 20, 30)).save(buffer, "JPEG", xmp=xmp)
    post_upload(superuser_client, SimpleUploadedFile("x.jpg", buffer.getvalue()))
    image = Image.objects.get()
    assert image.credit == "Maria Lens"
    assert image.caption == "Harvest in Minsk Region"


def test_deleting_a_photo_removes_its_original_and_renditions(
    client, stored_files, django_capture_on_commit_callbacks
):
    image = make_image()
    article = make_article(hero_image=image)
    for spec in ("width-480.jpg", "fill-480x270.webp"):
        assert client.get(renditions.rendition_url(image, spec)).status_code == 200
    assert len(stored_files()) == 3
    article.delete()
    with django_capture_on_commit_callbacks(execute=True):
        image.delete()
    assert stored_files() == []


def test_a_delete_rolled_back_keeps_the_files(stored_files):
    image = make_image()
    pk = image.pk
    with pytest.raises(RuntimeError), transaction.atomic():
        image.delete()
        raise RuntimeError("the desk's request failed half-way")
    assert stored_files() == [image.file.name]
    assert Image.objects.filter(pk=pk).exists()


def test_deleting_an_author_removes_the_portrait_and_its_square_copy(
    client, stored_files, django_capture_on_commit_callbacks
):
    author = make_author(slug="ann", name="Ann")
    author.portrait = make_upload("ann.jpg", width=600, height=900)
    author.save()
    story = make_article(authors=[author])  # portraits are served for authors with live work
    assert client.get(renditions.portrait_url(author)).status_code == 200
    assert len(stored_files()) == 2
    story.delete()
    with django_capture_on_commit_callbacks(execute=True):
        author.delete()
    assert stored_files() == []
