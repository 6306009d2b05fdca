"""Importing raw copy into the database: the command, idempotence, people, photos, failures."""

import re
from io import StringIO
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.utils import timezone

from articles.importer import Importer, ImportOptions, RawFile
from articles.models import Article, Author, Image, Photographer, WorkflowEvent
from tests.factories import jpeg_bytes, make_author, make_photographer, make_section

pytestmark = pytest.mark.django_db

SAMPLE = Path(__file__).parent / "data" / "in-liaison-with-the-celestial-empire.txt"
FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "demo.json"


def story(headline="Bridges over the Svislach", byline="By Anna Kowalska", photo="Pavel Bogush"):
    photo_line = f"The river at dawn   {photo}\n\n" if photo else ""
    return (
        f"Posted: 02.03.2025 09:15:00\n\n{headline}\n\nThe city builds two new bridges.\n\n"
        f"The first will open in May.\n\n{photo_line}New crossings\n\n"
        f"Traffic should ease by *autumn* [1].\n\n{byline}"
    )


def run(*args):
    out, err = StringIO(), StringIO()
    call_command("import_articles", *map(str, args), stdout=out, stderr=err)
    return out.getvalue() + err.getvalue()


def test_sample_imports_as_a_draft_with_every_part_intact():
    output = run(SAMPLE)
    article = Article.objects.get()
    assert "1 created, 0 updated, 0 unchanged, 0 failed" in output
    assert article.status == Article.Status.DRAFT
    assert timezone.localtime(article.published_at).strftime("%d.%m.%Y %H:%M:%S") == (
        "21.08.2024 13:30:22"
    )
    assert article.headline == "In liaison with the Celestial Empire"
    assert article.slug == "in-liaison-with-the-celestial-empire"
    assert article.standfirst.endswith("allows expanding our co-operation")
    assert [author.name for author in article.authors.all()] == ["Igor Savostenko"]
    assert article.body_html.count("<h2>") == 4 and article.body_html.count("<p>") == 14
    photos = [use.image for use in article.image_uses.select_related("image__photographer")]
    assert [(p.caption[:22], p.credit, p.is_placeholder) for p in photos] == [
        ("Joint Belarus-China an", "Pavel Bogush", True),
        ("", "Pavel Bogush", True),
        ("Joint Belarus-China an", "Pavel Bogush", True),
    ]
    assert article.hero_image == photos[0]
    assert Photographer.objects.count() == 1
    assert "\u00a0" not in article.body and "“Any exercises" in article.body_html


def test_sample_import_renders_the_same_body_as_the_shipped_fixture():
    call_command("loaddata", FIXTURE, verbosity=0)
    shipped = Article.objects.get()
    run(SAMPLE)
    imported = Article.objects.exclude(pk=shipped.pk).get()

    def keys_by_position(article):
        html = article.body_html
        for position, use in enumerate(article.image_uses.all()):
            html = html.replace(f'data-image="{use.image.key}"', f'data-image="photo{position}"')
        return html

    assert keys_by_position(imported) == keys_by_position(shipped)
    assert imported.headline == shipped.headline and imported.standfirst == shipped.standfirst
    shipped_photos = [(u.image.caption, u.image.credit) for u in shipped.image_uses.all()]
    assert [(u.image.caption, u.image.credit) for u in imported.image_uses.all()] == shipped_photos


def test_reimporting_the_same_file_is_unchanged_and_an_edited_file_updates(tmp_path):
    path = tmp_path / "bridges.txt"
    path.write_text(story(), encoding="utf-8")
    run(path)
    first = Article.objects.get()
    assert "0 created, 0 updated, 1 unchanged" in run(path)
    path.write_text(story(headline="Bridges over the river", photo="Ivan Petrov"), "utf-8")
    assert "0 created, 1 updated, 0 unchanged" in run(path)
    article = Article.objects.get()
    assert (article.pk, article.slug) == (first.pk, first.slug)
    assert article.headline == "Bridges over the river"
    assert Image.objects.get().credit == "Ivan Petrov"  # the same photo, credit corrected
    assert Author.objects.count() == 1


def test_reimport_keeps_a_photo_file_the_desk_has_since_supplied(tmp_path):
    path = tmp_path / "bridges.txt"
    path.write_text(story(), encoding="utf-8")
    run(path)
    (tmp_path / "photos").mkdir()
    (tmp_path / "photos" / "bridges-1.jpg").write_bytes(jpeg_bytes())
    assert "1 updated" in run(path, "--images", tmp_path / "photos")
    image = Image.objects.get()
    assert image.file and not image.is_placeholder and default_storage.exists(image.file.name)
    assert "1 unchanged" in run(path)
    assert Image.objects.get().file == image.file


