"""A million-article archive on PostgreSQL: `python benchmarks/million.py [--articles 1000000]`.

Fills a PostgreSQL database with N published articles (and one draft in twenty beside them)
by COPY, with authors, sections, tags and a few photos, and a second database with 10,000
articles made the same way (same density: one article every five minutes), then serves each
with gunicorn (page cache off, DEBUG off) and measures the same pages on both: each page alone
(p50/p95 of sequential requests) and under a bounded wrk load. It prints the figures and the
ratios and appends them to benchmarks/RESULTS.md.

A database that already holds its articles is reused, so a second run skips the generation
(`--regenerate` starts again). Articles go in by COPY with the secondary indexes dropped and
rebuilt afterwards; the search vector is the table's generated column (migration 0003), so
the database fills it as it does for every write of the app. Not a test: it asserts nothing.

Subcommands run inside Django with DATABASE_URL set: `generate N`, `urls`, `session`.
"""

import argparse
import json
import os
import platform
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")

from benchmarks.run import base_environment, free_port, status_of, wait_until_up, wrk  # noqa: E402

PYTHON = sys.executable
SMALL = 10_000
SPACING = timedelta(minutes=5)  # 288 articles a day, at every size
DRAFT_EVERY = 20  # one article in twenty is a draft (written by the benchmark's writer)
SEARCH_WORD = "embassy"  # not in WORDS: in one article in fifty
WORDS = (
    "minister council river harvest potash tractor budget school hospital museum railway "
    "border festival theatre football forest election factory bridge winter summer market "
    "village harbour tunnel airport court senate orchestra library vaccine drought"
).split()
ARTICLE_COLUMNS = (
    "id, headline, slug, standfirst, body, body_html, body_plain, status, published_at, "
    "first_published_at, last_published_at, seo_title, seo_description, version, "
    "has_unpublished_changes, created_at, updated_at, hero_image_id, section_id, created_by_id"
)
BIG_TABLES = [
    "articles_article",
    "articles_articleauthor",
    "articles_taggedarticle",
    "articles_articleimage",
]
PAGES = [
    "home",
    "article",
    "section",
    "tag",
    "author",
    "archive_day",
    "search",
    "search_common",
    "search_nowhere",
    "rss",
    "sitemap_index",
    "sitemap_page",
    "news_sitemap",
    "admin_list",
    "admin_filter",
    "admin_search",
    "admin_change",
]


# --- inside Django -------------------------------------------------------------------------


