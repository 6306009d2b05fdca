"""An original photo missing from storage leaves pages and feeds working: the photo is left
out and the error logged, and everything is back once the file is restored."""

import logging

import pytest
from defusedxml import ElementTree

from articles.images import renditions
from tests.factories import make_article, make_author, make_image

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def lost_photo():
    """A live article whose lead photo's original has vanished; restore() puts it back."""
    photo = make_image()
    article = make_article(hero_image=photo, body=f"Intro.\n\n[[image {photo.key}]]")
    storage, name = photo.file.storage, photo.file.name
    with storage.open(name, "rb") as handle:
        original = handle.read()
    storage.delete(name)

    def restore():
        with storage.open(name, "wb") as handle:
            handle.write(original)

    return article, photo, restore


def rss_enclosures(client):
    response = client.get("/feeds/rss/")
    assert response.status_code == 200
    return ElementTree.fromstring(response.content).findall("channel/item/enclosure")


def atom_enclosures(client):
    response = client.get("/feeds/atom/")
    assert response.status_code == 200
    return ElementTree.fromstring(response.content).findall(
        f"{ATOM}entry/{ATOM}link[@rel='enclosure']"
    )


def test_feeds_leave_out_the_enclosure_when_the_original_is_missing(client, lost_photo, caplog):
    article, photo, restore = lost_photo
    with caplog.at_level(logging.ERROR, logger="articles.images.renditions"):
        assert rss_enclosures(client) == []
        assert atom_enclosures(client) == []
    assert any(photo.key in record.getMessage() for record in caplog.records)

    restore()
    from articles.cache.invalidation import invalidate_all_pages

    invalidate_all_pages()
    assert len(rss_enclosures(client)) == 1
    assert len(atom_enclosures(client)) == 1


def test_pages_still_answer_and_the_photo_is_not_found_when_its_original_is_missing(
    client, lost_photo, caplog
):
    article, photo, restore = lost_photo
    assert client.get(article.get_absolute_url()).status_code == 200
    assert client.get("/").status_code == 200
    photo_url = renditions.rendition_url(photo, "width-800.jpg")
    with caplog.at_level(logging.ERROR, logger="articles.images.renditions"):
        assert client.get(photo_url).status_code == 404
    assert any(photo.key in record.getMessage() for record in caplog.records)

    restore()
    assert client.get(photo_url).status_code == 200


def test_article_page_leaves_out_the_figure_of_a_missing_original(client, lost_photo, caplog):
    from django.core.cache import cache

    article, photo, restore = lost_photo
    with caplog.at_level(logging.ERROR, logger="articles.images.renditions"):
        page = client.get(article.get_absolute_url())
    assert page.status_code == 200
    assert b"<figure" not in page.content and b"<picture" not in page.content
    assert b"Intro." in page.content  # the text stays
    assert any(photo.key in record.getMessage() for record in caplog.records)

    restore()
    cache.clear()  # the check is remembered for five minutes; pages are cached anyway
    page = client.get(article.get_absolute_url())
    assert page.content.count(b"<figure") == 1  # the hero; its body slot is not shown twice


def test_a_deleted_rendition_file_is_not_found_rather_than_an_error(client):
    photo = make_image()
    make_article(hero_image=photo)
    stored = renditions.get_rendition(photo, "width-480.jpg")
    stored.file.storage.delete(stored.file.name)
    assert client.get(renditions.rendition_url(photo, "width-480.jpg")).status_code == 404


def test_an_author_page_answers_when_the_portrait_file_is_missing(client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.factories import jpeg_bytes

    author = make_author(slug="ann", name="Ann")
    author.portrait = SimpleUploadedFile("ann.jpg", jpeg_bytes(), content_type="image/jpeg")
    author.save()
    make_article(authors=[author])
    author.portrait.storage.delete(author.portrait.name)
    assert client.get("/author/ann/").status_code == 200
    assert client.get(renditions.portrait_url(author)).status_code == 404
