"""Scheduled unpublish: an editor sets an "Unpublish at" time and readers stop seeing the
article then, everywhere, with no job to run; writers cannot set or clear it."""

import time
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from articles.models import Article
from articles.services import articles as services
from articles.workflow import revisions
from tests.factories import make_article
from tests.workflow_support import article_form_data, change_url, own_article

pytestmark = pytest.mark.django_db

READER_LISTS = ["/", "/feed/rss/", "/sitemap-articles.xml", "/search/?q=Expiring"]


def test_article_disappears_from_every_reader_surface_at_its_unpublish_time(
    client, clock, settings
):
    settings.PAGE_CACHE = False  # the clock is ours; the cache's own clock is not (next test)
    article = make_article(headline="Expiring offer", expires_at=clock.now + timedelta(hours=1))
    url = article.get_absolute_url()
    assert client.get(url).status_code == 200
    assertContains(client.get("/"), "Expiring offer")
    clock.advance(hours=1)
    assert client.get(url).status_code == 404
    for path in READER_LISTS:
        response = client.get(path)
        assertNotContains(response, "Expiring offer", status_code=response.status_code)
    assert not Article.objects.published().filter(pk=article.pk).exists()


def test_cached_page_is_not_served_past_the_unpublish_time(client, settings):
    settings.PAGE_CACHE = True
    article = make_article(
        headline="Gone in a moment", expires_at=timezone.now() + timedelta(seconds=2)
    )
    url = article.get_absolute_url()
    assert client.get(url).status_code == 200
    assert client.get(url)["X-Page-Cache"] == "hit"
    time.sleep(2.1)
    assert client.get(url).status_code == 404


def test_editor_sets_the_unpublish_time_in_the_admin(client, editor):
    article = make_article()
    client.force_login(editor)
    when = timezone.now() + timedelta(days=7)
    response = client.post(change_url(article), article_form_data(article, expires_at=when))
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.has_unpublished_changes  # a live article's change waits to be published
    client.post(reverse("admin:articles_article_transition", args=[article.pk, "publish_changes"]))
    article.refresh_from_db()
    assert abs(article.expires_at - when) < timedelta(seconds=1)
    assertContains(client.get(reverse("admin:articles_article_changelist")), "Published")


def test_unpublish_time_before_the_posted_time_is_refused(client, editor):
    article = make_article(status="draft")
    client.force_login(editor)
    data = article_form_data(article, expires_at=article.published_at - timedelta(days=1))
    response = client.post(change_url(article), data)
    assertContains(response, "The unpublish time must come after the")


def test_writer_cannot_set_or_clear_the_unpublish_time(writer):
    article = own_article(writer, expires_at=timezone.now() + timedelta(days=3))
    kept = article.expires_at
    content = revisions.snapshot(article) | {"expires_at": None, "headline": "New words"}
    services.article_save(article=article, user=writer, content=content)
    article.refresh_from_db()
    assert article.headline == "New words" and article.expires_at == kept


def test_expired_article_is_labelled_expired_for_editors(client, editor, clock):
    make_article(headline="Old offer", expires_at=clock.now - timedelta(minutes=1))
    client.force_login(editor)
    assertContains(client.get(reverse("admin:articles_article_changelist")), "Expired")
