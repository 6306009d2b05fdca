"""Anonymous readers get stored pages without a render; every change they should see shows at once."""

import time
from datetime import timedelta

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from articles.services import set_byline, sync_body_images
from tests.factories import make_article, make_author, make_image, make_photographer
from tests.page_cache_support import hit_queries, page, served_from_cache

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    """On by default; said again here so a test environment that turns it off cannot skip us."""
    settings.PAGE_CACHE = True


@pytest.fixture
def story():
    photographer = make_photographer(name="Vasil Lens")
    image = make_image(photographer=photographer, caption="Flooded square")
    author = make_author(name="Anna Writer")
    article = make_article(
        headline="River floods the old town",
        authors=[author],
        body=f"The river rose overnight.\n\n[[image {image.key}]]\n\nMore later.",
    )
    return article


@pytest.fixture
def bystander():
    """An unrelated article: another author, section and photo."""
    return make_article(headline="Chess club wins the cup", authors=[make_author(name="Bo")])


def test_second_anonymous_request_is_served_from_the_cache(
    client, any_cache, story, django_assert_num_queries
):
    url = story.get_absolute_url()
    first = page(client, url)
    assert first["X-Page-Cache"] == "miss"
    second = served_from_cache(client, url, django_assert_num_queries)
    assert second.content == first.content
    assert second["ETag"] == first["ETag"]
    assert second["Last-Modified"] == first["Last-Modified"]
    assert "public" in second["Cache-Control"] and "must-revalidate" in second["Cache-Control"]
    assert "Cookie" in second["Vary"]
    assert second["X-Frame-Options"] == "DENY"
    assert "default-src 'self'" in second["Content-Security-Policy"]


