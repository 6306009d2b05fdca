"""Two app servers on one PostgreSQL database and no Redis, as a small site may run: an editor
publishes and unpublishes in Chromium on server A, while an anonymous reader's browser on
server B gets B's cached pages, answered in front of Django (articles/cache/front.py) with a
leased epoch (articles/cache/lease.py). Each change shows at the reader's next request."""

import time
import urllib.request
import uuid

import psycopg
import pytest
from django.db import connection

from tests import app_servers

pytestmark = pytest.mark.browser

PASSWORD = "page-cache-servers-pw"
HEADLINE = "Bridge reopens after two years"
LEASE = 2.0  # long, so that a publish answered before B's lease ran out would show here
SETUP = """
from django.contrib.auth import get_user_model
from django.utils import timezone
from articles.models import Article, Author, Section
from articles.services import set_byline
get_user_model().objects.create_superuser("chief", "chief@example.com", "PASSWORD")
section = Section.objects.create(name="City", slug="city", position=1)
article = Article.objects.create(
    headline="HEADLINE", slug="bridge-reopens",
    standfirst="Traffic flows again.", body="<p>The bridge reopened today.</p>", section=section,
    status=Article.Status.IN_REVIEW, published_at=timezone.now(),
)
set_byline(article=article, authors=[Author.objects.create(name="Ann Lee", slug="ann-lee")])
print(article.pk)
""".replace("PASSWORD", PASSWORD).replace("HEADLINE", HEADLINE)


@pytest.fixture
def servers(tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("run with the suite on PostgreSQL")
    database = f"page_cache_servers_{uuid.uuid4().hex[:8]}"
    settings = connection.settings_dict
    server_url = f"postgres://{settings['USER']}@{settings['HOST']}:{settings['PORT']}"
    with psycopg.connect(f"{server_url}/postgres", autocommit=True) as postgres:
        postgres.execute(f'CREATE DATABASE "{database}"')
    env = app_servers.environment(
        SECRET_KEY="page-cache-servers-" + "s3cr3t" * 8,
        DATABASE_URL=f"{server_url}/{database}",
        PAGE_CACHE_LEASE=str(LEASE),
    )
    started = []
    try:
        app_servers.manage(env, "migrate", "--noinput", "-v", "0", cwd=tmp_path)
        pk = int(app_servers.manage(env, "shell", "-v", "0", "-c", SETUP).strip())
        for name in ("a", "b"):
            started.append(app_servers.AppServer(name, tmp_path, env).start())
        yield (*started, pk)
    finally:
        for server in started:
            server.stop()
        with psycopg.connect(f"{server_url}/postgres", autocommit=True) as postgres:
            postgres.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


def cache_state(url):
    """X-Page-Cache of a plain request (the browser revalidates: its 304s carry none)."""
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.headers.get("X-Page-Cache")


def test_what_an_editor_publishes_on_one_server_a_reader_sees_on_the_other_at_once(
    browser, servers
):
    a, b, pk = servers
    reader = browser.new_context(locale="en-GB").new_page()
    editor = browser.new_context(locale="en-GB").new_page()
    try:
        reader.goto(b.url + "/")
        assert HEADLINE not in reader.content()
        assert cache_state(b.url + "/") == "hit"  # B keeps its front page

        editor.goto(a.url + "/admin/login/?next=/admin/")
        editor.get_by_label("Username").fill("chief")
        editor.get_by_label("Password").fill(PASSWORD)
        editor.get_by_role("button", name="Log in").click()
        editor.wait_for_url(a.url + "/admin/")
        editor.goto(f"{a.url}/admin/articles/article/{pk}/change/")
        panel = editor.locator(".workflow-panel")
        published_at = time.monotonic()
        panel.get_by_role("button", name="Publish").click()
        editor.wait_for_selector(".messagelist .success")
        # The editor's "Published" comes once every lease B took before the commit ran out.
        assert time.monotonic() - published_at >= LEASE

        reader.goto(b.url + "/")  # the reader's next request, to the other server
        reader.get_by_role("link", name=HEADLINE).first.click()
        reader.wait_for_load_state()
        article_url = reader.url
        assert reader.get_by_role("heading", name=HEADLINE).is_visible()
        assert cache_state(article_url) == "hit"

        editor.goto(f"{a.url}/admin/articles/article/{pk}/change/")
        panel.get_by_label("Comment").fill("Legal advice")
        panel.get_by_role("button", name="Unpublish").click()
        editor.wait_for_selector(".messagelist .success")

        assert reader.goto(article_url).status == 404
        reader.goto(b.url + "/")
        assert HEADLINE not in reader.content()
    finally:
        reader.context.close()
        editor.context.close()
