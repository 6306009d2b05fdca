"""URLs that a page prints by the dozen (articles, photo renditions), without a reverse() each.

A front page prints about a hundred such addresses; reversing each cost more than the rest of
its teaser. ``url_pattern`` reverses a URL once, with probe values, per URLconf and script
prefix, and remembers it as a format string, so the URLconf stays the one source of truth.
"""

from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import timezone

_patterns = {}
_pinned = ContextVar("links_read_once", default=None)  # (url_context(), local_zone())


def url_context():
    """(URLconf, script prefix): what a built address depends on besides its arguments."""
    pinned = _pinned.get()
    if pinned is not None:
        return pinned[0]
    return (get_urlconf() or settings.ROOT_URLCONF, get_script_prefix())


def local_zone():
    """The time zone an article's address is dated in and posting times are shown in:
    Django's current one."""
    pinned = _pinned.get()
    if pinned is not None:
        return pinned[1]
    return timezone.get_current_timezone()


@contextmanager
def read_once():
    """Inside, ``url_context()`` and ``local_zone()`` answer what they read on entering.

    All three are asgiref locals, each read taking a lock (and raising and catching an
    exception while no zone is activated): an article page asked for them some forty times,
    about a tenth of its Python. None changes while one page is built: Django sets them per
    request, before the view.
    """
    context = (get_urlconf() or settings.ROOT_URLCONF, get_script_prefix())
    token = _pinned.set((context, timezone.get_current_timezone()))
    try:
        yield
    finally:
        _pinned.reset(token)


def url_pattern(name, **probes):
    """``reverse(name)`` as a str.format pattern: each probe value becomes ``{its name}``.

    Each probe must match its URL argument's pattern and appear nowhere else in the URL.
    """
    where = (*url_context(), name)
    if where not in _patterns:
        url = reverse(name, kwargs=probes).replace("{", "{{").replace("}", "}}")
        # Arguments follow the script prefix: replace from the end, last argument first.
        for argument, probe in reversed(probes.items()):
            head, found, tail = url.rpartition(str(probe))
            if not found:
                raise ValueError(f"{name}: the probe {probe!r} is not in {url!r}")
            url = head + "{" + argument + "}" + tail
        _patterns[where] = url
    return _patterns[where]


def article_url_pattern():
    """Format with ``year``, ``month`` and ``day`` (two digits) and ``slug``; a sitemap page
    fetches it once for 5,000 addresses."""
    return url_pattern("articles:article", year="9991", month="92", day="93", slug="probe-slug")


def article_url(year, month, day, slug):
    return article_url_pattern().format(
        year=year, month=f"{month:02d}", day=f"{day:02d}", slug=slug
    )


def slug_url(name, slug):
    """The page of a section, author or photographer: every page's menu lists the sections."""
    return url_pattern(name, slug="probe-slug").format(slug=slug)


def rendition_url(key, signature, spec):
    pattern = url_pattern(
        "articles:rendition", key="probe-key", signature="probe-signature", spec="probe.spec"
    )
    return pattern.format(key=key, signature=signature, spec=spec)
