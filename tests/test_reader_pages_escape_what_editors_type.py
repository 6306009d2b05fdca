"""Every reader page shows what editors, writers and the photo desk type as text, never as markup.

The reader templates are Jinja2 with autoescaping (newsroom/templating.py); the helpers they
call build their HTML with format_html. A field that reached a page unescaped would let
anyone with a desk login run script in readers' browsers.
"""

import pytest
from pytest_django.asserts import assertContains

from tests.factories import make_article, make_author, make_image, make_photographer, make_section

pytestmark = pytest.mark.django_db

HOSTILE = '<img src=x onerror="alert(1)">'
ESCAPED = "&lt;img src=x onerror="


@pytest.fixture
def hostile_article():
    photographer = make_photographer(name=f"Lens {HOSTILE}", slug="lens")
    photo = make_image(photographer=photographer, caption=f"Caption {HOSTILE}", alt_text=HOSTILE)
    return make_article(
        headline=f"Headline {HOSTILE}",
        standfirst=f"Standfirst {HOSTILE} onerror",
        section=make_section(name=f"Desk {HOSTILE}", slug="desk", description=HOSTILE),
        authors=[make_author(name=f"Writer {HOSTILE}", slug="writer", role=HOSTILE, bio=HOSTILE)],
        tags=[f"Tag {HOSTILE}"],
        hero_image=photo,
        body=f"Text.\n\n[[image {photo.key}]]",
    )


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "article",
        "/section/desk/",
        "tag",
        "/author/writer/",
        "/photographer/lens/",
        "/articles/",
        "/search/?q=onerror",
        "/archive/",
    ],
)
def test_reader_page_escapes_every_field_typed_in_the_admin(client, hostile_article, url):
    if url == "article":
        url = hostile_article.get_absolute_url()
    elif url == "tag":
        url = f"/tag/{hostile_article.tags.get().slug}/"
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<img src=x" not in html  # no field, wherever the page shows it, came out as markup
    assert 'onerror="alert' not in html
    assertContains(response, ESCAPED)  # but it is shown, as text (the section menu at least)