def generate(count):
    """N published articles (plus drafts) unless the database holds them already."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    from articles.models import Article

    held = Article.objects.count()
    if held >= rows_for(count):
        print(json.dumps({"generated": False}))
        return
    if held:
        sys.exit(f"The database holds {held} articles, fewer than {rows_for(count)}: --regenerate")
    started = time.monotonic()
    small_rows(count)
    with connection.cursor() as cursor:
        cursor.execute("SET statement_timeout = 0")  # the app's 30 s limit is for requests
        indexes = drop_secondary_indexes(cursor)
        copy_articles(cursor, count)
        for sql in indexes:
            cursor.execute(sql)
        for table in BIG_TABLES:
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT coalesce(max(id), 1) FROM {table}))"
            )
    with connection.cursor() as cursor:
        cursor.execute("SET statement_timeout = 0")
        cursor.execute("VACUUM ANALYZE")
    print(json.dumps({"generated": True, "seconds": round(time.monotonic() - started)}))


def rows_for(count):
    """Articles written for ``count``: the drafts beside them make about ``count`` published."""
    return count + count // (DRAFT_EVERY - 1)


def small_rows(count):
    """Sections, authors, tags, photographers, photos and two users, through the ORM."""
    from django.conf import settings
    from django.contrib.auth.models import Group, User
    from taggit.models import Tag

    from articles.models import Author, Image, Photographer, Section
    from benchmarks.site import photos

    Section.objects.bulk_create(
        Section(name=f"Desk {n}", slug=f"desk-{n}", position=n) for n in range(12)
    )
    Author.objects.bulk_create(
        Author(name=f"Writer {n}", slug=f"writer-{n}", role="Correspondent") for n in range(500)
    )
    Tag.objects.bulk_create(Tag(name=f"topic {n}", slug=f"topic-{n}") for n in range(2000))
    photographers = Photographer.objects.bulk_create(
        Photographer(name=f"Photographer {n}", slug=f"photographer-{n}") for n in range(60)
    )
    files = photos(settings.MEDIA_ROOT)
    Image.objects.bulk_create(
        Image(
            key=f"bench{n:04d}",
            file=files[n % len(files)],
            width=1600,
            height=1067,
            orientation=1,
            caption=f"Photo caption {n}",
            alt_text=f"What photo {n} shows",
            photographer=photographers[n % len(photographers)],
        )
        for n in range(600)
    )
    editor = User.objects.create_user("bench-editor", password="x", is_staff=True)
    editor.groups.add(Group.objects.get(name="Editors"))
    writer = User.objects.create_user("bench-writer", password="x", is_staff=True)
    writer.groups.add(Group.objects.get(name="Writers"))


def drop_secondary_indexes(cursor):
    """Drops the big tables' plain indexes (not keys or unique constraints); returns their
    CREATE statements, to run once the rows are in: one sorted build beats a million inserts."""
    cursor.execute(
        "SELECT i.indexname, i.indexdef FROM pg_indexes i "
        "WHERE i.tablename = ANY(%s) AND NOT EXISTS "
        "(SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)",
        [BIG_TABLES],
    )
    rows = cursor.fetchall()
    for name, _ in rows:
        cursor.execute(f'DROP INDEX "{name}"')
    return [definition for _, definition in rows]


def copy_articles(cursor, count):
    """COPY the articles and their bylines, tags and body photos, newest with the highest id."""
    from django.contrib.auth.models import User
    from django.utils import timezone
    from taggit.models import Tag

    from articles.models import Author, Image, Section

    rng = random.Random(2026)
    sections = list(Section.objects.values_list("id", flat=True))
    authors = list(Author.objects.values_list("id", flat=True))
    tags = list(Tag.objects.order_by("id").values_list("id", flat=True))
    images = list(Image.objects.values_list("id", "key"))
    writer = User.objects.get(username="bench-writer").pk
    total = rows_for(count)
    now = timezone.now()
    cursor.execute("SET session_replication_role = replica")  # no per-row FK triggers
    raw = cursor.cursor
    # One COPY at a time on a connection: the link rows wait in lists for their turn.
    bylines, tagged, uses = [], [], []
    with raw.copy(f"COPY articles_article ({ARTICLE_COLUMNS}) FROM STDIN") as articles:
        for pk in range(1, total + 1):
            draft = pk % DRAFT_EVERY == 7
            published = now - (total - pk) * SPACING - timedelta(minutes=1)
            words = [rng.choice(WORDS) for _ in range(7)]
            headline = " ".join(words).capitalize()
            paragraphs = [
                " ".join(rng.choice(WORDS) for _ in range(50)).capitalize() + "." for _ in range(3)
            ]
            if pk % 50 == 0:
                paragraphs.append(f"The {SEARCH_WORD} line opens next year.")
            photo = rng.choice(images) if pk % 5 == 0 else None
            html = "".join(f"<p>{p}</p>" for p in paragraphs)
            if photo:
                html = html.replace("</p>", f'</p><figure data-image="{photo[1]}"></figure>', 1)
            articles.write_row(
                (
                    pk,
                    headline,
                    f"{'-'.join(words)}-{pk}",
                    " ".join(rng.choice(WORDS) for _ in range(25)).capitalize() + ".",
                    html,
                    html,
                    "\n\n".join(paragraphs),
                    "draft" if draft else "published",
                    None if draft else published,
                    None if draft else published,
                    None if draft else published,
                    "",
                    "",
                    1,
                    False,
                    published,
                    published,
                    rng.choice(images)[0],
                    sections[pk % len(sections)],
                    writer if draft else None,
                )
            )
            for position, author in enumerate(rng.sample(authors, rng.randint(1, 3))):
                bylines.append((pk, author, position))
            # A long tail of tags, and one common tag on every tenth article.
            chosen = set(rng.sample(tags[1:], rng.randint(2, 4)))
            if pk % 10 == 0:
                chosen.add(tags[0])
            for tag in chosen:
                tagged.append((pk, tag))
            if photo:
                uses.append((pk, photo[0], 0))
    links = [
        ("articles_articleauthor (article_id, author_id, position)", bylines),
        ("articles_taggedarticle (content_object_id, tag_id)", tagged),
        ("articles_articleimage (article_id, image_id, position)", uses),
    ]
    for table, rows in links:
        with raw.copy(f"COPY {table} FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
    cursor.execute("SET session_replication_role = DEFAULT")


def urls():
    """The addresses to measure, chosen alike at every size."""
    import django

    django.setup()
    from django.utils import timezone

    from articles.models import Article

    published = Article.objects.published()
    rng = random.Random(7)
    newest = published.order_by("-id").values_list("id", flat=True).first()
    articles = [
        a.get_absolute_url()
        for a in published.filter(id__in=[newest - rng.randint(500, 9000) for _ in range(40)])
    ]
    day = timezone.localdate() - timedelta(days=1)
    change = Article.objects.order_by("-id").values_list("id", flat=True)[100]
    print(
        json.dumps(
            {
                "home": ["/"],
                "article": articles,
                "section": ["/section/desk-3/"],
                "tag": ["/tag/topic-0/"],
                "author": ["/author/writer-7/"],
                "archive_day": [f"/archive/{day.year}/{day.month}/{day.day}/"],
                "search": [f"/search/?q={SEARCH_WORD}"],
                "search_common": ["/search/?q=minister"],  # a WORDS word: two articles in three
                "search_nowhere": ["/search/?q=zanzibar"],
                "rss": ["/feeds/rss/"],
                "sitemap_index": ["/sitemap.xml"],
                "sitemap_page": ["/sitemap-articles.xml?p=1"],
                "sitemap_last": ["/sitemap-articles.xml?p=LAST"],
                "news_sitemap": ["/news-sitemap.xml"],
                "admin_list": ["/admin/articles/article/"],
                "admin_filter": ["/admin/articles/article/?section__id__exact=4"],
                "admin_search": [f"/admin/articles/article/?q={SEARCH_WORD}"],
                "admin_change": [f"/admin/articles/article/{change}/change/"],
            }
        )
    )


def session():
    """A signed-in editor's session key (as the login view would store it)."""
    import django

    django.setup()
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.models import User
    from django.contrib.sessions.backends.db import SessionStore

    editor = User.objects.get(username="bench-editor")
    store = SessionStore()
    store[SESSION_KEY] = str(editor.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = editor.get_session_auth_hash()
    store.create()
    print(json.dumps({"sessionid": store.session_key}))


# --- the measurement -----------------------------------------------------------------------


def ensure_database(url):
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if not exists.fetchone():
            connection.execute(f'CREATE DATABASE "{name}"')


def drop_database(url):
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')


def django_command(env, *command, timeout=3600):
    result = subprocess.run(
        [PYTHON, __file__, *command],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if result.returncode != 0:
        sys.exit(f"{command} failed:\n{result.stdout}\n{result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def sequential(base, paths, cookie, requests):
    """p50/p95 in ms of ``requests`` sequential GETs over one kept-alive connection."""
    import http.client

    host, port = base.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=30)
    headers = {"Cookie": cookie} if cookie else {}
    timings = []
    for n in range(requests + 3):
        path = paths[n % len(paths)]
        started = time.perf_counter()
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        response.read()
        elapsed = (time.perf_counter() - started) * 1000
        if response.status != 200:
            sys.exit(f"{path} answered {response.status}")
        if response.getheader("Connection", "").lower() == "close":
            connection.close()
            connection = http.client.HTTPConnection(host, int(port), timeout=30)
        if n >= 3:  # the first requests warm the worker's caches and connections
            timings.append(elapsed)
    connection.close()
    timings.sort()
    return {
        "p50": statistics.median(timings),
        "p95": timings[min(len(timings) - 1, round(0.95 * len(timings)) - 1)],
    }


def measure(kind, env, args, folder):
    port = free_port()
    env = {**env, "GUNICORN_BIND": f"127.0.0.1:{port}"}
    base = f"http://127.0.0.1:{port}"
    pages = django_command(env, "urls")
    cookie = "sessionid=" + django_command(env, "session")["sessionid"]
    server = subprocess.Popen(
        [str(Path(PYTHON).parent / "gunicorn"), "-c", "gunicorn.conf.py", "newsroom.wsgi"],
        env=env,
        cwd=ROOT,
    )
    results = {}
    try:
        wait_until_up(base)
        last = last_sitemap_page(base)
        pages["sitemap_last"] = [f"/sitemap-articles.xml?p={last}"]
        for page in [*PAGES, "sitemap_last"]:
            if args.pages and page not in args.pages.split(","):
                continue
            paths = pages[page]
            admin = page.startswith("admin")
            if not admin and status_of(base + paths[0]) != 200:
                print(f"  {kind:>5} {page:<14} skipped: {paths[0]} is not 200")
                continue
            figures = sequential(base, paths, cookie if admin else "", args.requests)
            script = wrk_script(folder, page, paths, cookie if admin else "")
            load = wrk(base + paths[0], args.duration, args.connections, script=script)
            figures.update(rps=load["rps"], load_p50=load["p50"], load_p99=load["p99"])
            figures["errors"] = load["errors"]
            results[page] = figures
            print(
                f"  {kind:>5} {page:<14} alone p50 {figures['p50']:7.1f} ms  "
                f"p95 {figures['p95']:7.1f} ms   load {load['rps']:6.1f} req/s  "
                f"p50 {load['p50']:7.1f} ms  p99 {load['p99']:7.1f} ms"
                + (f"  {load['errors']} non-2xx!" if load["errors"] else ""),
                flush=True,
            )
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    return results


def last_sitemap_page(base):
    import re
    import urllib.request

    with urllib.request.urlopen(base + "/sitemap.xml", timeout=60) as response:
        index = response.read().decode()
    numbers = [int(n) for n in re.findall(r"sitemap-articles\.xml\?p=(\d+)", index)]
    return max(numbers, default=1)


def wrk_script(folder, page, paths, cookie):
    """A wrk script that rotates through ``paths`` and sends the session cookie, if any."""
    script = Path(folder) / f"{page}.lua"
    header = f"wrk.headers['Cookie'] = {json.dumps(cookie)}\n" if cookie else ""
    script.write_text(
        header + "paths = {" + ", ".join(json.dumps(p) for p in paths) + "}\n"
        "counter = 0\n"
        "request = function()\n  counter = counter + 1\n"
        "  return wrk.format('GET', paths[counter % #paths + 1])\nend\n"
    )
    return str(script)


def arguments():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=1_000_000)
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get(
            "MILLION_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/million"
        ),
        help="the big archive's database (NAME_10k beside it holds the small one)",
    )
    parser.add_argument("--regenerate", action="store_true", help="drop and fill both again")
    parser.add_argument("--requests", type=int, default=40, help="sequential requests a page")
    parser.add_argument("--duration", type=int, default=3, help="seconds of wrk load a page")
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--output", default=str(ROOT / "benchmarks" / "RESULTS.md"))
    parser.add_argument("--sites", default="10k,big", help="which of the two to measure")
    parser.add_argument("--pages", default="", help="comma-separated pages to measure (all)")
    parser.add_argument("--no-write", action="store_true", help="print, do not touch RESULTS.md")
    return parser.parse_args()


