"""RSS and Atom feeds, sitemap.xml, the Google News sitemap and robots.txt."""

from datetime import timedelta
from xml.etree import ElementTree

import pytest
from django.core.cache import cache
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from articles.models import Article
from articles.reader import sitemaps
from tests.factories import make_article, make_author, make_image, make_section

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
NEWS = "{http://www.google.com/schemas/sitemap-news/0.9}"


@pytest.fixture
def article(db):
    return make_article(
        headline="Trade talks in Beijing",
        standfirst="Ministers met.",
        section=make_section(name="Economy", slug="economy"),
        authors=[make_author(name="Ann Writer", slug="ann-writer")],
        tags=["Trade", "China"],
        hero_image=make_image(),
    )


def test_rss_feed_has_title_link_author_categories_and_hero_enclosure(client, article):
    response = client.get("/feeds/rss/")
    assert response["Content-Type"].startswith("application/rss+xml")
    item = ElementTree.fromstring(response.content).find("channel/item")
    assert item.findtext("title") == "Trade talks in Beijing"
    assert item.findtext("link") == f"http://testserver{article.get_absolute_url()}"
    assert item.findtext("description") == "Ministers met."
    assert item.findtext("{http://purl.org/dc/elements/1.1/}creator") == "Ann Writer"
    assert {c.text for c in item.findall("category")} == {"Economy", "Trade", "China"}
    enclosure = item.find("enclosure")
    assert enclosure.get("type") == "image/jpeg"
    assert enclosure.get("url").startswith(f"http://testserver/photos/{article.hero_image.key}/")
    assert int(enclosure.get("length")) > 0
    photo = client.get(enclosure.get("url").removeprefix("http://testserver"))
    assert photo.status_code == 200


def test_atom_feed_lists_entries_with_author_and_enclosure_link(client, article):
    response = client.get("/feeds/atom/")
    assert response["Content-Type"].startswith("application/atom+xml")
    entry = ElementTree.fromstring(response.content).find(f"{ATOM}entry")
    assert entry.findtext(f"{ATOM}title") == "Trade talks in Beijing"
    assert entry.findtext(f"{ATOM}author/{ATOM}name") == "Ann Writer"
    assert entry.find(f"{ATOM}link[@rel='enclosure']") is not None
    assert entry.findtext(f"{ATOM}published")


@pytest.mark.parametrize(
    "url",
    [
        "/feeds/section/economy/rss/",
        "/feeds/section/economy/atom/",
        "/feeds/tag/trade/rss/",
        "/feeds/tag/china/atom/",
        "/feeds/author/ann-writer/rss/",
        "/feeds/author/ann-writer/atom/",
    ],
)
def test_section_tag_and_author_feeds_list_only_their_articles(client, article, url):
    make_article(headline="Unrelated story")
    response = client.get(url)
    assertContains(response, "Trade talks in Beijing")
    assertNotContains(response, "Unrelated story")


def test_feed_of_an_unknown_section_is_404(client):
    assert client.get("/feeds/section/nope/rss/").status_code == 404


def locations(response):
    assert response.status_code == 200
    return [loc.text for loc in ElementTree.fromstring(response.content).iter(f"{SITEMAP}loc")]


def sitemap_pages(client):
    """The pages /sitemap.xml (an index) points at, as paths."""
    response = client.get("/sitemap.xml")
    assert ElementTree.fromstring(response.content).tag == f"{SITEMAP}sitemapindex"
    return [url.removeprefix("http://testserver") for url in locations(response)]


def test_sitemap_index_points_at_pages_listing_articles_sections_tags_and_authors(client, article):
    pages = sitemap_pages(client)
    assert "/sitemap-articles.xml" in pages
    listed = {url for page in pages for url in locations(client.get(page))}
    expected = {
        "http://testserver/",
        f"http://testserver{article.get_absolute_url()}",
        "http://testserver/section/economy/",
        "http://testserver/tag/trade/",
        "http://testserver/tag/china/",
        "http://testserver/author/ann-writer/",
    }
    assert expected <= listed


def test_tag_sitemap_pages_list_every_live_tag_once_whether_or_not_the_tags_fit_one_page(
    client, monkeypatch
):
    """The index counts live tags only when the tag table could fill more than a page."""
    make_article(tags=["Trade", "China", "Potash"])
    make_article(tags=["Drafted only"], status=Article.Status.DRAFT)
    expected = {f"http://testserver/tag/{slug}/" for slug in ("china", "potash", "trade")}

    def tag_urls():
        pages = [page for page in sitemap_pages(client) if page.startswith("/sitemap-tags.xml")]
        urls = [url for page in pages for url in locations(client.get(page))]
        return pages, urls

    pages, urls = tag_urls()  # 4 tags in the table, a page of 50,000: one page, not counted
    assert len(pages) == 1 and sorted(urls) == sorted(expected)
    monkeypatch.setattr(sitemaps.TagSitemap, "limit", 2)
    cache.clear()  # the index was stored by the page cache
    pages, urls = tag_urls()  # more tags than a page: 3 live tags counted, two pages
    assert len(pages) == 2 and sorted(urls) == sorted(expected)


