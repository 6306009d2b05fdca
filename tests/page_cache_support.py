"""Shared by the page-cache tests: the Redis database they may use, and counting stored pages."""

import os

import pytest
import redis
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.cache import tokens

# Each developer or CI job may point the tests at its own Redis database (they FLUSHDB it).
REDIS_TEST_URL = os.environ.get("NEWSROOM_TEST_REDIS_URL", "redis://127.0.0.1:6379/5")


def require_redis():
    """Skip, saying why, when no Redis answers at REDIS_TEST_URL."""
    try:
        redis.Redis.from_url(REDIS_TEST_URL, socket_connect_timeout=0.5).ping()
    except redis.exceptions.ConnectionError as error:
        pytest.skip(f"no Redis at {REDIS_TEST_URL} ({error}); set NEWSROOM_TEST_REDIS_URL")


def redis_cache_settings(**options):
    return {
        "default": {
            "BACKEND": "articles.cache.backends.DegradingRedisCache",
            "LOCATION": REDIS_TEST_URL,
            "KEY_PREFIX": "newsroom-tests",
            "OPTIONS": options,
        }
    }


def stored_pages(cache):
    """How many pages the cache holds (LocMem or Redis)."""
    if hasattr(cache, "_cache") and isinstance(cache._cache, dict):  # LocMemCache
        return sum(1 for key in cache._cache if "pagecache:page:" in key)
    client = redis.Redis.from_url(REDIS_TEST_URL)
    return sum(1 for _ in client.scan_iter(match="*pagecache:page:*"))


def cached(client, url):
    """Ask twice: a miss that stores the page, then a hit."""
    assert client.get(url)["X-Page-Cache"] == "miss"
    assert client.get(url)["X-Page-Cache"] == "hit"


def page(client, url, **headers):
    response = client.get(url, **headers)
    assert response.status_code in (200, 304, 404), response.status_code
    return response


def hit_queries(after_write=False):
    """A hit reads no SQL with Redis. With the in-process cache, inside a test's transaction
    (where the SQLite change file is not trusted: it hears commits only) it reads the epoch
    token, and after a write elsewhere the page's own tokens (the next hit reads the epoch
    only). Outside one: tests/test_page_cache_change_file.py."""
    if isinstance(tokens.store(), tokens.DatabaseTokens):
        return 2 if after_write else 1
    return 0


def served_from_cache(client, url, django_assert_num_queries):
    with CaptureQueriesContext(connection) as first:
        response = client.get(url)
    assert response["X-Page-Cache"] == "hit"
    assert len(first) <= hit_queries(after_write=True)
    with django_assert_num_queries(hit_queries()):
        response = client.get(url)
    assert response["X-Page-Cache"] == "hit"
    return response
