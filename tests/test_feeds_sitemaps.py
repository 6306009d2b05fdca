"""RSS and Atom feeds, sitemap.xml, the Google News sitemap and robots.txt."""

from datetime import timedelta
from xml.etree import ElementTree

import pytest
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

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


def test_sitemap_lists_articles_sections_tags_and_authors(client, article):
    response = client.get("/sitemap.xml")
    root = ElementTree.fromstring(response.content)
    locations = {loc.text for loc in root.iter(f"{SITEMAP}loc")}
    expected = {
        "http://testserver/",
        f"http://testserver{article.get_absolute_url()}",
        "http://testserver/section/economy/",
        "http://testserver/tag/trade/",
        "http://testserver/tag/china/",
        "http://testserver/author/ann-writer/",
    }
    assert expected <= locations


def test_news_sitemap_has_only_articles_of_the_last_48_hours(client, article):
    make_article(headline="Last week's story", published_at=timezone.now() - timedelta(days=7))
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


def test_robots_txt_names_both_sitemaps(client):
    response = client.get("/robots.txt")
    assert response["Content-Type"].startswith("text/plain")
    assertContains(response, "Sitemap: http://testserver/sitemap.xml")
    assertContains(response, "Sitemap: http://testserver/news-sitemap.xml")
    assertContains(response, "Disallow: /admin/")


def test_pages_advertise_their_feeds(client, article):
    assertContains(client.get("/"), 'type="application/rss+xml"')
    assertContains(client.get("/section/economy/"), 'href="/feeds/section/economy/atom/"')
