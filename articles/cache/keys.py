"""The key of a cached page, bounded by what the page's view reads and not by what a client sends.

A raw URL key lets anyone fill the cache: every random query string (``?x=1``, ``?x=2``, ...)
and every spelling of the host (``EXAMPLE.com``, ``example.com.``, ``example.com:8000``) was
stored as a page of its own. Here a page is known by:

* the canonical host: lowercase, without port or trailing dot, and one of ``ALLOWED_HOSTS``
  (``request.get_host()`` refuses the others with a 400);
* its path;
* only the query parameters its view reads (``PARAMETERS``, per URL name), each kept only
  when its value has the shape the view accepts; page numbers are capped at
  ``PAGE_CACHE_MAX_PAGE``. A page asked for with a value of another shape (``?page=abc``,
  ``?page=99999``) is rendered but not cached.

The view is then shown exactly what the key says: the request's query string is rebuilt from
the kept parameters and its Host header is the canonical host, so a page stored for one
spelling is right for every spelling that shares its key (absolute links in feeds and meta
tags carry the canonical host, without a port).
"""

import hashlib
import re

from django.conf import settings
from django.http import QueryDict
from django.http.request import split_domain_port

from articles.search.query import MAX_QUERY_CHARS

PREFIX = "pagecache:page:"
PAGE = re.compile(r"[1-9][0-9]{0,5}")
SLUG = re.compile(r"[-\w]{0,200}")
DATE = re.compile(r"([0-9]{4}-[0-9]{2}-[0-9]{2})?")
ANY = re.compile(r".*", re.DOTALL)

LIST_PAGE = {"page": PAGE}
# URL name (in the ``articles`` namespace) -> {parameter its view reads: accepted shape}.
# Every other URL name reads no parameter at all.
PARAMETERS = {
    "home": LIST_PAGE,
    "section": LIST_PAGE,
    "tag": LIST_PAGE,
    "author": LIST_PAGE,
    "photographer": LIST_PAGE,
    "corrections": LIST_PAGE,
    "archive": LIST_PAGE,
    "archive_year": LIST_PAGE,
    "archive_month": LIST_PAGE,
    "archive_day": LIST_PAGE,
    "search": {"q": ANY, "page": PAGE},
    # The reader's article finder: its FilterSet's fields (articles/reader/filters.py).
    "list": {
        "page": PAGE,
        "section": SLUG,
        "tag": SLUG,
        "author": SLUG,
        "published_after": DATE,
        "published_before": DATE,
    },
    "sitemap": {"p": PAGE},  # django.contrib.sitemaps pages with ?p=
}
PAGE_PARAMETERS = frozenset({"page", "p"})


def canonical_host(request):
    """``request``'s host, lowercase, without port or trailing dot; DisallowedHost if unknown."""
    domain, _port = split_domain_port(request.get_host())
    return domain


def canonical_query(url_name, query):
    """The query string the view of ``url_name`` will see, or None when not to cache it."""
    accepted = PARAMETERS.get(url_name, {})
    kept = []
    for name in sorted(accepted.keys() & query.keys()):
        value = query.getlist(name)[-1]  # what QueryDict.get(), and so the view, reads
        if name == "q":
            value = value[:MAX_QUERY_CHARS].strip()
            if not value:
                continue
        elif not accepted[name].fullmatch(value):
            return None
        if name in PAGE_PARAMETERS:
            if int(value) > settings.PAGE_CACHE_MAX_PAGE:
                return None
            if value == "1":
                continue  # the first page, as when no number is given
        kept.append((name, value))
    canonical = QueryDict(mutable=True)
    for name, value in kept:
        canonical[name] = value
    return canonical.urlencode()


def canonicalise(request, url_name):
    """Rewrite ``request`` to its canonical form and return its page key, or None."""
    query = canonical_query(url_name, request.GET) if request.META.get("QUERY_STRING") else ""
    if query is None:
        return None
    host = canonical_host(request)
    request.META["HTTP_HOST"] = host
    if query != request.META.get("QUERY_STRING", ""):
        request.META["QUERY_STRING"] = query
        request.GET = QueryDict(query)
    location = f"{request.scheme}://{host}{request.path}?{query}"
    return PREFIX + hashlib.sha256(location.encode()).hexdigest()
