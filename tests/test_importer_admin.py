"""The admin's "Import articles" page: who may use it, what it imports, what it refuses."""

from pathlib import Path

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from articles.models import Article, Image
from tests.factories import jpeg_bytes

pytestmark = pytest.mark.django_db

SAMPLE = Path(__file__).parent / "data" / "in-liaison-with-the-celestial-empire.txt"
URL = "/admin/articles/article/import/"


def text_upload(name="story.txt", content=None):
    data = SAMPLE.read_bytes() if content is None else content
    return SimpleUploadedFile(name, data, content_type="text/plain")


@pytest.fixture
def staff(django_user_model):
    return django_user_model.objects.create_user("desk", password="pw", is_staff=True)


def grant(user, *codenames):
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    return type(user).objects.get(pk=user.pk)  # fresh permission cache


def test_editor_who_can_add_articles_imports_a_file_and_gets_a_link_to_the_draft(client, staff):
    client.force_login(grant(staff, "add_article", "change_article", "view_article"))
    response = client.post(URL, {"texts": [text_upload()]})
    article = Article.objects.get()
    assert article.status == Article.Status.DRAFT and article.created_by == staff
    assertContains(response, "1 file, 0 failed")
    assertContains(response, reverse("admin:articles_article_change", args=[article.pk]))
    assertContains(response, "In liaison with the Celestial Empire</a> (draft)")
    assertContains(response, "3 (0 with file)")


def test_staff_without_add_permission_gets_403_and_imports_nothing(client, staff):
    client.force_login(grant(staff, "view_article", "change_article"))
    assert client.get(URL).status_code == 403
    assert client.post(URL, {"texts": [text_upload()]}).status_code == 403
    assert not Article.objects.exists()


def test_anonymous_visitor_is_sent_to_the_login_page(client):
    response = client.get(URL)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_changelist_links_to_the_import_page_only_for_users_who_may_add(client, staff):
    client.force_login(grant(staff, "view_article"))
    changelist = reverse("admin:articles_article_changelist")
    assertNotContains(client.get(changelist), URL)
    client.force_login(grant(staff, "add_article"))
    assertContains(client.get(changelist), f'href="{URL}"')


def test_each_file_gets_its_own_result_and_a_bad_one_does_not_stop_the_others(
    superuser_client,
):
    bad = text_upload("broken.txt", b"Posted: 31.02.2024 10:00:00\nHeadline\nBy A B")
    response = superuser_client.post(URL, {"texts": [bad, text_upload()]})
    assertContains(response, "2 files, 1 failed")
    assertContains(response, "broken.txt, line 1: 31.02.2024 10:00:00 is not a real date")
    assert Article.objects.count() == 1


def test_photos_named_after_the_file_are_attached_in_order(superuser_client):
    photo = SimpleUploadedFile("story-2.jpg", jpeg_bytes(), content_type="image/jpeg")
    superuser_client.post(URL, {"texts": [text_upload()], "photos": [photo]})
    uses = Article.objects.get().image_uses.order_by("position")
    assert [bool(use.image.file) for use in uses] == [False, True, False]


def test_with_one_text_file_photos_are_used_in_the_order_given(superuser_client):
    photos = [
        SimpleUploadedFile(name, jpeg_bytes(), content_type="image/jpeg")
        for name in ("dawn.jpg", "river.jpg")
    ]
    superuser_client.post(URL, {"texts": [text_upload()], "photos": photos})
    uses = Article.objects.get().image_uses.order_by("position")
    assert [bool(use.image.file) for use in uses] == [True, True, False]
    assert Image.objects.placeholders().count() == 1


@pytest.mark.parametrize(
    "upload, message",
    [
        (text_upload("big.txt", b"x" * (2 * 1024 * 1024 + 1)), "raw articles are at most 2.0 MB"),
        (text_upload("story.pdf"), "story.pdf is not a .txt file"),
    ],
)
def test_oversized_or_wrong_files_are_refused_with_a_clear_error(superuser_client, upload, message):
    response = superuser_client.post(URL, {"texts": [upload]})
    assertContains(response, message)
    assert not Article.objects.exists()


def test_oversized_photo_is_refused(superuser_client, settings):
    settings.NEWSROOM_MAX_UPLOAD_BYTES = 100
    photo = SimpleUploadedFile("story-1.jpg", jpeg_bytes(), content_type="image/jpeg")
    response = superuser_client.post(URL, {"texts": [text_upload()], "photos": [photo]})
    assertContains(response, "photos are at most")
    assert not Article.objects.exists()


def test_page_without_files_asks_for_them(superuser_client):
    assertContains(superuser_client.get(URL), "Raw article files")
    assertContains(superuser_client.post(URL, {}), "This field is required")
