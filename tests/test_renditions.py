"""Photos reach readers only as renditions of published stories, resized, oriented and stripped."""

from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from PIL import Image as PILImage
from pytest_django.asserts import assertContains

from articles.images import renditions
from articles.models import Article, Image, Rendition
from tests.factories import make_article, make_author, make_image, make_photographer

pytestmark = pytest.mark.django_db

ORIENTATION, GPS_IFD, ARTIST = 0x0112, 0x8825, 0x013B


def upload(image, name="photo.jpg", exif=None):
    buffer = BytesIO()
    if exif is None:
        image.save(buffer, "JPEG")
    else:
        image.save(buffer, "JPEG", exif=exif)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def library_photo(pil_image, *, exif=None, **fields):
    image = Image(photographer=make_photographer(), alt_text="Alt", caption="Caption", **fields)
    image.file = upload(pil_image, exif=exif)
    image.save()
    return image


def fetch(client, image, spec):
    response = client.get(renditions.rendition_url(image, spec))
    body = b"".join(response.streaming_content) if response.status_code == 200 else b""
    return response, body


def test_published_photo_is_served_as_webp_and_jpeg_at_the_offered_widths(client):
    image = library_photo(PILImage.new("RGB", (2000, 1000), (200, 30, 30)))
    make_article(hero_image=image)
    response, body = fetch(client, image, "width-800.webp")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/webp"
    with PILImage.open(BytesIO(body)) as served:
        assert served.format == "WEBP"
        assert served.size == (800, 400)
    response, body = fetch(client, image, "width-1600.jpg")
    with PILImage.open(BytesIO(body)) as served:
        assert served.format == "JPEG"
        assert served.size == (1600, 800)


def test_small_photo_is_never_enlarged_and_srcset_stops_at_its_width():
    image = library_photo(PILImage.new("RGB", (1000, 500)))
    data = renditions.picture(image)
    assert "1000w" in data["jpeg_srcset"]
    assert "1200w" not in data["jpeg_srcset"] and "1600w" not in data["webp_srcset"]
    rendition = renditions.get_rendition(image, "width-1200.jpg")
    assert (rendition.width, rendition.height) == (1000, 500)


def test_exif_orientation_is_applied_and_all_metadata_is_stripped(client):
    exif = PILImage.Exif()
    exif[ORIENTATION] = 6  # camera held sideways: rotate 90 degrees
    exif[ARTIST] = "Secret Name"
    exif.get_ifd(GPS_IFD)[2] = (53.0, 54.0, 0.0)
    image = library_photo(PILImage.new("RGB", (1200, 800)), exif=exif)
    make_article(hero_image=image)
    assert renditions.oriented_size(image) == (800, 1200)
    response, body = fetch(client, image, "width-480.jpg")
    with PILImage.open(BytesIO(body)) as served:
        assert served.size == (480, 720)
        assert not served.getexif()
        assert "exif" not in served.info and "icc_profile" not in served.info
    assert b"Secret Name" not in body


def test_card_crop_keeps_the_focal_point_in_view(client):
    source = PILImage.new("RGB", (1600, 400), (0, 0, 255))
    source.paste((255, 0, 0), (0, 0, 400, 400))  # the subject: red, at the far left
    image = library_photo(source, focal_x=0.1, focal_y=0.5)
    make_article(hero_image=image)
    response, body = fetch(client, image, "fill-480x270.jpg")
    with PILImage.open(BytesIO(body)) as served:
        assert served.size == (480, 270)
        red, green, blue = served.convert("RGB").getpixel((100, 135))
        assert red > 200 and blue < 60


def test_rendition_is_made_once_and_reused(client):
    image = make_image()
    make_article(hero_image=image)
    fetch(client, image, "width-480.webp")
    assert Rendition.objects.filter(image=image).count() == 1
    with CaptureQueriesContext(connection) as queries:
        response, _ = fetch(client, image, "width-480.webp")
    assert response.status_code == 200
    assert len(queries) == 2  # the image (public?) and its stored rendition
    assert Rendition.objects.filter(image=image).count() == 1


def test_rendition_of_a_photo_used_only_by_a_draft_is_refused(client):
    image = make_image()
    make_article(hero_image=image, status=Article.Status.DRAFT)
    response, _ = fetch(client, image, "width-800.jpg")
    assert response.status_code == 404
    assert not Rendition.objects.exists()


