"""Whole-page cache for anonymous readers, invalidated precisely by versioned dependencies.

Why versioned keys and not explicit purges: a page cannot be listed in advance from a model
change (which of the 40 list pages show this photographer's credit?), but the page itself can
say what it showed. While a cacheable page renders, a ``post_init`` collector records every
reader-visible row it loaded (articles/cache/dependencies.py). The page is stored with those
dependencies and the *token* each had (articles/cache/tokens.py: in Redis, or in the database
when the cache is per-process, so a write in any process reaches every server).
articles/cache/invalidation.py renews the tokens of what a write changed, so every page that
showed it stops matching; nothing has to know which pages those were.

* ``EPOCH`` changes with every write. A hit whose stored epoch is still current is fresh
  with one read; after a write the page's own tokens decide, in one more. A page whose render
  overlapped a write is not stored, so old data can never be saved under new tokens.
* Scheduling needs no save: an article becomes visible when its time comes. Pages are
  therefore stored no longer than the next scheduled change, and never longer than
  ``PAGE_CACHE_TIMEOUT``.
* Keys are bounded (articles/cache/keys.py): canonical host, path and the parameters the
  view reads.

A hit is answered here, before sessions, authentication, CSRF or any view run (and, through
``newsroom.wsgi.application``, before Django's handler: articles/cache/front.py, with the
same functions; where asking for the epoch costs a round trip it is leased: lease.py). Requests
carrying a session cookie (editors) always get a fresh page marked private. Only GET 200
responses of the reader URLs (the ``articles`` namespace, minus previews) without cookies or
``private``/``no-store`` headers are stored, and never a page that loaded an article that is
not live. ``PAGE_CACHE=0`` or a DummyCache turns the whole thing off. The cache failing never
fails a page: Redis errors are logged and answered as misses (articles/cache/backends.py),
and a token store that cannot be read (the database) means the page is served uncached.
HEAD answers, cached or not, carry the GET's headers and no body.
"""

import dataclasses
import functools
import hashlib
import logging
import time

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.dummy import DummyCache
from django.db import DatabaseError, connection
from django.http import HttpResponse
from django.urls import Resolver404, get_urlconf, resolve
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date

from articles.cache import keys, tokens
from articles.cache.dependencies import SET, TEXT, collecting
from articles.images.renditions import PREVIEW_COOKIE

logger = logging.getLogger("articles.cache")

READER_NAMESPACE = "articles"
# URL names never stored: photo files are not pages, previews show unpublished work.
EXCLUDED_URL_NAMES = {"rendition", "author_portrait"}
EXCLUDED_URL_WORDS = ("preview", "share")
TEXT_URL_NAMES = {"search"}
UNCACHEABLE_DIRECTIVES = ("private", "no-store", "no-cache")
SESSION_COOKIES = ("messages", PREVIEW_COOKIE)


def has_session(request):
    """Editors, and browsers holding a preview grant for unpublished photos, get fresh pages."""
    cookies = request.COOKIES
    return settings.SESSION_COOKIE_NAME in cookies or any(n in cookies for n in SESSION_COOKIES)


def reader_url_name(path):
    """The URL name of a reader page at ``path`` that may be cached, or None."""
    return _reader_url_name(get_urlconf(settings.ROOT_URLCONF), path)


@functools.lru_cache(maxsize=1024)  # bounded: paths are what clients send (gunicorn: < 4 KB)
def _reader_url_name(urlconf, path):
    # Resolving was a fifth of a hit's time; a path's URL name never changes while running.
    try:
        match = resolve(path, urlconf)
    except Resolver404:
        return None
    name = match.url_name or ""
    if READER_NAMESPACE not in match.namespaces or name in EXCLUDED_URL_NAMES:
        return None
    return None if any(word in name for word in EXCLUDED_URL_WORDS) else name


def without_body(request, response):
    """HEAD: the headers a GET would carry (Content-Length included), no body."""
    if request.method == "HEAD":
        if response.streaming:
            response.streaming_content = []
        else:
            response.content = b""
    return response


