from django.contrib import admin
from django.urls import include, path

from articles.admin.importing import import_view
from benchmarks.urls import benchmark_urlpatterns

admin.site.site_header = "Newsroom"
admin.site.site_title = "Newsroom admin"
admin.site.index_title = "Editorial desk"

urlpatterns = [
    path(
        "admin/articles/article/import/", admin.site.admin_view(import_view), name="article_import"
    ),
    path("admin/", admin.site.urls),
    path("preview/", include("articles.preview_urls")),
    path("", include("articles.urls")),
]
urlpatterns += benchmark_urlpatterns()  # empty unless BENCH_TRIVIAL_VIEW=1