def test_staff_preview_may_see_a_draft_photo_without_caching(client, superuser):
    image = make_image()
    make_article(hero_image=image, status=Article.Status.DRAFT)
    client.force_login(superuser)
    response, _ = fetch(client, image, "width-800.jpg")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize(
    "spec",
    ["width-700.jpg", "width-800.png", "width-99999.webp", "fill-10x10.jpg", "../x", "orig"],
)
def test_unknown_size_or_format_is_refused_even_with_a_valid_looking_address(client, spec):
    image = make_image()
    make_article(hero_image=image)
    signature = renditions.signature(image.key, spec)
    response = client.get(f"/photos/{image.key}/{signature}/{spec}")
    assert response.status_code == 404
    assert not Rendition.objects.exists()


def test_forged_signature_is_refused(client):
    image = make_image()
    make_article(hero_image=image)
    url = renditions.rendition_url(image, "width-800.jpg")
    forged = url.replace(url.split("/")[3], "A" * 22)
    assert client.get(forged).status_code == 404


def test_rendition_address_does_not_reveal_the_original_file_name():
    image = make_image()
    url = renditions.rendition_url(image, "width-800.jpg")
    stem = image.file.name.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    assert stem not in url
    assert "originals" not in url


def test_original_files_are_not_served_at_any_media_address(client):
    image = make_image()
    make_article(hero_image=image)
    assert client.get(f"/media/{image.file.name}").status_code == 404
    assert client.get(f"/{image.file.name}").status_code == 404


def test_article_images_have_size_alt_and_lazy_loading_below_the_fold(client):
    hero = make_image(alt_text="The hero photo")
    body_photo = make_image(alt_text="A body photo")
    article = make_article(hero_image=hero, body=f"Intro.\n\n[[image {body_photo.key}]]\n\nMore.")
    response = client.get(article.get_absolute_url())
    html = response.content.decode()
    hero_tag = html.split('alt="The hero photo"')[0].rsplit("<img", 1)[1]
    body_tag = html.split('alt="A body photo"')[1].split(">")[0]
    assert 'width="64" height="48"' in hero_tag
    assert "fetchpriority" in html.split('alt="The hero photo"')[1].split(">")[0]
    assert 'loading="lazy"' in body_tag
    assertContains(response, '<source type="image/webp"', count=2)
    assert "/media/" not in html


def test_author_portrait_is_served_as_a_small_square_at_a_signed_address(client):
    author = make_author(slug="ann", name="Ann")
    author.portrait = upload(PILImage.new("RGB", (600, 900), (10, 120, 10)), name="ann.jpg")
    author.save()
    make_article(authors=[author])
    response = client.get("/author/ann/")
    portrait = renditions.portrait_url(author)
    assertContains(response, f'src="{portrait}"')
    assertContains(response, 'alt="Portrait of Ann"')
    served = client.get(portrait)
    assert served["Content-Type"] == "image/jpeg"
    with PILImage.open(BytesIO(b"".join(served.streaming_content))) as image:
        assert image.size == (320, 320)
    assert client.get("/author/ann/portrait-forged.jpg").status_code == 404
    assert "portraits/" not in portrait and "/media/" not in portrait


def test_preview_grant_lets_a_share_link_reviewer_see_only_that_articles_photos(client, rf, editor):
    from django.http import HttpResponse

    from articles.workflow.preview import create_share_link

    shown, other = make_image(), make_image()
    draft = make_article(hero_image=shown, status=Article.Status.DRAFT)
    make_article(hero_image=other, status=Article.Status.DRAFT)
    link = create_share_link(article=draft, user=editor)
    response = renditions.allow_preview_photos(
        rf.get("/preview/x/"), HttpResponse(), draft, link=link
    )
    cookie = response.cookies[renditions.PREVIEW_COOKIE]
    assert cookie["path"] == "/photos/" and cookie["httponly"]
    client.cookies[renditions.PREVIEW_COOKIE] = cookie.value
    granted, _ = fetch(client, shown, "width-480.jpg")
    assert granted.status_code == 200
    assert "no-store" in granted["Cache-Control"]
    assert fetch(client, other, "width-480.jpg")[0].status_code == 404
    client.cookies[renditions.PREVIEW_COOKIE] = cookie.value[:-2] + "xx"
    assert fetch(client, shown, "width-480.jpg")[0].status_code == 404


def test_pages_size_a_sideways_photo_from_the_database_without_opening_its_file(
    client, monkeypatch
):
    exif = PILImage.Exif()
    exif[ORIENTATION] = 6  # camera held sideways
    image = library_photo(PILImage.new("RGB", (1200, 800)), exif=exif)
    assert image.orientation == 6
    article = make_article(hero_image=image)

    def refuse(*args, **kwargs):
        raise AssertionError("the page decoded the photo's file")

    monkeypatch.setattr(PILImage, "open", refuse)  # no decoding on the page
    response = client.get(article.get_absolute_url())
    assertContains(response, 'width="800" height="1200"')
