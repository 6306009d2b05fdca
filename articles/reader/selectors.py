"""Reads that span several models for the reader pages. Views stay thin; templates get data."""

import datetime
import json
import unicodedata
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone
from django.utils.dateformat import format as format_date
from django.utils.html import strip_tags
from django.utils.safestring import mark_safe
from django.utils.text import Truncator

from articles.images import renditions
from articles.reader import article_page, figures, related
from articles.rendering import insert_figures

RELATED_COUNT = 4
DESCRIPTION_CHARS = 200  # link previews and search engines show about this many
# An "Updated" note is shown only for a change made this long after posting.
UPDATE_THRESHOLD = datetime.timedelta(minutes=5)
JSON_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@dataclass(frozen=True)
class PageMeta:
    """Title, description, canonical address and link-preview data of one page."""

    title: str
    description: str
    canonical: str
    image: str = ""
    og_type: str = "website"
    site_name: str = ""
    noindex: bool = False

    @property
    def document_title(self):
        """The <title>: 'Page | Site', or the site name alone on the home page."""
        if not self.site_name or self.title == self.site_name:
            return self.title
        return f"{self.title} | {self.site_name}"


def site_name():
    return settings.NEWSROOM_SITE_NAME


def absolute(request, url):
    """``url`` with scheme and host when there is a request to take them from."""
    return request.build_absolute_uri(url) if request is not None else url


def shortened(text, length):
    """``Truncator(text).chars(length)``, without its character-by-character walk for a text
    that already fits: what it returns then is the text in NFC form."""
    text = unicodedata.normalize("NFC", text)
    return text if len(text) <= length else Truncator(text).chars(length)


def page_meta(
    request, *, title, description="", path=None, image=None, og_type="website", noindex=False
):
    """PageMeta with absolute URLs; page 2+ of a list keeps its page number in the canonical."""
    canonical = absolute(request, path or request.path)
    page = request.GET.get("page", "") if request is not None else ""
    if path is None and page.isdigit() and int(page) > 1:
        canonical = f"{canonical}?page={int(page)}"
    description = shortened(" ".join(strip_tags(description or "").split()), DESCRIPTION_CHARS)
    return PageMeta(
        title=title,
        description=description or f"News and analysis from {site_name()}.",
        canonical=canonical,
        image=absolute(request, image) if image else "",
        og_type=og_type,
        site_name=site_name(),
        noindex=noindex,
    )


def archive_articles(articles, *, year, month=None, day=None):
    """(articles of that year, month or day in the newsroom's time zone, its title).

    Raises ValueError for a date that does not exist, such as 31 February or the year 0, and
    for years 1 and 9999, whose bounds in the newsroom's zone fall outside what datetime holds.
    """
    if not datetime.MINYEAR < year < datetime.MAXYEAR:
        raise ValueError(f"Year {year} is out of range.")
    try:
        date = datetime.date(year, month or 1, day or 1)
    except OverflowError as error:  # a month or day beyond a C long, from the URL
        raise ValueError("Date out of range.") from error
    # One range of publish times, which the index on published_at serves; month and day
    # lookups compare EXTRACT(... AT TIME ZONE) row by row, across a whole year's articles.
    if day:
        after, title_format = date + datetime.timedelta(days=1), "j F Y"
    elif month:
        after, title_format = (date + datetime.timedelta(days=31)).replace(day=1), "F Y"
    else:
        after, title_format = date.replace(year=year + 1), "Y"
    zone = timezone.get_current_timezone()
    articles = articles.filter(
        published_at__gte=datetime.datetime.combine(date, datetime.time(), tzinfo=zone),
        published_at__lt=datetime.datetime.combine(after, datetime.time(), tzinfo=zone),
    )
    return articles, format_date(date, title_format)


def latest_cards(offset, count):
    """The front page's stories: published, newest first, as cards with their bylines."""
    return article_page.latest_cards(offset, count, now=timezone.now())


def nav_sections():
    return article_page.sections_for_menu()


def share_image_url(image):
    """A 1200-pixel JPEG of the photo for link previews and structured data, or ''."""
    if image is None or not image.file:
        return ""
    return renditions.rendition_url(image, "width-1200.jpg")


