"""Readers see corrections on the article, in its JSON-LD, and on a public corrections page."""

import json
import re

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from articles.models import Article
from articles.workflow import revisions
from articles.workflow import transitions as workflow
from tests.factories import make_article

pytestmark = pytest.mark.django_db


def publish_with_correction(article, editor, text, kind="correction"):
    revisions.save_pending(article, revisions.snapshot(article) | {"body": "Fixed."}, user=editor)
    workflow.apply_transition(
        article, "publish_changes", user=editor, correction_kind=kind, correction_text=text
    )


def json_ld(response):
    found = re.search(
        r'<script type="application/ld\+json">(.*?)</script>', response.content.decode(), re.S
    )
    return json.loads(found.group(1))


def test_corrections_page_lists_notes_of_live_articles_newest_first(client, editor):
    live = make_article(headline="Budget story")
    publish_with_correction(live, editor, "The deficit is 2%, not 3%.")
    publish_with_correction(live, editor, "Added the minister's reply.", kind="update")
    page = client.get(reverse("articles:corrections"))
    assertContains(page, "Budget story")
    text = page.content.decode()
    assert text.index("Added the minister") < text.index("The deficit is 2%")
    assertContains(page, "Correction, ")
    assertContains(page, "Update, ")


def test_corrections_of_an_unpublished_article_are_not_listed(client, editor):
    article = make_article(headline="Withdrawn story")
    publish_with_correction(article, editor, "A note on a story later withdrawn.")
    assertContains(client.get(reverse("articles:corrections")), "Withdrawn story")
    workflow.apply_transition(article, "unpublish", user=editor, comment="Legal advice.")
    page = client.get(reverse("articles:corrections"))
    assertNotContains(page, "Withdrawn story")
    assertNotContains(page, "later withdrawn")


def test_article_json_ld_carries_its_corrections(client, editor):
    article = make_article()
    publish_with_correction(article, editor, "The mayor's name is spelt Ivanou.")
    article = Article.objects.get(pk=article.pk)
    data = json_ld(client.get(article.get_absolute_url()))
    assert data["correction"][0]["@type"] == "CorrectionComment"
    assert data["correction"][0]["text"] == "Correction: The mayor's name is spelt Ivanou."
    assert data["dateModified"] >= data["correction"][0]["datePublished"]
