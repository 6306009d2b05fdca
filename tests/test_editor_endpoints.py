"""What the body editor asks the server: library search, uploads and the live preview.
Each answers only staff with the right permission, and bad input gets a reason, not a 500."""

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from articles.models import Article, Image
from tests.factories import make_article, make_image, make_photographer, make_upload
from tests.workflow_support import own_article

pytestmark = pytest.mark.django_db
PHOTOS = "admin:articles_article_editor_photos"
UPLOAD = "admin:articles_article_editor_upload"


def preview_url(article):
    return reverse("admin:articles_article_editor_preview", args=[article.pk])


def make_photo_desk_member():
    from django.contrib.auth.models import Group, User

    user = User.objects.create_user("desk-only", is_staff=True)
    user.groups.add(Group.objects.get(name="Photo desk"))
    return user


def test_writer_finds_photos_by_caption_credit_and_tag(client, writer):
    bogush = make_photographer(name="Pavel Bogush")
    bridge = make_image(caption="The new bridge at dusk", photographer=bogush)
    bridge.tags.add("Svislach")
    agency = make_image(caption="Harvest", credit_text="BelTA")
    client.force_login(writer)

    def found(query):
        response = client.get(reverse(PHOTOS), {"q": query})
        return [photo["key"] for photo in response.json()["photos"]]

    assert found("bridge") == [bridge.key]
    assert found("bogush") == [bridge.key]
    assert found("svislach") == [bridge.key]
    assert found("belta") == [agency.key]
    assert found("nothing-like-this") == []
    assert set(found("")) == {bridge.key, agency.key}
    described = client.get(reverse(PHOTOS), {"keys": bridge.key}).json()["photos"]
    assert described == [
        {
            "key": bridge.key,
            "caption": "The new bridge at dusk",
            "alt": bridge.alt_text,
            "credit": "Pavel Bogush",
            "thumbnail": reverse("admin:articles_image_thumbnail", args=[bridge.pk]),
            "needs_photo": False,
            "change_url": reverse("admin:articles_image_change", args=[bridge.pk]),
        }
    ]


def test_the_library_is_closed_to_strangers_and_staff_without_permission(client, django_user_model):
    assert client.get(reverse(PHOTOS)).status_code == 302  # to the admin login
    nobody = django_user_model.objects.create_user("nobody", is_staff=True)
    client.force_login(nobody)
    assert client.get(reverse(PHOTOS)).status_code == 403
    assert client.post(reverse(UPLOAD), {"file": make_upload()}).status_code == 403


def test_writer_uploads_a_photo_and_gets_it_back_described(client, writer):
    client.force_login(writer)
    response = client.post(reverse(UPLOAD), {"file": make_upload("bridge.jpg")})
    assert response.status_code == 201
    photo = Image.objects.get()
    assert response.json()["photo"]["key"] == photo.key
    assert photo.uploaded_by == writer
    assert photo.file and not photo.is_placeholder


def test_an_upload_that_is_not_a_photo_is_refused_with_the_reason(client, writer):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(writer)
    bad = SimpleUploadedFile("notes.jpg", b"plain text", content_type="image/jpeg")
    response = client.post(reverse(UPLOAD), {"file": bad})
    assert response.status_code == 400
    assert response.json()["errors"]
    assert client.post(reverse(UPLOAD), {}).json() == {"errors": ["Choose a photo file to upload."]}
    assert client.get(reverse(UPLOAD)).status_code == 405
    assert not Image.objects.exists()


def test_live_preview_renders_the_unsaved_text_and_saves_nothing(client, writer):
    article = own_article(writer, status=Article.Status.DRAFT, body="<p>Saved text.</p>")
    photo = make_image(caption="Placed but unsaved")
    client.force_login(writer)
    response = client.post(
        preview_url(article),
        {
            "headline": "Unsaved headline",
            "standfirst": "Unsaved lead.",
            "body": f'<p>Unsaved <script>x</script>text.</p><figure data-image="{photo.key}"></figure>',
        },
    )
    assertContains(response, "Preview — not published")
    assertContains(response, '<h1 class="story__headline">Unsaved headline</h1>')
    assertContains(response, "<p>Unsaved text.</p>")
    assertContains(response, "Placed but unsaved")
    assertNotContains(response, "<script>x")
    assert response["Cache-Control"].startswith("max-age=0")
    article.refresh_from_db()
    assert (article.headline, article.body) != ("Unsaved headline", "<p>Unsaved text.</p>")
    assert article.body == "<p>Saved text.</p>"


def test_add_page_previews_the_text_before_the_first_save_and_saves_nothing(client, writer):
    photo = make_image(caption="Placed on a new story")
    client.force_login(writer)
    add_page = client.get(reverse("admin:articles_article_add"))
    new_preview = reverse("admin:articles_article_editor_new_preview")
    assertContains(add_page, f'data-url="{new_preview}"')
    response = client.post(
        new_preview,
        {
            "headline": "A story not yet saved",
            "standfirst": "Its lead.",
            "body": f'<p>First words.</p><figure data-image="{photo.key}"></figure>',
        },
    )
    assertContains(response, "Preview — not published")
    assertContains(response, '<h1 class="story__headline">A story not yet saved</h1>')
    assertContains(response, "<p>First words.</p>")
    assertContains(response, "Placed on a new story")
    assertContains(response, writer.author_profile.name)  # the writer's own byline
    assert not Article.objects.exists()
    client.force_login(make_photo_desk_member())
    assert client.post(new_preview, {"body": "<p>x</p>"}).status_code == 403


def test_live_preview_is_refused_to_other_writers_and_to_get(client, writer, other_writer):
    article = own_article(writer, status=Article.Status.DRAFT)
    client.force_login(other_writer)
    assert client.post(preview_url(article), {"body": "<p>x</p>"}).status_code == 403
    client.force_login(writer)
    assert client.get(preview_url(article)).status_code == 405


def test_existing_previews_carry_the_not_published_banner(client, editor):
    article = make_article(status=Article.Status.DRAFT, published_at=None)
    client.force_login(editor)
    response = client.get(reverse("admin:articles_article_preview", args=[article.pk]))
    assertContains(response, "Preview — not published")
    assertNotContains(client.get("/"), "Preview — not published")


def test_workflow_sits_at_the_top_of_the_form_with_the_latest_comment(client, writer, editor):
    from articles.workflow import transitions as workflow

    article = own_article(writer, status=Article.Status.IN_REVIEW)
    workflow.apply_transition(
        article, "request_changes", user=editor, comment="Name the bridge's architect."
    )
    client.force_login(writer)
    page = client.get(reverse("admin:articles_article_change", args=[article.pk])).content.decode()
    panel = page.index('class="workflow-panel"')
    assert panel < page.index('name="_transition" value="submit"') < page.index('id="id_body"')
    assert "Status: <span" in page and "Changes requested</span>" in page
    assert "for 0\xa0minutes" in page
    assert "&ldquo;Name the bridge&#x27;s architect.&rdquo;" in page
    assert "edith, 0\xa0minutes ago (Request changes)" in page
