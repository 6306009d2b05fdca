"""The site's header and footer, rendered once per content and kept, as teaser cards are.

Every reader page prints the same header (the site's name, the search form and the section
menu) and the same footer; on an uncached article page rendering them cost about a twentieth
of the page, a section address at a time. They are kept in process memory under everything
they show: the site's name and each section's name and slug, with the URLconf and script
prefix the addresses are built under. A renamed, moved or new section is another key, so a
kept header is never out of date and no write has to invalidate it. tests/test_site_chrome.py
renders each one both ways and compares.
"""

from django.template import engines
from markupsafe import Markup

from articles import links
from articles.reader.kept import Kept

HEADER_TEMPLATE = "includes/header.html"
FOOTER_TEMPLATE = "includes/footer.html"
# A menu changes a few times a year; a few entries cover every site name in use.
_kept = Kept(64)


def render_header(nav_sections, site_name):
    """The header's HTML straight from its template (and what a kept one must equal)."""
    template = engines["jinja2"].env.get_template(HEADER_TEMPLATE)
    return Markup(template.render(nav_sections=nav_sections, site_name=site_name))


def render_footer(site_name):
    template = engines["jinja2"].env.get_template(FOOTER_TEMPLATE)
    return Markup(template.render(site_name=site_name))


def header_shown(nav_sections, site_name):
    """Everything the header shows, and what its addresses depend on besides."""
    menu = tuple((section.name, section.slug) for section in nav_sections or ())
    return ("header", str(site_name or ""), menu, links.url_context())


def site_header(nav_sections, site_name):
    """The header with the section menu, rendered once per content."""
    return _kept.get_or_render(
        header_shown(nav_sections, site_name), lambda: render_header(nav_sections, site_name)
    )


def site_footer(site_name):
    """The footer, rendered once per site name (and URLconf and script prefix)."""
    key = ("footer", str(site_name or ""), links.url_context())
    return _kept.get_or_render(key, lambda: render_footer(site_name))