def main():
    args = arguments()
    load_before = os.getloadavg()
    sites = {"10k": (args.postgres_url + "_10k", SMALL), "big": (args.postgres_url, args.articles)}
    reports = {}
    with tempfile.TemporaryDirectory(prefix="newsroom-million-") as folder:
        media = Path(tempfile.gettempdir()) / "newsroom-million-media"  # kept for a second run
        for kind, (url, count) in sites.items():
            if kind not in args.sites.split(","):
                continue
            if args.regenerate:
                drop_database(url)
            ensure_database(url)
            env = base_environment(Path(folder), url, 0)
            env.update(MEDIA_ROOT=str(media), PAGE_CACHE="0", REQUIRE_2FA="0")
            started = time.monotonic()
            made = django_command(env, "generate", str(count), timeout=4 * 3600)
            took = time.monotonic() - started
            print(
                f"{kind}: {count} articles "
                + (f"generated in {took:.0f} s" if made["generated"] else "already there")
            )
            subprocess.run(
                [PYTHON, "manage.py", "collectstatic", "--noinput", "-v", "0"],
                env=env,
                cwd=ROOT,
                check=True,
                timeout=300,
            )
            reports[kind] = measure(kind, env, args, folder)
    if set(reports) != set(sites):
        return
    table = comparison(reports, args.articles)
    print("\n" + table)
    if not args.no_write:
        append_results(args, table, load_before)


