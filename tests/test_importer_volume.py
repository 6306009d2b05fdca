"""Importing a large folder: what the fast path writes is what readers and editors get."""

from io import StringIO

import pytest
from django.core.management import call_command

from articles.importer import Importer, ImportOptions, RawFile, import_many, parse_raw_article
from articles.importer.markup import body_html, body_plain_text
from articles.models import Article, OldSlug
from articles.models.security import SecurityEvent
from articles.rendering import body_plain, render_body
from articles.search.query import search_articles
from articles.workflow import transitions as workflow
from tests.factories import make_article, make_section

pytestmark = pytest.mark.django_db

TRICKY = "Prices & <b>taxes</b> “rise” 5 > 4, isn't it?\u00a0Yes &amp; no."


def raw(number, *, headline=None, body="The railway reached Chengdu on time.", photos=0):
    lines = [
        f"Posted: 0{number % 9 + 1}.03.2025 09:15:00",
        headline or f"Story number {number}",
        "A standfirst",
        body,
        *[f"Photo {n} of story {number}   Pavel Bogush" for n in range(photos)],
        "A subheading",
        "Closing paragraph.",
        "By Anna Kowalska",
    ]
    return RawFile(name=f"story-{number}.txt", data="\n".join(lines).encode())


def test_bulk_imported_body_text_is_what_saving_the_article_would_store():
    [result] = import_many(Importer(), [raw(1, body=TRICKY, photos=2)])
    article = Article.objects.get(pk=result.article.pk)
    stored = (article.body_html, article.body_plain)
    article.save()
    assert (article.body_html, article.body_plain) == stored
    assert "Prices & <b>taxes</b> “rise” 5 > 4, isn't it? Yes &amp; no." in stored[1]


def test_plain_text_from_blocks_matches_the_rendered_body_for_the_sample():
    with open("/work/shared/samples/in-liaison-with-the-celestial-empire.txt") as sample:
        parsed = parse_raw_article(sample.read())
    html = body_html(parsed.blocks, [f"key{n}" for n in range(len(parsed.photos))])
    assert body_plain_text(parsed.blocks) == body_plain(render_body(html))


def test_bulk_imported_article_shows_its_tags_in_the_order_given_and_search_finds_it(client):
    options = ImportOptions(section=make_section(), tags=("Zeta", "Alpha", "Minsk"))
    [result] = import_many(Importer(options), [raw(1)])
    assert list(search_articles("Chengdu")) == []  # a draft: no reader finds it
    workflow.publish_imported(result.article, user=None, source="story-1.txt")

    page = client.get(result.article.get_absolute_url()).content.decode()
    assert page.index(">Zeta<") < page.index(">Alpha<") < page.index(">Minsk<")
    assert [a.pk for a in search_articles("Chengdu")] == [result.article.pk]


def test_new_slugs_skip_numbered_slugs_in_use_and_repeated_headlines():
    make_article(headline="Other", slug="budget-talks-2")
    OldSlug.objects.create(article=Article.objects.get(), slug="budget-talks-3")
    raws = [raw(n, headline="Budget talks") for n in range(1, 4)]
    results = list(import_many(Importer(), raws))
    assert [r.article.slug for r in results] == ["budget-talks", "budget-talks-4", "budget-talks-5"]


def test_a_parse_error_in_a_later_chunk_names_file_and_line_and_spares_the_rest():
    raws = [raw(n) for n in range(1, 8)]
    raws[5] = RawFile(
        name="broken.txt", data=b"Posted: 31.02.2025 10:00\nHeadline\nBy Anna Kowalska"
    )
    results = list(import_many(Importer(), raws, chunk_size=2))
    assert [r.outcome for r in results] == ["created"] * 5 + ["failed", "created"]
    assert results[5].error.startswith("broken.txt, line 1: 31.02.2025 10:00:00 is not a real")
    assert Article.objects.count() == 6


def test_command_shows_a_progress_bar_and_logs_the_whole_run_once(tmp_path, capsys):
    for number in range(1, 26):
        (tmp_path / f"story-{number:02d}.txt").write_bytes(raw(number).data)
    out = StringIO()
    call_command("import_articles", str(tmp_path), "--progress", stdout=out)
    assert "25/25" in capsys.readouterr().err
    assert out.getvalue().count("created    ") == 25
    [event] = SecurityEvent.objects.filter(kind=SecurityEvent.Kind.IMPORT)
    assert event.target == "25 created, 0 updated, 0 unchanged, 0 failed"
    assert event.detail.endswith("story-20.txt and 5 more")
