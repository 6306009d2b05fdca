"""The editors' admin: every page opens, lists stay cheap, body errors name their line."""

import pytest
from django.contrib import admin
from django.urls import reverse
from pytest_django.asserts import assertContains

from articles.models import Article, ArticleImage, SecurityEvent
from tests.factories import make_article, make_author, make_image, make_section

pytestmark = pytest.mark.django_db


def registered_models():
    return [
        model for model in admin.site._registry if model._meta.app_label in {"articles", "taggit"}
    ]


@pytest.fixture
def newsroom(db):
    image = make_image()
    article = make_article(
        tags=["China"], hero_image=image, body=f"Intro.\n\n[[image {image.key}]]"
    )
    return article


@pytest.mark.parametrize("view", ["changelist", "add"])
def test_superuser_opens_every_changelist_and_add_page(superuser_client, newsroom, view):
    for model in registered_models():
        if view == "add" and model is SecurityEvent:
            continue  # the security log is read-only (tests/test_security_log.py)
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}")
        response = superuser_client.get(url)
        assert response.status_code == 200, url


def test_superuser_opens_every_change_page(superuser_client, newsroom):
    for model in registered_models():
        obj = model.objects.first()
        assert obj is not None, model
        url = reverse(
            f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[obj.pk]
        )
        assert superuser_client.get(url).status_code == 200, url


def test_article_changelist_shows_status_section_byline_and_thumbnail(superuser_client, newsroom):
    response = superuser_client.get(reverse("admin:articles_article_changelist"))
    assertContains(response, newsroom.headline)
    assertContains(response, newsroom.section.name)
    assertContains(response, newsroom.byline_authors[0].name)
    assertContains(
        response, reverse("admin:articles_image_thumbnail", args=[newsroom.hero_image_id])
    )


def test_article_changelist_query_count_does_not_grow(
    superuser_client, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count_queries():
        with CaptureQueriesContext(connection) as captured:
            assert (
                superuser_client.get(reverse("admin:articles_article_changelist")).status_code
                == 200
            )
        return len(captured)

    for _ in range(5):
        make_article(
            tags=["A", "B"], hero_image=make_image(), authors=[make_author(), make_author()]
        )
    with_five = count_queries()
    for _ in range(45):
        make_article(
            tags=["A", "B"], hero_image=make_image(), authors=[make_author(), make_author()]
        )
    assert count_queries() == with_five


def test_article_search_finds_body_text(superuser_client, newsroom):
    make_article(headline="Unrelated story", body="Nothing here.")
    url = reverse("admin:articles_article_changelist") + "?q=Intro"
    response = superuser_client.get(url)
    assertContains(response, newsroom.headline)
    assert "Unrelated story" not in response.content.decode()


def test_article_form_refuses_unknown_photo_and_names_its_place(superuser_client):
    section = make_section()
    author = make_author()
    response = superuser_client.post(
        reverse("admin:articles_article_add"),
        {
            "headline": "New story",
            "slug": "new-story",
            "standfirst": "Lead.",
            "body": '<p>Para.</p><figure data-image="zzzzzzzz"></figure>',
            "section": section.pk,
            "tags": "",
            "bylines-TOTAL_FORMS": "1",
            "bylines-INITIAL_FORMS": "0",
            "bylines-0-author": author.pk,
            "bylines-0-position": "0",
            "image_uses-TOTAL_FORMS": "0",
            "image_uses-INITIAL_FORMS": "0",
        },
    )
    assertContains(response, "Photo 1 in the text (zzzzzzzz) is not in the image library")
    assert not Article.objects.filter(slug="new-story").exists()


def test_saving_an_article_in_the_admin_records_its_body_photos(superuser_client):
    section, author = make_section(), make_author()
    first, second = make_image(), make_image()
    response = superuser_client.post(
        reverse("admin:articles_article_add"),
        {
            "headline": "Photo story",
            "slug": "photo-story",
            "standfirst": "Lead.",
            "body": (
                f'<figure data-image="{second.key}"></figure><p>Text.</p>'
                f'<figure data-image="{first.key}"></figure>'
            ),
            "section": section.pk,
            "tags": "Belarus, china",
            "bylines-TOTAL_FORMS": "1",
            "bylines-INITIAL_FORMS": "0",
            "bylines-0-author": author.pk,
            "bylines-0-position": "0",
            "image_uses-TOTAL_FORMS": "0",
            "image_uses-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    article = Article.objects.get(slug="photo-story")
    uses = ArticleImage.objects.filter(article=article).order_by("position")
    assert [use.image for use in uses] == [second, first]
    assert article.created_by.username == "chief"
    assert article.status == Article.Status.DRAFT