def articles_with_ids(*ids, **fields):
    """Articles with chosen primary keys: sitemap pages are ranges of ids."""
    return [make_article(id=pk, headline=f"Story {pk}", **fields) for pk in ids]


def article_pages(client):
    return [page for page in sitemap_pages(client) if page.startswith("/sitemap-articles.xml")]


def test_sitemap_pages_hold_each_published_article_once_by_id_range(client, monkeypatch):
    monkeypatch.setattr(sitemaps.ArticleSitemap, "limit", 3)
    published = articles_with_ids(1, 2, 3, 5, 7)
    drafts = articles_with_ids(4, 6, status=Article.Status.DRAFT)
    scheduled = articles_with_ids(9, published_at=timezone.now() + timedelta(hours=1))
    pages = article_pages(client)
    assert pages == [
        "/sitemap-articles.xml",
        "/sitemap-articles.xml?p=2",
        "/sitemap-articles.xml?p=3",
    ]
    listed = [loc for page in pages for loc in locations(client.get(page))]
    assert sorted(listed) == sorted(f"http://testserver{a.get_absolute_url()}" for a in published)
    assert not any(a.slug in loc for a in drafts + scheduled for loc in listed)
    assert len(locations(client.get("/sitemap-articles.xml"))) == 3  # ids 1-3: never more
    assert client.get("/sitemap-articles.xml?p=4").status_code == 404
    assert client.get("/sitemap-articles.xml?p=two").status_code == 404


def test_sitemap_pages_keep_their_urls_as_the_archive_grows(client, monkeypatch):
    monkeypatch.setattr(sitemaps.ArticleSitemap, "limit", 2)
    articles_with_ids(1, 2, 3)
    before = [locations(client.get(page)) for page in article_pages(client)]
    articles_with_ids(4, 5)
    after = [locations(client.get(page)) for page in article_pages(client)]
    assert after[:2] == [before[0], before[1] + after[1][1:]]  # page 2 filled up, page 1 kept
    assert len(after) == 3


def test_sitemap_index_and_pages_neither_count_nor_skip_articles(client, monkeypatch):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    monkeypatch.setattr(sitemaps.ArticleSitemap, "limit", 2)
    articles_with_ids(1, 2, 3, 4, 5)
    with CaptureQueriesContext(connection) as queries:
        pages = article_pages(client)
        for page in pages:
            locations(client.get(page))
    assert len(pages) == 3
    # Queries reading articles (the sections, tags and authors sitemaps count their own tables).
    of_articles = [
        q["sql"]
        for q in queries
        if q["sql"].split(" FROM ", 1)[-1].startswith('"articles_article"')
    ]
    assert of_articles
    assert not [sql for sql in of_articles if "COUNT(" in sql or "OFFSET" in sql]


def test_news_sitemap_has_only_articles_of_the_last_48_hours(client, article):
    make_article(headline="Last week's story", published_at=timezone.now() - timedelta(days=7))
    make_article(headline="Three days ago", published_at=timezone.now() - timedelta(days=3))
    make_article(headline="Unpublished story", status=Article.Status.UNPUBLISHED)
    make_article(headline="Draft story", status=Article.Status.DRAFT)
    make_article(headline="Scheduled story", published_at=timezone.now() + timedelta(hours=1))
    response = client.get("/news-sitemap.xml")
    assert response["Content-Type"].startswith("application/xml")
    root = ElementTree.fromstring(response.content)
    titles = [title.text for title in root.iter(f"{NEWS}title")]
    assert titles == ["Trade talks in Beijing"]
    assert root.find(f"{SITEMAP}url/{NEWS}news/{NEWS}publication/{NEWS}name").text == "Newsroom"
    assert root.find(f"{SITEMAP}url/{NEWS}news/{NEWS}keywords").text in {
        "Trade, China",
        "China, Trade",
    }


def test_news_sitemap_stops_at_its_limit_newest_first(client, monkeypatch):
    assert sitemaps.NEWS_LIMIT == 1000  # Google News reads no more than 1,000 URLs
    monkeypatch.setattr(sitemaps, "NEWS_LIMIT", 2)
    now = timezone.now()
    for hours in [5, 1, 3]:
        make_article(headline=f"{hours} hours ago", published_at=now - timedelta(hours=hours))
    root = ElementTree.fromstring(client.get("/news-sitemap.xml").content)
    assert [title.text for title in root.iter(f"{NEWS}title")] == ["1 hours ago", "3 hours ago"]


def test_robots_txt_names_both_sitemaps(client):
    response = client.get("/robots.txt")
    assert response["Content-Type"].startswith("text/plain")
    assertContains(response, "Sitemap: http://testserver/sitemap.xml")
    assertContains(response, "Sitemap: http://testserver/news-sitemap.xml")
    assertContains(response, "Disallow: /admin/")


def test_pages_advertise_their_feeds(client, article):
    assertContains(client.get("/"), 'type="application/rss+xml"')
    assertContains(client.get("/section/economy/"), 'href="/feeds/section/economy/atom/"')
