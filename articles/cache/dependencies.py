"""What a cached page depends on: dependency names, and the collector that records them.

The bottom of the ``cache`` package: ``pages`` (the middleware) and ``invalidation`` (the
signals) both import it, and it imports neither, so the two never import each other.

While a cacheable page renders, a ``post_init`` receiver (articles/cache/invalidation.py) adds
``"<model label>:<pk>"`` for every reader-visible row the page loaded. Every page also
depends on ``SET`` (which articles are visible, where and in what order); search pages also
on ``TEXT`` (the words of any live article).
"""

from contextlib import contextmanager
from contextvars import ContextVar

SET = "articles:set"
TEXT = "articles:text"

_collector = ContextVar("page_cache_collector", default=None)


class Collector:
    """What one page loaded: dependency names, and whether anything not live was among them."""

    __slots__ = ("names", "unsafe")

    def __init__(self):
        self.names = set()
        self.unsafe = False


def active_collector():
    return _collector.get()


@contextmanager
def collecting():
    """Record, for the code run inside, what it loaded."""
    collector = Collector()
    reset = _collector.set(collector)
    try:
        yield collector
    finally:
        _collector.reset(reset)


def dependency(label, pk):
    return f"{label}:{pk}"