def test_conditional_get_of_unchanged_page_answers_304_from_the_cache(
    client, story, django_assert_num_queries
):
    url = reverse("articles:home")
    etag = page(client, url)["ETag"]
    with django_assert_num_queries(hit_queries()):
        response = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 304
    assert response.content == b""
    story.headline = "River floods the old town again"
    story.save()
    changed = page(client, url, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200
    assert changed["ETag"] != etag


def test_conditional_get_by_date_answers_304(client, story):
    url = reverse("articles:home")
    modified = page(client, url)["Last-Modified"]
    assert client.get(url, HTTP_IF_MODIFIED_SINCE=modified).status_code == 304


def test_publishing_shows_the_article_to_the_next_reader(client, any_cache, story):
    home = reverse("articles:home")
    draft = make_article(headline="Budget deal reached", status=Article.Status.DRAFT)
    assert b"Budget deal reached" not in page(client, home).content
    draft.status = Article.Status.PUBLISHED
    draft.save()
    assert b"Budget deal reached" in page(client, home).content
    assert page(client, draft.get_absolute_url()).status_code == 200


def test_editing_a_live_article_shows_at_once_and_leaves_other_pages_cached(
    client, any_cache, story, bystander, django_assert_num_queries
):
    for url in (story.get_absolute_url(), bystander.get_absolute_url()):
        page(client, url)
    story.headline = "River floods the whole town"
    story.save()
    assert b"River floods the whole town" in page(client, story.get_absolute_url()).content
    served_from_cache(client, bystander.get_absolute_url(), django_assert_num_queries)


def test_editing_a_live_article_updates_lists_that_show_it(client, story):
    home = reverse("articles:home")
    section = story.section.get_absolute_url()
    page(client, home), page(client, section)
    story.standfirst = "Hundreds evacuated overnight."
    story.save()
    assert b"Hundreds evacuated overnight." in page(client, home).content
    assert b"Hundreds evacuated overnight." in page(client, section).content


def test_renaming_an_author_shows_on_their_articles_only(
    client, any_cache, story, bystander, django_assert_num_queries
):
    page(client, story.get_absolute_url()), page(client, bystander.get_absolute_url())
    author = story.byline_authors[0]
    author.name = "Anna Writer-Smith"
    author.save()
    assert b"Anna Writer-Smith" in page(client, story.get_absolute_url()).content
    served_from_cache(client, bystander.get_absolute_url(), django_assert_num_queries)


def test_changing_a_byline_shows_on_the_article_and_the_author_page(client, story):
    newcomer = make_author(name="Carl Newcomer")
    author_url = newcomer.get_absolute_url()
    page(client, story.get_absolute_url())
    assert b"River floods" not in page(client, author_url).content
    set_byline(article=story, authors=[*story.byline_authors, newcomer])
    assert b"Carl Newcomer" in page(client, story.get_absolute_url()).content
    assert b"River floods" in page(client, author_url).content


def test_changing_a_photo_credit_shows_at_once_and_leaves_other_pages_cached(
    client, any_cache, story, bystander, django_assert_num_queries
):
    agency = make_image(credit_text="AFP", caption="Crowds on the bridge")
    story.body += f'<figure data-image="{agency.key}"></figure>'
    story.save()
    sync_body_images(article=story)
    page(client, story.get_absolute_url()), page(client, bystander.get_absolute_url())
    agency.credit_text = "Reuters"
    agency.save()
    assert b"Photo: Reuters" in page(client, story.get_absolute_url()).content
    served_from_cache(client, bystander.get_absolute_url(), django_assert_num_queries)


def test_renaming_a_photographer_changes_the_credit_and_leaves_other_pages_cached(
    client, story, bystander, django_assert_num_queries
):
    page(client, story.get_absolute_url()), page(client, bystander.get_absolute_url())
    photographer = story.image_uses.get().image.photographer
    photographer.name = "Vasil Lensman"
    photographer.save()
    assert b"Vasil Lensman" in page(client, story.get_absolute_url()).content
    served_from_cache(client, bystander.get_absolute_url(), django_assert_num_queries)


def test_crediting_a_photo_to_another_photographer_lists_it_on_their_page(client, story):
    image = story.image_uses.get().image
    newcomer = make_photographer(name="Olga Shutter")
    assert b"River floods" not in page(client, newcomer.get_absolute_url()).content
    page(client, story.get_absolute_url())
    image.photographer = newcomer
    image.save()
    assert b"Olga Shutter" in page(client, story.get_absolute_url()).content
    assert b"River floods" in page(client, newcomer.get_absolute_url()).content


def test_tagging_an_article_puts_it_on_the_tag_page(client, story):
    make_article(headline="Other tagged story", tags=["floods"])
    tag_url = reverse("articles:tag", kwargs={"slug": "floods"})
    assert b"River floods" not in page(client, tag_url).content
    story.tags.add("floods")
    assert b"River floods" in page(client, tag_url).content


def test_unpublishing_removes_the_article_from_every_cached_page(client, any_cache, story):
    home, url = reverse("articles:home"), story.get_absolute_url()
    page(client, home), page(client, url), page(client, url)
    story.status = Article.Status.UNPUBLISHED
    story.save()
    assert page(client, url).status_code == 404
    assert b"River floods" not in page(client, home).content


def test_deleting_an_article_removes_it(client, story):
    home = reverse("articles:home")
    page(client, home)
    story.delete()
    assert b"River floods" not in page(client, home).content


def test_scheduled_article_appears_when_its_time_comes_with_no_save(client):
    make_article(headline="Already out")
    make_article(headline="Embargoed budget", published_at=timezone.now() + timedelta(seconds=2))
    home = reverse("articles:home")
    first = page(client, home)
    assert b"Embargoed budget" not in first.content
    assert page(client, home)["X-Page-Cache"] == "hit"
    time.sleep(2.1)
    assert b"Embargoed budget" in page(client, home).content


def test_logged_in_editor_always_gets_a_fresh_private_page(
    client, superuser, story, django_assert_num_queries
):
    url = story.get_absolute_url()
    page(client, url)
    client.force_login(superuser)
    story.headline = "Changed while the editor watches"
    Article.objects.filter(pk=story.pk).update(headline=story.headline)  # no signal on purpose
    response = page(client, url)
    assert b"Changed while the editor watches" in response.content
    assert "X-Page-Cache" not in response
    assert "private" in response["Cache-Control"]


def test_editor_pages_are_not_stored_for_readers(client, superuser, story):
    url = story.get_absolute_url()
    client.force_login(superuser)
    page(client, url)
    client.logout()
    client.cookies.clear()
    assert page(client, url)["X-Page-Cache"] == "miss"


def test_admin_pages_are_never_cached(superuser_client):
    url = reverse("admin:articles_article_changelist")
    assert superuser_client.get(url).status_code == 200
    response = superuser_client.get(url)
    assert "X-Page-Cache" not in response


def test_missing_pages_are_not_cached(client):
    url = reverse("articles:section", kwargs={"slug": "nowhere"})
    assert page(client, url).status_code == 404
    assert "X-Page-Cache" not in page(client, url)


def test_head_request_is_answered_from_the_cache(client, story, django_assert_num_queries):
    url = story.get_absolute_url()
    page(client, url)
    with django_assert_num_queries(hit_queries()):
        response = client.head(url)
    assert response.status_code == 200
    assert response["X-Page-Cache"] == "hit"


@pytest.mark.parametrize("cached", [False, True], ids=["uncached", "cached"])
def test_head_answer_carries_the_headers_and_no_body(client, story, cached):
    """Through Django's WSGI handler, as a server gets it (the test client drops HEAD bodies)."""
    url = story.get_absolute_url()
    length = len(page(client, url).content)
    cookie = "" if cached else "messages=x"  # a session-like cookie: a fresh page
    response = WSGIHandler().get_response(RequestFactory().head(url, HTTP_COOKIE=cookie))
    assert response.status_code == 200
    assert response.get("X-Page-Cache") == ("hit" if cached else None)
    assert response.content == b""
    assert response["Content-Length"] == str(length)


def test_page_cache_can_be_switched_off(client, settings, story, django_assert_num_queries):
    settings.PAGE_CACHE = False
    url = story.get_absolute_url()
    page(client, url)
    response = page(client, url)
    assert "X-Page-Cache" not in response


def test_dummy_cache_turns_the_page_cache_off(client, settings, story):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    url = story.get_absolute_url()
    page(client, url)
    assert "X-Page-Cache" not in page(client, url)
