"""The raw-copy parser: each format rule, each bad input, and fuzzing (pure, no database)."""

from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from articles.importer import (
    Paragraph,
    Photo,
    RawArticleError,
    Subheading,
    body_html,
    decode_raw,
    parse_raw_article,
)
from articles.rendering import render_body

SAMPLE = Path(__file__).parent / "data" / "in-liaison-with-the-celestial-empire.txt"
NBSP = "\u00a0"


def raw(*body, byline="By Anna Kowalska", posted="Posted: 21.08.2024 13:30:22"):
    return "\n".join([posted, "", "A headline", "", "The standfirst.", "", *body, "", byline])


def blocks_of(text):
    return parse_raw_article(text, source="story.txt").blocks


def test_sample_article_parses_with_every_part_intact():
    raw_bytes = SAMPLE.read_bytes()  # the untouched copy: NBSPs, no final newline
    assert "\u00a0".encode() in raw_bytes and not raw_bytes.endswith(b"\n")
    parsed = parse_raw_article(SAMPLE.read_text(encoding="utf-8"), source=SAMPLE.name)
    assert parsed.posted == datetime(2024, 8, 21, 13, 30, 22)
    assert parsed.headline == "In liaison with the Celestial Empire"
    assert parsed.standfirst.startswith("The comprehensive and all-weather strategic partnership")
    assert parsed.authors == ("Igor Savostenko",)
    assert isinstance(parsed.blocks[0], Paragraph)
    assert parsed.blocks[0].text.startswith("Our liaison is based on mutual respect")
    assert [b.text for b in parsed.blocks if isinstance(b, Subheading)] == [
        "Multi-dimensional interaction",
        "Form and content",
        "Diversity and multipolarity",
        "World of new possibilities",
    ]
    assert [(p.caption, p.photographer) for p in parsed.photos] == [
        (
            "Joint Belarus-China anti-terror exercise Attacking Falcon was held in July in Belarus",
            "Pavel Bogush",
        ),
        ("", "Pavel Bogush"),
        (
            "Joint Belarus-China anti-terror exercise Attacking Falcon at the Brestsky "
            "training ground, Brest Region",
            "Pavel Bogush",
        ),
    ]
    paragraphs = [b.text for b in parsed.blocks if isinstance(b, Paragraph)]
    assert len(paragraphs) == 14
    assert paragraphs[-1].startswith("Piotr Petrovsky concludes")
    assert all(NBSP not in text and text == text.strip() for text in paragraphs)
    assert "“Any exercises" in paragraphs[4] and "Belarus’ special operations" in paragraphs[2]


@pytest.mark.parametrize(
    "byline, authors",
    [
        ("By Igor Savostenko", ("Igor Savostenko",)),
        ("By Igor Savostenko.", ("Igor Savostenko",)),
        ("By Anna Kowalska and Piotr Petrovsky", ("Anna Kowalska", "Piotr Petrovsky")),
        ("By A Bee, Cee Dee and Eff Gee", ("A Bee", "Cee Dee", "Eff Gee")),
        ("By A Bee, Cee Dee, and Eff Gee", ("A Bee", "Cee Dee", "Eff Gee")),
        (f"By{NBSP}Anna{NBSP}Kowalska{NBSP}", ("Anna Kowalska",)),
        ("by Anna Kowalska & Piotr Petrovsky", ("Anna Kowalska", "Piotr Petrovsky")),
    ],
)
def test_byline_gives_authors_in_order(byline, authors):
    assert parse_raw_article(raw("Text.", byline=byline)).authors == authors


@pytest.mark.parametrize(
    "line, caption, photographer",
    [
        ("Soldiers at dawn   Pavel Bogush", "Soldiers at dawn", "Pavel Bogush"),
        (
            f"Soldiers at dawn{NBSP} {NBSP} {NBSP} Pavel Bogush{NBSP}",
            "Soldiers at dawn",
            "Pavel Bogush",
        ),
        ("Soldiers at dawn\t\t\tPavel Bogush", "Soldiers at dawn", "Pavel Bogush"),
        (f"Soldiers{NBSP}at dawn \t{NBSP}Photo: BelTA", "Soldiers at dawn", "BelTA"),
        ("Pavel Bogush", "", "Pavel Bogush"),
        (f"  Ana de la Cruz{NBSP}", "", "Ana de la Cruz"),
    ],
)
def test_photo_lines_give_caption_and_credit(line, caption, photographer):
    blocks = blocks_of(raw("Intro.", line, "After."))
    assert blocks[1] == Photo(caption=caption, photographer=photographer, line=blocks[1].line)


@pytest.mark.parametrize(
    "body, expected",
    [
        (["Intro.", "", "A short heading", "", "Text."], [Paragraph, Subheading, Paragraph]),
        (["Intro.", "A short heading", "Text."], [Paragraph, Subheading, Paragraph]),
        (["Intro.", "A line that ends with a full stop.", "Text."], [Paragraph] * 3),
        (["Intro.", "Is this a question?", "Text."], [Paragraph] * 3),
        (["Intro.", "Trailing words without a stop"], [Paragraph, Paragraph]),
        (["Intro.", "He left.   Then she spoke.", "Text."], [Paragraph] * 3),
        (["Intro.", "He said   that it was fine", "Text."], [Paragraph, Subheading, Paragraph]),
        (["One.", "Two.", "", "", "Three."], [Paragraph] * 3),
    ],
)
def test_body_lines_are_classified_as_paragraphs_subheadings_or_photos(body, expected):
    assert [type(block) for block in blocks_of(raw(*body))] == expected


