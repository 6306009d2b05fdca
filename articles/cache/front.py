"""Page-cache hits answered in front of Django's request handler (see newsroom/wsgi.py).

A hit answered by the middleware (articles/cache/pages.py) still went through Django's whole
request cycle around it, which cost about as much as the benchmark's trivial view does. Where
the hit must also ask another server whether anything changed (the token query on
PostgreSQL, one Redis round trip), a cached page was then slower than the trivial view.

This WSGI application answers a fresh hit itself and hands every other request, unchanged,
to Django. It restates no rule: it applies, with their own code, exactly what a hit meets in
Django, which is the middleware listed before the page cache in ``MIDDLEWARE``:

* ``TrustedProxyMiddleware``: the same ``apply_trusted_proxies`` decides which forwarding
  headers are believed (and so whether the request is HTTPS);
* ``SecurityMiddleware``: its own ``process_request`` (a request it would redirect to HTTPS
  is left to Django) and ``process_response`` (HSTS, nosniff, referrer and opener policy);
* ``WhiteNoiseMiddleware``: static files are never page-cache hits; their paths go to Django;
* the page cache itself: ``pages.look_up_in_front``, the same lookup, host check, canonical
  key, session check, freshness rules and conditional GET as the middleware, and
  ``pages.without_body`` for HEAD.

Requests the page cache never answers (``PAGE_CACHE=0``, the admin, anything not a reader
page) go to Django at once, costing the front a path lookup. A page looked up here and not
found fresh is rendered and stored by Django without a second lookup (``pages.FRONT_MISS``).

Django's ``request_started`` and ``request_finished`` signals are sent as its handler sends
them, so database connections are checked and closed as for any request. If ``MIDDLEWARE``
before the page cache is not the list above, the front stands aside and Django answers
everything. Anything unexpected (a disallowed host, a token store that cannot be read) is
Django's to answer, with its own error handling.
"""

import logging

from django.conf import settings
from django.core import signals
from django.core.exceptions import SuspiciousOperation
from django.core.handlers.wsgi import WSGIRequest, get_path_info
from django.middleware.security import SecurityMiddleware

from articles.cache import pages
from newsroom.proxies import apply_trusted_proxies

logger = logging.getLogger("articles.cache")

PAGE_CACHE_MIDDLEWARE = "articles.cache.pages.PageCacheMiddleware"
# What a request meets in Django before the page cache; the front applies each of them.
BEFORE_THE_PAGE_CACHE = [
    "newsroom.proxies.TrustedProxyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
]


def front_applies():
    """True when ``MIDDLEWARE`` puts before the page cache exactly what the front applies."""
    middleware = list(settings.MIDDLEWARE)
    if PAGE_CACHE_MIDDLEWARE not in middleware:
        return False
    return middleware[: middleware.index(PAGE_CACHE_MIDDLEWARE)] == BEFORE_THE_PAGE_CACHE


class PageCacheFront:
    """A WSGI application: page-cache hits here, every other request to ``handler``."""

    def __init__(self, handler):
        self.handler = handler
        self.handler_class = type(handler)
        self.active = front_applies()
        if not self.active:
            logger.warning(
                "Page cache front off: MIDDLEWARE before %s is not %s; Django answers hits",
                PAGE_CACHE_MIDDLEWARE,
                BEFORE_THE_PAGE_CACHE,
            )
        self.security = SecurityMiddleware(self.handler)
        self.static_prefix = "/" + settings.STATIC_URL.lstrip("/")

    def __call__(self, environ, start_response):
        response = self.stored_page(environ) if self.may_answer(environ) else None
        if response is None:
            return self.handler(environ, start_response)
        # As Django's WSGIHandler: the response's close() sends request_finished.
        response._handler_class = self.handler_class
        start_response(f"{response.status_code} {response.reason_phrase}", list(response.items()))
        return response

    def may_answer(self, environ):
        """Cheap checks first: any request the page cache cannot answer goes to Django
        at once, without paying for the front (PAGE_CACHE=0, the admin, static files)."""
        return (
            self.active
            and environ.get("REQUEST_METHOD") in ("GET", "HEAD")
            and pages.is_enabled()
            and pages.reader_url_name(get_path_info(environ)) is not None
            and not environ.get("PATH_INFO", "").startswith(self.static_prefix)
        )

    def stored_page(self, environ):
        """The response to a fresh hit, or None for Django to answer the request."""
        signals.request_started.send(sender=self.handler_class, environ=environ)
        # A copy: the rules below rewrite the environ, and Django must get it as it came.
        request = WSGIRequest(environ.copy())
        try:
            apply_trusted_proxies(request.META)
            if self.security.process_request(request) is not None:
                return None  # redirected to HTTPS: Django answers
            lookup = pages.look_up_in_front(request)
        except SuspiciousOperation:
            return None  # a disallowed host, say: Django answers 400 and logs it
        except Exception:
            logger.exception("Page cache front failed on %s; Django answers", request.path)
            return None
        if lookup is None:
            return None
        if lookup.hit is None:
            if not lookup.unreadable:  # Django renders and stores it without asking again
                environ[pages.FRONT_MISS] = (lookup.key, lookup.epoch)
            return None
        return pages.without_body(request, self.security.process_response(request, lookup.hit))
