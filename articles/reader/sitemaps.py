"""sitemap.xml, an index of sitemap pages (home, articles, sections, tags, authors), and a Google
News sitemap of the last 48 hours.

Django's sitemap views page each sitemap by ``Sitemap.limit`` URLs; the index lists every page
(``sitemap-articles.xml?p=2``...). Articles are paged by id ranges (``KeyRangePaginator``), so
a page's URLs stay put as the archive grows (only the last page changes), and neither the index
nor a page counts the archive or skips rows with OFFSET.
"""

from datetime import timedelta

from django.contrib.sitemaps import Sitemap
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from articles import links
from articles.models import Article, tags_prefetch
from articles.reader import facets
from articles.reader.paging import KeyRangePaginator, OnePageWhileTheTableFits
from articles.reader.selectors import site_name

NEWS_WINDOW = timedelta(hours=48)
NEWS_LIMIT = 1000  # Google News reads at most 1,000 URLs per sitemap


class ArticleSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.8
    # Google reads up to 50,000 URLs a page; a page of 10,000 took 15 s to render with Django's
    # template on a busy 2-core machine. Smaller pages are quicker to build and to fetch again,
    # and a million articles still fit in two hundred of them.
    limit = 5_000

    def items(self):
        return Article.objects.published().order_by("id")

    @property
    def paginator(self):
        return KeyRangePaginator(
            self.items().values_list("slug", "published_at", "last_published_at"), self.limit
        )

    def get_urls(self, page=1, site=None, protocol=None):
        """A page's URLs from plain rows and one URL pattern: Django's loop builds a model and
        calls four hooks per article (1.4 s for 5,000 under load, 4x this)."""
        prefix = f"{self.get_protocol(protocol)}://{self.get_domain(site)}"
        pattern = links.article_url_pattern()
        zone = timezone.get_current_timezone()
        urls = []
        for slug, published_at, last_published_at in self.paginator.page(page).object_list:
            day = published_at.astimezone(zone)
            location = pattern.format(
                year=day.year, month=f"{day.month:02d}", day=f"{day.day:02d}", slug=slug
            )
            urls.append(
                {
                    "location": prefix + location,
                    "lastmod": last_published_at or published_at,
                    "changefreq": self.changefreq,
                    "priority": str(self.priority),
                }
            )
        # Django's view sends the newest lastmod as Last-Modified (for conditional requests).
        self.latest_lastmod = max((url["lastmod"] for url in urls), default=None)
        return urls

    def get_latest_lastmod(self):
        """The index's date: the last published change, read from one row (Django's default
        computes ``lastmod`` of every article in Python)."""
        return (
            self.items()
            .exclude(last_published_at=None)
            .order_by("-last_published_at")
            .values_list("last_published_at", flat=True)
            .first()
        )


class FitsOnePageSitemap(Sitemap):
    """Sections, tags or authors: one page in the index without counting them (paging.py)."""

    @property
    def paginator(self):
        return OnePageWhileTheTableFits(self._items(), self.limit)


class SectionSitemap(FitsOnePageSitemap):
    changefreq = "hourly"
    priority = 0.6

    def items(self):
        return facets.sections_of(Article.objects.published())


class TagSitemap(FitsOnePageSitemap):
    changefreq = "daily"
    priority = 0.4

    def items(self):
        return facets.tags_of(Article.objects.published()).order_by("name")

    def location(self, item):
        return reverse("articles:tag", kwargs={"slug": item.slug})


class AuthorSitemap(FitsOnePageSitemap):
    changefreq = "daily"
    priority = 0.5

    def items(self):
        # No lastmod: each author's newest article, worked out for every author, is a join of
        # every byline ever written (seconds on a million articles) for a hint crawlers may skip.
        return facets.authors_of(Article.objects.published()).order_by("name")


class HomeSitemap(Sitemap):
    changefreq = "hourly"
    priority = 1.0

    def items(self):
        return ["articles:home"]

    def location(self, item):
        return reverse(item)


SITEMAPS = {
    "home": HomeSitemap,
    "articles": ArticleSitemap,
    "sections": SectionSitemap,
    "tags": TagSitemap,
    "authors": AuthorSitemap,
}


@require_safe
def news_sitemap(request):
    """Articles published in the last 48 hours, in Google News sitemap format; rendered with
    Jinja2 from the few columns it shows (whole articles and Django's template took 0.6 s for
    550 articles under load)."""
    since = timezone.now() - NEWS_WINDOW
    articles = (
        Article.objects.published()
        .filter(published_at__gte=since)
        .only("headline", "slug", "published_at")
        .prefetch_related(tags_prefetch())
        .latest()[:NEWS_LIMIT]
    )
    entries = [
        {
            "loc": request.build_absolute_uri(article.get_absolute_url()),
            "published": timezone.localtime(article.published_at).isoformat(),
            "headline": article.headline,
            "keywords": ", ".join(tag.name for tag in article.tag_list),
        }
        for article in articles
    ]
    return render(
        request,
        "articles/news_sitemap.xml",
        {"entries": entries, "publication": site_name()},
        content_type="application/xml; charset=utf-8",
    )
