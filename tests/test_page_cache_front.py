"""Stored pages are answered in front of Django's handler (articles/cache/front.py) exactly as
Django itself would answer them, and everything else still reaches Django as it came."""

import time

import pytest
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections, connection
from django.test import RequestFactory

from articles.cache import tokens
from articles.cache.front import PageCacheFront
from articles.workflow.transitions import apply_transition
from tests.factories import make_article, make_author

pytestmark = pytest.mark.django_db


class CountingHandler(WSGIHandler):
    """Django's own handler, noting each environ it is given."""

    def __init__(self):
        super().__init__()
        self.seen = []

    def __call__(self, environ, start_response):
        self.seen.append(dict(environ))
        return super().__call__(environ, start_response)


def answer(app, path, method="GET", environ=None, **headers):
    """(status, headers, body) of a WSGI ``app`` for one request, its response closed."""
    request_environ = RequestFactory().generic(method, path, headers=headers).environ
    request_environ.update(environ or {})
    started = {}

    def start_response(status, response_headers):
        started.update(status=status, headers=response_headers)

    body = app(request_environ, start_response)
    content = b"".join(body)
    body.close()
    return started["status"], started["headers"], content


@pytest.fixture(autouse=True)
def production_like(settings):
    settings.PAGE_CACHE = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECURE_HSTS_SECONDS = 3600
    settings.SECURE_SSL_REDIRECT = False
    settings.TRUSTED_PROXIES = ["127.0.0.1"]


