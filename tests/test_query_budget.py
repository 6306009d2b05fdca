"""Pages cost a constant number of SQL queries (uncached), whatever the size of what they show.

Measured with the page cache off: a cached anonymous page costs none (test_page_cache.py).
Written against URL names only, so the counts hold whatever the views look like.
"""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from articles.models import Article, ArticleAuthor, TaggedArticle
from tests.factories import make_article, make_author, make_image, make_photographer, make_section

pytestmark = pytest.mark.django_db

# A ceiling for any reader page (the issue asks at most 8 for the article and home pages),
# far below one query per article, author, tag or photo.
MAX_READER_QUERIES = 8
# What the two busiest pages cost today, all ORM (articles/reader/article_page.py): a change
# that adds a statement should say so here.
ARTICLE_PAGE_QUERIES = 8  # article, tags, photos, corrections, candidates, cards, bylines, menu
HOME_PAGE_QUERIES = 3  # stories with their section and hero, bylines, menu


@pytest.fixture(autouse=True)
def page_cache_off(settings):
    settings.PAGE_CACHE = False


def url_or_skip(name, **kwargs):
    try:
        return reverse(name, kwargs=kwargs or None)
    except NoReverseMatch:
        pytest.skip(f"{name} is not on this branch yet")


def queries(client, url, *, status=200):
    client.get(url)  # first request: one-off work (photo sizes) does not count
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == status, url
    return len(captured)


class Newsroom:
    """One section, author, photographer and tag shared by everything; n of each per story."""

    def __init__(self):
        self.section = make_section(slug="world")
        self.author = make_author(slug="anna")
        self.photographer = make_photographer(slug="vasil")

    def story(self, n, **overrides):
        images = [make_image(photographer=self.photographer) for _ in range(n)]
        body = "Intro.\n\n" + "\n\n".join(f"[[image {image.key}]]\n\nText." for image in images)
        authors = [self.author] + [make_author() for _ in range(n - 1)]
        return make_article(
            authors=authors,
            tags=["shared"] + [f"extra-{n}-{i}" for i in range(n - 1)],
            section=self.section,
            hero_image=make_image(photographer=self.photographer),
            body=body,
            **overrides,
        )

    def filler(self, count):
        """``count`` published teasers, written in bulk (each with a byline and the tag)."""
        start = timezone.now() - timedelta(days=2)
        base = Article.objects.count()
        articles = Article.objects.bulk_create(
            Article(
                headline=f"Filler {base + i}",
                slug=f"filler-{base + i}",
                standfirst="Filler.",
                status=Article.Status.PUBLISHED,
                published_at=start - timedelta(minutes=i),
                section=self.section,
            )
            for i in range(count)
        )
        tag = Article.objects.filter(tags__slug="shared").values_list("tags__id", flat=True)[0]
        ArticleAuthor.objects.bulk_create(
            ArticleAuthor(article=article, author=self.author) for article in articles
        )
        TaggedArticle.objects.bulk_create(
            TaggedArticle(content_object=article, tag_id=tag) for article in articles
        )


@pytest.fixture
def newsroom():
    return Newsroom()


def reader_urls(newsroom):
    return {
        "home": ("articles:home", {}),
        "section": ("articles:section", {"slug": "world"}),
        "tag": ("articles:tag", {"slug": "shared"}),
        "author": ("articles:author", {"slug": "anna"}),
        "photographer": ("articles:photographer", {"slug": "vasil"}),
        "list": ("articles:list", {}),
        "archive": ("articles:archive", {}),
        "feed": ("articles:feed_rss", {}),
    }


def test_article_page_costs_the_same_with_1_or_20_authors_tags_and_photos(client, newsroom):
    small, large = newsroom.story(1), newsroom.story(20)
    assert len(large.byline_authors) == 20 and large.tags.count() == 20
    small_count = queries(client, small.get_absolute_url())
    assert small_count == queries(client, large.get_absolute_url()) == ARTICLE_PAGE_QUERIES