def test_authors_and_photographers_match_ignoring_case_spacing_and_diacritics(tmp_path):
    author = make_author(name="Anna Kowalská")
    photographer = make_photographer(name="Pavel Bogush")
    path = tmp_path / "bridges.txt"
    path.write_text(story(byline="By ANNA  kowalska and Jan Novak", photo="PAVEL bogush"), "utf-8")
    run(path)
    article = Article.objects.get()
    assert list(article.byline_authors) == [author, Author.objects.get(name="Jan Novak")]
    assert Image.objects.get().photographer == photographer
    assert Photographer.objects.count() == 1


def test_new_people_get_unique_slugs(tmp_path):
    make_author(name="Someone Else", slug="anna-kowalska")
    path = tmp_path / "bridges.txt"
    path.write_text(story(), encoding="utf-8")
    run(path)
    assert Author.objects.get(name="Anna Kowalska").slug == "anna-kowalska-2"


def test_paragraph_text_that_looks_like_markdown_is_shown_as_written(tmp_path):
    path = tmp_path / "bridges.txt"
    path.write_text(story(), encoding="utf-8")
    run(path)
    assert "Traffic should ease by *autumn* [1].</p>" in Article.objects.get().body_html


def test_failing_file_in_a_folder_leaves_nothing_while_the_others_import(tmp_path, stored_files):
    (tmp_path / "a-good.txt").write_text(story(), encoding="utf-8")
    (tmp_path / "b-bad.txt").write_text(story(byline="Written by nobody"), encoding="utf-8")
    (tmp_path / "c-good.txt").write_text(story(headline="Another"), encoding="utf-8")
    (tmp_path / "photos").mkdir()
    for name in ("a-good-1.jpg", "b-bad-1.jpg"):
        (tmp_path / "photos" / name).write_bytes(jpeg_bytes())
    with pytest.raises(CommandError, match="2 created, 0 updated, 0 unchanged, 1 failed"):
        run(tmp_path, "--images", tmp_path / "photos")
    assert set(Article.objects.values_list("headline", flat=True)) == {
        "Bridges over the Svislach",
        "Another",
    }
    files = stored_files("originals/")
    assert len(files) == 1 and Image.objects.filter(is_placeholder=False).count() == 1


def test_failure_after_people_were_created_rolls_them_back(tmp_path):
    raw = RawFile(
        name="bridges.txt",
        data=story(byline="By Brand New").encode(),
        photos=[("broken.jpg", b"not a jpeg")],
    )
    importer = Importer(ImportOptions())
    result = importer.import_file(raw)
    assert result.failed and "photo broken.jpg: The file is not a readable image" in result.error
    assert not Author.objects.exists() and not Photographer.objects.exists()
    assert not Image.objects.exists() and not Article.objects.exists()
    raw.photos = []
    assert importer.import_file(raw).outcome == "created"  # forgets the rolled-back people
    assert Author.objects.get().name == "Brand New"


def test_error_names_the_file_and_line_and_the_exit_status_is_non_zero(tmp_path):
    path = tmp_path / "bad-date.txt"
    path.write_text("Posted: 31.02.2024 10:00:00\nHeadline\nBy A B", encoding="utf-8")
    err = StringIO()
    with pytest.raises(CommandError, match="0 created, 0 updated, 0 unchanged, 1 failed"):
        call_command("import_articles", str(path), stdout=StringIO(), stderr=err)
    assert f"{path}, line 1: 31.02.2024 10:00:00 is not a real date" in err.getvalue()


def test_missing_path_and_unknown_section_are_refused_before_importing(tmp_path):
    with pytest.raises(CommandError, match="No such file or folder"):
        run(tmp_path / "nope.txt")
    with pytest.raises(CommandError, match="No section 'sport'"):
        run(SAMPLE, "--section", "sport")
    assert not Article.objects.exists()


def test_dry_run_reports_but_writes_nothing(tmp_path):
    output = run(SAMPLE, "--dry-run")
    assert "Dry run: 1 created" in output and "(not saved: dry run, 3 photo(s)" in output
    assert not Article.objects.exists() and not Author.objects.exists()
    assert not Image.objects.exists()


def test_section_tags_and_published_status_are_applied_through_the_workflow(tmp_path):
    section = make_section(name="City", slug="city")
    path = tmp_path / "bridges.txt"
    path.write_text(story(photo=None), encoding="utf-8")
    run(path, "--section", "City", "--tags", "Bridges, Minsk", "--status", "published")
    article = Article.objects.get()
    assert article.section == section and set(article.tags.names()) == {"Bridges", "Minsk"}
    assert article.status == Article.Status.PUBLISHED
    assert article.first_published_at == article.published_at
    assert Article.objects.published().get() == article
    event = WorkflowEvent.objects.get(article=article)
    assert (event.from_status, event.to_status, event.transition) == (
        "draft",
        "published",
        "import",
    )


