"""The page cache never stores what must stay private, whatever a reader view does.

These views stand in for future reader pages (previews, forms, pages that change data) under
the ``articles`` namespace, the only one the cache considers.
"""

import pytest
from django.http import HttpResponse
from django.urls import include, path
from django.views.decorators.cache import never_cache

from articles.models import Article, Author
from tests.factories import make_article

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]


def show(article):
    return HttpResponse(f"<h1>{article.headline}</h1>")


def draft_page(request):
    return show(Article.objects.get(slug="draft"))


def live_page(request):
    return show(Article.objects.published().get(slug="live"))


@never_cache
def preview_page(request):
    return show(Article.objects.get(slug="live"))


def page_setting_a_cookie(request):
    response = show(Article.objects.published().get(slug="live"))
    response.set_cookie("seen", "1")
    return response


def page_writing_while_rendering(request):
    """A write lands while this page renders: the page may show the old state, so not kept."""
    article = Article.objects.published().get(slug="live")
    author = Author.objects.first()
    author.name = author.name + "!"
    author.save()
    return show(article)


reader_patterns = [
    path("draft/", draft_page, name="draft"),
    path("live/", live_page, name="live"),
    path("preview/", preview_page, name="preview"),
    path("live-preview/", live_page, name="article_preview"),
    path("cookie/", page_setting_a_cookie, name="cookie"),
    path("writing/", page_writing_while_rendering, name="writing"),
]
urlpatterns = [
    path("other/", live_page, name="outside"),
    path("", include((reader_patterns, "articles"))),
]


@pytest.fixture(autouse=True)
def articles(settings):
    settings.PAGE_CACHE = True
    make_article(headline="A live story", slug="live")
    make_article(headline="A secret draft", slug="draft", status=Article.Status.DRAFT)


def stored(client, url):
    client.get(url)
    return client.get(url).get("X-Page-Cache") == "hit"


def test_an_ordinary_live_page_is_stored(client):
    assert stored(client, "/live/")


def test_a_page_that_loaded_an_unpublished_article_is_never_stored(client):
    assert b"A secret draft" in client.get("/draft/").content
    assert not stored(client, "/draft/")


def test_a_never_cache_page_is_never_stored(client):
    assert not stored(client, "/preview/")


def test_preview_urls_are_never_stored_even_without_headers(client):
    assert not stored(client, "/live-preview/")


def test_a_page_setting_a_cookie_is_never_stored(client):
    assert not stored(client, "/cookie/")


def test_pages_outside_the_reader_namespace_are_never_stored(client):
    assert not stored(client, "/other/")


def test_a_page_rendered_while_a_write_landed_is_not_stored(client):
    assert not stored(client, "/writing/")
