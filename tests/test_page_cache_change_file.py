"""Without Redis, a page-cache hit asks the database nothing while nothing readers see was written.

The change file grows at every commit that renewed page-cache tokens (articles/cache/tokens.py);
a process reads the epoch again only when it grew. On SQLite it sits beside the database by
default; on PostgreSQL only where ``PAGE_CACHE_CHANGE_FILE`` names one, as it does here (without
one, PostgreSQL's default, a process leases the epoch: tests/test_page_cache_lease.py). These
tests run outside a test transaction (``transactional_db``), as a server's requests do, and
write from a separate ``manage.py`` process where the point is another process's write.
"""

import os
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction

from articles.cache.tokens import ChangeFile
from articles.models import Article
from tests.app_servers import manage
from tests.factories import make_article
from tests.page_cache_support import cached

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def page_cache_on(settings, tmp_path):
    settings.PAGE_CACHE = True
    if connection.vendor != "sqlite":  # one machine: every process sees the same file
        settings.PAGE_CACHE_CHANGE_FILE = str(tmp_path / "pagecache")


@pytest.fixture
def story():
    return make_article(headline="River floods the old town", slug="river-floods")


def test_a_hit_asks_the_database_nothing_while_nothing_was_written(
    client, story, django_assert_num_queries
):
    url = story.get_absolute_url()
    cached(client, url)
    with django_assert_num_queries(0):
        response = client.get(url)
    assert response["X-Page-Cache"] == "hit"
    assert b"River floods the old town" in response.content


def test_a_write_rolled_back_leaves_pages_cached_and_unasked(
    client, story, django_assert_num_queries
):
    url = story.get_absolute_url()
    cached(client, url)
    with pytest.raises(RuntimeError), transaction.atomic():
        Article.objects.filter(pk=story.pk).update(headline="Never happened")
        story.headline = "Never happened"
        story.save()
        raise RuntimeError("the save failed")
    with django_assert_num_queries(0):
        response = client.get(url)
    assert response["X-Page-Cache"] == "hit"
    assert b"Never happened" not in response.content


def test_an_edit_committed_in_another_process_shows_at_the_next_request(client, story):
    home, url = "/", story.get_absolute_url()
    cached(client, home)
    cached(client, url)
    edit = (
        "from articles.models import Article\n"
        "article = Article.objects.get(slug='river-floods')\n"
        "article.headline = 'River floods the whole town'\n"
        "article.save()\n"
    )
    manage_in_another_process("shell", "-c", edit)
    for path in (url, home):
        response = client.get(path)
        assert response["X-Page-Cache"] == "miss", path
        assert b"River floods the whole town" in response.content, path


def test_flushing_the_database_reaches_cached_pages(client, story):
    url = story.get_absolute_url()
    cached(client, url)
    call_command("flush", "--noinput", verbosity=0)
    assert client.get(url).status_code == 404


def test_without_the_change_file_every_hit_reads_the_epoch(
    client, story, django_assert_num_queries
):
    """A change file deleted (or never writable) costs a query a hit, never a stale page."""
    url = story.get_absolute_url()
    cached(client, url)
    Path(ChangeFile.of(connection).path).unlink()
    with django_assert_num_queries(1):
        assert client.get(url)["X-Page-Cache"] == "hit"
    manage_in_another_process(
        "shell", "-c", "from articles.models import Article; Article.objects.get().delete()"
    )
    assert client.get(url).status_code == 404


def manage_in_another_process(*args, **settings_env):
    """``manage.py`` in a process of its own, on this test's database (and ``settings_env``)."""
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    env.update(settings_env)
    database = connection.settings_dict
    if connection.vendor == "sqlite":
        env["DATABASE_URL"] = f"sqlite:///{database['NAME']}"
    else:
        env["DATABASE_URL"] = (
            f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/"
            f"{database['NAME']}"
        )
        env["PAGE_CACHE_CHANGE_FILE"] = settings.PAGE_CACHE_CHANGE_FILE
    manage(env, *args)
