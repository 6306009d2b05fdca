"""Reader pages cost a constant number of SQL queries, whatever the size of what they show."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.factories import make_article, make_author, make_image, make_photographer, make_section

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def page_cache_off(settings):
    """Count the queries of rendering, not of a cache hit."""
    settings.PAGE_CACHE = False


def query_count(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


def rich_article(n, *, section, photographer, **overrides):
    """An article with n authors, n tags and n body photos (plus a hero)."""
    images = [make_image(photographer=photographer) for _ in range(n)]
    body = "Intro.\n\n" + "\n\n".join(f"[[image {image.key}]]\n\nText." for image in images)
    return make_article(
        authors=[make_author() for _ in range(n)],
        tags=[f"tag-{n}-{i}" for i in range(n)],
        section=section,
        hero_image=make_image(photographer=photographer),
        body=body,
        **overrides,
    )


def test_article_page_queries_do_not_grow_with_authors_tags_and_photos(client):
    section = make_section()
    photographer = make_photographer()
    small = rich_article(1, section=section, photographer=photographer)
    large = rich_article(20, section=section, photographer=photographer)
    # Warm the photo size cache so both requests do the same work.
    client.get(small.get_absolute_url())
    client.get(large.get_absolute_url())
    assert query_count(client, small.get_absolute_url()) == query_count(
        client, large.get_absolute_url()
    )


def test_related_articles_do_not_add_queries_per_article(client):
    section = make_section()
    photographer = make_photographer()
    article = rich_article(2, section=section, photographer=photographer)
    rich_article(1, section=section, photographer=photographer)
    before = query_count(client, article.get_absolute_url())
    for _ in range(3):
        rich_article(3, section=section, photographer=photographer)
    assert query_count(client, article.get_absolute_url()) == before


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/section/{section}/",
        "/tag/shared/",
        "/author/{author}/",
        "/photographer/{photographer}/",
        "/articles/",
        "/articles/?section={section}&tag=shared",
        "/search/?q=headline",
        "/archive/{year}/",
    ],
)
def test_list_page_queries_are_the_same_for_few_and_many_articles(client, url):
    section = make_section()
    author = make_author()
    photographer = make_photographer()

    def add(count):
        for _ in range(count):
            make_article(
                section=section,
                authors=[author, make_author()],
                tags=["shared", "other"],
                hero_image=make_image(photographer=photographer),
                published_at=timezone.now() - timedelta(minutes=5),
            )

    url = url.format(
        section=section.slug,
        author=author.slug,
        photographer=photographer.slug,
        year=timezone.localdate().year,
    )
    add(10)
    client.get(url)
    few = query_count(client, url)
    add(30)
    client.get(url)
    assert query_count(client, url) == few
