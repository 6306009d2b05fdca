"""What the article page shows around its text, read through the ORM from the one gate
(articles/reader/article_page.py, articles/reader/related.py)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Correction, Section
from articles.reader import cards as cards_module
from articles.reader import related
from tests.factories import make_article, make_author, make_section

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def page_cache_off(settings):
    settings.PAGE_CACHE = False


def test_article_page_lists_tags_in_the_order_the_desk_attached_them(client):
    article = make_article(tags=[])
    for name in ("Zebra", "Apple", "Mango"):
        article.tags.add(name)  # one at a time: taggit adds a list in no set order
    page = client.get(article.get_absolute_url()).content.decode()
    tags = page.split('rel="tag"')
    assert "Zebra" in tags[1] and "Apple" in tags[2] and "Mango" in tags[3]


def test_article_page_shows_only_corrections_whose_time_has_come_oldest_first(client):
    article = make_article()
    now = timezone.now()
    Correction.objects.create(article=article, text="Second note.", published_at=now)
    Correction.objects.create(article=article, text="First note.", published_at=now - timedelta(1))
    Correction.objects.create(article=article, text="Not yet.", published_at=now + timedelta(1))
    Correction.objects.create(article=article, text="Draft note.", published_at=None)
    page = client.get(article.get_absolute_url()).content.decode()
    assert page.index("First note.") < page.index("Second note.")
    assert "Not yet." not in page and "Draft note." not in page


def test_article_page_bylines_keep_byline_order_for_the_article_and_related_cards(client):
    first, second, third = (make_author(name=n) for n in ("Ann First", "Bo Second", "Cy Third"))
    section = make_section()
    article = make_article(section=section, authors=[third, first, second])
    make_article(
        section=section, authors=[second, first], published_at=timezone.now() - timedelta(1)
    )
    page = client.get(article.get_absolute_url()).content.decode()
    top, cards = page.split('id="related-heading"')
    assert top.index("Cy Third") < top.index("Ann First") < top.index("Bo Second")
    assert cards.index("Bo Second") < cards.index("Ann First")


def test_related_cards_carry_what_a_card_shows_but_not_the_text():
    section = make_section()
    older = make_article(
        section=section, tags=["potash"], published_at=timezone.now() - timedelta(hours=3)
    )
    article = make_article(section=section, tags=["potash"])
    tag_ids = list(article.tags.values_list("pk", flat=True))

    cards, previous, following = related.related_and_neighbours(
        article, tag_ids, now=timezone.now(), limit=4
    )

    assert [card.pk for card in cards] == [older.pk]
    assert previous.pk == older.pk and following is None
    # No text on a card: it is read as the values a card shows (articles/reader/cards.py).
    assert not {"body", "body_html", "body_plain"} & set(cards_module.CARD_VALUES)
    assert cards[0].as_article().section == section


def test_a_tag_sharer_outside_the_tags_newest_pool_is_not_ranked(monkeypatch):
    monkeypatch.setattr(related, "PER_TAG_POOL", 2)
    article = make_article(tags=["wheat"], section=None)
    oldest = make_article(tags=["wheat"], section=None, published_at=timezone.now() - timedelta(9))
    newer = [make_article(tags=["wheat"], section=None) for _ in range(2)]
    tag_ids = list(article.tags.values_list("pk", flat=True))

    cards, _, _ = related.related_and_neighbours(article, tag_ids, now=timezone.now(), limit=4)

    # The pool is the two most recently tagged articles of the tag: the newest two.
    assert {card.pk for card in cards} == {story.pk for story in newer}
    assert oldest.pk not in {card.pk for card in cards}


def test_menu_on_the_article_page_lists_sections_in_menu_order(client):
    make_section(name="Zebra desk", position=1)
    make_section(name="Alpha desk", position=1)
    make_section(name="Last desk", position=9)
    article = make_article(section=Section.objects.get(name="Last desk"))
    response = client.get(article.get_absolute_url())
    menu = response.content.decode().split('class="site-nav"')[1].split("</nav>")[0]
    assert menu.index("Alpha desk") < menu.index("Zebra desk") < menu.index("Last desk")


@pytest.mark.parametrize("with_section", [True, False])
def test_related_statement_built_once_answers_as_the_orm_composes_it(with_section):
    """The candidates statement is the ORM's SQL with each page's values put in place of the
    stand-ins it was built with: it must give what the ORM gives for that page itself."""
    section = make_section() if with_section else None
    now = timezone.now()
    stories = [
        make_article(
            section=section,
            tags=["rye", "oats"][: 1 + n % 2],
            published_at=now - timedelta(hours=n + 1),
        )
        for n in range(8)
    ]
    article = stories[3]
    tag_ids = list(article.tags.values_list("pk", flat=True))

    composed = related._candidates(article, tag_ids, now, 4, related.PER_TAG_POOL)
    cards, previous, following = related.related_and_neighbours(article, tag_ids, now=now, limit=4)

    expected_related, expected_previous, expected_next = related._choose(list(composed), 4)
    assert [card.pk for card in cards] == expected_related
    assert len(cards) == 4
    assert (previous and previous.pk) == expected_previous
    assert (following and following.pk) == expected_next
    if with_section:
        assert previous.pk == stories[4].pk and following.pk == stories[2].pk
