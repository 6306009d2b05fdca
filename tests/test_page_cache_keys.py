"""Nobody can fill the page cache: keys come from what a page's view reads, not what is sent."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from tests.factories import make_article, make_section
from tests.page_cache_support import page, stored_pages

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def articles(settings):
    settings.PAGE_CACHE = True
    settings.ALLOWED_HOSTS = ["news.example", "testserver"]
    section = make_section(name="Politics", slug="politics")
    return [make_article(headline=f"Story {n}", section=section, tags=["budget"]) for n in range(3)]


def test_random_query_strings_do_not_grow_the_cache(client, any_cache):
    home = reverse("articles:home")
    assert page(client, home)["X-Page-Cache"] == "miss"
    for n in range(40):
        response = page(client, f"{home}?utm_source=mail{n}&x={n}&page=1&q=budget{n}")
        assert response["X-Page-Cache"] == "hit"
    assert stored_pages(cache) == 1


def test_host_spellings_share_one_entry(client, any_cache):
    home = reverse("articles:home")
    for host in (
        "news.example",
        "NEWS.example",
        "news.example.",
        "news.example:8000",
        "News.Example.:443",
    ):
        response = client.get(home, HTTP_HOST=host)
        assert response.status_code == 200, host
        assert b'href="http://news.example/"' in response.content  # the canonical link, no port
    assert stored_pages(cache) == 1


def test_a_host_outside_allowed_hosts_is_refused_and_not_stored(client):
    response = client.get(reverse("articles:home"), HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert stored_pages(cache) == 0


def test_the_view_sees_only_the_parameters_it_reads(client):
    url = reverse("articles:search")
    first = page(client, f"{url}?q=budget&fbclid=abc")
    second = page(client, f"{url}?fbclid=other&q=budget")
    assert first["X-Page-Cache"] == "miss" and second["X-Page-Cache"] == "hit"
    assert b"fbclid" not in first.content
    assert page(client, f"{url}?q=parliament")["X-Page-Cache"] == "miss"  # another search
    assert stored_pages(cache) == 2


def test_article_finder_keys_are_its_filter_fields(client):
    url = reverse("articles:list")
    assert b"Story 1" in page(client, f"{url}?section=politics&tag=budget&session=1").content
    assert page(client, f"{url}?tag=budget&section=politics&ref=x")["X-Page-Cache"] == "hit"
    response = page(client, f"{url}?section=politics%3Cscript%3E")
    assert response.status_code == 200 and "X-Page-Cache" not in response  # odd value: uncached
    assert stored_pages(cache) == 1


def test_page_numbers_beyond_the_cap_are_served_but_never_stored(client, settings):
    settings.PAGE_CACHE_MAX_PAGE = 5
    url = reverse("articles:section", kwargs={"slug": "politics"})
    assert page(client, f"{url}?page=1")["X-Page-Cache"] == "miss"
    assert page(client, url)["X-Page-Cache"] == "hit"  # page 1 is the page with no number
    # The section has one page: numbers past it are 404, others read as page 1; none stored.
    for number, status in (("6", 404), ("99999", 404), ("abc", 200), ("0", 200), ("02", 404)):
        response = page(client, f"{url}?page={number}")
        assert response.status_code == status and "X-Page-Cache" not in response, number
    assert stored_pages(cache) == 1
