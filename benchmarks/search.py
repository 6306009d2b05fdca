"""Search benchmark: `python benchmarks/search.py [--articles 10000] [--repeat 40]`.

Fills a throwaway SQLite database with N articles (benchmarks/site.py generate, so the same
newsroom as benchmarks/run.py) and times, for each of a set of reader queries, what the search
page asks of the database (the count and the first page of cards) with the portable substring
search (before) and the full-text index (after: FTS5), and the whole search page through
Django's test client (page cache off, DEBUG off). Prints p50 and p99 in milliseconds and the
ratio. `--postgres URL` runs the same on PostgreSQL (its GIN index after) in a database it
drops and recreates. Not a test: it asserts nothing, and nothing else should run meanwhile.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
QUERIES = {
    "common word (in most articles)": "railway",
    "rare word (2% of articles)": "embassy",
    "two words": "minister budget",
    "prefix": "rail",
    "word form (stem)": "elections",
    "no match": "zeppelin",
    "operators and quotes": '"railway" OR NEAR(budget*) -',
    "non-Latin": "北京 地铁",
}


def arguments():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=40, help="timed runs per query and search")
    parser.add_argument("--keep", help="use (and keep) this SQLite file; generated if missing")
    parser.add_argument("--postgres", help="a PostgreSQL database URL to drop, fill and measure")
    return parser.parse_args()


def timings(run, repeat):
    """(p50, p99) in ms of ``run()`` over ``repeat`` runs after one warm-up run."""
    run()
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    return statistics.median(samples), samples[min(len(samples) - 1, int(len(samples) * 0.99))]


def main():
    args = arguments()
    workdir = Path(tempfile.mkdtemp(prefix="newsroom-search-bench-"))
    database = Path(args.keep) if args.keep else workdir / "bench.sqlite3"
    fresh = not database.exists()
    url = f"sqlite:///{database}"
    if args.postgres:
        from benchmarks.run import recreate_postgres

        recreate_postgres(args.postgres)
        url, fresh = args.postgres, True
    os.environ.update(
        DATABASE_URL=url,
        MEDIA_ROOT=str(workdir / "media"),
        STATIC_ROOT=str(workdir / "static"),
        SECRET_KEY="benchmark-only-" + "x" * 50,
        ALLOWED_HOSTS="testserver",
        SECURE_SSL_REDIRECT="0",
        PAGE_CACHE="0",
        LOG_LEVEL="ERROR",
    )
    os.environ.pop("DEBUG", None)
    from benchmarks import site

    if fresh:
        started = time.monotonic()
        site.generate(args.articles)
        print(f"{args.articles} articles generated in {time.monotonic() - started:.0f} s")
    else:
        import django

        django.setup()
    from django.core.management import call_command
    from django.core.paginator import Paginator
    from django.test import Client

    from articles.models import Article
    from articles.reader.views import PAGE_SIZE
    from articles.search import portable
    from articles.search.query import search_articles

    def database_work(search, query):
        def run():
            page = Paginator(search(query).for_listing().defer(None), PAGE_SIZE).get_page(1)
            return page.paginator.count, list(page)

        return run

    call_command("collectstatic", interactive=False, verbosity=0)  # DEBUG off needs the manifest
    client = Client()
    print(f"{Article.objects.published().count()} published articles, {url}")
    print(
        f"{'query':34} {'results':>7} | {'portable p50':>12} {'p99':>7} | "
        f"{'index p50':>9} {'p99':>6} | {'ratio':>6} | {'page p50':>8} {'p99':>6}"
    )
    for label, query in QUERIES.items():
        count = search_articles(query).count()
        before = timings(database_work(portable.search_articles, query), args.repeat)
        after = timings(database_work(search_articles, query), args.repeat)
        page = timings(lambda q=query: client.get("/search/?" + urlencode({"q": q})), args.repeat)
        print(
            f"{label:34} {count:7} | {before[0]:12.1f} {before[1]:7.1f} | "
            f"{after[0]:9.2f} {after[1]:6.2f} | {before[0] / after[0]:5.0f}x | "
            f"{page[0]:8.1f} {page[1]:6.1f}"
        )


if __name__ == "__main__":
    main()
