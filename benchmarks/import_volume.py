"""Import at volume (issue 18): generate raw articles, import them with the real command.

    .venv/bin/python benchmarks/import_volume.py --articles 100000 \
        --postgres-url postgres://postgres@127.0.0.1:5432/volume_bench [--status published]
    .venv/bin/python benchmarks/import_volume.py --articles 5000 --profile   # cProfile

Generates the files in a temporary folder (removed afterwards), then runs
``manage.py import_articles FOLDER --section ... --tags ...`` in this process, on a fresh
database: SQLite in the temporary folder, or the PostgreSQL database named in the URL, which
is DROPPED and created again (never point it at data you keep). Prints articles/s over the
run and for each tenth of it, and memory (tracemalloc's current and peak, and the process's
RSS) at the same points: a flat line means files are streamed, not collected.
"""

import argparse
import os
import random
import shutil
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path
from urllib.parse import urlsplit

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from benchmarks.import_benchmark import FIRST, LAST, raw_article  # noqa: E402

SECTIONS = ("World", "Politics", "Economy", "Culture", "Sport")
TAGS = ("Agency copy", "Belarus", "Trade", "Transport", "Energy", "Culture", "Minsk", "China")


def generate(folder, count, rng):
    """``count`` raw articles in ``folder``; headlines, bylines, photographers, photos,
    paragraphs and Posted dates vary (seeded). Bounded: about 10,000 files a second."""
    people = [f"{first} {last}" for first in FIRST for last in LAST]
    authors, photographers = rng.sample(people, 60), rng.sample(people, 25)
    folder.mkdir(parents=True)
    for number in range(1, count + 1):
        text = raw_article(rng, number, authors, photographers)
        (folder / f"agency-{number:06d}.txt").write_text(text, encoding="utf-8")


def rss_mb():
    """The process's resident memory now (not the peak), from /proc."""
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 1024 / 1024


class Checkpoints:
    """The command's stdout: counts one line per imported file and, every ``step`` files,
    records the time and memory (the figures the benchmark prints)."""

    def __init__(self, step):
        self.step, self.done, self.rows, self.tail = step, 0, [], []
        self.started = time.perf_counter()
        self.last = (self.started, 0)

    def write(self, text):
        for line in text.splitlines():
            if line.startswith(("created ", "updated ", "unchanged ")):
                self.done += 1
                if self.done % self.step == 0:
                    self.checkpoint()
            elif line.strip():
                self.tail.append(line)

    def flush(self):
        pass

    def checkpoint(self):
        now = time.perf_counter()
        since, count = self.last
        current, peak = (value / 1024 / 1024 for value in tracemalloc.get_traced_memory())
        self.rows.append(
            (
                self.done,
                now - self.started,
                (self.done - count) / (now - since),
                current,
                peak,
                rss_mb(),
            )
        )
        self.last = (now, self.done)


def backend_cpu_seconds(connection):
    """CPU time so far of this connection's PostgreSQL server process (same machine only)."""
    if connection.vendor != "postgresql":
        return 0.0
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def fresh_postgres(url):
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=18)
    parser.add_argument("--postgres-url", help="Database to DROP, create and import into.")
    parser.add_argument("--status", choices=["draft", "published"], default="draft")
    parser.add_argument("--profile", action="store_true", help="cProfile the import.")
    parser.add_argument("--no-tracemalloc", action="store_true", help="RSS only (faster).")
    parser.add_argument(
        "--reimport",
        action="store_true",
        help="then change every file's first paragraph and import the folder again (updates).",
    )
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="newsroom-volume-"))
    try:
        run(args, workdir)
    finally:
        shutil.rmtree(workdir)


