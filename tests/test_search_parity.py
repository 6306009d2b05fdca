"""SQLite's FTS5 search and PostgreSQL's full-text search give the same results in the same order.

One shared set of articles, and for each query the results declared here in order; whichever
database the suite runs on must give exactly them (the SQLite side runs always, the PostgreSQL
side when DATABASE_URL names PostgreSQL). Both match every word of the query as a prefix of a
stemmed word, rank headline over standfirst over body, and break ties newest first.

Where the two differ, and what each gives, is declared in DIFFERENCES:
- Diacritics: SQLite folds Latin accents ("cafe" finds "Café"); PostgreSQL's english
  configuration keeps them. Neither folds Greek accents.
- Stop words: PostgreSQL drops English stop words from a query ("the", "and", "or", "no"), so a
  query of stop words alone finds nothing there; SQLite matches them as words like any other.
- "Covid-19": PostgreSQL's parser reads "-19" as a signed number, so "covid 19" finds nothing
  there; SQLite reads the words "covid" and "19".
- Ranking: for one word both put headline over standfirst over body, but bm25 (SQLite) adds
  the weighted counts of a word up before it saturates them, so a body that repeats a word a
  dozen times outranks one standfirst mention there; ts_rank (PostgreSQL) never lets body
  mentions outweigh a standfirst one. For several words ts_rank also weighs how close they
  stand and bm25 does not; no query here is ordered differently by that.
- Words inside a run of Chinese characters: neither database splits the run into words, so
  "地铁" finds "地铁 公司" but not "北京地铁开通" (the portable search would).
"""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from articles.models import Article
from articles.search.query import search_articles
from tests.factories import make_article

pytestmark = pytest.mark.django_db

ARTICLES = [  # slug, headline, standfirst, body (newest first: each an hour older)
    ("rail-headline", "China opens a new railway", "Trains to Europe.", "Via Kazakhstan."),
    ("rail-standfirst", "Trade talks", "The China railway is open.", "Officials met."),
    (
        "rail-body",
        "Weekly round-up",
        "What happened.",
        "Talks on the railway to China, and more railway news.",
    ),
    ("floods", "Floods hit the town", "Rivers rose.", "Flooding continues in the east."),
    ("budget-vote", "Budget vote", "Councillors met.", "The council passed the school budget."),
    ("school-news", "School news", "Pupils return.", "Budget cuts hit the council."),
    ("quotes", "Minister: “No comment”", "A short statement.", 'He said "no comment" twice.'),
    ("cafe", "Café reopens", "Coffee again.", "The café on the square opened."),
    ("covid", "Covid-19 cases fall", "Figures for 2024.", "Cases fell by a fifth."),
    ("minsk", "Минск открывает новую линию", "Поезда идут в Китай.", "Линия открыта."),
    ("beijing", "北京地铁开通", "新线路。", "地铁 公司 表示。"),
    ("athens", "Αθήνα: νέο μετρό", "Η γραμμή ανοίγει.", "Το μετρό είναι έτοιμο."),
    ("beacon-standfirst", "Coast news", "The beacon is lit.", "Ships pass."),
    ("beacon-body", "Coast diary", "Ships pass.", "Beacon. " * 12),
    ("harbour-new", "Harbour reopens", "Boats return.", "The harbour is open."),
    ("harbour-old", "Harbour reopens", "Boats return.", "The harbour is open."),
]
HIDDEN = [  # never found: not live
    ("railway-draft", "Embargoed railway budget", Article.Status.IN_REVIEW, timedelta(hours=-1)),
    ("railway-scheduled", "Railway budget tomorrow", Article.Status.PUBLISHED, timedelta(days=1)),
]
RAIL = ["rail-headline", "rail-standfirst", "rail-body"]
EXPECTED = {
    # words: headline over standfirst over body (one body mention or two)
    "railway": RAIL,
    "RAILWAY": RAIL,
    "budget council": ["budget-vote", "school-news"],
    "china railway": RAIL,
    # every word must match
    "railway trains": ["rail-headline"],
    "railway zeppelin": [],
    # word forms (stems) and prefixes
    "flooded": ["floods"],
    "flood": ["floods"],
    "flo": ["floods"],
    "rail": RAIL,
    "councils budgets": ["budget-vote", "school-news"],
    # phrases are words: quotes and punctuation are not syntax
    '"no comment"': ["quotes"],
    "“comment”": ["quotes"],
    "railway!!! (trains)": ["rail-headline"],
    "railway's": RAIL,
    "rail-way": [],
    "budget, council.": ["budget-vote", "school-news"],
    # operators are words too (here ones no article holds)
    "railway NEAR china": [],
    "railway OR zeppelin": [],
    "china*": RAIL,
    "^railway": RAIL,
    "headline:railway": [],
    "-railway": RAIL,
    # non-Latin text, any case
    "минск": ["minsk"],
    "ЛИНИЯ": ["minsk"],
    "Αθήνα": ["athens"],
    "αθήνα μετρό": ["athens"],
    "北京": ["beijing"],
    "地铁": ["beijing"],
    "地铁开通": [],
    # ties: newest first
    "harbour": ["harbour-new", "harbour-old"],
    # nothing live: drafts and scheduled articles are never found
    "embargoed": [],
    "tomorrow": [],
}
DIFFERENCES = {  # query: (SQLite's results, PostgreSQL's)
    "cafe": (["cafe"], []),
    "café": (["cafe"], ["cafe"]),
    "αθηνα": ([], []),
    "covid 19": (["covid"], []),
    "covid": (["covid"], ["covid"]),
    "and": (["rail-body"], []),
    "railway and trains": ([], ["rail-headline"]),
    "railway NOT china": ([], RAIL),
    # a body that repeats a word a dozen times: bm25 adds the weighted counts up before it
    # saturates them, ts_rank gives a body mention at most a body's weight
    "beacon": (["beacon-body", "beacon-standfirst"], ["beacon-standfirst", "beacon-body"]),
}


@pytest.fixture
def shared_articles():
    now = timezone.now()
    for hours, (slug, headline, standfirst, body) in enumerate(ARTICLES, start=1):
        make_article(
            slug=slug,
            headline=headline,
            standfirst=standfirst,
            body=body,
            published_at=now - timedelta(hours=hours),
        )
    for slug, headline, status, offset in HIDDEN:
        make_article(
            slug=slug,
            headline=headline,
            standfirst="Railway plans.",
            status=status,
            published_at=now + offset,
        )


def found(query):
    return [article.slug for article in search_articles(query)]


@pytest.mark.parametrize("query", EXPECTED)
def test_search_gives_the_declared_results_in_order(shared_articles, query):
    assert found(query) == EXPECTED[query]


@pytest.mark.parametrize("query", DIFFERENCES)
def test_search_differs_between_databases_only_as_declared(shared_articles, query):
    on_sqlite, on_postgresql = DIFFERENCES[query]
    expected = on_postgresql if connection.vendor == "postgresql" else on_sqlite
    assert found(query) == expected


def test_results_carry_a_rank_that_is_higher_for_better_matches(shared_articles):
    ranks = [article.rank for article in search_articles("railway")]
    assert ranks == sorted(ranks, reverse=True) and ranks[-1] > 0
