"""Two app servers on one PostgreSQL database and no Redis, as a small site may run: an editor
publishes and unpublishes in Chromium on server A, while an anonymous reader's browser on
server B gets B's cached pages, answered in front of Django (articles/cache/front.py) with a
leased epoch (articles/cache/lease.py). Each change shows at the reader's next request."""

import time
import urllib.request

import pytest

from tests import app_servers
from tests.test_two_app_servers import PASSWORD, SETUP

pytestmark = pytest.mark.browser

HEADLINE = "Bridge reopens after two years"  # the article SETUP makes, in review
LEASE = 2.0  # long, so that a publish answered before B's lease ran out would show here


@pytest.fixture
def servers(tmp_path):
    started = []
    with app_servers.own_postgres_database("page_cache_servers") as database_url:
        env = app_servers.environment(
            SECRET_KEY="page-cache-servers-" + "s3cr3t" * 8,
            DATABASE_URL=database_url,
            PAGE_CACHE_LEASE=str(LEASE),
        )
        app_servers.manage(env, "migrate", "--noinput", "-v", "0", cwd=tmp_path)
        pk = int(app_servers.manage(env, "shell", "-v", "0", "-c", SETUP).strip())
        try:
            for name in ("a", "b"):
                started.append(app_servers.AppServer(name, tmp_path, env).start())
            yield (*started, pk)
        finally:
            for server in started:
                server.stop()


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
