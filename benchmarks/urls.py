"""The benchmark's baseline: a trivial Django view, served only when BENCH_TRIVIAL_VIEW=1."""

import os

from django.http import HttpResponse
from django.urls import path


def trivial(request):
    return HttpResponse(b"ok", content_type="text/plain")


def benchmark_urlpatterns():
    if os.environ.get("BENCH_TRIVIAL_VIEW") != "1":
        return []
    return [path("_bench/trivial/", trivial, name="bench_trivial")]
