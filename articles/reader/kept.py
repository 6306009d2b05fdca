"""HTML rendered once per content and kept in process memory (cards, figures, header, footer).

The key holds everything the HTML shows, so a kept entry can never be out of date and no write
has to invalidate it; the oldest unused entries make room for new ones. (The page cache also
keeps its copies of pages from Redis here, each with the epoch it was kept under.)
"""

import threading
from collections import OrderedDict


class Kept:
    """A bounded, thread-safe store of rendered HTML, least recently used first out."""

    def __init__(self, size):
        self.size = size
        self._entries = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key):
        with self._lock:
            value = self._entries.get(key)
            if value is not None:
                self._entries.move_to_end(key)
            return value

    def put(self, key, value):
        with self._lock:
            self._entries[key] = value
            self._entries.move_to_end(key)
            if len(self._entries) > self.size:
                self._entries.popitem(last=False)

    def clear(self):
        with self._lock:
            self._entries.clear()

    def get_or_render(self, key, render):
        """The HTML kept under ``key``, or ``render()``'s, kept from now on."""
        with self._lock:
            html = self._entries.get(key)
            if html is not None:
                self._entries.move_to_end(key)
                return html
        html = render()  # outside the lock: two threads may render the same key once each
        with self._lock:
            self._entries[key] = html
            if len(self._entries) > self.size:
                self._entries.popitem(last=False)
        return html
