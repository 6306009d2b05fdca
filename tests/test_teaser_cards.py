"""Teaser cards kept once rendered (articles/reader/cards.py) always show what the article,
its section, photo and bylines say now: anything that changes a card changes its key."""

from datetime import timedelta
from functools import partial

import pytest
from django.db import models

from articles.reader import cards
from tests.factories import make_article, make_author, make_image

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def page_cache_off(settings):
    settings.PAGE_CACHE = False


def changed(value):
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return value + 1
    if isinstance(value, str):
        return value + "Z"
    if hasattr(value, "tzinfo"):
        return value + timedelta(days=1, minutes=7)
    if isinstance(value, models.fields.files.FieldFile):
        return value.name + "Z"
    return None  # None and other kinds: left alone


def fields_altering(rows, render, key):
    """The columns of ``rows`` whose change alters ``render()``, each changed in memory in
    turn; asserts that every such change alters ``key()`` too (what a kept copy is found by)."""
    rendered, kept_under = render(), key()
    altering = []
    for row in rows:
        for field in row._meta.concrete_fields:
            if field.primary_key or field.is_relation:
                continue
            before = row.__dict__[field.attname]
            new = changed(before)
            if new is None:
                continue
            row.__dict__[field.attname] = new  # in memory only, past file descriptors
            try:
                if render() != rendered:
                    altering.append(field.attname)
                    assert key() != kept_under, field.attname
            finally:
                row.__dict__[field.attname] = before
    return altering


def test_every_change_that_alters_a_card_alters_the_key_it_is_kept_under():
    article = make_article(
        hero_image=make_image(alt_text="A quay at dawn"),
        authors=[make_author(name="Ann Lee"), make_author(name="Bo Kim")],
    )
    article.refresh_from_db()
    rows = [article, article.section, article.hero_image, *article.byline_authors]
    altering = []
    for lead in (False, True):
        altering += fields_altering(
            rows, partial(cards.render, article, lead), partial(cards.shown, article, lead)
        )
    # Not vacuous: the headline, the photo's alt text and an author's name change the card.
    assert {"headline", "alt_text", "name"} <= set(altering)


def test_a_kept_card_is_the_card_itself():
    article = make_article(headline="Potash exports rise", hero_image=make_image())
    assert cards.teaser(article) == cards.render(article)
    assert cards.teaser(article) == cards.render(article)  # served kept the second time
    assert cards.teaser(article, lead=True) == cards.render(article, lead=True)


def test_an_edited_headline_and_byline_show_on_the_front_page_at_the_next_request(client):
    author = make_author(name="Ann Lee")
    article = make_article(headline="Potash exports rise", authors=[author])
    make_article(headline="Older story", published_at=article.published_at - timedelta(hours=1))
    assert "Potash exports rise" in client.get("/").content.decode()

    article.headline = "Potash exports fall"
    article.save()
    author.name = "Ann Lee-Smith"
    author.save()
    page = client.get("/").content.decode()

    assert "Potash exports fall" in page and "Potash exports rise" not in page
    assert "Ann Lee-Smith" in page
