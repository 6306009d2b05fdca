"""Whole-page cache for anonymous readers, invalidated precisely by versioned dependencies.

Why versioned keys and not explicit purges: a page cannot be listed in advance from a model
change (which of the 40 list pages show this photographer's credit?), but the page itself can
say what it showed. While a cacheable page renders, a ``post_init`` collector records every
(model, pk) of the reader-visible models it loaded (articles, authors, photographers, images,
sections, tags). The page is stored with those dependency keys and the *token* each had.
``articles/cache/invalidation.py`` gives a changed object a fresh random token on save and delete, so
every page that showed it stops matching; nothing has to know which pages those were.

* Every page also depends on ``SET`` (which articles are visible, where and in what order).
  It changes when an article is created, deleted, published, unpublished, rescheduled, moved
  to another section, or its byline, tags or photos change. Editing a live article's text
  changes only that article (and ``TEXT``, which search pages depend on), so pages that do not
  show it stay cached.
* Tokens are random, not counters, so a token lost to eviction can never come back equal:
  a missing token is simply a miss.
* ``EPOCH`` changes with every write. A hit whose stored epoch is still current is fresh
  with one ``get_many`` of (page, epoch), no matter how many dependencies it has; after a
  write the page's own tokens decide, in one more ``get_many``. A page whose render overlapped
  a write is not stored, so old data can never be saved under new tokens.
* Scheduling needs no save: an article becomes visible when its time comes. Pages are
  therefore stored no longer than the next scheduled publish (``NEXT_CHANGE``, kept by the
  signals), and never longer than ``PAGE_CACHE_TIMEOUT``.

A hit is answered here, before sessions, authentication, CSRF or any view run: no SQL at all.
Requests carrying a session cookie (editors) always get a fresh page marked private. Only GET
200 responses of the reader URLs (the ``articles`` namespace, minus previews) without cookies
or ``private``/``no-store`` headers are stored, and never a page that loaded an article that
is not live. ``PAGE_CACHE=0`` or a DummyCache turns the whole thing off.
"""

import hashlib
import secrets
import time
from contextvars import ContextVar

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.dummy import DummyCache
from django.http import HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date

PREFIX = "pagecache:"
EPOCH = PREFIX + "epoch"
NEXT_CHANGE = PREFIX + "next-change"
SET = "articles:set"
TEXT = "articles:text"
READER_NAMESPACE = "articles"
# URL names never stored: photo files are not pages, previews show unpublished work.
EXCLUDED_URL_NAMES = {"rendition"}
EXCLUDED_URL_WORDS = ("preview", "share")
TEXT_URL_NAMES = {"search"}
UNCACHEABLE_DIRECTIVES = ("private", "no-store", "no-cache")

_collector = ContextVar("page_cache_collector", default=None)


class Collector:
    """What one page loaded: dependency keys, and whether anything not live was among them."""

    __slots__ = ("keys", "unsafe")

    def __init__(self):
        self.keys = set()
        self.unsafe = False


def active_collector():
    return _collector.get()


def get_cache():
    return caches["default"]


def new_token():
    return secrets.token_hex(8)


def token_key(dependency):
    return f"{PREFIX}v:{dependency}"


def bump(dependencies):
    """Give each dependency a new token (and a new epoch): pages that used them are stale."""
    cache = get_cache()
    tokens = {token_key(dependency): new_token() for dependency in dependencies}
    tokens[EPOCH] = new_token()  # last, so a reader never sees the new epoch with old tokens
    cache.set_many(tokens, timeout=None)


def current_tokens(cache, dependencies):
    """{dependency: token}, creating tokens that do not exist yet."""
    keys = {token_key(dependency): dependency for dependency in dependencies}
    found = cache.get_many(keys)
    missing = {key: new_token() for key in keys if key not in found}
    if missing:
        for key, token in missing.items():
            cache.add(key, token, timeout=None)
        found.update(cache.get_many(missing))
    return {keys[key]: token for key, token in found.items()}


def page_key(request):
    location = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
    return PREFIX + "page:" + hashlib.sha256(location.encode()).hexdigest()


