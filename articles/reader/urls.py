from django.contrib.sitemaps import views as sitemap_views
from django.urls import path, re_path

from articles.reader import feeds, sitemaps, views

app_name = "articles"

DATE = r"(?P<year>[0-9]{4})/(?P<month>[0-9]{2})/(?P<day>[0-9]{2})"
# Article and tag slugs may be in any script: taggit makes "беларусь" of the tag "Беларусь".
# Sections, authors and photographers have ASCII slugs (their forms' SlugFields).
SLUG = r"(?P<slug>[-\w]+)"

urlpatterns = [
    path("", views.home, name="home"),
    re_path(rf"^{DATE}/{SLUG}/$", views.article_detail, name="article"),
    path("section/<slug:slug>/", views.section_detail, name="section"),
    re_path(rf"^tag/{SLUG}/$", views.tag_detail, name="tag"),
    path("author/<slug:slug>/", views.author_detail, name="author"),
    path(
        "author/<slug:slug>/portrait-<str:signature>.jpg",
        views.author_portrait,
        name="author_portrait",
    ),
    path("photographer/<slug:slug>/", views.photographer_detail, name="photographer"),
    path("articles/", views.article_list, name="list"),
    path("search/", views.search, name="search"),
    path("corrections/", views.corrections, name="corrections"),
    path("archive/", views.archive, name="archive"),
    path("archive/<int:year>/", views.archive, name="archive_year"),
    path("archive/<int:year>/<int:month>/", views.archive, name="archive_month"),
    path("archive/<int:year>/<int:month>/<int:day>/", views.archive, name="archive_day"),
    path(
        "photos/<slug:key>/<str:signature>/<str:spec>",
        views.rendition,
        name="rendition",
    ),
    # Feeds: RSS 2.0 and Atom of the latest articles, and per section, tag and author.
    path("feeds/rss/", feeds.LatestRss(), name="feed_rss"),
    path("feeds/atom/", feeds.LatestAtom(), name="feed_atom"),
    path("feeds/section/<slug:slug>/rss/", feeds.SectionRss(), name="feed_section_rss"),
    path("feeds/section/<slug:slug>/atom/", feeds.SectionAtom(), name="feed_section_atom"),
    re_path(rf"^feeds/tag/{SLUG}/rss/$", feeds.TagRss(), name="feed_tag_rss"),
    re_path(rf"^feeds/tag/{SLUG}/atom/$", feeds.TagAtom(), name="feed_tag_atom"),
    path("feeds/author/<slug:slug>/rss/", feeds.AuthorRss(), name="feed_author_rss"),
    path("feeds/author/<slug:slug>/atom/", feeds.AuthorAtom(), name="feed_author_atom"),
    path(
        "sitemap.xml",
        sitemap_views.index,
        {
            "sitemaps": sitemaps.SITEMAPS,
            "sitemap_url_name": "articles:sitemap",
            "template_name": "articles/sitemap_index.xml",
        },
        name="sitemap_index",
    ),
    # One sitemap's page: sitemap-articles.xml?p=2 (the index lists them all). Rendered with
    # Jinja2 (articles/jinja2/articles/sitemap.xml): Django's template took 1.5 ms a URL.
    path(
        "sitemap-<section>.xml",
        sitemap_views.sitemap,
        {"sitemaps": sitemaps.SITEMAPS, "template_name": "articles/sitemap.xml"},
        name="sitemap",
    ),
    path("news-sitemap.xml", sitemaps.news_sitemap, name="news_sitemap"),
    path("robots.txt", views.robots_txt, name="robots"),
]
