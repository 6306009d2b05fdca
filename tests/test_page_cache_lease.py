"""Where asking whether anything changed costs a round trip (PostgreSQL's default: no Redis, no
change file), a process asks at most once per lease, and a request or command that published
answers only once every lease taken before its commit has run out (articles/cache/lease.py).

These run outside a test transaction (as a server's requests do), with the change file off
so that SQLite takes the same path as PostgreSQL.
"""

import contextlib
import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.cache import lease
from articles.cache.backends import DegradingRedisCacheClient
from articles.models import Article
from tests.factories import make_article
from tests.page_cache_support import cached
from tests.test_page_cache_change_file import manage_in_another_process
from tests.workflow_support import transition_url

pytestmark = pytest.mark.django_db(transaction=True)


class Clock:
    """Stands in for the lease's clock: time moves only when told (or slept)."""

    def __init__(self):
        self.now = 1000.0

    def monotonic(self):
        return self.now

    def sleep(self, seconds):
        self.now += seconds


@pytest.fixture(autouse=True)
def leased_epoch(settings):
    settings.PAGE_CACHE = True
    settings.PAGE_CACHE_CHANGE_FILE = "off"
    settings.PAGE_CACHE_LEASE = 0.1
    lease.epoch_lease.drop()
    yield
    # Nothing this test wrote may make the test process wait at its exit.
    lease.epoch_lease.drop()
    lease._process["until"] = 0.0


@pytest.fixture
def clock(monkeypatch):
    clock = Clock()
    monkeypatch.setattr(lease, "time", clock)
    return clock


@pytest.fixture
def story():
    return make_article(headline="River floods the old town", slug="river-floods")


@pytest.fixture
def round_trips(monkeypatch):
    """Counts what a request asks of the database and of Redis."""
    asked = []
    original = DegradingRedisCacheClient._guard

    def guarded(self, default, operation, *args):
        asked.append(operation.__name__)
        return original(self, default, operation, *args)

    monkeypatch.setattr(DegradingRedisCacheClient, "_guard", guarded)

    @contextlib.contextmanager
    def counting():
        asked.clear()
        with CaptureQueriesContext(connection) as queries:
            yield asked
        asked.extend(query["sql"] for query in queries.captured_queries)

    return counting


def test_hits_within_a_lease_ask_neither_the_database_nor_redis(
    client, any_cache, clock, story, round_trips
):
    url = story.get_absolute_url()
    cached(client, url)
    clock.now += 1  # the lease taken while caching has run out
    with round_trips() as asked:
        assert client.get(url)["X-Page-Cache"] == "hit"
    assert len(asked) == 1  # the epoch, leased from now
    clock.now += 0.09
    with round_trips() as asked:
        for _ in range(5):
            assert client.get(url)["X-Page-Cache"] == "hit"
    assert asked == []
    clock.now += 0.02
    with round_trips() as asked:
        assert client.get(url)["X-Page-Cache"] == "hit"
    assert len(asked) == 1


def test_without_a_lease_every_hit_asks(client, settings, story, django_assert_num_queries):
    settings.PAGE_CACHE_LEASE = 0
    url = story.get_absolute_url()
    cached(client, url)
    for _ in range(3):
        with django_assert_num_queries(1):
            assert client.get(url)["X-Page-Cache"] == "hit"


def test_a_write_in_this_process_shows_at_once_whatever_the_lease(client, any_cache, clock, story):
    url = story.get_absolute_url()
    cached(client, url)
    story.headline = "River floods the whole town"
    story.save()  # a live edit: the tokens are renewed, and this process's lease dropped
    response = client.get(url)
    assert response["X-Page-Cache"] == "miss"
    assert b"River floods the whole town" in response.content


def test_a_lease_taken_before_a_write_elsewhere_runs_out_before_that_write_answers(
    client, any_cache, clock, story, monkeypatch
):
    """The reader here leased the epoch; a writer commits (as if in another process, which
    cannot drop this process's lease). The writer may answer only once that lease ran out."""
    url = story.get_absolute_url()
    cached(client, url)
    clock.now += 1
    assert client.get(url)["X-Page-Cache"] == "hit"  # leased now, for 0.1 s
    leased_until = clock.now + 0.1
    clock.now += 0.01
    with monkeypatch.context() as elsewhere:
        elsewhere.setattr(lease.epoch_lease, "drop", lambda: None)
        story.headline = "River floods the whole town"
        story.save()
    writer_answers_at = lease._process["until"]
    assert writer_answers_at >= leased_until

    clock.now += 0.05  # before the writer answered: the page as it was
    assert client.get(url)["X-Page-Cache"] == "hit"
    clock.now = writer_answers_at  # a reader asking once the writer has answered
    response = client.get(url)
    assert response["X-Page-Cache"] == "miss"
    assert b"River floods the whole town" in response.content


def test_a_request_that_publishes_answers_after_the_lease_and_draft_work_does_not_wait(
    client, settings, editor
):
    settings.PAGE_CACHE_LEASE = 1.0
    client.force_login(editor)
    draft = make_article(headline="Budget talks stall", status=Article.Status.DRAFT)
    started = time.monotonic()
    assert client.post(transition_url(draft, "submit")).status_code == 302
    assert time.monotonic() - started < 0.9  # a review step: readers see nothing change

    started = time.monotonic()
    assert client.post(transition_url(draft, "publish")).status_code == 302
    assert time.monotonic() - started >= 1.0 * lease.DRIFT
    draft.refresh_from_db()
    assert draft.status == Article.Status.PUBLISHED


@pytest.mark.skipif(connection.vendor == "sqlite", reason="PostgreSQL's default path")
def test_an_edit_in_another_process_shows_at_the_next_request_despite_a_long_lease(
    client, settings, story
):
    """Both processes lease for 5 s: the reader's lease is still running when the writer
    commits, and the writer's command exits only once it has run out."""
    settings.PAGE_CACHE_LEASE = 5
    url = story.get_absolute_url()
    cached(client, url)
    assert client.get(url)["X-Page-Cache"] == "hit"
    edit = (
        "from articles.models import Article\n"
        "article = Article.objects.get(slug='river-floods')\n"
        "article.headline = 'River floods the whole town'\n"
        "article.save()\n"
    )
    started = time.monotonic()
    manage_in_another_process("shell", "-c", edit, PAGE_CACHE_LEASE="5")
    assert time.monotonic() - started >= 5
    response = client.get(url)
    assert response["X-Page-Cache"] == "miss"
    assert b"River floods the whole town" in response.content
