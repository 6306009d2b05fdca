"""Photos in an S3-compatible bucket (SeaweedFS here): private objects, readers served only
renditions of published stories through our signed addresses, files removed with their rows."""

import json
import os
import subprocess
import sys
import urllib.error
import urllib.request
from io import BytesIO

import pytest
from django.urls import reverse
from PIL import Image as PILImage

from articles.images import renditions
from articles.models import Article, Image, Rendition
from articles.workflow.transitions import apply_transition
from tests.factories import make_article, make_image, make_upload

pytestmark = pytest.mark.django_db


def fetch(client, image, spec):
    response = client.get(renditions.rendition_url(image, spec))
    body = b"".join(response.streaming_content) if response.status_code == 200 else b""
    return response, body


def anonymous_get(url):
    """What anyone on the internet gets from the bucket with no credentials."""
    try:
        with urllib.request.urlopen(url, timeout=10) as answer:
            return answer.status
    except urllib.error.HTTPError as error:
        return error.code


def test_uploaded_original_is_a_private_object_in_the_bucket(bucket, superuser_client):
    data = {"file": make_upload("beach.jpg", width=640, height=480), "alt_text": "Alt"}
    data.update(caption="", credit_text="", copyright="", tags="")
    response = superuser_client.post(reverse("admin:articles_image_add"), data)
    assert response.status_code == 302
    image = Image.objects.get()
    assert (image.width, image.height) == (640, 480)
    assert bucket.keys() == [image.file.name] and image.file.name.startswith("originals/")
    key = f"{image.file.storage.location}/{image.file.name}"
    assert anonymous_get(f"{bucket.server.endpoint_url}/{bucket.server.bucket}/{key}") == 403
    listing = f"{bucket.server.endpoint_url}/{bucket.server.bucket}?list-type=2"
    assert anonymous_get(listing) == 403
    # The staff thumbnail reads the original back from the bucket.
    thumbnail = superuser_client.get(reverse("admin:articles_image_thumbnail", args=[image.pk]))
    assert thumbnail.status_code == 200 and thumbnail["Content-Type"] == "image/jpeg"


def test_published_photo_is_rendered_into_the_bucket_once_and_served_by_us(bucket, client):
    image = make_image()
    make_article(hero_image=image)
    response, body = fetch(client, image, "width-800.webp")
    assert response.status_code == 200 and response["Content-Type"] == "image/webp"
    assert "public" in response["Cache-Control"]
    with PILImage.open(BytesIO(body)) as served:
        assert served.format == "WEBP" and served.size == (64, 48)
    stored = Rendition.objects.get(image=image)
    assert bucket.keys("renditions/") == [stored.file.name]
    again, second_body = fetch(client, image, "width-800.webp")
    assert again.status_code == 200 and second_body == body
    assert Rendition.objects.count() == 1 and len(bucket.keys("renditions/")) == 1


def test_photo_of_an_unpublished_article_is_refused_and_nothing_is_rendered(bucket, client):
    image = make_image()
    article = make_article(hero_image=image, status=Article.Status.IN_REVIEW)
    assert fetch(client, image, "width-480.jpg")[0].status_code == 404
    assert bucket.keys("renditions/") == []
    assert not Rendition.objects.exists()
    assert article.status == Article.Status.IN_REVIEW


def test_photo_closes_again_when_its_article_is_unpublished(bucket, client, editor):
    image = make_image()
    article = make_article(hero_image=image)
    assert fetch(client, image, "width-480.jpg")[0].status_code == 200
    apply_transition(article, "unpublish", user=editor, comment="Legal asked us to.")
    assert fetch(client, image, "width-480.jpg")[0].status_code == 404


def test_deleting_a_photo_removes_original_and_renditions_from_the_bucket(
    bucket, client, django_capture_on_commit_callbacks
):
    image = make_image()
    article = make_article(hero_image=image)
    for spec in ("width-480.jpg", "fill-480x270.webp"):
        assert fetch(client, image, spec)[0].status_code == 200
    assert len(bucket.keys()) == 3
    article.delete()
    with django_capture_on_commit_callbacks(execute=True):
        image.delete()
    assert bucket.keys() == []
    assert not Rendition.objects.exists()


def test_author_portrait_is_read_from_and_cached_in_the_bucket(bucket, client):
    from tests.factories import make_author

    author = make_author(slug="ann", name="Ann")
    author.portrait = make_upload("ann.jpg", width=600, height=900)
    author.save()
    make_article(authors=[author])
    served = client.get(renditions.portrait_url(author))
    assert served.status_code == 200
    with PILImage.open(BytesIO(b"".join(served.streaming_content))) as portrait:
        assert portrait.size == (320, 320)
    assert bucket.keys("renditions/portraits/") == [renditions.portrait_name(author)]


SETTINGS_PROBE = """
import json, django
django.setup()
from django.conf import settings
from django.core.files.storage import storages
print(json.dumps({"options": settings.STORAGES["default"].get("OPTIONS", {}),
                  "class": type(storages["default"]).__name__}))
"""


def storage_settings(**environ):
    base = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    result = subprocess.run(
        [sys.executable, "-c", SETTINGS_PROBE],
        env={**base, "DJANGO_SETTINGS_MODULE": "newsroom.settings", **environ},
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout)


def test_settings_put_photos_in_the_bucket_only_when_one_is_named():
    assert storage_settings()["class"] == "FileSystemStorage"
    chosen = storage_settings(
        AWS_STORAGE_BUCKET_NAME="photos",
        AWS_S3_ENDPOINT_URL="https://s3.example.net",
        AWS_ACCESS_KEY_ID="id",
        AWS_SECRET_ACCESS_KEY="secret",
        AWS_S3_REGION_NAME="eu-central-1",
    )
    assert chosen["class"] == "PhotoStorage"  # django-storages' S3Storage, one GET per read
    options = chosen["options"]
    assert options["bucket_name"] == "photos" and options["region_name"] == "eu-central-1"
    assert options["endpoint_url"] == "https://s3.example.net"
    assert options["default_acl"] is None and options["querystring_auth"] is True
    assert options["file_overwrite"] is False


def test_reading_a_missing_object_says_the_file_does_not_exist(bucket):
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    name = default_storage.save("originals/kept.jpg", ContentFile(b"\xff\xd8 bytes"))
    with default_storage.open(name) as stored:
        assert stored.read() == b"\xff\xd8 bytes" and stored.size == 8
    with pytest.raises(FileNotFoundError):
        default_storage.open("originals/never-uploaded.jpg")
