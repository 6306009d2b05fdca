"""The database unreachable: readers get cached pages where there are some and otherwise a
styled 503 with Retry-After, nobody waits longer than the timeouts, and the site answers
normally again by itself once the database is back."""

import socket
import subprocess
import sys
from contextlib import contextmanager

import pytest
from django.db import connection
from django.test import Client

from tests.factories import make_article
from tests.test_production import ROOT, production_environment

HEADLINE = "Dam holds after the storm"


@pytest.fixture
def closed_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def database_unreachable(port):
    """Point the connection at a closed port (PostgreSQL) or an unopenable file (SQLite).

    The open connection is parked rather than closed: SQLite's in-memory test database
    lives only as long as one connection to it does.
    """
    saved = dict(connection.settings_dict)
    parked = connection.connection
    connection.connection = None
    if connection.vendor == "postgresql":
        connection.settings_dict.update(HOST="127.0.0.1", PORT=str(port))
    else:
        connection.settings_dict["NAME"] = "/nonexistent-newsroom-directory/db.sqlite3"
    try:
        yield
    finally:
        connection.settings_dict.clear()
        connection.settings_dict.update(saved)
        if connection.connection is None:
            connection.connection = parked
        else:
            parked.close()


@pytest.fixture(params=["shared cache", "in-process cache"])
def page_cache(request, settings, tmp_path):
    """A shared cache (Redis in production; a file cache here, shared the same way) keeps the
    page cache's version tokens beside the pages, so a hit needs no database. The in-process
    default keeps them in the database (articles/cache/tokens.py): when they cannot be read,
    a page stored before is served as stored (it may be stale) rather than a 503."""
    if request.param == "shared cache":
        backend = {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache"}
        settings.CACHES = {"default": {**backend, "LOCATION": str(tmp_path / "cache")}}
    else:
        backend = "django.core.cache.backends.locmem.LocMemCache"
        settings.CACHES = {"default": {"BACKEND": backend}}
    return request.param


@pytest.mark.django_db(transaction=True)
def test_readers_get_cached_pages_or_a_503_while_the_database_is_down_and_it_recovers(
    closed_port, editor, page_cache
):
    story = make_article(headline=HEADLINE)
    reader = Client(raise_request_exception=False)
    desk = Client(raise_request_exception=False)
    desk.force_login(editor)
    assert reader.get("/").status_code == 200  # the front page is now in the page cache

    with database_unreachable(closed_port):
        front = reader.get("/")  # stored before the outage: served as stored, on any setup
        assert front.status_code == 200
        assert HEADLINE.encode() in front.content
        for _attempt in range(2):  # a 503 is never stored in place of the page
            page = reader.get(story.get_absolute_url())
            assert page.status_code == 503
            assert page["Retry-After"] == "30"
            assert b"Back in a moment" in page.content
            assert b"articles/site.css" in page.content  # styled like the site
        assert desk.get("/admin/").status_code == 503

    page = reader.get(story.get_absolute_url())
    assert page.status_code == 200
    assert HEADLINE.encode() in page.content
    assert reader.get("/").status_code == 200
    assert desk.get("/admin/").status_code == 200


@pytest.mark.django_db
def test_other_server_errors_keep_the_500_page(monkeypatch):
    from articles.reader import views

    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(views.selectors, "article_page_context", broken)
    story = make_article()
    response = Client(raise_request_exception=False).get(story.get_absolute_url())
    assert response.status_code == 500
    assert "Retry-After" not in response
    assert b"Something went wrong" in response.content


def test_a_silent_database_server_is_given_up_after_the_connect_timeout():
    """A host that accepts the connection and never answers (a hung server, a dead route)
    costs a reader the connect timeout, not the 40 seconds and more it did."""
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)  # the kernel completes the handshake; nobody ever replies
        port = silent.getsockname()[1]
        code = (
            "import time, django; django.setup()\n"
            "from django.test.utils import setup_test_environment; setup_test_environment()\n"
            "from django.test import Client, override_settings\n"
            "plain = {'default': {'BACKEND': 'django.core.files.storage.FileSystemStorage'},"
            " 'staticfiles': {'BACKEND': 'django.contrib.staticfiles.storage.StaticFilesStorage'}}\n"
            "with override_settings(STORAGES=plain, PAGE_CACHE=False):\n"
            "    start = time.monotonic()\n"
            "    r = Client(raise_request_exception=False).get('/section/news/')\n"
            "    print(r.status_code, r.get('Retry-After'), round(time.monotonic() - start))\n"
        )
        env = production_environment(
            DATABASE_URL=f"postgres://postgres@127.0.0.1:{port}/newsroom",
            DATABASE_CONNECT_TIMEOUT="2",
            CONN_MAX_AGE="0",
            SECURE_SSL_REDIRECT="0",
        )
        try:
            result = subprocess.run(
                [sys.executable, "-c", code],
                env=env,
                cwd=ROOT,
                capture_output=True,
                text=True,
                timeout=40,
                check=False,
            )
        except subprocess.TimeoutExpired:
            pytest.fail("the request was still waiting for the database after 40 seconds")
    status, retry_after, seconds = result.stdout.split()
    assert (status, retry_after) == ("503", "30"), result.stderr[-2000:]
    assert int(seconds) <= 6


def test_database_timeouts_are_set_for_postgresql_and_sqlite():
    from tests.test_production import run_python

    show = (
        "import django; django.setup(); from django.conf import settings;"
        "o = settings.DATABASES['default']['OPTIONS'];"
        "print(o.get('connect_timeout'), o.get('options'), o.get('timeout'), sep='|')"
    )
    postgres = run_python(show, DATABASE_URL="postgres://newsroom@db.example:5432/newsroom")
    assert postgres.stdout.split("|") == ["5", "-c jit=off -c statement_timeout=20000", "None\n"]
    tuned = run_python(
        show,
        DATABASE_URL="postgres://newsroom@db.example:5432/newsroom",
        DATABASE_CONNECT_TIMEOUT="3",
        DATABASE_STATEMENT_TIMEOUT="0",
    )
    assert tuned.stdout.split("|") == ["3", "-c jit=off", "None\n"]
    sqlite = run_python(show, DATABASE_URL="sqlite:////tmp/newsroom-settings-check.sqlite3")
    assert sqlite.stdout.split("|") == ["None", "None", "20\n"]


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="JIT is PostgreSQL's")
def test_postgresql_compiles_no_query_just_in_time():
    """JIT took 109 ms to compile an 11 ms query of an article page (a million articles)."""
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="statement_timeout is PostgreSQL's")
def test_postgresql_cancels_a_statement_that_runs_past_the_timeout():
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone()[0] == "20s"