@pytest.fixture
def no_connection_housekeeping():
    """As Django's test client does: the test's transaction must outlive each request."""
    for signal in (signals.request_started, signals.request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (signals.request_started, signals.request_finished):
        signal.connect(close_old_connections)


@pytest.fixture
def apps(no_connection_housekeeping):
    """Django's handler, and the front around it (made after the settings above)."""
    django = CountingHandler()
    return django, PageCacheFront(django)


@pytest.fixture
def story():
    return make_article(headline="River floods the old town", authors=[make_author(name="Anna")])


def header(headers, name):
    found = [value for key, value in headers if key.lower() == name.lower()]
    return found[0] if found else None


HIT_VARIANTS = {
    "plain": ("GET", {}, {}),
    "head": ("HEAD", {}, {}),
    "query parameters the page does not read": ("GET", {}, {"QUERY_STRING": "utm_source=x&a=1"}),
    "host spelled otherwise": ("GET", {"Host": "TestServer.:8000"}, {}),
    "https through a trusted proxy": ("GET", {"X-Forwarded-Proto": "https"}, {}),
}


@pytest.mark.parametrize("variant", HIT_VARIANTS)
def test_a_stored_page_is_answered_in_front_exactly_as_django_answers_it(
    apps, any_cache, story, variant
):
    django, front = apps
    method, headers, environ = HIT_VARIANTS[variant]
    url = story.get_absolute_url()
    # A miss, rendered and stored by Django (under the canonical host: any spelling shares it).
    stored = answer(front, url, **{k: v for k, v in headers.items() if k != "Host"})
    assert header(stored[1], "X-Page-Cache") == "miss"
    calls = len(django.seen)

    in_front = answer(front, url, method, environ, **headers)
    assert len(django.seen) == calls, "the front should have answered this hit itself"
    by_django = answer(django, url, method, environ, **headers)

    assert in_front == by_django
    status, response_headers, body = in_front
    assert status == "200 OK"
    assert header(response_headers, "X-Page-Cache") == "hit"
    assert header(response_headers, "X-Content-Type-Options") == "nosniff"
    assert header(response_headers, "Referrer-Policy") == "strict-origin-when-cross-origin"
    assert header(response_headers, "Content-Security-Policy")
    assert (header(response_headers, "Strict-Transport-Security") is not None) == (
        "X-Forwarded-Proto" in headers
    )
    if method == "HEAD":
        assert body == b""
        assert int(header(response_headers, "Content-Length")) == len(stored[2])
    else:
        assert b"River floods the old town" in body


def test_conditional_requests_are_answered_304_in_front(apps, story):
    django, front = apps
    url = story.get_absolute_url()
    _status, headers, _body = answer(front, url)
    calls = len(django.seen)

    for condition in (
        {"If-None-Match": header(headers, "ETag")},
        {"If-Modified-Since": header(headers, "Last-Modified")},
    ):
        in_front = answer(front, url, **condition)
        assert in_front == answer(django, url, **condition)
        assert in_front[0] == "304 Not Modified"
        assert in_front[2] == b""
    assert len(django.seen) == calls + 2  # only the two asked of Django directly

    changed = answer(front, url, **{"If-None-Match": '"another"'})
    assert changed[0] == "200 OK" and b"River floods" in changed[2]


LEFT_TO_DJANGO = {
    "an editor's session": ("GET", {"Cookie": "sessionid=abc"}, {}, "200 OK"),
    "a form post": ("POST", {}, {}, "403 Forbidden"),  # no CSRF token: Django refuses it
    "a host not allowed": ("GET", {"Host": "evil.example"}, {}, "400 Bad Request"),
    "a static file": ("GET", {}, {"PATH_INFO": "/static/missing.css"}, "404 Not Found"),
}


@pytest.mark.parametrize("case", LEFT_TO_DJANGO)
def test_requests_that_are_not_stored_pages_reach_django_as_they_came(apps, story, case):
    django, front = apps
    method, headers, environ, expected_status = LEFT_TO_DJANGO[case]
    url = story.get_absolute_url()
    answer(front, url)  # stored
    calls = len(django.seen)

    status, response_headers, _body = answer(front, url, method, environ, **headers)

    assert len(django.seen) == calls + 1
    assert status == expected_status
    assert header(response_headers, "X-Page-Cache") != "hit"
    sent = RequestFactory().generic(method, url, headers=headers).environ
    sent.update(environ)
    received = django.seen[-1]
    assert {k: v for k, v in received.items() if not k.startswith("wsgi.")} == {
        k: v for k, v in sent.items() if not k.startswith("wsgi.")
    }


def test_the_https_redirect_and_proxy_rules_apply_before_a_stored_page(apps, story, settings):
    url = story.get_absolute_url()
    settings.SECURE_SSL_REDIRECT = True
    django = CountingHandler()
    front = PageCacheFront(django)
    from_proxy = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"}
    assert header(answer(front, url, **from_proxy)[1], "X-Page-Cache") == "miss"
    assert header(answer(front, url, **from_proxy)[1], "X-Page-Cache") == "hit"

    plain = answer(front, url)
    assert plain[0] == "301 Moved Permanently"
    assert header(plain[1], "Location") == f"https://testserver{url}"

    # A client that is not our proxy cannot claim HTTPS: redirected, never served the page.
    claimed = answer(front, url, environ={"REMOTE_ADDR": "198.51.100.7"}, **from_proxy)
    assert claimed[0] == "301 Moved Permanently"
    assert claimed == answer(django, url, environ={"REMOTE_ADDR": "198.51.100.7"}, **from_proxy)


def test_an_unpublished_article_is_gone_at_the_next_request_in_front(apps, story, superuser):
    _django, front = apps
    url = story.get_absolute_url()
    answer(front, url)
    assert header(answer(front, url)[1], "X-Page-Cache") == "hit"

    apply_transition(story, "unpublish", user=superuser, comment="Legal advice")

    status, headers, body = answer(front, url)
    assert status == "404 Not Found"
    assert b"River floods" not in body
    assert header(headers, "X-Page-Cache") != "hit"


def test_the_front_stands_aside_when_middleware_before_the_cache_changes(settings, story, apps):
    settings.MIDDLEWARE = ["django.middleware.common.CommonMiddleware", *settings.MIDDLEWARE]
    django = CountingHandler()
    front = PageCacheFront(django)
    url = story.get_absolute_url()
    answer(front, url)
    status, headers, _body = answer(front, url)
    assert header(headers, "X-Page-Cache") == "hit"  # Django's own middleware answered
    assert len(django.seen) == 2


@pytest.mark.django_db(transaction=True)
def test_a_hit_in_front_sends_django_s_request_signals_and_closes_old_connections(settings):
    """Django's request signals check database connections when a request starts and close
    one past its CONN_MAX_AGE when the response is closed: a hit answered in front, which may
    read the tokens from the database, goes through the same housekeeping."""
    sent = []

    def started(**kwargs):
        sent.append("started")

    def finished(**kwargs):
        sent.append("finished")

    signals.request_started.connect(started)
    signals.request_finished.connect(finished)
    front = PageCacheFront(WSGIHandler())
    url = make_article(headline="Kept short", authors=[make_author(name="Bo")]).get_absolute_url()
    answer(front, url)
    connection.settings_dict["CONN_MAX_AGE"] = 0
    connection.close_at = time.monotonic() - 1  # obsolete: the next request replaces it
    try:
        sent.clear()
        body = front(RequestFactory().get(url).environ, lambda status, headers: None)
        assert body.headers["X-Page-Cache"] == "hit"
        assert sent == ["started"]
        body.close()
        assert sent == ["started", "finished"]
        if connection.vendor != "sqlite":  # Django never closes SQLite's in-memory test database
            assert connection.connection is None
    finally:
        connection.settings_dict["CONN_MAX_AGE"] = settings.DATABASES["default"]["CONN_MAX_AGE"]
        signals.request_started.disconnect(started)
        signals.request_finished.disconnect(finished)


@pytest.mark.parametrize("case", ["page cache off", "the admin"])
def test_requests_the_page_cache_cannot_answer_go_straight_to_django(apps, settings, story, case):
    """With PAGE_CACHE=0, or for a page that is never cached, the front adds no work: the
    request starts once (Django's own start), not twice."""
    django, front = apps
    url = story.get_absolute_url()
    if case == "page cache off":
        settings.PAGE_CACHE = False
    else:
        url = "/admin/login/"
    starts = []

    def started(**kwargs):
        starts.append(kwargs["environ"]["PATH_INFO"])

    signals.request_started.connect(started)
    try:
        status, headers, _body = answer(front, url)
    finally:
        signals.request_started.disconnect(started)
    assert status == "200 OK"
    assert header(headers, "X-Page-Cache") is None
    assert starts == [url]
    assert len(django.seen) == 1


def test_a_miss_looked_up_in_front_is_not_looked_up_again(apps, any_cache, story, monkeypatch):
    """With Redis each lookup is a round trip: the page the front found missing is rendered
    and stored by Django without asking the cache a second time."""
    _django, front = apps
    lookups = []
    for store in (tokens.CacheTokens, tokens.DatabaseTokens):
        original = store.lookup

        def counted(self, cache, key, original=original):
            lookups.append(key)
            return original(self, cache, key)

        monkeypatch.setattr(store, "lookup", counted)
    url = story.get_absolute_url()

    assert header(answer(front, url)[1], "X-Page-Cache") == "miss"
    assert len(lookups) == 1
    assert header(answer(front, url)[1], "X-Page-Cache") == "hit"
    assert len(lookups) == 2
