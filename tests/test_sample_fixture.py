"""The sample article ships as real content, every part of the raw copy intact."""

import re
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.utils import timezone

from articles.models import Article, Image
from articles.rendering import image_references, insert_figures

SLUG = "in-liaison-with-the-celestial-empire"
SUBHEADINGS = [
    "Multi-dimensional interaction",
    "Form and content",
    "Diversity and multipolarity",
    "World of new possibilities",
]


@pytest.fixture
def sample(db):
    call_command("loaddata", "fixtures/demo.json", verbosity=0)
    return Article.objects.for_listing().get(slug=SLUG)


BLOCK = re.compile(r"<(h2|p)>(.*?)</\1>|<figure data-image=\"[^\"]+\"></figure>", re.DOTALL)


def body_blocks(article):
    """(tag, text) for each heading, paragraph and photo of the stored HTML body, in order."""
    return [(m.group(1) or "figure", m.group(2) or "") for m in BLOCK.finditer(article.body)]


def test_sample_is_posted_at_its_original_minsk_time(sample):
    posted = timezone.localtime(sample.published_at, ZoneInfo("Europe/Minsk"))
    assert posted.strftime("%d.%m.%Y %H:%M:%S") == "21.08.2024 13:30:22"
    assert sample.status == Article.Status.PUBLISHED
    assert Article.objects.published().filter(pk=sample.pk).exists()


def test_sample_keeps_headline_standfirst_and_intro(sample):
    assert sample.headline == "In liaison with the Celestial Empire"
    assert sample.standfirst == (
        "The comprehensive and all-weather strategic partnership established between "
        "Belarus and China allows expanding our co-operation"
    )
    assert body_blocks(sample)[0][1].startswith("Our liaison is based on mutual respect")


def test_sample_has_four_subheadings_and_fourteen_paragraphs(sample):
    blocks = body_blocks(sample)
    headings = [text for tag, text in blocks if tag == "h2"]
    paragraphs = [text for tag, text in blocks if tag == "p"]
    assert headings == SUBHEADINGS
    assert len(paragraphs) == 14
    assert paragraphs[-1].startswith("Piotr Petrovsky concludes")
    assert sample.body_html.count("<h2>") == 4
    assert sample.body_html.count("<p>") == 14


def test_sample_keeps_curly_quotes_and_no_stray_non_breaking_spaces(sample):
    texts = [sample.headline, sample.standfirst, sample.body]
    texts += [image.caption for image in Image.objects.all()]
    assert "“Any exercises, especially joint ones" in sample.body
    assert "NATO’s expansion" in sample.body
    assert "‘maximum’" in sample.body
    for text in texts:
        assert "\u00a0" not in text
        assert not re.search(r"[ \t]+$", text, re.MULTILINE)


def test_sample_has_three_photos_credited_to_pavel_bogush(sample):
    keys = [key for _, key in image_references(sample.body)]
    photos = [Image.objects.select_related("photographer").get(key=key) for key in keys]
    assert len(photos) == 3
    assert [photo.credit for photo in photos] == ["Pavel Bogush"] * 3
    assert photos[0].caption == (
        "Joint Belarus-China anti-terror exercise Attacking Falcon was held in July in Belarus"
    )
    assert photos[1].caption == ""  # the credit-only photo
    assert photos[2].caption == (
        "Joint Belarus-China anti-terror exercise Attacking Falcon at the Brestsky training "
        "ground, Brest Region"
    )
    assert all(photo.alt_text for photo in photos)
    assert list(sample.images.order_by("article_uses__position")) == photos


def test_sample_figures_render_caption_and_credit(sample):
    images = {image.key: image for image in sample.images.select_related("photographer")}
    html = insert_figures(sample.body_html, images)
    assert html.count("<figure") == 3
    assert html.count("Photo: ") == 3
    assert html.count(">Pavel Bogush</a>") == 3
    assert "<figcaption>" in html


def test_sample_byline_section_and_tags(sample):
    assert [author.name for author in sample.byline_authors] == ["Igor Savostenko"]
    assert sample.section.name == "International"
    assert sorted(tag.name for tag in sample.tags.all()) == ["Belarus", "China", "SCO", "Security"]


def test_loading_the_fixture_twice_duplicates_nothing(sample):
    counts = {model: model.objects.count() for model in (Article, Image)}
    call_command("loaddata", "fixtures/demo.json", verbosity=0)
    assert {model: model.objects.count() for model in (Article, Image)} == counts
    assert sample.bylines.count() == 1
    assert sample.tags.count() == 4
