"""Nothing that is not live reaches an anonymous reader, through any page, feed, sitemap or photo."""

import re
from datetime import timedelta
from html import unescape
from urllib.parse import urljoin, urlsplit

import pytest
from django.utils import timezone

from articles.images import renditions
from articles.models import Article, OldSlug
from tests.factories import make_article, make_author, make_image, make_photographer, make_section

pytestmark = pytest.mark.django_db

LINK = re.compile(r"""(?:href|src)="([^"]+)"|srcset="([^"]+)"|<(?:link|loc|guid)>([^<]+)<""")
URL_ATTR = re.compile(r"""url="([^"]+)\"""")

NOT_LIVE = {
    "draft": {"status": Article.Status.DRAFT},
    "in-review": {"status": Article.Status.IN_REVIEW},
    "changes-requested": {"status": Article.Status.CHANGES_REQUESTED},
    "unpublished": {"status": Article.Status.UNPUBLISHED},
    "scheduled": {"published_at_offset": timedelta(days=1)},
}


@pytest.fixture
def newsroom(db):
    """Live articles sharing section, tags, author and photographer with hidden ones."""
    section = make_section(name="World", slug="world")
    author = make_author(name="Shared Author", slug="shared-author")
    photographer = make_photographer(name="Shared Lens", slug="shared-lens")
    for n in range(3):
        public_photo = make_image(photographer=photographer, caption=f"Public caption {n}")
        make_article(
            headline=f"Live story {n}",
            section=section,
            authors=[author],
            tags=["Shared tag"],
            hero_image=public_photo,
            body=f"Live text {n}.\n\n[[image {public_photo.key}]]\n\nMore.",
        )
    hidden = {}
    for name, options in NOT_LIVE.items():
        options = dict(options)
        offset = options.pop("published_at_offset", -timedelta(hours=2))
        photo = make_image(photographer=photographer, caption=f"Secretcaption {name}")
        body_photo = make_image(photographer=photographer, caption=f"Secretbody {name}")
        article = make_article(
            headline=f"Secretheadline {name}",
            slug=f"secretslug-{name}",
            standfirst=f"Secretstandfirst {name}",
            section=section,
            authors=[author, make_author(name=f"Secretauthor {name}")],
            tags=["Shared tag", f"Secrettag {name}"],
            hero_image=photo,
            body=f"Secretbody text.\n\n[[image {body_photo.key}]]\n\nEnd.",
            published_at=timezone.now() + offset,
            **options,
        )
        OldSlug.objects.create(article=article, slug=f"secretoldslug-{name}")
        hidden[name] = (article, [photo, body_photo])
    return hidden


def links_in(body):
    for match in LINK.finditer(body):
        if match.group(2):
            for candidate in match.group(2).split(","):
                yield candidate.strip().split(" ")[0]
        else:
            yield match.group(1) or match.group(3)
    yield from URL_ATTR.findall(body)


def crawl(client, start_urls, limit=400):
    """Every internal URL reachable from the start URLs, with what it returned."""
    seen, queue, pages = set(), list(start_urls), {}
    while queue and len(seen) < limit:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        pages[url] = (response.status_code, body)
        if not response.get("Content-Type", "").startswith(("text/", "application/")):
            continue
        for link in links_in(body.decode("utf-8", "replace")):
            target = urlsplit(urljoin(f"http://testserver{url}", unescape(link)))
            if target.netloc != "testserver" or target.path.startswith(("/admin", "/static")):
                continue
            queue.append(target.path + (f"?{target.query}" if target.query else ""))
    return pages


def test_crawler_from_home_finds_no_unpublished_headline_slug_or_photo(client, newsroom):
    start = ["/", "/sitemap.xml", "/news-sitemap.xml", "/robots.txt", "/search/?q=text"]
    start += ["/search/?q=end", "/articles/?author=shared-author"]
    pages = crawl(client, start)
    assert len(pages) > 30
    live = [url for url in pages if "live-story" in url or "headline-number" in url]
    assert live, "the crawler should reach the live articles"
    assert any(url.startswith("/photos/") for url in pages), "and their photos"
    for url, (status, body) in pages.items():
        text = body.decode("utf-8", "replace").lower()
        for marker in ["secretheadline", "secretslug", "secretstandfirst", "secretcaption"]:
            assert marker not in text, f"{marker} leaked on {url}"
        for marker in ["secretauthor", "secrettag", "secretbody", "secretoldslug"]:
            assert marker not in text, f"{marker} leaked on {url}"
        assert status in {200, 301, 302}, f"{url} answered {status}"
    for _, photos in newsroom.values():
        for photo in photos:
            assert not any(f"/photos/{photo.key}/" in url for url in pages)


@pytest.mark.parametrize("state", NOT_LIVE)
def test_reader_cannot_reach_a_hidden_article_by_any_address(client, newsroom, state):
    article, photos = newsroom[state]
    dated = article.get_absolute_url()
    addresses = [
        dated,
        dated.replace(article.slug, f"secretoldslug-{state}"),
        f"/tag/secrettag-{state}/",
        f"/tag/secrettag-{state}/",
        f"/feeds/tag/secrettag-{state}/rss/",
    ]
    for address in addresses:
        assert client.get(address).status_code == 404, address
    for photo in photos:
        for spec in ["width-800.webp", "width-480.jpg", "fill-480x270.jpg"]:
            assert client.get(renditions.rendition_url(photo, spec)).status_code == 404


@pytest.mark.parametrize("state", NOT_LIVE)
def test_hidden_article_is_absent_from_feeds_sitemaps_search_and_lists(client, newsroom, state):
    headline = f"Secretheadline {state}"
    surfaces = [
        "/",
        "/feeds/rss/",
        "/feeds/atom/",
        "/feeds/section/world/rss/",
        "/feeds/tag/shared-tag/atom/",
        "/feeds/author/shared-author/rss/",
        "/sitemap.xml",
        "/news-sitemap.xml",
        "/search/?q=Secretheadline",
        "/section/world/",
        "/tag/shared-tag/",
        "/author/shared-author/",
        "/photographer/shared-lens/",
        f"/archive/{timezone.localdate().year}/",
        "/articles/?tag=shared-tag",
    ]
    for url in surfaces:
        response = client.get(url)
        assert response.status_code == 200, url
        assert headline not in response.content.decode(), url
        assert f"secretslug-{state}" not in response.content.decode(), url


def test_scheduled_article_appears_once_its_time_has_come(client, settings):
    settings.PAGE_CACHE = False  # rows are moved with .update(), which no cache hears of
    article = make_article(headline="Scheduled story", published_at=timezone.now())
    Article.objects.filter(pk=article.pk).update(published_at=timezone.now() + timedelta(seconds=2))
    assert "Scheduled story" not in client.get("/").content.decode()
    Article.objects.filter(pk=article.pk).update(published_at=timezone.now() - timedelta(seconds=1))
    assert "Scheduled story" in client.get("/").content.decode()
