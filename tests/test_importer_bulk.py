"""Many files at once: the chunked fast path writes what one-by-one importing writes."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import IntegrityError

from articles.importer import Importer, ImportOptions, RawFile, import_many
from articles.models import Article, ArticleAuthor, Author, Image, Photographer
from tests.factories import make_section

pytestmark = pytest.mark.django_db


def story(number, *, authors="Anna Kowalska and Jan Novak", photos=2):
    photo_lines = [f"Photo {n} of story {number}   Pavel Bogush" for n in range(photos)]
    lines = [
        f"Posted: 0{number}.03.2025 09:15:00",
        f"Story number {number}",
        "A standfirst",
        "Intro paragraph.",
        *photo_lines,
        "A subheading",
        "Text with *stars* and [brackets].",
        f"By {authors}",
    ]
    return "\n".join(lines).encode()


def files(count=3):
    return [RawFile(name=f"story-{n}.txt", data=story(n, photos=n)) for n in range(1, count + 1)]


def snapshot():
    """What readers and editors see, with random photo keys replaced by their position."""
    rows = []
    for article in Article.objects.order_by("headline"):
        html = article.body_html
        uses = list(article.image_uses.select_related("image__photographer"))
        for use in uses:
            html = html.replace(use.image.key, f"photo{use.position}")
        rows.append(
            {
                "headline": article.headline,
                "slug": article.slug,
                "standfirst": article.standfirst,
                "html": html,
                "status": article.status,
                "posted": article.published_at,
                "source": article.source_key,
                "section": article.section_id,
                "tags": sorted(article.tags.names()),
                "byline": [(b.position, b.author.name) for b in article.bylines.all()],
                "photos": [(u.position, u.image.caption, u.image.credit) for u in uses],
                "hero": uses[0].image_id == article.hero_image_id if uses else None,
                "placeholders": [u.image.is_placeholder for u in uses],
            }
        )
    return rows


def test_fast_path_writes_exactly_what_one_by_one_importing_writes(
    django_assert_max_num_queries,
):
    section = make_section(name="City", slug="city")
    options = ImportOptions(section=section, tags=("Minsk",))
    with django_assert_max_num_queries(30):  # for three articles; one by one is ~15 each
        results = list(import_many(Importer(options), files()))
    assert [r.outcome for r in results] == ["created"] * 3
    fast = snapshot()
    Article.objects.all().delete()
    Image.objects.all().delete()

    one_by_one = Importer(options)
    assert [one_by_one.import_file(raw).outcome for raw in files()] == ["created"] * 3
    assert snapshot() == fast
    assert fast[0]["byline"] == [(0, "Anna Kowalska"), (1, "Jan Novak")]
    assert fast[2]["photos"][2] == (2, "Photo 2 of story 3", "Pavel Bogush")


def test_a_chunk_whose_transaction_fails_is_imported_again_file_by_file(monkeypatch):
    def fail_after_writing(importer, fast):
        Image.objects.create(caption="half-written")
        raise IntegrityError("simulated clash")

    monkeypatch.setattr("articles.importer.bulk._create_all", fail_after_writing)
    results = list(import_many(Importer(), files()))
    assert [r.outcome for r in results] == ["created"] * 3
    assert not Image.objects.filter(caption="half-written").exists()
    assert Image.objects.count() == 1 + 2 + 3
    assert Author.objects.count() == 2 and Photographer.objects.count() == 1


def test_mixed_chunk_keeps_file_order_and_each_outcome():
    list(import_many(Importer(), [files()[0]]))
    raws = [
        RawFile(name="broken.txt", data=b"Posted: 99.99.2025 10:00\nH\nBy A B"),
        *files(),
    ]
    results = list(import_many(Importer(), raws, chunk_size=3))
    assert [(r.name, r.outcome) for r in results] == [
        ("broken.txt", "failed"),
        ("story-1.txt", "unchanged"),
        ("story-2.txt", "created"),
        ("story-3.txt", "created"),
    ]
    assert Article.objects.count() == 3
    assert ArticleAuthor.objects.count() == 6


def test_command_imports_a_large_folder_in_chunks(tmp_path):
    for number in range(1, 121):
        (tmp_path / f"story-{number:03d}.txt").write_bytes(story(number % 9 + 1, photos=1))
    out = StringIO()
    call_command("import_articles", str(tmp_path), stdout=out)
    assert "120 created, 0 updated, 0 unchanged, 0 failed" in out.getvalue()
    assert Article.objects.count() == 120
    assert len(set(Article.objects.values_list("slug", flat=True))) == 120
    assert Image.objects.count() == 120 and Photographer.objects.count() == 1
