"""Work readers cannot see leaves cached pages cached; writes they can see show at once."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.cache.invalidation import invalidate_all_pages
from articles.models import Article
from articles.services.tags import merge_tags
from articles.workflow import revisions
from articles.workflow.transitions import apply_transition
from tests.factories import make_article, make_image, make_section
from tests.page_cache_support import page

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    settings.PAGE_CACHE = True


@pytest.fixture
def story():
    return make_article(headline="River floods the old town", tags=["floods"])


def cached(client, *urls):
    for url in urls:
        page(client, url)
        assert page(client, url)["X-Page-Cache"] == "hit", url


def still_cached(client, *urls):
    for url in urls:
        assert page(client, url)["X-Page-Cache"] == "hit", url


def reader_urls(story):
    return [
        reverse("articles:home"),
        story.get_absolute_url(),
        story.section.get_absolute_url(),
        reverse("articles:tag", kwargs={"slug": "floods"}),
        reverse("articles:feed_rss"),
    ]


def test_work_on_drafts_leaves_cached_pages_cached(client, any_cache, story, superuser):
    urls = reader_urls(story)
    cached(client, *urls)
    draft = make_article(
        headline="Budget talks stall", status=Article.Status.DRAFT, section=story.section
    )
    draft.tags.add("floods", "budget")
    draft.standfirst = "Talks continue on Monday."
    draft.save()
    make_image(caption="A draft's photo")
    apply_transition(draft, "submit", user=superuser)
    apply_transition(draft, "request_changes", user=superuser, comment="Name the minister")
    revisions.record(draft, user=superuser)
    still_cached(client, *urls)


def test_pending_changes_to_a_live_article_leave_it_cached(client, any_cache, story, superuser):
    urls = reader_urls(story)
    cached(client, *urls)
    content = revisions.snapshot(story) | {"headline": "River floods: a proposal"}
    revisions.save_pending(story, content, user=superuser)
    still_cached(client, *urls)
    assert b"a proposal" not in page(client, story.get_absolute_url()).content


def test_publishing_and_scheduling_show_at_the_next_request(client, any_cache, story, superuser):
    home = reverse("articles:home")
    cached(client, home)
    draft = make_article(headline="Budget deal reached", status=Article.Status.DRAFT)
    apply_transition(draft, "submit", user=superuser)
    apply_transition(draft, "publish", user=superuser)
    assert b"Budget deal reached" in page(client, home).content
    later = make_article(headline="Embargoed report", status=Article.Status.DRAFT)
    apply_transition(later, "submit", user=superuser)
    apply_transition(
        later, "publish", user=superuser, publish_at=timezone.now() + timedelta(hours=2)
    )
    response = page(client, home)
    assert response["X-Page-Cache"] == "miss"  # the schedule renewed it: no stale page kept
    assert b"Embargoed report" not in response.content


def test_section_renamed_shows_in_every_menu(client, any_cache, story):
    other = make_article(headline="Chess club wins")
    cached(client, other.get_absolute_url())
    story.section.name = "Floods and weather"
    story.section.save()
    assert b"Floods and weather" in page(client, other.get_absolute_url()).content


def test_a_new_or_deleted_section_shows_in_every_menu(client, any_cache, story):
    url = story.get_absolute_url()
    cached(client, url)
    weather = make_section(name="Weather desk", slug="weather-desk")
    assert b"Weather desk" in page(client, url).content
    weather.delete()
    assert b"Weather desk" not in page(client, url).content


def test_bulk_writes_show_once_the_service_layer_says_so(client, any_cache, story):
    url = story.get_absolute_url()
    cached(client, url)
    Article.objects.filter(pk=story.pk).update(headline="River floods, bulk-edited")
    assert page(client, url)["X-Page-Cache"] == "hit"  # .update() sends no signal...
    invalidate_all_pages()  # ...so the service layer calls this after it
    assert b"River floods, bulk-edited" in page(client, url).content


def test_merging_tags_shows_on_the_tag_page(client, any_cache, story):
    from taggit.models import Tag

    other = make_article(headline="Storm warning", tags=["flooding"])
    url = reverse("articles:tag", kwargs={"slug": "floods"})
    cached(client, url)
    merge_tags(
        tags=list(Tag.objects.filter(slug__in=["floods", "flooding"])),
        into=Tag.objects.get(slug="floods"),
    )
    assert other.headline.encode() in page(client, url).content