def comparison(reports, count):
    small, big = reports["10k"], reports["big"]
    lines = [
        f"| page | 10k p50 | {count:,} p50 | ratio | 10k p95 | {count:,} p95 | "
        f"10k req/s | {count:,} req/s |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for page in [*PAGES, "sitemap_last"]:
        if page not in small or page not in big:
            continue
        a, b = small[page], big[page]
        lines.append(
            f"| {page} | {a['p50']:.1f} | {b['p50']:.1f} | {b['p50'] / a['p50']:.2f} | "
            f"{a['p95']:.1f} | {b['p95']:.1f} | {a['rps']:.0f} | {b['rps']:.0f} |"
        )
    return "\n".join(lines)


def append_results(args, table, load_before):
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    section = [
        "",
        "## A million-article archive (PostgreSQL)",
        "",
        f"- Date: {date.today().isoformat()} ({datetime.now():%H:%M}), commit `{commit}`",
        f"- Machine: {platform.node()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        f"- Load average before / after: {load_before[0]:.2f} / {os.getloadavg()[0]:.2f}",
        f"- Command: `python benchmarks/million.py --articles {args.articles}`; page cache off, "
        f"milliseconds; alone = {args.requests} sequential requests, load = wrk "
        f"-c{args.connections} for {args.duration} s.",
        "",
        table,
        "",
        "Reading: (to be written by hand after the run)",
        "",
    ]
    with open(args.output, "a") as results:
        results.write("\n".join(section))


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    if command == "generate":
        generate(int(sys.argv[2]))
    elif command == "urls":
        urls()
    elif command == "session":
        session()
    else:
        main()