def run(args, workdir):
    if args.postgres_url:
        fresh_postgres(args.postgres_url)
        os.environ["DATABASE_URL"] = args.postgres_url
    else:
        os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'volume.sqlite3'}"
    os.environ["MEDIA_ROOT"] = str(workdir / "media")
    os.environ.setdefault("SECRET_KEY", "benchmark-only-secret-key")
    os.environ["DJANGO_SETTINGS_MODULE"] = "newsroom.settings"
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.core.management import call_command
    from django.db import connection

    from articles.models import Article, Section, TaggedArticle
    from articles.workflow.roles import sync_roles

    call_command("migrate", verbosity=0)
    sync_roles()
    editor = get_user_model().objects.create_user("volume-editor", is_staff=True)
    editor.groups.add(Group.objects.get(name="Editors"))
    rng = random.Random(args.seed)
    for position, name in enumerate(SECTIONS):
        Section.objects.create(name=name, slug=name.lower(), position=position)
    section, tags = rng.choice(SECTIONS).lower(), ",".join(rng.sample(TAGS, 3))

    folder = workdir / "raw"
    started = time.perf_counter()
    generate(folder, args.articles, rng)
    size = sum(path.stat().st_size for path in folder.iterdir()) / 1024 / 1024
    print(
        f"Generated {args.articles} raw articles ({size:.0f} MB) in "
        f"{time.perf_counter() - started:.1f}s; database {connection.vendor}"
    )
    command = [
        "import_articles",
        str(folder),
        f"--section={section}",
        f"--tags={tags}",
        f"--status={args.status}",
        "--user=volume-editor",
        "--progress",
    ]
    print("Command: manage.py " + " ".join(command[:1] + ["FOLDER"] + command[2:]))
    if not args.no_tracemalloc:
        tracemalloc.start()
    import_and_report(command, args, connection)
    if args.reimport:
        revise(folder)
        print("\nAgain, every file's first paragraph changed: each import is an update.")
        import_and_report(command, args, connection)
    print(
        f"Database: {Article.objects.count()} articles "
        f"({Article.objects.published().count()} published), "
        f"{TaggedArticle.objects.count()} tag links"
    )


def revise(folder):
    """Change the first body paragraph of every file, as an agency resending corrected copy."""
    for path in sorted(folder.iterdir()):
        blocks = path.read_text(encoding="utf-8").split("\n\n")
        blocks[3] = blocks[3].rstrip() + " Figures revised on resend."
        path.write_text("\n\n".join(blocks), encoding="utf-8")


def import_and_report(command, args, connection):
    from django.core.management import call_command

    sink = Checkpoints(max(1, args.articles // 10))
    rss_before = rss_mb()
    load_before = os.getloadavg()[0]
    cpu_started, server_started = time.process_time(), backend_cpu_seconds(connection)
    if args.profile:
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        profiler.runcall(call_command, *command, stdout=sink, stderr=sys.stderr)
        stats = pstats.Stats(profiler).strip_dirs()
        stats.sort_stats("tottime").print_stats(25)
        stats.sort_stats("cumulative").print_stats(45)
    else:
        call_command(*command, stdout=sink, stderr=sys.stderr)
    elapsed = time.perf_counter() - sink.started
    cpu = time.process_time() - cpu_started
    server = backend_cpu_seconds(connection) - server_started
    print(*sink.tail, sep="\n")
    print(
        f"Imported {sink.done} articles in {elapsed:.1f}s = {sink.done / elapsed:.0f} articles/s "
        f"wall clock; load average {load_before:.2f} at the start, "
        f"{os.getloadavg()[0]:.2f} at the end"
    )
    print(
        f"CPU: this process {cpu:.0f}s ({cpu / sink.done * 1000:.2f} ms an article, both threads), "
        f"its database server process {server:.0f}s ({server / sink.done * 1000:.2f} ms)"
    )
    print(f"RSS before the import: {rss_before:.0f} MB")
    print(
        "| files | elapsed s | articles/s in this step | traced MB now | traced MB peak | RSS MB |"
    )
    print("|---:|---:|---:|---:|---:|---:|")
    for done, at, rate, current, peak, rss in sink.rows:
        print(f"| {done:,} | {at:.1f} | {rate:.0f} | {current:.1f} | {peak:.1f} | {rss:.0f} |")
    print(f"RSS after the import: {rss_mb():.0f} MB")


if __name__ == "__main__":
    main()