@pytest.mark.parametrize(
    "transform",
    [
        pytest.param(lambda text: text.replace("\n", "\r\n"), id="crlf"),
        pytest.param(lambda text: text.replace("\n", "\r"), id="old-mac-cr"),
        pytest.param(lambda text: "\ufeff" + text, id="bom"),
        pytest.param(lambda text: text + "\n\n\n", id="final-newlines"),
        pytest.param(lambda text: text.rstrip("\n"), id="no-final-newline"),
        pytest.param(lambda text: text.replace("\n", f"{NBSP}\n"), id="trailing-nbsp"),
    ],
)
def test_line_endings_bom_and_trailing_spaces_do_not_change_the_result(transform):
    text = SAMPLE.read_text(encoding="utf-8")
    assert parse_raw_article(transform(text)) == parse_raw_article(text)


def test_posted_line_accepts_single_digits_and_no_seconds():
    parsed = parse_raw_article(raw("Text.", posted="Posted: 1.8.2024 9:05"))
    assert parsed.posted == datetime(2024, 8, 1, 9, 5)


@pytest.mark.parametrize(
    "text, line, message",
    [
        ("", None, "the file is empty"),
        (f"  \n{NBSP}\n\n", None, "the file is empty"),
        ("A headline\nStandfirst\nBy A B", 1, "the first line must be 'Posted: DD.MM.YYYY"),
        ("Posted: 2024-08-21 13:30\nH\nBy A B", 1, "is not 'Posted: DD.MM.YYYY HH:MM:SS'"),
        ("Posted: 31.02.2024 10:00:00\nH\nBy A B", 1, "31.02.2024 10:00:00 is not a real date"),
        ("Posted: 21.08.2024 25:00:00\nH\nBy A B", 1, "is not a real date and time"),
        ("Posted: 21.08.2024 10:00:00\n\n", 1, "no headline after the Posted line"),
        ("Posted: 21.08.2024 10:00:00\nBy A B", 2, "no headline between Posted and the byline"),
        ("Posted: 21.08.2024 10:00:00\nH\nS\nText.", 4, "the last line must be the byline"),
        ("Posted: 21.08.2024 10:00:00\nH\nBy A B and", 3, "has an empty name"),
        ("Posted: 21.08.2024 10:00:00\nH\nBy then it was over.", 3, "not a byline"),
        ("Posted: 21.08.2024 10:00:00\nH\nBy the end of the long year we", 3, "not a byline"),
        ("Posted: 21.08.2024 10:00:00\n" + "H" * 301 + "\nBy A B", 2, "at most 300 fit"),
        ("Posted: 21.08.2024 10:00:00\nH\x00\nBy A B", 2, "control character U+0000"),
    ],
)
def test_bad_input_gives_an_error_naming_file_line_and_problem(text, line, message):
    with pytest.raises(RawArticleError) as caught:
        parse_raw_article(text, source="story.txt")
    assert caught.value.source == "story.txt"
    assert caught.value.line == line
    assert message in str(caught.value)
    assert str(caught.value).startswith(f"story.txt, line {line}:" if line else "story.txt:")


@pytest.mark.parametrize(
    "data, encoding, message",
    [
        ("Posted: 21.08.2024 10:00:00\nЗаголовок\nBy A B".encode("cp1251"), "utf-8", "--encoding"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "utf-8", "binary file"),
        (b"x" * (2 * 1024 * 1024 + 1), "utf-8", "larger than 2 MB"),
        (b"  \n\n", "utf-8", "the file is empty"),
        (b"Posted: x", "no-such-codec", "unknown encoding"),
    ],
)
def test_unreadable_files_give_a_clear_error(data, encoding, message):
    with pytest.raises(RawArticleError, match=message):
        decode_raw(data, source="story.txt", encoding=encoding)


def test_other_encodings_and_a_utf8_bom_are_decoded():
    text = "Posted: 21.08.2024 10:00:00\nЗаголовок\nBy A B"
    assert decode_raw(text.encode("cp1251"), source="s", encoding="cp1251") == text
    assert decode_raw(b"\xef\xbb\xbf" + text.encode(), source="s") == text


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_no_text_makes_the_parser_fail_with_anything_but_our_error(text):
    try:
        parse_raw_article(text, source="fuzz.txt")
    except RawArticleError:
        pass


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=2000), st.sampled_from(["utf-8", "cp1251", "utf-16", "latin-1"]))
def test_no_bytes_make_reading_and_parsing_fail_with_anything_but_our_error(data, encoding):
    try:
        parse_raw_article(decode_raw(data, source="fuzz.txt", encoding=encoding), source="f")
    except RawArticleError:
        pass


LINE = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=80)


@settings(max_examples=300, deadline=None)
@given(st.lists(LINE, max_size=12), LINE, LINE)
def test_fuzzed_articles_in_the_raw_shape_parse_or_fail_cleanly(body, headline, name):
    text = "\n".join(["Posted: 21.08.2024 13:30:22", headline, *body, f"By {name}"])
    try:
        parsed = parse_raw_article(text, source="fuzz.txt")
    except RawArticleError:
        return
    assert all(name.strip() for name in parsed.authors)


@settings(max_examples=300, deadline=None)
@given(st.text(st.characters(blacklist_categories=("Cs", "Cc", "Zs", "Zl", "Zp")), min_size=1))
def test_escaped_paragraphs_render_exactly_as_written(word):
    import html
    import re

    text = " ".join(word.split())
    if not text:
        return
    rendered = render_body(body_html([Paragraph(text, 1)], []))
    assert rendered.startswith("<p>") and rendered.endswith("</p>")
    assert html.unescape(re.sub(r"<[^>]+>", "", rendered)) == text
