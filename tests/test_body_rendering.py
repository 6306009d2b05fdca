"""Body Markdown renders to safe HTML with photo figures; bad references are caught."""

import pytest
from django.core.exceptions import ValidationError

from articles.models import Article
from articles.rendering import insert_figures, render_body, validate_image_references
from tests.factories import make_image, make_photographer


def test_body_renders_subheadings_paragraphs_quotes_and_links():
    html = render_body(
        "First paragraph.\n\n## A subheading\n\n> A quote, “curly”.\n\n"
        "See [the report](https://example.com/report)."
    )
    assert "<p>First paragraph.</p>" in html
    assert "<h2>A subheading</h2>" in html
    assert "<blockquote>\n<p>A quote, “curly”.</p>\n</blockquote>" in html
    assert '<a href="https://example.com/report" rel="noopener noreferrer nofollow">' in html


@pytest.mark.parametrize(
    "hostile",
    [
        "<script>alert(1)</script>",
        '<img src="x" onerror="alert(1)">',
        "[click](javascript:alert(1))",
        '<a href="#" onclick="alert(1)">x</a>',
        '<figure data-image="abc"></figure>',
    ],
)
def test_body_sanitises_scripts_and_event_handlers(hostile):
    html = render_body(f"Before.\n\n{hostile}\n\nAfter.")
    assert "<script" not in html
    assert "onerror" not in html
    assert "onclick" not in html
    assert "javascript:" not in html
    assert "<figure" not in html
    assert "After." in html


@pytest.mark.django_db
def test_photo_reference_renders_figure_with_caption_and_credit():
    photographer = make_photographer(name="Pavel Bogush", slug="pavel-bogush")
    image = make_image(caption="Exercise at dawn", photographer=photographer)
    html = render_body(f"Intro.\n\n[[image {image.key}]]\n\nOutro.")
    page = insert_figures(html, {image.key: image})
    assert "<figure" in page
    assert "Exercise at dawn" in page
    assert 'Photo: <a href="/photographer/pavel-bogush/">Pavel Bogush</a>' in page


@pytest.mark.django_db
def test_free_text_credit_is_shown_without_link():
    image = make_image(caption="Summit", credit_text="Reuters")
    page = insert_figures(render_body(f"[[image {image.key}]]"), {image.key: image})
    assert "Photo: Reuters" in page


@pytest.mark.django_db
def test_unknown_photo_reference_is_an_error_naming_the_line():
    image = make_image()
    body = f"Para one.\n\n[[image {image.key}]]\n\nPara two.\n\n[[image nosuchkey]]"
    with pytest.raises(ValidationError) as error:
        validate_image_references(body)
    assert error.value.messages == ["Line 7: there is no photo nosuchkey in the image library."]


@pytest.mark.django_db
def test_saving_an_article_stores_rendered_html():
    article = Article.objects.create(
        headline="H", slug="h", body="## Sub\n\nText <script>x</script>"
    )
    article.refresh_from_db()
    assert article.body_html.startswith("<h2>Sub</h2>")
    assert "<script" not in article.body_html