def test_published_import_with_a_photo_lacking_alt_text_is_kept_a_draft_and_says_why(client):
    make_section(name="International", slug="international")
    output = run(SAMPLE, "--section", "International", "--status", "published")
    article = Article.objects.get()
    assert article.status == Article.Status.DRAFT
    assert "kept as a draft, not published" in output
    assert re.search(r"Photo \S+ has no alt text", output)
    assert not WorkflowEvent.objects.filter(article=article).exists()
    assert client.get(article.get_absolute_url()).status_code == 404


def test_reimport_refuses_to_change_a_live_article_unless_told_to_publish(tmp_path):
    make_section(name="City", slug="city")
    path = tmp_path / "bridges.txt"
    path.write_text(story(photo=None), encoding="utf-8")
    run(path, "--section", "City", "--status", "published")
    assert Article.objects.get().status == Article.Status.PUBLISHED
    path.write_text(story(headline="Changed", photo=None), encoding="utf-8")
    with pytest.raises(CommandError, match="1 failed"):
        run(path)
    assert Article.objects.get().headline == "Bridges over the Svislach"
    assert "1 updated" in run(path, "--status", "published")
    assert Article.objects.get().headline == "Changed"


def test_two_files_with_the_same_name_in_one_run_do_not_merge(tmp_path):
    for folder in ("one", "two"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "bridges.txt").write_text(story(headline=folder), "utf-8")
    with pytest.raises(CommandError, match="1 created, 0 updated, 0 unchanged, 1 failed"):
        run(tmp_path)
    assert Article.objects.get().headline == "one"


def test_photos_beyond_the_files_supplied_stay_placeholders(tmp_path):
    (tmp_path / "photos").mkdir()
    (tmp_path / "photos" / "in-liaison-with-the-celestial-empire-2.jpg").write_bytes(jpeg_bytes())
    output = run(SAMPLE, "--images", tmp_path / "photos")
    assert "3 photo(s), 2 needing files" in output
    uses = Article.objects.get().image_uses.order_by("position")
    assert [bool(use.image.file) for use in uses] == [False, True, False]
    assert Image.objects.placeholders().count() == 2


def test_summary_reports_each_file_and_the_time_taken(tmp_path):
    output = run(SAMPLE)
    assert re.search(r"created +.*celestial-empire.txt -> 'In liaison", output)
    assert re.search(r"1 created, 0 updated, 0 unchanged, 0 failed in \d+\.\ds", output)


def test_progress_bar_is_shown_on_a_terminal(tmp_path, monkeypatch):
    class Terminal(StringIO):
        def isatty(self):
            return True

    terminal = Terminal()
    monkeypatch.setattr("sys.stderr", terminal)
    for number in range(3):
        (tmp_path / f"story-{number}.txt").write_text(story(headline=f"Story {number}"), "utf-8")
    run(tmp_path)
    assert "3/3" in terminal.getvalue() and "file" in terminal.getvalue()
    assert Article.objects.count() == 3


def test_encoding_option_reads_other_encodings_and_binary_files_fail(tmp_path):
    text = story(headline="Мост через Свислочь", byline="By Анна Ковальская")
    (tmp_path / "cyrillic.txt").write_bytes(text.encode("cp1251"))
    (tmp_path / "photo.txt").write_bytes(jpeg_bytes())
    err = StringIO()
    with pytest.raises(CommandError, match="0 created, 0 updated, 0 unchanged, 2 failed"):
        call_command("import_articles", str(tmp_path), stdout=StringIO(), stderr=err)
    assert "cyrillic.txt, line 3: is not valid utf-8" in err.getvalue()
    assert "--encoding" in err.getvalue()
    assert "photo.txt: this is a binary file" in err.getvalue()
    run(tmp_path / "cyrillic.txt", "--encoding", "cp1251")
    article = Article.objects.get()
    assert article.headline == "Мост через Свислочь"
    assert article.slug == "most-cherez-svisloch"
    assert Author.objects.get().slug == "anna-kovalskaya"


def test_oversized_file_is_refused_without_being_read_whole(tmp_path):
    path = tmp_path / "huge.txt"
    path.write_bytes(story().encode() + b"\nx" * (2 * 1024 * 1024))
    err = StringIO()
    with pytest.raises(CommandError, match="1 failed"):
        call_command("import_articles", str(path), stdout=StringIO(), stderr=err)
    assert f"{path}: the file is larger than 2 MB" in err.getvalue()
    assert not Article.objects.exists()