def has_session(request):
    """Editors, and browsers holding a preview grant for unpublished photos, get fresh pages."""
    from articles.images.renditions import PREVIEW_COOKIE

    cookies = request.COOKIES
    return any(
        name in cookies for name in (settings.SESSION_COOKIE_NAME, "messages", PREVIEW_COOKIE)
    )


class PageCacheMiddleware:
    """Serve stored anonymous pages before the rest of the request cycle; store the misses."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in ("GET", "HEAD") or not settings.PAGE_CACHE:
            return self.get_response(request)
        cache = get_cache()
        if isinstance(cache, DummyCache):
            return self.get_response(request)
        if has_session(request):
            return self.fresh_private(request)
        key = page_key(request)
        found = cache.get_many([key, EPOCH])
        entry, epoch = found.get(key), found.get(EPOCH)
        if entry is not None and self.is_fresh(cache, key, entry, epoch):
            return self.serve(request, entry)
        return self.render_and_store(request, cache, key, epoch)

    def fresh_private(self, request):
        response = self.get_response(request)
        if is_reader_page(request):
            patch_cache_control(response, private=True, no_cache=True)
        return response

    def is_fresh(self, cache, key, entry, epoch):
        content, headers, etag, modified, tokens, stored_epoch, expires = entry
        now = time.time()
        if expires <= now:
            return False
        if epoch is not None and epoch == stored_epoch:
            return True
        found = cache.get_many([token_key(dependency) for dependency in tokens])
        for dependency, token in tokens.items():
            if found.get(token_key(dependency)) != token:
                return False
        if epoch is not None:  # still fresh after a write elsewhere: skip this check next time
            entry = (content, headers, etag, modified, tokens, epoch, expires)
            cache.set(key, entry, timeout=max(int(expires - now), 1))
        return True

    def serve(self, request, entry):
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

    def render_and_store(self, request, cache, key, epoch):
        if epoch is None:
            cache.add(EPOCH, new_token(), timeout=None)
            epoch = cache.get(EPOCH)
        collector = Collector()
        reset = _collector.set(collector)
        try:
            response = self.get_response(request)
        finally:
            _collector.reset(reset)
        if not self.is_storable(request, response, collector):
            return response
        dependencies = collector.keys | {SET}
        if request.resolver_match.url_name in TEXT_URL_NAMES:
            dependencies.add(TEXT)
        tokens = current_tokens(cache, dependencies)
        found = cache.get_many([EPOCH, NEXT_CHANGE])
        if epoch is None or found.get(EPOCH) != epoch:
            return response  # something changed while this page rendered: do not keep it
        now = time.time()
        timeout = settings.PAGE_CACHE_TIMEOUT
        next_change = found.get(NEXT_CHANGE)
        if next_change is None or (next_change and next_change <= now):
            from articles.cache.invalidation import refresh_next_change

            next_change = refresh_next_change()
        if next_change:
            timeout = min(timeout, int(next_change - now))
        if timeout < 1:
            return response
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
        entry = (response.content, headers, etag, int(now), tokens, epoch, now + timeout)
        cache.set(key, entry, timeout=timeout)
        response.headers["X-Page-Cache"] = "miss"
        if "HTTP_IF_NONE_MATCH" in request.META or "HTTP_IF_MODIFIED_SINCE" in request.META:
            return get_conditional_response(
                request, etag=etag, last_modified=int(now), response=response
            )
        return response

    def is_storable(self, request, response, collector):
        if request.method != "GET" or response.status_code != 200 or collector.unsafe:
            return False
        if response.streaming or response.cookies or not is_reader_page(request):
            return False
        cache_control = response.get("Cache-Control", "").lower()
        return not any(directive in cache_control for directive in UNCACHEABLE_DIRECTIVES)


def is_reader_page(request):
    match = getattr(request, "resolver_match", None)
    if match is None or READER_NAMESPACE not in match.namespaces:
        return False
    name = match.url_name or ""
    return name not in EXCLUDED_URL_NAMES and not any(w in name for w in EXCLUDED_URL_WORDS)
