"""The Jinja2 environment of the reader pages (templates in ``jinja2/`` folders).

Reader pages are rendered by Jinja2 and the admin by Django's own templates. An uncached
front page spent about a third of its time in Django's template engine, mostly in the
per-node overhead of twenty included teaser cards; Jinja2 compiles a template to Python
once. The markup every page shares for a photo, a byline or a posting time is built in
articles/reader/page_helpers.py.
"""

import re

from django.core.signals import setting_changed
from django.template.defaultfilters import date, pluralize
from django.templatetags import static as static_tags
from django.urls import reverse
from jinja2 import Environment, Undefined

from articles.links import slug_url, url_context, url_pattern
from articles.reader.cards import teaser
from articles.reader.chrome import site_footer, site_header
from articles.reader.figures import hero as hero_figure
from articles.reader.page_helpers import byline, highlight, picture, posted, snippet

# URLs whose one argument is a slug: an ASCII slug fills a pattern reversed once
# (articles/links.py), as reverse() would print it; anything else goes through reverse().
SLUG_URLS = frozenset(
    {
        "articles:tag",
        "articles:feed_section_rss",
        "articles:feed_section_atom",
        "articles:feed_tag_rss",
        "articles:feed_tag_atom",
        "articles:feed_author_rss",
        "articles:feed_author_atom",
    }
)
ASCII_SLUG = re.compile(r"[-a-zA-Z0-9_]+")


def url(name, *args):
    """The path of a named URL: ``url("articles:tag", tag.slug)``.

    One without arguments is reversed once per URLconf (articles/links.py): every page's
    header and footer print a dozen, and reverse() cost more than the rest of the menu. So is
    one of ``SLUG_URLS`` given an ASCII slug: an article page prints its tags' addresses.
    """
    if not args:
        return url_pattern(name).format()
    if name in SLUG_URLS and len(args) == 1 and ASCII_SLUG.fullmatch(str(args[0])):
        return slug_url(name, args[0])
    return reverse(name, args=args)


_static_urls = {}


def static(path):
    """``{% static path %}``'s URL, worked out once per path: the manifest's hashed names are
    read when the storage starts, and every reader page's head asked for two, each costing
    more than the rest of the head (about 24 us). Kept per script prefix too (which a
    relative STATIC_URL is under), and forgotten when a setting changes."""
    key = (path, url_context())
    url = _static_urls.get(key)
    if url is None:
        url = _static_urls[key] = static_tags.static(path)
    return url


def _forget_static_urls(**kwargs):
    _static_urls.clear()


setting_changed.connect(_forget_static_urls, dispatch_uid="newsroom_templating_static_urls")


def querystring(request, **changes):
    """The current query string with ``changes`` applied, as ``{% querystring %}`` makes it."""
    query = request.GET.copy()
    for key, value in changes.items():
        query[key] = value
    return f"?{query.urlencode()}"


def environment(**options):
    # A missing variable renders as nothing, as in Django's templates, also with DEBUG on
    # (where Django would pick DebugUndefined): optional ones such as ``lead`` are left out.
    env = Environment(**{**options, "undefined": Undefined})
    env.globals.update(
        url=url,
        static=static,
        querystring=querystring,
        picture=picture,
        posted=posted,
        byline=byline,
        teaser=teaser,
        hero_figure=hero_figure,
        site_header=site_header,
        site_footer=site_footer,
    )
    env.filters.update(date=date, pluralize=pluralize, highlight=highlight, snippet=snippet)
    return env