def updated_at(article):
    """When readers should see 'Updated ...', or None."""
    posted, changed = article.published_at, article.last_published_at
    if posted and changed and changed - posted > UPDATE_THRESHOLD:
        return changed
    return None


def has_picture(image):
    return image is not None and bool(image.file) and renditions.original_available(image)


def shown_figures(images_by_key):
    """The body's photos minus those whose original is missing (a placeholder still awaiting
    its file keeps its captioned slot)."""
    return {
        key: image
        for key, image in images_by_key.items()
        if not image.file or renditions.original_available(image)
    }


def without_hero_slot(body_html, hero):
    """The body without the hero photo's slot: the hero is shown above the text, once."""
    if hero is None:
        return body_html
    return body_html.replace(f'<figure data-image="{hero.key}"></figure>', "", 1)


def article_json_ld(article, request, *, hero_url="", corrections=(), authors=None, tags=None):
    """schema.org NewsArticle as a JSON string that is safe inside a <script> element.

    ``authors`` and ``tags`` default to the article's own (a preview passes proposed ones).
    """
    authors = article.byline_authors if authors is None else authors
    tags = article.tags.all() if tags is None else tags
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.headline[:110],
        "description": article.seo_description or article.standfirst,
        "mainEntityOfPage": absolute(request, article.get_absolute_url()),
        "datePublished": article.published_at.isoformat() if article.published_at else None,
        "dateModified": max(
            filter(None, [article.published_at, article.last_published_at])
        ).isoformat()
        if article.published_at
        else None,
        "author": [
            {
                "@type": "Person",
                "name": author.name,
                "url": absolute(request, author.get_absolute_url()),
            }
            for author in authors
        ],
        "publisher": {
            "@type": "NewsMediaOrganization",
            "name": site_name(),
            "url": absolute(request, "/"),
        },
    }
    if hero_url:
        data["image"] = [absolute(request, hero_url)]
    if article.section_id:
        data["articleSection"] = article.section.name
    keywords = [tag.name for tag in tags]
    if keywords:
        data["keywords"] = keywords
    if corrections:
        data["correction"] = [
            {
                "@type": "CorrectionComment",
                "text": f"{note.get_kind_display()}: {note.text}",
                "datePublished": note.published_at.isoformat(),
            }
            for note in corrections
        ]
    return mark_safe(json.dumps(data, ensure_ascii=False).translate(JSON_ESCAPES))


def article_page_context(article, request=None, *, now=None):
    """The context of ``articles/article_detail.html``; staff preview renders the same page.

    An article that is not live (a preview) is marked noindex. The hero photo is shown above
    the text with its credit; when the body also places it, that slot is dropped so no photo
    appears twice.
    """
    now = now or timezone.now()
    article_page.furnish(article, now=now)  # no query when the view read it with the page
    tags, corrections = article_page.tags(article), article_page.corrections(article)
    related_cards, previous, following = related.related_and_neighbours(
        article, [tag.pk for tag in tags], now=now, limit=RELATED_COUNT
    )
    article_page.attach_bylines([article, *related_cards])
    sections = article_page.sections_for_menu()
    hero = article.hero_image if has_picture(article.hero_image) else None
    body_html = without_hero_slot(article.body_html, hero)
    hero_url = share_image_url(hero)
    return {
        "article": article,
        "authors": article.byline_authors,
        "tags": tags,
        "hero": hero,
        "body": insert_figures(
            body_html, shown_figures(article_page.body_photos(article)), render=figures.figure
        ),
        "updated_at": updated_at(article),
        "corrections": corrections,
        "related": related_cards,
        "previous": previous,
        "next": following,
        "nav_sections": sections,
        "site_name": site_name(),
        "json_ld": article_json_ld(
            article, request, hero_url=hero_url, corrections=corrections, tags=tags
        ),
        "meta": page_meta(
            request,
            title=article.seo_title or article.headline,
            description=article.seo_description or article.standfirst,
            path=article.get_absolute_url(),
            image=hero_url,
            og_type="article",
            noindex=not article.is_live,
        ),
    }
