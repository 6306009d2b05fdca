"""The bulk path on PostgreSQL (COPY), the duplicate-name check and who may bulk-create."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection

from articles.importer import Importer, ImportOptions, RawFile, import_many
from articles.models import Article, ArticleAuthor, ArticleImage, Image, TaggedArticle
from tests.factories import make_section
from tests.test_importer_bulk import story

pytestmark = pytest.mark.django_db
postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="COPY is PostgreSQL's; SQLite uses bulk_create"
)


def files(count=4):
    return [
        RawFile(name=f"story-{n}.txt", data=story(n, photos=n % 4)) for n in range(1, count + 1)
    ]


def every_column():
    """Every column of every row the import writes, with photos named by where they are
    used instead of by id or random key, times of writing left out."""
    uses = {
        u.image_id: (u.article.headline, u.position)
        for u in ArticleImage.objects.select_related("article")
    }
    labels = {image.key: f"photo{uses[image.pk]}" for image in Image.objects.all()}

    def unkeyed(text):
        for key, label in labels.items():
            text = text.replace(key, label)
        return text

    articles = []
    for row in Article.objects.order_by("headline").values():
        del row["id"], row["created_at"], row["updated_at"]
        row["body"], row["body_html"] = unkeyed(row["body"]), unkeyed(row["body_html"])
        row["hero_image_id"] = uses.get(row["hero_image_id"])
        articles.append(row)
    images = []
    for row in Image.objects.values():
        place = uses[row.pop("id")]
        del row["key"], row["uploaded_at"]
        images.append((place, row))
    bylines = ArticleAuthor.objects.values_list("article__headline", "author__name", "position")
    tags = TaggedArticle.objects.order_by("content_object__headline", "id").values_list(
        "content_object__headline", "tag__name"
    )
    return articles, sorted(images, key=str), sorted(bylines), sorted(uses.values()), list(tags)


@postgres_only
def test_copy_writes_every_column_that_bulk_create_writes(monkeypatch):
    options = ImportOptions(section=make_section(), tags=("Zeta", "Alpha"))
    results = list(import_many(Importer(options), files()))
    assert [r.outcome for r in results] == ["created"] * 4
    assert results[0].article == Article.objects.get(headline="Story number 1")
    by_copy = every_column()
    Article.objects.all().delete()
    Image.objects.all().delete()

    from articles.importer import bulk

    monkeypatch.setattr(bulk, "copy_new_articles", bulk._bulk_create_all)
    list(import_many(Importer(options), files()))
    assert every_column() == by_copy
    assert by_copy[4][:2] == [("Story number 1", "Zeta"), ("Story number 1", "Alpha")]


@postgres_only
def test_a_chunk_the_database_refuses_on_postgresql_is_imported_file_by_file(monkeypatch):
    """A real error in the middle of the COPYs (every slug the same: a unique violation
    after the photos were written) leaves nothing; each file is then imported alone."""
    monkeypatch.setattr(
        "articles.importer.pg_copy.unique_article_slugs",
        lambda headlines: ["same"] * len(headlines),
    )
    results = list(import_many(Importer(ImportOptions(tags=("Minsk",))), files()))
    assert [r.outcome for r in results] == ["created"] * 4
    assert len(set(Article.objects.values_list("slug", flat=True))) == 4
    assert Image.objects.count() == ArticleImage.objects.count() == 1 + 2 + 3 + 0
    assert ArticleAuthor.objects.count() == 8 and TaggedArticle.objects.count() == 4


@pytest.mark.parametrize("names", [("story-1.txt", "Story-1.TXT"), ("Story-1.TXT", "story-1.txt")])
def test_two_files_that_would_be_one_article_are_refused_naming_the_first(tmp_path, names):
    first, second = tmp_path / "a" / names[0], tmp_path / "b" / names[1]
    raws = [RawFile(name=str(path), data=story(1)) for path in (first, second)]
    results = list(import_many(Importer(), raws))
    assert [r.outcome for r in results] == ["created", "failed"]
    assert f"has the same name as {first}, imported earlier in this run" in results[1].error
    assert Article.objects.count() == 1


def test_a_user_who_may_not_create_articles_creates_none_in_bulk():
    user = get_user_model().objects.create_user("visitor", is_staff=True)
    results = list(import_many(Importer(ImportOptions(user=user)), files()))
    assert [r.outcome for r in results] == ["failed"] * 4
    assert "You may not create articles." in results[0].error
    assert not Article.objects.exists() and not Image.objects.exists()
