"""Reads compiled once and run with each page's values (articles/reader/prepared.py) give each
page its own article, and the gate's answer for that page's moment, never the first page's."""

from datetime import timedelta

import pytest
from django.db import connection
from django.db.models import Q
from django.db.models.expressions import RawSQL
from django.db.models.query import get_related_populators
from django.utils import timezone

from articles.cache.invalidation import SNAPSHOT
from articles.models import Article, ArticleImage, Correction, Section
from articles.reader import article_page, prepared
from articles.reader.prepared import Prepared
from tests.factories import make_article, make_author, make_image

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def page_cache_off(settings):
    settings.PAGE_CACHE = False


def test_one_compiled_read_serves_each_article_its_own_page_and_no_draft(client):
    first = make_article(headline="Potash exports rise", authors=[make_author(name="Ann Lee")])
    second = make_article(headline="Harvest comes early", authors=[make_author(name="Bo Kim")])
    draft = make_article(headline="Not ready yet", status=Article.Status.DRAFT)

    first_page = client.get(first.get_absolute_url()).content.decode()
    second_page = client.get(second.get_absolute_url()).content.decode()

    assert "Potash exports rise" in first_page and "Ann Lee" in first_page
    assert "Harvest comes early" in second_page and "Bo Kim" in second_page
    assert "Potash exports rise" not in second_page and "Ann Lee" not in second_page
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_the_gate_is_asked_at_each_pages_own_moment():
    posted = timezone.now()
    article = make_article(published_at=posted, expires_at=posted + timedelta(hours=1))

    assert article_page.live_article(article.slug, now=posted + timedelta(minutes=1)) is not None
    assert article_page.live_article(article.slug, now=posted - timedelta(seconds=1)) is None
    assert article_page.live_article(article.slug, now=posted + timedelta(hours=2)) is None


def test_front_page_stories_are_the_newest_live_ones_in_order(client):
    now = timezone.now()
    older = make_article(headline="Older story", published_at=now - timedelta(hours=3))
    newer = make_article(headline="Newer story", published_at=now - timedelta(hours=1))
    make_article(headline="Scheduled story", published_at=now + timedelta(hours=1))

    cards = article_page.latest_cards(0, 10, now=now)

    assert [card.pk for card in cards] == [newer.pk, older.pk]
    assert [author.name for author in cards[0].byline_authors] == [
        author.name for author in newer.byline_authors
    ]


def test_a_value_the_sql_does_not_carry_is_refused_when_the_read_is_built():
    # A value compiled into the SQL text instead of passed as a parameter would be the same
    # for every page: building such a read fails instead of serving one page to all.
    with pytest.raises(ValueError, match="slug"):
        Prepared(Section.objects.all(), {"slug": "\x00stand-in"})


def loaded(instance):
    """What an instance holds from its row: values, state, what post_init recorded, and the
    same of the rows joined to it."""
    if instance is None:
        return None
    values = {k: v for k, v in vars(instance).items() if k not in ("_state", SNAPSHOT)}
    snapshot = getattr(instance, SNAPSHOT, None)
    if snapshot is not None:
        snapshot = {k: v for k, v in snapshot.items() if k != "_state"}
    joined = {name: loaded(row) for name, row in instance._state.fields_cache.items()}
    return type(instance), values, instance._state.adding, instance._state.db, snapshot, joined


def as_django_loads(read, rows):
    """The instances Django's own iterator makes of ``rows``: from_db and its populators."""
    populators = get_related_populators(read.compiler.klass_info, read.compiler.select, read.alias)
    instances = []
    for row in rows:
        instance = read.model.from_db(read.alias, read.attnames, row[read.model_columns])
        for populator in populators:
            populator.populate(row, instance)
        instances.append(instance)
    return instances


def test_every_article_page_read_loads_rows_to_the_instances_django_makes():
    article = make_article(
        hero_image=make_image(), authors=[make_author(name="Ann Lee")], tags=["potash"]
    )
    ArticleImage.objects.create(article=article, image=make_image(), position=1)
    Correction.objects.create(article=article, text="A note.", published_at=timezone.now())
    now, vendor = timezone.now(), connection.vendor
    reads = [
        (article_page._article_read(vendor), {"now": now, "slug": article.slug}),
        *(
            (article_page._links_read(vendor, attr), {"now": now, "article": article.pk})
            for attr, _, _ in article_page.PAGE_LISTS
        ),
    ]
    for read, values in reads:
        assert prepared._loads_as_django(read.model)
        ours = read.objects(values)
        assert ours
        assert [loaded(i) for i in ours] == [
            loaded(i) for i in as_django_loads(read, read.rows(values))
        ]


def test_a_read_keeps_literal_percent_signs_and_binds_a_recurring_value_everywhere():
    section = Section.objects.create(name="Farming", slug="farming")
    weather = Section.objects.create(name="Weather", slug="weather")
    stand_in = "\x00stand-in slug"
    queryset = (
        Section.objects.filter(Q(slug=stand_in) | Q(name=stand_in) | Q(slug=stand_in))
        .annotate(mark=RawSQL("'100%%'", ()))
        .values_list("pk", "mark")
    )

    read = Prepared(queryset, {"slug": stand_in})

    assert read.rows({"slug": "farming"}) == [(section.pk, "100%")]
    assert read.rows({"slug": "Weather"}) == [(weather.pk, "100%")]
