"""Every reader address answers a malformed or out-of-range part with 404 or 400, never a 500.

The patterns are read from the URLconf, so a new page is fuzzed without being listed here.
"""

import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from articles.workflow.preview import create_share_link, share_path
from tests.factories import make_article, make_image

pytestmark = pytest.mark.django_db

ODD_VALUES = [
    "9999999999",
    "99999999999999999999",
    "-1",
    "0",
    "00",
    "0000",
    "x",
    "..",
    "%2e%2e",
    "%00",
    "%ff%fe",
    "caf%C3%A9",
    "%E2%80%AE",
    "'%20OR%201=1--",
    "a" * 400,
    "1e309",
    "NaN",
]
QUERY_VALUES = ["99999999999999999999", "-1", "0", "%00", "9999-99-99", "a" * 400]
PLAUSIBLE = {"int": "1", "slug": "x", "str": "x", "path": "x"}
QUERY_KEYS = ["page", "p", "q", "section", "tag", "author", "published_after", "published_before"]
PLACEHOLDER = re.compile(
    r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>|\(\?P<(?P<group>\w+)>[^)]*\)"
)


def reader_patterns(resolver=None, prefix=""):
    """(template, [placeholder kinds]) for every pattern outside the admin."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        route = str(pattern.pattern).lstrip("^").rstrip("$")
        if route.startswith("admin/"):
            continue
        if isinstance(pattern, URLResolver):
            yield from reader_patterns(pattern, prefix + route)
        elif isinstance(pattern, URLPattern):
            yield prefix + route


def fill(route, values):
    """The route with its n-th placeholder replaced by values[n] (or a plausible value)."""
    parts = iter(values)

    def one(match):
        value = next(parts, None)
        if value is not None:
            return value
        return PLAUSIBLE.get(match.group("converter") or "str", "x")

    return "/" + PLACEHOLDER.sub(one, route).replace("\\", "")


def addresses():
    for route in reader_patterns():
        slots = len(PLACEHOLDER.findall(route))
        for value in ODD_VALUES:
            if slots:
                yield fill(route, [value] * slots), {404, 400}
            for slot in range(slots if slots > 1 else 0):
                yield fill(route, [None] * slot + [value]), {404, 400}
        for value in QUERY_VALUES:
            for key in QUERY_KEYS:
                yield fill(route, []) + f"?{key}={value}", {200, 301, 302, 400, 404}


@pytest.fixture
def real_pages(editor):
    """Addresses of pages that exist, to fuzz their query strings."""
    photo = make_image()
    story = make_article(tags=["floods"], hero_image=photo, body=f"A.\n\n[[image {photo.key}]]")
    author = story.byline_authors[0]
    return [
        story.get_absolute_url(),
        story.section.get_absolute_url(),
        "/tag/floods/",
        author.get_absolute_url(),
        photo.photographer.get_absolute_url(),
        f"/feeds/author/{author.slug}/rss/",
        share_path(create_share_link(article=story, user=editor)),
    ]


def test_the_fuzzed_routes_cover_every_reader_pattern():
    routes = list(reader_patterns())
    assert len(routes) >= 25
    for expected in ("archive/<int:year>/<int:month>/<int:day>/", "photos/", "preview/", "feeds/"):
        assert any(expected in route for route in routes), expected


def test_no_reader_address_answers_a_server_error(real_pages):
    client = Client(raise_request_exception=False)
    failures = []
    queries = [f"?{key}={value}" for key in QUERY_KEYS for value in QUERY_VALUES]
    fuzzed = [(page + query, {200, 400, 404}) for page in real_pages for query in queries]
    for address, allowed in [*addresses(), *fuzzed]:
        response = client.get(address)
        if response.status_code not in allowed:
            failures.append((address[:120], response.status_code))
    assert not failures, "\n".join(f"{status} {address}" for address, status in failures)


@pytest.mark.parametrize(
    "address",
    [
        "/archive/2026/11/9999999999/",
        "/archive/99999999999999999999/",
        "/archive/2026/99999999999999999999/",
        "/archive/0/",
        "/archive/10000/",
    ],
)
def test_archive_answers_not_found_for_a_date_out_of_range(client, address):
    response = client.get(address)
    assert response.status_code == 404
    assert b"Page not found" in response.content
