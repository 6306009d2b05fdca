"""What a page tells link previews and search engines about itself (articles/reader/selectors.py)."""

import pytest
from django.utils.text import Truncator

from articles.reader.selectors import DESCRIPTION_CHARS, shortened
from tests.factories import make_article

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "text",
    [
        "",
        "Short standfirst.",
        "x" * 200,
        "x" * 201,
        "Cafe\u0301 " * 40,  # combining accents: NFC-composed, then counted
        "word " * 60,
        "\u2126 ohm " * 30,
    ],
)
def test_a_page_description_is_what_djangos_truncator_makes_of_it(text):
    assert shortened(text, DESCRIPTION_CHARS) == Truncator(text).chars(DESCRIPTION_CHARS)


def test_an_article_page_describes_itself_with_its_standfirst_cut_to_200_characters(client):
    short = make_article(standfirst="Trade figures for the first half of the year.")
    long = make_article(standfirst="Potash " * 40)
    short_page = client.get(short.get_absolute_url()).content.decode()
    long_page = client.get(long.get_absolute_url()).content.decode()

    assert '<meta name="description" content="Trade figures for the first half of the year.">' in (
        short_page
    )
    cut = Truncator(" ".join(long.standfirst.split())).chars(200)
    assert len(cut) == 200 and f'<meta name="description" content="{cut}">' in long_page