def database_reachable():
    """False when no connection to the database can be made."""
    try:
        connection.ensure_connection()
    except DatabaseError:
        return False
    return True


def is_enabled():
    """PAGE_CACHE on and a cache that keeps things (a DummyCache turns the page cache off)."""
    return settings.PAGE_CACHE and not isinstance(caches["default"], DummyCache)


def is_active(request):
    """Whether the page cache takes part in ``request`` at all."""
    return request.method in ("GET", "HEAD") and is_enabled()


@dataclasses.dataclass
class Lookup:
    """What the cache holds for one page key: a fresh page to answer with (``hit``), or what
    storing the page after rendering needs (the epoch read, if any)."""

    key: str
    cache: object
    store: object
    hit: HttpResponse | None = None
    epoch: str | None = None
    unreadable: bool = False  # the tokens could not be read (DatabaseError)


# Set by the front (articles/cache/front.py) on a request it looked up and found no fresh page
# for: (key, epoch read). A WSGI environ key, which no client header can set (theirs are HTTP_*).
FRONT_MISS = "newsroom.page_cache.front_miss"


def look_up(request, url_name):
    """Canonicalise ``request`` and look its page up; None when the page has no key."""
    key = keys.canonicalise(request, url_name)
    if key is None:
        return None
    lookup = Lookup(key, caches["default"], tokens.store())
    front_miss = request.META.get(FRONT_MISS)
    if front_miss is not None and front_miss[0] == key:
        lookup.epoch = front_miss[1]  # looked up a moment ago in front: not asked again
        return lookup
    try:
        entry, lookup.epoch = lookup.store.lookup(lookup.cache, key)
        if entry is not None and is_fresh(lookup, entry):
            lookup.hit = serve(request, entry)
    except DatabaseError:
        lookup.unreadable = True
    return lookup


def look_up_in_front(request):
    """The front's lookup (articles/cache/front.py, which answers hits before Django's
    handler): None when the page cache cannot answer ``request``, else its ``Lookup``, whose
    ``hit`` is the response when a fresh page is stored. Anything but a hit then goes through
    Django, where the middleware below decides again with the same functions."""
    if not is_active(request) or has_session(request):
        return None
    url_name = reader_url_name(request.path_info)
    return None if url_name is None else look_up(request, url_name)


def is_fresh(lookup, entry):
    content, headers, etag, modified, page_tokens, stored_epoch, expires = entry
    now = time.time()
    if expires <= now:
        return False
    epoch = lookup.epoch
    if epoch is not None and epoch == stored_epoch:
        return True
    if lookup.store.read(page_tokens) != page_tokens:
        return False
    if epoch is not None:  # still fresh after a write elsewhere: skip this check next time
        entry = (content, headers, etag, modified, page_tokens, epoch, expires)
        lookup.store.keep(lookup.cache, lookup.key, entry, epoch, max(int(expires - now), 1))
    return True


def serve(request, entry):
    content, headers, etag, modified = entry[:4]
    response = HttpResponse(content)
    for name, value in headers:
        response.headers[name] = value
    response.headers["X-Page-Cache"] = "hit"
    if "HTTP_IF_NONE_MATCH" in request.META or "HTTP_IF_MODIFIED_SINCE" in request.META:
        return get_conditional_response(
            request, etag=etag, last_modified=modified, response=response
        )
    return response


