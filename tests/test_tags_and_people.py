"""Tags ignore case and can be merged; people admin counts their work."""

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains
from taggit.models import Tag

from articles.models import Article
from tests.factories import make_article, make_author, make_image, make_photographer

pytestmark = pytest.mark.django_db


def test_tags_that_differ_only_in_case_are_one_tag():
    first = make_article(tags=["China"])
    second = make_article(tags=["china"])
    assert Tag.objects.count() == 1
    assert Article.objects.filter(tags__name="China").count() == 2
    assert [tag.name for tag in second.tags.all()] == ["China"]
    assert first.tags.get() == second.tags.get()


def test_admin_refuses_a_tag_that_exists_in_another_case(superuser_client):
    Tag.objects.create(name="Belarus", slug="belarus")
    response = superuser_client.post(
        reverse("admin:taggit_tag_add"), {"name": "belarus", "slug": "belarus-2"}
    )
    assertContains(response, "The tag &#x27;Belarus&#x27; already exists")
    assert Tag.objects.count() == 1


def test_editor_merges_tags_and_articles_keep_them_under_the_survivor(superuser_client):
    both = make_article(tags=["SCO", "Shanghai Cooperation"])
    only_old = make_article(tags=["Shanghai Cooperation"])
    survivor = Tag.objects.get(name="SCO")
    selected = list(Tag.objects.values_list("pk", flat=True))
    changelist = reverse("admin:taggit_tag_changelist")
    response = superuser_client.post(
        changelist, {"action": "merge_selected", "_selected_action": selected}
    )
    assertContains(response, "Keep this tag")
    response = superuser_client.post(
        changelist,
        {"action": "merge_selected", "_selected_action": selected, "survivor": survivor.pk},
        follow=True,
    )
    assertContains(response, "Merged 1 tag(s) into &#x27;SCO&#x27;")
    assert list(Tag.objects.values_list("name", flat=True)) == ["SCO"]
    assert [t.name for t in both.tags.all()] == ["SCO"]
    assert [t.name for t in only_old.tags.all()] == ["SCO"]


def test_author_and_photographer_lists_count_their_work(superuser_client):
    author = make_author(name="Igor Savostenko")
    make_article(authors=[author])
    make_article(authors=[author])
    photographer = make_photographer(name="Pavel Bogush")
    make_image(photographer=photographer)
    authors = superuser_client.get(reverse("admin:articles_author_changelist"))
    assertContains(authors, f'?bylines__author__id__exact={author.pk}">2</a>')
    photographers = superuser_client.get(reverse("admin:articles_photographer_changelist"))
    assertContains(photographers, f'?photographer__id__exact={photographer.pk}">1</a>')


def test_tags_are_picked_by_autocomplete_and_new_ones_typed(superuser_client):
    from articles.models import Image
    from tests.factories import make_upload

    china = Tag.objects.create(name="China", slug="china")
    suggestions = superuser_client.get(
        reverse("admin:autocomplete"),
        {"term": "chi", "app_label": "articles", "model_name": "image", "field_name": "tags"},
    )
    assert suggestions.json()["results"] == [{"id": str(china.pk), "text": "China"}]
    response = superuser_client.post(
        reverse("admin:articles_image_add"),
        {"file": make_upload(), "alt_text": "A", "tags": [str(china.pk), "Minsk", "minsk"]},
    )
    assert response.status_code == 302
    image = Image.objects.get()
    assert sorted(tag.name for tag in image.tags.all()) == ["China", "Minsk"]
    page = superuser_client.get(reverse("admin:articles_image_change", args=[image.pk]))
    assertContains(page, f'<option value="{china.pk}" selected>China</option>', html=True)
    assertContains(page, 'data-tags="true"')


def test_writer_finds_tags_by_autocomplete_but_cannot_edit_them(client, writer):
    Tag.objects.create(name="Security", slug="security")
    client.force_login(writer)
    suggestions = client.get(
        reverse("admin:autocomplete"),
        {"term": "sec", "app_label": "articles", "model_name": "article", "field_name": "tags"},
    )
    assert [item["text"] for item in suggestions.json()["results"]] == ["Security"]
    assert client.get(reverse("admin:taggit_tag_add")).status_code == 403


def test_editor_can_merge_tags(client, editor):
    make_article(tags=["SCO", "Shanghai Cooperation"])
    client.force_login(editor)
    selected = list(Tag.objects.values_list("pk", flat=True))
    response = client.post(
        reverse("admin:taggit_tag_changelist"),
        {"action": "merge_selected", "_selected_action": selected},
    )
    assertContains(response, "Keep this tag")
