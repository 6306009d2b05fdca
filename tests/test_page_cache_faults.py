"""A Redis outage never fails a page: readers and the admin login are answered, quickly."""

import logging
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.cache import caches
from django.db import OperationalError
from django.urls import reverse

from articles.cache import backends, tokens
from tests.factories import make_article, make_image

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parent.parent


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def use_redis_at(settings, url):
    backends._down_until.clear()
    settings.CACHES = {
        "default": {
            "BACKEND": "articles.cache.backends.DegradingRedisCache",
            "LOCATION": url,
            "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.25},
        }
    }
    caches["default"]  # noqa: B018 - the backend is built here, not inside the timed requests


@pytest.fixture
def story(settings):
    settings.PAGE_CACHE = True
    photo = make_image(caption="Flooded square")
    return make_article(headline="River floods", body=f"Text.\n\n[[image {photo.key}]]\n")


def reader_urls(story):
    return [
        reverse("articles:home"),
        story.get_absolute_url(),
        story.section.get_absolute_url(),
        reverse("articles:feed_rss"),
    ]


def test_redis_on_a_closed_port_serves_readers_uncached_and_logs_it(
    client, settings, story, caplog
):
    use_redis_at(settings, f"redis://127.0.0.1:{free_port()}/0")
    started = time.monotonic()
    with caplog.at_level(logging.WARNING, logger="articles.cache"):
        for url in reader_urls(story) * 2:
            response = client.get(url)
            assert response.status_code == 200, url
            assert response.get("X-Page-Cache") is None  # neither hit nor stored
    assert time.monotonic() - started < 5
    assert "unreachable" in caplog.text


def test_admin_login_works_while_redis_is_down(client, settings, story, django_user_model):
    django_user_model.objects.create_superuser("chief", "chief@example.com", "pw")
    use_redis_at(settings, f"redis://127.0.0.1:{free_port()}/0")
    started = time.monotonic()
    login = reverse("admin:login")
    assert client.get(login).status_code == 200
    response = client.post(login, {"username": "chief", "password": "pw", "next": "/admin/"})
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    change = reverse("admin:articles_article_change", args=[story.pk])
    assert client.get(change).status_code == 200  # "who has this open" lives in the cache
    assert time.monotonic() - started < 5


def test_redis_that_never_answers_costs_one_short_wait_not_one_per_request(client, settings, story):
    with socket.socket() as silent:  # accepts connections (the kernel's backlog), never replies
        silent.bind(("127.0.0.1", 0))
        silent.listen(64)
        use_redis_at(settings, f"redis://127.0.0.1:{silent.getsockname()[1]}/0")
        started = time.monotonic()
        for url in reader_urls(story) * 3:
            assert client.get(url).status_code == 200, url
        elapsed = time.monotonic() - started
    # Without timeouts each cache call would wait for the socket's default, forever here; with
    # them but no pause after an error, each of the ~5 calls a page makes would wait 0.25 s.
    assert elapsed < 2.5, elapsed


def test_production_settings_give_redis_short_timeouts():
    code = (
        "import django; django.setup(); from django.core.cache import caches;"
        "print(caches['default']._options)"
    )
    env = {**os.environ, "REDIS_URL": "redis://127.0.0.1:6379/0", "DEBUG": "1"}
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )
    options = result.stdout.strip()
    assert "'socket_connect_timeout': 0.25" in options, result.stderr
    assert "'socket_timeout': 0.25" in options


def test_a_write_while_redis_is_down_is_logged_as_not_invalidated(settings, story, caplog):
    use_redis_at(settings, f"redis://127.0.0.1:{free_port()}/0")
    with caplog.at_level(logging.ERROR, logger="articles.cache"):
        story.headline = "River floods, updated"
        story.save()
    assert "not renewed" in caplog.text


def test_unreadable_tokens_in_the_database_serve_the_page_uncached(
    client, settings, story, monkeypatch, caplog
):
    """The in-process cache keeps its tokens in the database; if they cannot be read the
    page is rendered, never a 500 and never a page that might be stale."""
    url = story.get_absolute_url()
    client.get(url)
    assert client.get(url)["X-Page-Cache"] == "hit"

    def locked(self, names):
        raise OperationalError("database is locked")

    monkeypatch.setattr(tokens.DatabaseTokens, "read", locked)
    with caplog.at_level(logging.ERROR, logger="articles.cache"):
        response = client.get(url)
    assert response.status_code == 200 and "X-Page-Cache" not in response
    assert b"River floods" in response.content
    assert "tokens unreadable" in caplog.text


def served(path):
    """(status, headers, body) from Django's WSGI handler, which (unlike the test client)
    checks the persistent database connection at the start of each request."""
    from io import BytesIO

    from django.core.handlers.wsgi import WSGIHandler

    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "HTTP_HOST": "testserver",
        "wsgi.url_scheme": "http",
        "wsgi.input": BytesIO(),
        "wsgi.errors": sys.stderr,
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
    }
    started = []
    body = WSGIHandler()(environ, lambda status, headers: started.append((status, headers)))
    content = b"".join(body)
    body.close()
    status, headers = started[0]
    return int(status.split()[0]), dict(headers), content


@pytest.mark.django_db(transaction=True)
def test_a_hit_on_a_database_connection_broken_since_the_last_request_is_still_answered(
    settings, story
):
    """With the tokens in the database, the hit's token read doubles as Django's connection
    health check (one round trip, not two): a connection the server dropped between two
    requests (a PostgreSQL restart) is replaced, and the reader never sees an error."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no server to drop the connection")
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    url = story.get_absolute_url()
    assert served(url)[1]["X-Page-Cache"] == "miss"
    served(url)  # the persistent connection is open and reused between requests
    try:
        connection.connection.pgconn.finish()  # dropped under Django's feet

        status, headers, content = served(url)

        assert status == 200
        assert headers["X-Page-Cache"] == "hit"
        assert b"River floods" in content
    finally:
        connection.close()  # whatever happened, the test database is flushed afterwards
