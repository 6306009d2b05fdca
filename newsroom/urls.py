import os

from django.contrib import admin
from django.urls import include, path

from articles.admin.importing import import_view

admin.site.site_header = "Newsroom"
admin.site.site_title = "Newsroom admin"
admin.site.index_title = "Editorial desk"

# A database outage is a 503 with Retry-After, any other fault the 500 page (newsroom/errors.py).
handler500 = "newsroom.errors.server_error"

urlpatterns = [
    path(
        "admin/articles/article/import/", admin.site.admin_view(import_view), name="article_import"
    ),
    # Our two-step sign-in and two-factor set-up, before the admin's own /admin/login/.
    path("admin/", include("articles.security.urls")),
    path("admin/", admin.site.urls),
    path("preview/", include("articles.workflow.preview_urls")),
    path("", include("articles.reader.urls")),
]

if os.environ.get("BENCH_TRIVIAL_VIEW") == "1":
    # The benchmark's baseline view (benchmarks/run.py starts the server from the checkout);
    # the site never imports the benchmarks package otherwise.
    from benchmarks.urls import benchmark_urlpatterns

    urlpatterns += benchmark_urlpatterns()
