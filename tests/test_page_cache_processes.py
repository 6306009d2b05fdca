"""The page cache follows writes made in other processes, as a running site meets them.

gunicorn serves in a process of its own, with production settings (DEBUG off) on a SQLite
file database, once with the embedded default cache (one worker) and once with Redis (two
worker processes); and, when the suite runs on PostgreSQL, on a PostgreSQL database of its own
with neither Redis nor a change file, where the server leases the epoch. Writes arrive from separate ``manage.py`` processes: an import command,
an unpublish through ``apply_transition``, a live edit, and a draft created, tagged and
submitted. Readers must see the live changes at their next request, and the draft work must
leave the cached pages cached.
"""

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import redis

from tests.app_servers import own_postgres_database
from tests.page_cache_support import REDIS_TEST_URL, require_redis

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = Path(sys.executable).with_name("gunicorn")
IMPORTED_HEADLINE = "Bridge reopens after repairs"
# Raw agency copy with no photos, so the workflow's pre-publish checks let it go live.
RAW_COPY = f"""Posted: 21.08.2024 13:30:22
{IMPORTED_HEADLINE}
The old bridge carries traffic again from Monday morning.
Engineers replaced the deck over the summer, a month ahead of plan.
The city says the works came in under budget.
By Anna Writer
"""
# Variables of the caller's shell that would change what is tested.
CALLER_ONLY = {
    "DEBUG",
    "DATABASE_URL",
    "REDIS_URL",
    "PAGE_CACHE",
    "CACHE_DISABLED",
    "WEB_CONCURRENCY",
}

SETUP = """
from django.contrib.auth import get_user_model
from tests.factories import make_article, make_section
get_user_model().objects.create_superuser("chief", "chief@example.com", "pw")
news = make_section(name="News", slug="news")
story = make_article(headline="River floods the old town", slug="river-floods", section=news)
print(story.get_absolute_url())
"""
DRAFT_WORK = """
from django.contrib.auth import get_user_model
from articles.models import Article
from articles.workflow.transitions import apply_transition
from tests.factories import make_article
chief = get_user_model().objects.get(username="chief")
live = Article.objects.get(slug="river-floods")
draft = make_article(
    headline="Budget talks stall",
    slug="budget-talks",
    status=Article.Status.DRAFT,
    section=live.section,
    authors=live.byline_authors,
)
draft.tags.add("budget", "parliament")
draft.standfirst = "Talks continue on Monday."
draft.save()
apply_transition(draft, "submit", user=chief)
"""
LIVE_EDIT = """
from articles.models import Article
article = Article.objects.get(slug="river-floods")
article.headline = "River floods the whole town"
article.save()
"""
UNPUBLISH = """
from django.contrib.auth import get_user_model
from articles.models import Article
from articles.workflow.transitions import apply_transition
chief = get_user_model().objects.get(username="chief")
apply_transition(
    Article.objects.get(slug="river-floods"), "unpublish", user=chief, comment="Legal advice"
)
"""


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Site:
    def __init__(self, env):
        self.env = env
        self.url = ""

    def manage(self, *args):
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert result.returncode == 0, result.stdout + result.stderr
        return result.stdout

    def shell(self, code):
        return self.manage("shell", "-c", code)

    def get(self, path):
        """(status, X-Page-Cache, body) of an anonymous reader's request."""
        try:
            with urllib.request.urlopen(self.url + path, timeout=30) as response:
                return response.status, response.headers.get("X-Page-Cache"), response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.headers.get("X-Page-Cache"), error.read()


@pytest.fixture(scope="module")
def static_root(tmp_path_factory):
    """Collected once: with DEBUG off, pages name the hashed files of the manifest."""
    root = tmp_path_factory.mktemp("static")
    env = {**os.environ, "STATIC_ROOT": str(root), "DEBUG": ""}
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=300,
    )
    return root


@pytest.fixture
def exit_stack():
    with contextlib.ExitStack() as stack:
        yield stack


@pytest.fixture(params=["embedded", "redis", "postgresql"])
def site(request, tmp_path, static_root):
    if not GUNICORN.exists():
        pytest.skip(f"gunicorn is not installed next to {sys.executable}")
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in CALLER_ONLY}
    env.update(
        DATABASE_URL=f"sqlite:///{tmp_path / 'site.sqlite3'}",
        MEDIA_ROOT=str(tmp_path / "media"),
        STATIC_ROOT=str(static_root),
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="0",
        SECURE_COOKIES="0",
        GUNICORN_BIND=f"127.0.0.1:{port}",
        GUNICORN_ACCESS_LOG="",
        PAGE_CACHE_TIMEOUT="3600",
    )
    if request.param == "redis":
        require_redis()
        redis.Redis.from_url(REDIS_TEST_URL).flushdb()
        env.update(REDIS_URL=REDIS_TEST_URL, WEB_CONCURRENCY="2")
    if request.param == "postgresql":
        # No Redis, no change file: the server leases the epoch. Long leases (writers then
        # wait 4.4 s) show that a command answers only once the server's lease ran out.
        database_url = request.getfixturevalue("exit_stack").enter_context(
            own_postgres_database("page_cache_processes")
        )
        env.update(DATABASE_URL=database_url, PAGE_CACHE_LEASE="4")
    site = Site(env)
    site.tmp = tmp_path
    site.manage("migrate", "--noinput", "-v", "0")
    article_url = site.shell(SETUP).strip().splitlines()[-1]
    log = (tmp_path / "gunicorn.log").open("w")
    server = subprocess.Popen(
        [str(GUNICORN), "-c", "gunicorn.conf.py", "newsroom.wsgi"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    site.url = f"http://127.0.0.1:{port}"
    site.article_url = article_url
    deadline = time.monotonic() + 60
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                break
        except OSError:
            assert server.poll() is None, (tmp_path / "gunicorn.log").read_text()
            assert time.monotonic() < deadline, "gunicorn did not start"
            time.sleep(0.2)
    yield site
    server.terminate()
    server.wait(timeout=30)
    log.close()


def cached(site, path):
    """Ask twice: the second answer must come from the cache."""
    first = site.get(path)
    assert first[0] == 200
    second = site.get(path)
    assert second[1] == "hit", path
    return second


def test_readers_see_writes_from_other_processes_at_their_next_request(site):
    home, story = "/", site.article_url
    cached(site, home), cached(site, story)
    if site.env.get("REDIS_URL"):  # a second worker process has its own memory, not its own cache
        for _ in range(4):
            assert site.get(home)[1] == "hit"

    site.shell(DRAFT_WORK)
    for path in (home, story):
        status, cache, body = site.get(path)
        assert (status, cache) == (200, "hit"), path
        assert b"Budget talks stall" not in body

    raw = site.tmp / "bridge-reopens.txt"
    raw.write_text(RAW_COPY)
    report = site.manage(
        "import_articles", str(raw), "--status", "published", "--user", "chief", "--section", "news"
    )
    assert "kept as a draft" not in report, report
    status, cache, body = site.get(home)
    assert IMPORTED_HEADLINE.encode() in body
    assert cache == "miss"

    site.shell(LIVE_EDIT)
    assert b"River floods the whole town" in site.get(story)[2]
    assert b"River floods the whole town" in site.get(home)[2]

    site.shell(UNPUBLISH)
    assert site.get(story)[0] == 404
    assert b"River floods" not in site.get(home)[2]
