"""A name that appears only on unpublished work stays unknown to readers, and a withdrawn
share link withdraws the photos it showed."""

from datetime import timedelta

import pytest
from django.utils import timezone

from articles.images import renditions
from articles.models import Article
from articles.workflow.preview import create_share_link, revoke_share_link, share_path
from tests.factories import make_article, make_author, make_image, make_photographer

pytestmark = pytest.mark.django_db

UNPUBLISHED = {
    "draft": {"status": Article.Status.DRAFT, "published_at": None},
    "in review": {"status": Article.Status.IN_REVIEW, "published_at": None},
    "scheduled": {"published_at": timezone.now() + timedelta(days=2)},
    "unpublished": {"status": Article.Status.UNPUBLISHED},
}


def person_urls(author, photographer):
    return [
        f"/author/{author.slug}/",
        f"/feeds/author/{author.slug}/rss/",
        f"/feeds/author/{author.slug}/atom/",
        f"/photographer/{photographer.slug}/",
    ]


@pytest.mark.parametrize("state", UNPUBLISHED)
def test_person_pages_and_feeds_are_not_found_when_their_only_work_is_unpublished(client, state):
    author = make_author(name="Secret Source", slug="secret-source")
    photographer = make_photographer(name="Hidden Lens", slug="hidden-lens")
    hero = make_image(photographer=photographer)
    make_article(authors=[author], hero_image=hero, **UNPUBLISHED[state])
    for url in person_urls(author, photographer):
        response = client.get(url)
        assert response.status_code == 404, url
        assert b"Secret Source" not in response.content
        assert b"Hidden Lens" not in response.content


def test_person_pages_appear_once_their_work_is_published(client):
    author = make_author(name="Open Source", slug="open-source")
    photographer = make_photographer(name="Body Lens", slug="body-lens")
    photo = make_image(photographer=photographer)
    story = make_article(
        authors=[author], body=f"Intro.\n\n[[image {photo.key}]]", status=Article.Status.DRAFT
    )
    assert client.get(f"/author/{author.slug}/").status_code == 404
    assert client.get(f"/photographer/{photographer.slug}/").status_code == 404
    Article.objects.filter(pk=story.pk).update(status=Article.Status.PUBLISHED)
    from articles.cache.invalidation import invalidate_all_pages

    invalidate_all_pages()
    for url in person_urls(author, photographer):
        response = client.get(url)
        assert response.status_code == 200, url
    assert b"Open Source" in client.get(f"/author/{author.slug}/").content
    assert b"Body Lens" in client.get(f"/photographer/{photographer.slug}/").content


def test_revoking_a_share_link_ends_its_photo_access_at_once(client, editor):
    photo = make_image()
    draft = make_article(
        status=Article.Status.DRAFT, body=f"Intro.\n\n[[image {photo.key}]]", published_at=None
    )
    photo_url = renditions.rendition_url(photo, "width-480.jpg")
    link = create_share_link(article=draft, user=editor)
    assert client.get(share_path(link)).status_code == 200
    assert client.get(photo_url).status_code == 200

    revoke_share_link(link=link, user=editor)
    # The same browser, with the same cookie, a moment later.
    assert client.get(photo_url).status_code == 404
    assert client.get(share_path(link)).status_code == 410


def test_an_expired_share_link_ends_its_photo_access(client, editor, clock):
    photo = make_image()
    draft = make_article(
        status=Article.Status.DRAFT, body=f"Intro.\n\n[[image {photo.key}]]", published_at=None
    )
    photo_url = renditions.rendition_url(photo, "width-480.jpg")
    link = create_share_link(article=draft, user=editor, hours=1)
    assert client.get(share_path(link)).status_code == 200
    assert client.get(photo_url).status_code == 200
    clock.advance(minutes=59)
    assert client.get(photo_url).status_code == 200
    clock.advance(minutes=2)
    assert client.get(photo_url).status_code == 404


def test_a_share_link_grants_only_its_own_articles_photos(client, editor):
    shared, other = make_image(), make_image()
    draft = make_article(
        status=Article.Status.DRAFT, body=f"Intro.\n\n[[image {shared.key}]]", published_at=None
    )
    make_article(
        status=Article.Status.DRAFT, body=f"Intro.\n\n[[image {other.key}]]", published_at=None
    )
    link = create_share_link(article=draft, user=editor)
    assert client.get(share_path(link)).status_code == 200
    assert client.get(renditions.rendition_url(shared, "width-480.jpg")).status_code == 200
    assert client.get(renditions.rendition_url(other, "width-480.jpg")).status_code == 404