@pytest.mark.parametrize(
    "page", ["home", "section", "tag", "author", "photographer", "list", "archive", "feed"]
)
def test_list_page_costs_the_same_with_1_or_20_authors_tags_and_photos(client, newsroom, page):
    name, kwargs = reader_urls(newsroom)[page]
    url = url_or_skip(name, **kwargs)
    newsroom.story(1)
    before = queries(client, url)
    for _ in range(3):
        newsroom.story(20)
    assert queries(client, url) == before
    assert before <= MAX_READER_QUERIES


@pytest.mark.parametrize(
    "page", ["home", "section", "tag", "author", "photographer", "list", "archive", "feed"]
)
def test_list_page_costs_the_same_with_10_or_1000_articles(client, newsroom, page):
    name, kwargs = reader_urls(newsroom)[page]
    url = url_or_skip(name, **kwargs)
    newsroom.story(3)
    newsroom.filler(9)
    few = queries(client, url)
    newsroom.filler(990)
    assert Article.objects.published().count() == 1000
    assert queries(client, url) == few


def test_article_page_costs_the_same_with_10_or_10000_articles_around_it(client, newsroom):
    story = newsroom.story(3)
    newsroom.filler(9)
    few = queries(client, story.get_absolute_url())
    newsroom.filler(9990)
    assert Article.objects.published().count() == 10_000
    assert queries(client, story.get_absolute_url()) == few == ARTICLE_PAGE_QUERIES


def test_home_page_costs_the_same_with_10_or_10000_articles(client, newsroom):
    newsroom.story(3)
    newsroom.filler(9)
    few = queries(client, reverse("articles:home"))
    newsroom.filler(9990)
    assert queries(client, reverse("articles:home")) == few == HOME_PAGE_QUERIES


def test_search_costs_the_same_with_10_or_1000_matches(client, newsroom):
    url = url_or_skip("articles:search") + "?q=filler"
    newsroom.story(1)
    newsroom.filler(10)
    few = queries(client, url)
    newsroom.filler(990)
    assert queries(client, url) == few


def test_admin_changelist_costs_the_same_with_10_or_10000_articles(superuser_client, newsroom):
    url = reverse("admin:articles_article_changelist")
    newsroom.story(2)
    newsroom.filler(9)
    few = queries(superuser_client, url)
    newsroom.filler(9990)
    assert Article.objects.count() == 10000
    assert queries(superuser_client, url) == few


@pytest.fixture
def ten_thousand_articles(newsroom):
    """10,000 articles in 10 sections, one in twenty not published, with fresh statistics."""
    sections = [newsroom.section] + [make_section() for _ in range(9)]
    start = timezone.now() - timedelta(days=1)
    Article.objects.bulk_create(
        Article(
            headline=f"Story {i}",
            slug=f"story-{i}",
            status=Article.Status.DRAFT if i % 20 == 0 else Article.Status.PUBLISHED,
            published_at=start - timedelta(minutes=i),
            section=sections[i % 10],
        )
        for i in range(10_000)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE articles_article")
    return sections


def plan(queryset):
    return queryset.explain()


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="query plans are checked on PostgreSQL only"
)
@pytest.mark.parametrize("page", ["home", "section"])
def test_postgresql_reads_home_and_section_lists_through_indexes(ten_thousand_articles, page):
    listing = Article.objects.published().latest()
    if page == "section":
        listing = listing.in_section(ten_thousand_articles[3])
    first_page = plan(listing.for_listing()[:20])
    assert "Seq Scan on articles_article" not in first_page, first_page
    assert "Index" in first_page


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="query plans are checked on PostgreSQL only"
)
def test_postgresql_serves_the_article_page_without_scanning_the_archive(
    client, ten_thousand_articles
):
    # An article in the middle of the archive, with neighbours on both sides in its section.
    article = Article.objects.published().get(slug="story-5001")
    url = article.get_absolute_url()
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    with connection.cursor() as cursor:
        for query in captured.captured_queries:
            cursor.execute("EXPLAIN " + query["sql"])
            explained = "\n".join(row[0] for row in cursor.fetchall())
            assert "Seq Scan on articles_article" not in explained, (query["sql"], explained)
