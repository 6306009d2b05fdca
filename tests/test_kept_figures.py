"""Photos in an article's text kept once rendered (articles/reader/figures.py) always show what
the photo and its photographer say now: anything that changes a figure changes its key."""

import pytest

from articles.models import ArticleImage
from articles.reader import figures
from tests.factories import make_article, make_image, make_photographer
from tests.test_teaser_cards import fields_altering

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def page_cache_off(settings):
    settings.PAGE_CACHE = False


@pytest.mark.parametrize("credited", ["photographer", "credit_text", "placeholder"])
def test_every_change_that_alters_a_figure_alters_the_key_it_is_kept_under(credited):
    if credited == "photographer":
        image = make_image(photographer=make_photographer(name="Pavel Bogush"))
    elif credited == "credit_text":
        image = make_image(photographer=None, credit_text="Agency photo")
    else:
        image = make_image(with_file=False, photographer=None, credit_text="Agency photo")
    image.refresh_from_db()
    rows = [image] + ([image.photographer] if image.photographer_id else [])
    altering = fields_altering(rows, lambda: figures.render(image), lambda: figures.shown(image))
    # Not vacuous: the caption changes every figure; the credit or the picture changes too.
    assert "caption" in altering
    assert {"name", "credit_text", "alt_text"} & set(altering)


def test_a_kept_figure_is_the_figure_itself():
    image = make_image()
    assert figures.figure(image) == figures.render(image)
    assert figures.figure(image) == figures.render(image)  # served kept the second time


def test_an_edited_caption_and_credit_show_in_the_text_at_the_next_request(client):
    photographer = make_photographer(name="Pavel Bogush")
    image = make_image(caption="A quay at dawn", photographer=photographer)
    article = make_article(body=f'<p>Text.</p><figure data-image="{image.key}"></figure>')
    ArticleImage.objects.get_or_create(article=article, image=image, defaults={"position": 1})
    assert "A quay at dawn" in client.get(article.get_absolute_url()).content.decode()

    image.caption = "The quay at noon"
    image.save()
    photographer.name = "Pavel Bogush-Lee"
    photographer.save()
    page = client.get(article.get_absolute_url()).content.decode()

    assert "The quay at noon" in page and "A quay at dawn" not in page
    assert "Pavel Bogush-Lee" in page
