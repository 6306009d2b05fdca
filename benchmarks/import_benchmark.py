"""Import benchmark: generate raw articles in the sample's format and import them.

    .venv/bin/python benchmarks/import_benchmark.py [--articles 1000] [--seed 1]

Runs against a throw-away SQLite database and media folder in a temporary directory (never
your db.sqlite3, removed afterwards unless --keep) and prints articles per second and peak
memory. Not a test: figures vary by
machine. Target on the 2-core reference machine: at least 200 articles/s.
"""

import argparse
import os
import random
import resource
import shutil
import sys
import tempfile
import time
import tracemalloc
from io import StringIO
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
NBSP = "\u00a0"
WORDS = (
    "the council agreed new budget for schools roads and hospitals after long debate in which "
    "ministers from both parties argued about taxes trade security transport culture energy "
    "farmers exporters said prices would rise while experts warned that growth may slow down "
    "next year unless investment returns to the regions where factories have closed"
).split()
FIRST = "Anna Igor Pavel Maria Olga Jan Piotr Elena Viktor Sofia Marek Ilse Tomas Nadia".split()
LAST = "Savostenko Bogush Kowalska Petrovsky Novak Ivanova Horvat Berg Lindqvist Moreau".split()


def sentence(rng, low=8, high=24):
    words = rng.choices(WORDS, k=rng.randint(low, high))
    return " ".join(words).capitalize() + rng.choice([".", ".", ".", "?", "!"])


def raw_article(rng, number, authors, photographers):
    """One raw article with 2-12 paragraphs, 0-3 subheadings, 0-5 photos, 1-3 authors."""
    posted = f"Posted: {rng.randint(1, 28):02d}.{rng.randint(1, 12):02d}.{rng.randint(2015, 2025)}"
    lines = [f"{posted} {rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}"]
    lines += ["", f"{sentence(rng, 4, 9)[:-1]} {number}", "", sentence(rng, 12, 30)[:-1], ""]
    body = []
    for _ in range(rng.randint(2, 12)):
        text = " ".join(sentence(rng) for _ in range(rng.randint(1, 6)))
        body.append(text + rng.choice(["", "", NBSP, NBSP + " "]))
    for _ in range(rng.randint(0, 3)):
        heading = " ".join(rng.choices(WORDS, k=rng.randint(2, 5))).capitalize()
        body.insert(rng.randint(1, len(body)), heading + "\n")
    for _ in range(rng.randint(0, 5)):
        credit = rng.choice(photographers)
        if rng.random() < 0.2:
            line = credit  # a credit-only photo line
        else:
            gap = rng.choice(["   ", f"{NBSP} {NBSP} {NBSP} ", "\t\t\t", "    "])
            line = f"{sentence(rng, 5, 14)[:-1]}{gap}{credit}"
        body.insert(rng.randint(0, len(body)), line)
    lines += [f"{entry}\n" if rng.random() < 0.7 else entry for entry in body]
    names = rng.sample(authors, rng.randint(1, 3))
    byline = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    text = "\n".join(lines) + f"\nBy {byline}"
    return text.replace("\n", "\r\n") if rng.random() < 0.2 else text


def generate(folder, count, rng, prefix):
    people = [f"{first} {last}" for first in FIRST for last in LAST]
    authors, photographers = rng.sample(people, 40), rng.sample(people, 15)
    folder.mkdir(parents=True, exist_ok=True)
    for number in range(1, count + 1):
        text = raw_article(rng, number, authors, photographers)
        (folder / f"{prefix}-{number:05d}.txt").write_text(text, encoding="utf-8")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", action="store_true", help="Keep the temporary folder.")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="newsroom-bench-"))
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ["MEDIA_ROOT"] = str(workdir / "media")
    os.environ.setdefault("SECRET_KEY", "benchmark-only-secret-key")
    os.environ["DJANGO_SETTINGS_MODULE"] = "newsroom.settings"
    sys.path.insert(0, str(BASE_DIR))
    import django

    django.setup()
    from django.core.management import call_command

    from articles.importer import Importer, RawFile, iter_raw_files
    from articles.models import Article, Image

    call_command("migrate", verbosity=0)
    rng = random.Random(args.seed)
    first, second = workdir / "raw", workdir / "raw-memory"
    generate(first, args.articles, rng, "story")
    generate(second, args.articles, rng, "memory")
    size = sum(path.stat().st_size for path in first.iterdir()) / 1024 / 1024
    print(f"Generated {args.articles} raw articles ({size:.1f} MB) in {workdir}")

    def timed(label, note):
        started, cpu_started = time.perf_counter(), time.process_time()
        call_command("import_articles", str(first), verbosity=0, stdout=StringIO())
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
        print(
            f"{label}: {args.articles} articles in {elapsed:.2f}s = "
            f"{args.articles / elapsed:.0f} articles/s wall clock, "
            f"{args.articles / cpu:.0f} articles/s of CPU time ({note})"
        )

    timed("Import (new)    ", "created")
    timed("Re-import (same)", "all unchanged")

    # Memory: import another batch under tracemalloc; the peak after a tenth of the files
    # and after all of them should be about the same (files are streamed, not collected).
    importer = Importer()
    tracemalloc.start()
    checkpoints = {max(1, args.articles // 10), max(1, args.articles // 2), args.articles}
    for number, path in enumerate(iter_raw_files([second]), 1):
        result = importer.import_file(RawFile(name=path.name, data=path.read_bytes()))
        assert not result.failed, result.error
        if number in checkpoints:
            peak = tracemalloc.get_traced_memory()[1] / 1024 / 1024
            print(f"Peak traced memory after {number:>5} files: {peak:.1f} MB")
    tracemalloc.stop()
    print(f"Database: {Article.objects.count()} articles, {Image.objects.count()} photos")
    max_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"Process peak RSS: {max_rss:.0f} MB")
    if not args.keep:
        shutil.rmtree(workdir)


if __name__ == "__main__":
    main()
