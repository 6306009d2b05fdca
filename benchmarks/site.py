"""Benchmark data: `python benchmarks/site.py generate N` fills the database named by
DATABASE_URL with a newsroom of N articles (plus the demo's sample article) and prints the
URLs to measure as JSON (with ``tail``: the addresses of up to 1,000 distinct published
articles, for the long-tail run); `python benchmarks/site.py queries URL...` prints the SQL
statements each page costs with every cache off. Run by benchmarks/run.py, which points DATABASE_URL and
MEDIA_ROOT at throwaway places; never run it against a real database.
"""

import json
import os
import random
import sys
from datetime import timedelta
from io import BytesIO, StringIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")

WORDS = (
    "minister council river harvest potash tractor budget school hospital museum railway "
    "border festival theatre football forest election factory bridge winter summer market"
).split()
PHOTO_COUNT = 24
TAIL = 1_000  # distinct published articles requested in random order, page cache off
SEARCH_WORD = "embassy"  # not in WORDS: found in 2% of articles, like a real query


def photos(media_root):
    """A few real JPEG files that many Image rows share (renditions need real pixels)."""
    from PIL import Image as Picture

    folder = Path(media_root) / "originals"
    folder.mkdir(parents=True, exist_ok=True)
    names = []
    for n in range(PHOTO_COUNT):
        name = f"originals/bench-{n}.jpg"
        path = Path(media_root) / name
        if not path.exists():
            buffer = BytesIO()
            Picture.new("RGB", (1600, 1067), (40 + n * 8, 90, 140)).save(buffer, "JPEG")
            path.write_bytes(buffer.getvalue())
        names.append(name)
    return names


def paragraph(rng, words=60):
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."


def html(blocks):
    """The body as the editor stores it (already clean): both ``body`` and ``body_html``."""
    out = []
    for block in blocks:
        if block.startswith("[[image "):
            out.append(f'<figure data-image="{block[8:-2]}"></figure>')
        elif block.startswith("## "):
            out.append(f"<h2>{block[3:]}</h2>")
        else:
            out.append(f"<p>{block}</p>")
    return "".join(out)


def generate(count):
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import transaction
    from django.utils import timezone
    from django.utils.text import slugify
    from taggit.models import Tag

    from articles.models import (
        Article,
        ArticleAuthor,
        ArticleImage,
        Author,
        Image,
        Photographer,
        Section,
        TaggedArticle,
    )
    from articles.rendering import body_plain

    call_command("migrate", verbosity=0)
    call_command("load_demo", verbosity=0, stdout=StringIO())
    sample = Article.objects.get()
    rng = random.Random(2026)
    with transaction.atomic():
        sections = list(Section.objects.all()) + Section.objects.bulk_create(
            Section(name=f"Desk {n}", slug=f"desk-{n}", position=10 + n) for n in range(8)
        )
        authors = Author.objects.bulk_create(
            Author(name=f"Writer {n}", slug=f"writer-{n}", role="Correspondent") for n in range(200)
        )
        photographers = Photographer.objects.bulk_create(
            Photographer(name=f"Photographer {n}", slug=f"photographer-{n}") for n in range(60)
        )
        tags = Tag.objects.bulk_create(
            Tag(name=f"topic {n}", slug=f"topic-{n}") for n in range(400)
        )
        files = photos(settings.MEDIA_ROOT)
        images = Image.objects.bulk_create(
            Image(
                key=f"bench{n:04d}",
                file=files[n % len(files)],
                width=1600,
                height=1067,
                orientation=1,  # as Image.save records it: these JPEGs carry no EXIF rotation
                caption=f"Photo caption {n}",
                alt_text=f"What photo {n} shows",
                photographer=photographers[n % len(photographers)],
            )
            for n in range(600)
        )
        now = timezone.now()
        articles, uses = [], []
        for n in range(count):
            pictures = rng.sample(images, 2)
            blocks = (
                [paragraph(rng), f"[[image {pictures[0].key}]]", paragraph(rng), "## More"]
                + [paragraph(rng) for _ in range(4)]
                + [f"[[image {pictures[1].key}]]", paragraph(rng)]
            )
            if n % 50 == 0:
                blocks.append(f"The {SEARCH_WORD} line opens next year.")
            body = html(blocks)
            headline = " ".join(rng.choice(WORDS) for _ in range(7)).capitalize()
            articles.append(
                Article(
                    headline=headline,
                    slug=f"{slugify(headline)[:200]}-{n}",
                    standfirst=paragraph(rng, 25),
                    body=body,
                    body_html=body,
                    body_plain=body_plain(body),  # what save() derives; bulk_create does not
                    hero_image=rng.choice(images),
                    section=sections[n % len(sections)],
                    status=Article.Status.DRAFT if n % 20 == 7 else Article.Status.PUBLISHED,
                    published_at=now - timedelta(minutes=30 + n * 47),
                )
            )
            uses.append(pictures)
        articles = Article.objects.bulk_create(articles, batch_size=1000)
        ArticleAuthor.objects.bulk_create(
            (
                ArticleAuthor(article=article, author=author, position=position)
                for article in articles
                for position, author in enumerate(rng.sample(authors, rng.randint(1, 3)))
            ),
            batch_size=2000,
        )
        TaggedArticle.objects.bulk_create(
            (
                TaggedArticle(content_object=article, tag=tag)
                for article in articles
                for tag in [tags[0], *rng.sample(tags[1:], rng.randint(2, 4))]
                if tag is not tags[0] or article.pk % 10 == 0
            ),
            batch_size=2000,
        )
        ArticleImage.objects.bulk_create(
            (
                ArticleImage(article=article, image=image, position=position)
                for article, pictures in zip(articles, uses, strict=True)
                for position, image in enumerate(pictures)
            ),
            batch_size=2000,
        )
    from django.db import connection

    with connection.cursor() as cursor:  # fresh statistics, as a live database would have
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    live = [article for article in articles if article.status == Article.Status.PUBLISHED]
    tail = [article.get_absolute_url() for article in rng.sample(live, min(TAIL, len(live)))]
    return {
        "tail": tail,
        "trivial": "/_bench/trivial/",
        "home": "/",
        "article": sample.get_absolute_url(),
        "section": sample.section.get_absolute_url() if sample.section else "/section/desk-0/",
        "tag": f"/tag/{tags[0].slug}/",
        "search": f"/search/?q={SEARCH_WORD}",
        "rss": "/feeds/rss/",
    }


def queries(urls):
    """{url: SQL statements of the second request with every cache off} via the test client."""
    os.environ["PAGE_CACHE"] = "0"
    os.environ["CACHE_DISABLED"] = "1"
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    counts = {}
    for url in urls:
        client.get(url)
        with CaptureQueriesContext(connection) as captured:
            status = client.get(url).status_code
        counts[url] = len(captured) if status == 200 else None
    return counts


if __name__ == "__main__":
    command, *arguments = sys.argv[1:]
    if command == "generate":
        print(json.dumps(generate(int(arguments[0]))))
    elif command == "queries":
        print(json.dumps(queries(arguments)))
    else:
        sys.exit(f"unknown command {command!r}: use 'generate N' or 'queries URL...'")
