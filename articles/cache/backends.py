"""Django's RedisCache, made to degrade instead of fail when Redis is down or slow.

Out of the box, a Redis outage raised ``ConnectionError`` out of every cache call, so every
page answered 500 (the admin login included), and an unreachable host stalled each request
for the operating system's connect timeout (about 5 s). Settings give the connection short
connect and read timeouts (``socket_connect_timeout``/``socket_timeout``, 0.25 s); this
client turns a Redis error into what a cache miss looks like (``get`` returns the default,
writes do nothing), logs it, and does not ask Redis again for ``RETRY_AFTER`` seconds, so
during an outage pages cost no waiting at all. Pages are then rendered and served uncached.

A write whose invalidation could not reach Redis is logged at ERROR: pages stored before the
outage may then be served until ``PAGE_CACHE_TIMEOUT`` once Redis is back.
"""

import logging
import time

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import RedisError

logger = logging.getLogger("articles.cache")

RETRY_AFTER = 2.0  # seconds without asking Redis after an error
_down_until = {}  # servers -> time.monotonic() until which Redis is not asked


class DegradingRedisCacheClient(RedisCacheClient):
    def __init__(self, servers, **options):
        super().__init__(servers, **options)
        self._name = ",".join(servers)
        self._clients = {}  # id(connection pool) -> redis.Redis

    def get_client(self, key=None, *, write=False):
        """One ``redis.Redis`` per connection pool, made once. Django makes a new one for
        every call, and making one sets up its table of some 170 reply handlers: that was
        about 130 us of a page-cache hit's 300 (in process, Redis on the same machine).
        A client is safe to share: each command borrows a connection from the pool."""
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients.setdefault(id(pool), self._client(connection_pool=pool))
        return client

    def _guard(self, default, operation, *args):
        until = _down_until.get(self._name)
        if until is not None:
            if time.monotonic() < until:
                return default
            _down_until.pop(self._name, None)
        try:
            result = operation(*args)
        except RedisError as error:
            _down_until[self._name] = time.monotonic() + RETRY_AFTER
            logger.warning("Cache %s unreachable (%s): serving uncached", self._name, error)
            return default
        if until is not None:
            logger.warning("Cache %s reachable again", self._name)
        return result

    def add(self, key, value, timeout):
        return self._guard(False, super().add, key, value, timeout)

    def get(self, key, default):
        return self._guard(default, super().get, key, default)

    def set(self, key, value, timeout):
        return self._guard(None, super().set, key, value, timeout)

    def touch(self, key, timeout):
        return self._guard(False, super().touch, key, timeout)

    def delete(self, key):
        return self._guard(False, super().delete, key)

    def get_many(self, keys):
        return self._guard({}, super().get_many, keys)

    def has_key(self, key):
        return self._guard(False, super().has_key, key)

    def incr(self, key, delta):
        return self._guard(delta, super().incr, key, delta)

    def set_many(self, data, timeout):
        return self._guard(None, super().set_many, data, timeout)

    def delete_many(self, keys):
        return self._guard(None, super().delete_many, keys)

    def clear(self):
        return self._guard(False, super().clear)


class DegradingRedisCache(RedisCache):
    """``RedisCache`` whose errors are logged and answered as misses (see the module)."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = DegradingRedisCacheClient

    def is_down(self):
        """True while the last call failed less than ``RETRY_AFTER`` seconds ago."""
        until = _down_until.get(self._cache._name)
        return until is not None and time.monotonic() < until