class PageCacheMiddleware:
    """Serve stored anonymous pages before the rest of the request cycle; store the misses."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return without_body(request, self.respond(request))

    def respond(self, request):
        if not is_active(request):
            return self.get_response(request)
        url_name = reader_url_name(request.path_info)
        if has_session(request):
            return self.fresh_private(request, url_name)
        lookup = None if url_name is None else look_up(request, url_name)
        if lookup is None:
            return self.get_response(request)
        if lookup.hit is not None:
            return lookup.hit
        epoch = lookup.epoch
        try:
            if not lookup.unreadable and epoch is None:
                epoch = lookup.store.current([tokens.EPOCH])[tokens.EPOCH]
        except DatabaseError:
            lookup.unreadable = True
        if lookup.unreadable:
            return self.serve_stale_or_fresh(request, lookup.cache, lookup.key)
        return self.render_and_store(
            request, lookup.store, lookup.cache, lookup.key, epoch, url_name
        )

    def serve_stale_or_fresh(self, request, cache, key):
        """The tokens cannot be read: with the database unreachable, a page stored before and
        not yet expired is served as stored rather than a 503; otherwise the request goes on
        (and meets the database's own error page if it is down)."""
        entry = cache.get(key)
        if entry is not None and entry[6] > time.time() and not database_reachable():
            # Nothing can be published or unpublished while the database is unreachable,
            # so the stored page is what readers saw last. A database that answers but
            # refused this read (locked) may have just changed: render fresh then.
            logger.warning("Page cache: database unreachable; serving %s as stored", request.path)
            return serve(request, entry)
        logger.exception("Page cache: tokens unreadable; serving %s uncached", request.path)
        return self.get_response(request)

    def fresh_private(self, request, url_name):
        response = self.get_response(request)
        if url_name is not None:
            patch_cache_control(response, private=True, no_cache=True)
        return response

    def render_and_store(self, request, store, cache, key, epoch, url_name):
        with collecting() as collector:
            response = self.get_response(request)
        if not self.is_storable(request, response, collector):
            return response
        dependencies = collector.names | {SET}
        if url_name in TEXT_URL_NAMES:
            dependencies.add(TEXT)
        try:
            timeout = self.store(request, response, store, cache, key, epoch, dependencies)
        except DatabaseError:
            logger.exception("Page cache: tokens unreadable; %s not stored", request.path)
            return response
        if timeout and (
            "HTTP_IF_NONE_MATCH" in request.META or "HTTP_IF_MODIFIED_SINCE" in request.META
        ):
            return get_conditional_response(
                request,
                etag=response.headers["ETag"],
                last_modified=int(time.time()),
                response=response,
            )
        return response

    def store(self, request, response, store, cache, key, epoch, dependencies):
        """Store the page and mark it a miss; returns its timeout (0: not stored)."""
        page_tokens = store.current(dependencies)
        found = store.read([tokens.EPOCH, tokens.NEXT_CHANGE])
        if epoch is None or found[tokens.EPOCH] != epoch:
            return 0  # something changed while this page rendered: do not keep it
        now = time.time()
        timeout = settings.PAGE_CACHE_TIMEOUT
        next_change = float(found[tokens.NEXT_CHANGE] or -1)
        if next_change < 0 or (next_change and next_change <= now):
            next_change = tokens.next_scheduled_change()
            store.write({tokens.NEXT_CHANGE: str(next_change)})
        if next_change:
            timeout = min(timeout, int(next_change - now))
        if timeout < 1:
            return 0
        etag = '"' + hashlib.md5(response.content, usedforsecurity=False).hexdigest() + '"'
        response.headers["ETag"] = etag
        response.headers["Last-Modified"] = http_date(now)
        # Shared caches (CDNs) must not hand this page to a logged-in editor.
        patch_vary_headers(response, ("Cookie",))
        patch_cache_control(
            response,
            public=True,
            max_age=min(settings.PAGE_CACHE_BROWSER_MAX_AGE, timeout),
            must_revalidate=True,
        )
        headers = list(response.items())
        entry = (response.content, headers, etag, int(now), page_tokens, epoch, now + timeout)
        store.keep(cache, key, entry, epoch, timeout)
        response.headers["X-Page-Cache"] = "miss"
        return timeout

    def is_storable(self, request, response, collector):
        if request.method != "GET" or response.status_code != 200 or collector.unsafe:
            return False
        if response.streaming or response.cookies:
            return False
        cache_control = response.get("Cache-Control", "").lower()
        return not any(directive in cache_control for directive in UNCACHEABLE_DIRECTIVES)
