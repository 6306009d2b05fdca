"""Editor HTML is stored sanitised with photo slots; old Markdown bodies convert unchanged."""

import pytest
from django.core.exceptions import ValidationError

from articles.models import Article
from articles.rendering import (
    body_text,
    clean_body,
    insert_figures,
    markdown_to_html,
    validate_image_references,
)
from tests.factories import make_image, make_photographer


def test_body_keeps_subheadings_paragraphs_quotes_lists_and_links():
    html = clean_body(
        "<p>First <strong>bold</strong> <em>it</em>.</p><h2>A subheading</h2>"
        "<blockquote><p>A quote, “curly”.</p></blockquote><ul><li><p>one</p></li></ul>"
        '<ol><li><p>two</p></li></ol><p>See <a href="https://example.com/r" target="_blank">'
        "the report</a>.</p>"
    )
    assert "<p>First <strong>bold</strong> <em>it</em>.</p>" in html
    assert "<h2>A subheading</h2>" in html
    assert "<blockquote><p>A quote, “curly”.</p></blockquote>" in html
    assert "<ul><li><p>one</p></li></ul><ol><li><p>two</p></li></ol>" in html
    assert '<a href="https://example.com/r" rel="noopener noreferrer nofollow">' in html


@pytest.mark.parametrize(
    "hostile",
    [
        "<script>alert(1)</script>",
        '<img src="x" onerror="alert(1)">',
        '<a href="javascript:alert(1)">click</a>',
        '<a href="#" onclick="alert(1)">x</a>',
        '<p style="color:red" class="x">styled</p>',
    ],
)
def test_body_sanitises_scripts_event_handlers_and_styles(hostile):
    html = clean_body(f"<p>Before.</p>{hostile}<p>After.</p>")
    for bad in ("<script", "onerror", "onclick", "javascript:", "style=", "class=", "<img"):
        assert bad not in html
    assert html.endswith("<p>After.</p>")


def test_photo_slot_keeps_only_its_key():
    html = clean_body(
        '<figure data-image="abc123" class="x"><img src="/t.jpg"><figcaption>Typed caption'
        '</figcaption></figure><figure><p>no key</p></figure><figure data-image="a b"></figure>'
    )
    assert html.startswith('<figure data-image="abc123"></figure>')
    assert "Typed caption" not in html
    assert html.count("<figure") == 1
    assert "<p>no key</p>" in html


def test_empty_editor_stores_an_empty_body():
    assert clean_body("<p></p>") == ""
    assert clean_body("<p>One</p><p></p><p>Two</p>") == "<p>One</p><p>Two</p>"


def test_markdown_bodies_convert_to_the_html_readers_already_saw():
    html = markdown_to_html("Intro.\r\n\r\n[[image abc]]\r\n\r\n## Sub\r\n\r\n> Quote")
    assert html == (
        '<p>Intro.</p>\n<figure data-image="abc"></figure>\n<h2>Sub</h2>\n'
        "<blockquote>\n<p>Quote</p>\n</blockquote>"
    )


@pytest.mark.django_db
def test_photo_slot_renders_figure_with_caption_and_credit():
    photographer = make_photographer(name="Pavel Bogush", slug="pavel-bogush")
    image = make_image(caption="Exercise at dawn", photographer=photographer)
    html = clean_body(f'<p>Intro.</p><figure data-image="{image.key}"></figure><p>Outro.</p>')
    page = insert_figures(html, {image.key: image})
    assert "<figure" in page
    assert "Exercise at dawn" in page
    assert 'Photo: <a href="/photographer/pavel-bogush/">Pavel Bogush</a>' in page


@pytest.mark.django_db
def test_free_text_credit_is_shown_without_link():
    image = make_image(caption="Summit", credit_text="Reuters")
    page = insert_figures(
        clean_body(f'<figure data-image="{image.key}"></figure>'), {image.key: image}
    )
    assert "Photo: Reuters" in page


@pytest.mark.django_db
def test_unknown_photo_is_an_error_naming_its_place_in_the_text():
    image = make_image()
    body = f'<p>One.</p><figure data-image="{image.key}"></figure><figure data-image="nosuchkey"></figure>'
    with pytest.raises(ValidationError) as error:
        validate_image_references(body)
    assert error.value.messages == [
        "Photo 2 in the text (nosuchkey) is not in the image library: remove it and insert "
        "one from the library."
    ]


@pytest.mark.django_db
def test_saving_an_article_stores_sanitised_html():
    article = Article.objects.create(
        headline="H", slug="h", body="<h2>Sub</h2><p>Text <script>x</script></p>"
    )
    article.refresh_from_db()
    assert article.body_html == "<h2>Sub</h2><p>Text </p>"


def test_revision_diffs_read_the_body_as_words_not_markup():
    text = body_text(
        '<h2>Sub</h2><p>One &amp; <strong>two</strong>.</p><figure data-image="abc"></figure>'
        "<ul><li><p>item</p></li></ul>"
    )
    assert text == "Sub\n\nOne & two.\n\n[photo abc]\n\nitem"
