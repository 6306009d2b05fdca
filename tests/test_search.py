"""Reader search: ranked, highlighted, published only, and safe for any input."""

import pytest
from pytest_django.asserts import assertContains, assertNotContains

from articles.models import Article
from articles.search.query import highlight, search_articles, search_terms, snippet
from tests.factories import make_article

pytestmark = pytest.mark.django_db


def test_search_ranks_a_headline_match_above_a_body_match(client):
    in_body = make_article(headline="Weekly round-up", body="Talks on the railway to China.")
    in_headline = make_article(headline="China opens a new railway", body="Text.")
    assert list(search_articles("china railway")) == [in_headline, in_body]


def test_search_needs_every_word_and_ignores_case(client):
    make_article(headline="Potash exports grow", body="To China.")
    make_article(headline="Potash prices fall", body="In Europe.")
    assert [a.headline for a in search_articles("POTASH china")] == ["Potash exports grow"]


def test_search_results_highlight_the_query_in_headline_and_excerpt(client):
    make_article(
        headline="China opens a railway",
        standfirst="A new line.",
        body="First.\n\nThe railway from Minsk reaches Chengdu in ten days.",
    )
    response = client.get("/search/", {"q": "railway"})
    assertContains(response, "<mark>railway</mark>", count=2)
    assertContains(response, "1 result for “railway”")


def test_search_results_on_page_2_are_highlighted_too(client):
    for n in range(13):
        make_article(headline=f"Story {n}", body=f"First.\n\nThe railway reaches town {n}.")
    response = client.get("/search/", {"q": "railway", "page": 2})
    assertContains(response, "13 results for “railway”")
    assertContains(response, "The <mark>railway</mark> reaches town", count=1)


def test_search_finds_nothing_that_is_not_live(client):
    make_article(headline="Embargoed railway deal", status=Article.Status.IN_REVIEW)
    response = client.get("/search/", {"q": "railway"})
    assertContains(response, "0 results")
    assertNotContains(response, "Embargoed railway deal")


@pytest.mark.parametrize(
    "query",
    [
        "",
        "   ",
        "x" * 10_000,
        "word " * 2_000,
        "'; DROP TABLE articles_article; --",
        '" OR 1=1 --',
        "%_%",
        "<script>alert('x')</script>",
        "<img src=x onerror=alert(1)>",
        "\x00\x01",
        "漢字 ١٢٣",
    ],
    ids=[
        "empty",
        "blank",
        "10000-chars",
        "2000-words",
        "sql-drop",
        "sql-or",
        "like-wildcards",
        "script",
        "img-onerror",
        "control-chars",
        "non-latin",
    ],
)
def test_absurd_query_gives_a_safe_page_never_an_error(client, query):
    make_article(headline="A perfectly normal story")
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<script>alert" not in html
    assert "<img src=x" not in html
    assert "A perfectly normal story" not in html
    assert Article.objects.count() == 1


def test_like_wildcards_match_literally_not_everything(client):
    make_article(headline="Ordinary")
    assert list(search_articles("%")) == []
    assert list(search_articles("__")) == []


def test_query_is_cut_to_a_few_words():
    assert len(search_terms("word " * 5000)) == 1
    assert len(search_terms(" ".join(f"w{n}" for n in range(100)))) == 8


def test_highlight_escapes_html_around_the_marks():
    assert highlight("<b>China</b> & co", ["china"]) == (
        "&lt;b&gt;<mark>China</mark>&lt;/b&gt; &amp; co"
    )


def test_excerpt_is_taken_from_the_paragraph_that_matches():
    html = "<p>Opening words.</p><h2>Subheading</h2><p>The railway from Minsk.</p>"
    assert snippet(html, ["railway"]) == "The <mark>railway</mark> from Minsk."
    long_paragraph = "<p>" + "word " * 100 + "railway at the end.</p>"
    cut = snippet(long_paragraph, ["railway"])
    assert cut.startswith("… word") and "<mark>railway</mark>" in cut


def test_excerpt_sees_words_through_markup_not_inside_tags():
    split_by_markup = "<p>Opening words.</p><p>The rail<em>way</em> opens.</p>"
    assert snippet(split_by_markup, ["railway"]) == "The <mark>railway</mark> opens."
    in_a_link_only = '<p>Opening.</p><p><a href="/railway">Map</a></p><p>The railway.</p>'
    assert snippet(in_a_link_only, ["railway"]) == "The <mark>railway</mark>."


def test_search_snippet_shows_an_ampersand_as_readers_wrote_it(client):
    make_article(headline="Trade", body="Potash & railway deals were signed in Minsk.")
    response = client.get("/search/?q=railway")
    assertContains(response, "Potash &amp; <mark>railway</mark> deals were signed in Minsk.")
    assertNotContains(response, "&amp;amp;")


def test_words_joined_by_an_underscore_are_found_and_marked_as_two_words(client):
    make_article(headline="Rail way opens", body="First.\n\nThe way by rail is short.")
    response = client.get("/search/", {"q": "rail_way"})
    assertContains(response, "1 result for “rail_way”")
    assertContains(response, "<mark>Rail</mark> <mark>way</mark> opens")


def test_highlight_marks_a_word_whatever_its_case_and_accents():
    assert highlight("Café CRÈME", ["cafe", "crème"]) == "<mark>Café</mark> <mark>CRÈME</mark>"
    assert highlight("Минск", ["минск"]) == "<mark>Минск</mark>"


def test_portable_search_matches_inside_words_and_only_live_articles():
    from articles.search import portable

    live = make_article(headline="Railways of Europe")
    make_article(headline="Railways draft", status=Article.Status.DRAFT)
    assert list(portable.search_articles("ailway")) == [live]
