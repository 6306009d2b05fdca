"""Bylines as a writer meets them: their own name already on a new article, and the order
set by dragging rows (or the move buttons), never by typing position numbers."""

import pytest

from articles.models import Article
from tests.browser.admin_support import body_editor, log_in, with_password
from tests.factories import make_article, make_author

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def byline_rows(page):
    return page.locator("#bylines-group tbody tr.form-row:not(.empty-form)")


def test_a_new_article_carries_the_writers_own_byline(live_server, page, writer):
    log_in(page, live_server, with_password(writer))
    page.goto(live_server.url + "/admin/articles/article/add/")
    assert "Wanda Writer" in byline_rows(page).first.inner_text()
    assert page.locator("#bylines-group input[name$='-position']").first.get_attribute("type") == (
        "hidden"
    )
    page.get_by_label("Headline").fill("Tolls are dropped")
    body_editor(page).click()
    page.keyboard.type("From Monday, the bridge is free.")
    page.get_by_role("button", name="Save and continue editing").click()
    page.wait_for_selector(".messagelist .success")
    article = Article.objects.get(headline="Tolls are dropped")
    assert article.byline_authors == [writer.author_profile]


def test_writer_drags_a_co_author_to_the_front_of_the_byline(live_server, page, writer):
    co_author = make_author(name="Anna Kowalska")
    article = make_article(
        headline="Bridges over the Svislach",
        status=Article.Status.DRAFT,
        published_at=None,
        authors=[writer.author_profile, co_author],
        created_by=writer,
    )
    log_in(page, live_server, with_password(writer))
    page.goto(f"{live_server.url}/admin/articles/article/{article.pk}/change/")
    body_editor(page)
    rows = byline_rows(page)
    assert "Wanda Writer" in rows.nth(0).inner_text()
    rows.nth(1).locator(".byline-handle").drag_to(rows.nth(0), target_position={"x": 10, "y": 2})
    assert "Anna Kowalska" in byline_rows(page).nth(0).inner_text()
    page.get_by_role("button", name="Save and continue editing").click()
    page.wait_for_selector(".messagelist .success")
    article.refresh_from_db()
    assert [author.name for author in article.byline_authors] == ["Anna Kowalska", "Wanda Writer"]

    byline_rows(page).nth(0).get_by_role("button", name="Move down in the byline").click()
    page.get_by_role("button", name="Save and continue editing").click()
    page.wait_for_selector(".messagelist .success")
    article.refresh_from_db()
    assert [author.name for author in article.byline_authors] == ["Wanda Writer", "Anna Kowalska"]
