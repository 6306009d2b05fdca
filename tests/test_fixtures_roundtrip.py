"""A whole newsroom survives dumpdata (natural keys) into a fresh database and loaddata back."""

import json
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.utils import timezone
from taggit.models import Tag

from articles.importer import Importer, RawFile
from articles.models import (
    Article,
    Author,
    Correction,
    Image,
    Photographer,
    Revision,
    Section,
    WorkflowEvent,
)
from tests.factories import make_article, make_author, make_image, make_section

pytestmark = pytest.mark.django_db

APPS = ["auth.user", "taggit", "articles"]


def build_newsroom():
    editor = get_user_model().objects.create_user("editor", password="pw")
    section = make_section(name="International", slug="international")
    first, second = make_author(name="Zoe Last"), make_author(name="Adam First")
    hero = make_image(caption="Hero")
    hero.tags.add("drill")
    placeholder = make_image(with_file=False, caption="Needs a file")
    article = make_article(
        authors=[first, second],  # byline order differs from alphabetical order
        tags=["China", "SCO"],
        section=section,
        hero_image=hero,
        body=f"Intro.\n\n[[image {hero.key}]]\n\n## Sub\n\n[[image {placeholder.key}]]",
        source_key="raw:liaison",
    )
    draft = make_article(status=Article.Status.DRAFT, authors=[second], section=section)
    WorkflowEvent.objects.create(
        article=article,
        transition="publish",
        from_status="in_review",
        to_status="published",
        user=editor,
        comment="Good to go",
    )
    Revision.objects.create(article=article, number=1, content={"headline": "Old"}, user=editor)
    Correction.objects.create(
        article=article,
        text="An earlier version misspelt a name.",
        published_at=timezone.now() - timedelta(minutes=5),
        created_by=editor,
    )
    sample = Path(__file__).parent / "data" / "in-liaison-with-the-celestial-empire.txt"
    imported = Importer().import_file(RawFile(name=sample.name, data=sample.read_bytes()))
    assert imported.outcome == "created"  # placeholders, new people and a source key too
    return article, draft


def dump(path):
    call_command(
        "dumpdata",
        *APPS,
        exclude=["articles.pagetoken"],  # page-cache state, not content (README)
        natural_foreign=True,
        natural_primary=True,
        indent=1,
        output=str(path),
    )
    # Django writes times to the millisecond, so a time under a millisecond past the second
    # reads back as whole seconds: "…:43.000Z" and "…:43Z" are the same instant.
    text = path.read_text().replace('.000Z"', 'Z"')
    return sorted(json.dumps(obj, sort_keys=True) for obj in json.loads(text))


def empty_the_newsroom():
    Article.objects.all().delete()
    Image.objects.all().delete()
    for model in (Photographer, Author, Section, Tag):
        model.objects.all().delete()
    get_user_model().objects.all().delete()
    assert not Revision.objects.exists() and not WorkflowEvent.objects.exists()


def test_newsroom_survives_dump_and_load_into_a_fresh_database(tmp_path):
    article, _ = build_newsroom()
    hero_file = article.hero_image.file.name
    before = dump(tmp_path / "newsroom.json")
    empty_the_newsroom()

    call_command("loaddata", str(tmp_path / "newsroom.json"), verbosity=0)

    again = dump(tmp_path / "again.json")
    assert again == before, sorted(set(again) ^ set(before))
    loaded = Article.objects.get(slug=article.slug)
    assert [a.name for a in loaded.byline_authors] == ["Zoe Last", "Adam First"]
    assert set(loaded.tags.names()) == {"China", "SCO"} and loaded.source_key == "raw:liaison"
    assert [u.image.caption for u in loaded.image_uses.all()] == ["Hero", "Needs a file"]
    assert loaded.hero_image.file.name == hero_file and default_storage.exists(hero_file)
    assert list(loaded.hero_image.tags.names()) == ["drill"]
    assert loaded.events.get().user.username == "editor"
    assert loaded.revisions.get().content == {"headline": "Old"}
    assert loaded.body_html == article.body_html
    imported = Article.objects.get(source_key="raw:in-liaison-with-the-celestial-empire")
    assert imported.image_uses.filter(image__is_placeholder=True).count() == 3


def test_loading_the_same_fixture_twice_duplicates_nothing(tmp_path):
    build_newsroom()
    before = dump(tmp_path / "newsroom.json")
    counts = [model.objects.count() for model in (Article, Author, Image, Tag, Revision)]
    call_command("loaddata", str(tmp_path / "newsroom.json"), verbosity=0)
    call_command("loaddata", str(tmp_path / "newsroom.json"), verbosity=0)
    assert [model.objects.count() for model in (Article, Author, Image, Tag, Revision)] == counts
    again = dump(tmp_path / "again.json")
    assert again == before, sorted(set(again) ^ set(before))  # what differs, if anything
