"""The article page reads in plain SQL (articles/reader/article_reads.py): each gives what the ORM read
it stands for would give, field for field, with the same types (aware datetimes included),
on SQLite and on PostgreSQL."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from articles.models import Article, ArticleImage, Correction, Section, bylines_prefetch
from articles.reader import article_reads
from tests.factories import make_article, make_author, make_image, make_section

pytestmark = pytest.mark.django_db


def fields(instance):
    """Every stored value of a model instance, for comparing two reads of one row."""
    if instance is None:
        return None
    return {
        field.attname: getattr(instance, field.attname)
        for field in instance._meta.concrete_fields
        if field.attname not in instance.get_deferred_fields()
    }


@pytest.fixture
def sample(db):
    call_command("load_demo", verbosity=0)
    return Article.objects.get(slug="in-liaison-with-the-celestial-empire")


def test_live_article_is_the_published_article_with_section_hero_and_credit(sample):
    now = timezone.now()
    expected = (
        Article.objects.published(now)
        .select_related("section", "hero_image__photographer")
        .get(slug=sample.slug)
    )

    article = article_reads.live_article(sample.slug, now=now)

    assert fields(article) == fields(expected)
    assert timezone.is_aware(article.published_at)
    assert fields(article.section) == fields(expected.section)
    assert fields(article.hero_image) == fields(expected.hero_image)
    assert fields(article.hero_image.photographer) == fields(expected.hero_image.photographer)


@pytest.mark.parametrize(
    "status", [Article.Status.DRAFT, Article.Status.IN_REVIEW, Article.Status.UNPUBLISHED]
)
def test_live_article_is_none_for_an_article_readers_may_not_see(status):
    hidden = make_article(status=status)
    assert article_reads.live_article(hidden.slug, now=timezone.now()) is None


def test_live_article_is_none_until_a_scheduled_time_has_come():
    now = timezone.now()
    scheduled = make_article(published_at=now + timedelta(hours=1))

    assert article_reads.live_article(scheduled.slug, now=now) is None
    later = article_reads.live_article(scheduled.slug, now=now + timedelta(hours=2))
    assert later is not None and later.pk == scheduled.pk


def test_an_article_without_section_or_hero_reads_as_none_for_both():
    article = make_article(section=None)

    found = article_reads.live_article(article.slug, now=timezone.now())

    assert found.section is None and found.hero_image is None


def test_tags_photos_corrections_and_menu_are_read_together_and_are_the_articles_own(
    sample, editor
):
    now = timezone.now()
    other = make_article(tags=["elsewhere"], body="[[image other-photo]]")
    make_image(key="other-photo")
    Correction.objects.create(article=other, text="Not this one.", published_at=now)
    Correction.objects.create(article=sample, text="Shown.", published_at=now - timedelta(1))
    Correction.objects.create(article=sample, text="Not yet.", published_at=now + timedelta(1))
    Correction.objects.create(article=sample, text="Draft note.", published_at=None)

    around = article_reads.furniture(sample, now=now)

    assert [fields(tag) for tag in around.tags] == [
        fields(tag) for tag in sample.tags.order_by("articles_taggedarticle_items__id")
    ]
    uses = ArticleImage.objects.filter(article=sample).select_related("image__photographer")
    images = around.images
    assert {key: fields(image) for key, image in images.items()} == {
        use.image.key: fields(use.image) for use in uses
    }
    assert len(images) >= 2
    assert {key: fields(image.photographer) for key, image in images.items()} == {
        use.image.key: fields(use.image.photographer) for use in uses
    }
    corrections = around.corrections
    assert [fields(c) for c in corrections] == [
        fields(c) for c in sample.corrections.filter(published_at__lte=now)
    ]
    assert [c.text for c in corrections] == ["Shown."]
    assert [fields(s) for s in around.sections] == [fields(s) for s in Section.objects.all()]


def test_bylines_come_in_byline_order_for_every_article_at_once():
    first, second, third = make_author(), make_author(), make_author()
    one = make_article(authors=[third, first, second])
    two = make_article(authors=[second])
    three = make_article(authors=[])
    expected = Article.objects.filter(pk__in=[one.pk, two.pk, three.pk]).prefetch_related(
        bylines_prefetch()
    )
    expected = {article.pk: article.byline_authors for article in expected}

    article_reads.attach_bylines([one, two, three])

    for article in (one, two, three):
        assert [fields(a) for a in article.byline_authors] == [
            fields(a) for a in expected[article.pk]
        ]
    assert [author.pk for author in one.byline_authors] == [third.pk, first.pk, second.pk]
    assert three.byline_authors == []


def test_menu_sections_are_in_menu_order():
    make_section(name="Zebra", position=1)
    make_section(name="Alpha", position=1)
    make_section(name="Last", position=9)

    assert [fields(s) for s in article_reads.sections_for_menu()] == [
        fields(s) for s in Section.objects.all()
    ]


def test_related_cards_carry_what_a_card_shows_but_not_the_text():
    section = make_section()
    hero = make_image()
    older = make_article(
        section=section,
        tags=["potash"],
        hero_image=hero,
        published_at=timezone.now() - timedelta(hours=3),
    )
    article = make_article(section=section, tags=["potash"])
    expected = Article.objects.for_cards().get(pk=older.pk)

    related, previous, following = article_reads.related_and_neighbours(
        article,
        list(article.tags.values_list("pk", flat=True)),
        now=timezone.now(),
        limit=4,
        sections=list(Section.objects.all()),
    )

    assert [card.pk for card in related] == [older.pk]
    assert previous.pk == older.pk and following is None
    card = related[0]
    assert card.get_deferred_fields() == {"body", "body_html"}
    assert fields(card) == fields(expected)
    assert fields(card.section) == fields(expected.section)
    assert fields(card.hero_image) == fields(expected.hero_image)
