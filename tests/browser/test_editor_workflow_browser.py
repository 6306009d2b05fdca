"""Writer and editor take an article through review with the workflow panel at the top of
the form, and readers get what the writer typed, photo and credit included."""

import pytest

from articles.models import Article
from tests.browser.admin_support import body_editor, log_in, with_password
from tests.factories import make_article, make_image, make_photographer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def panel(page):
    return page.locator(".workflow-panel")


def test_submit_request_changes_resubmit_publish_from_the_top_of_the_form(
    live_server, new_context, writer, editor, screenshots
):
    with_password(writer), with_password(editor)
    photo = make_image(
        caption="The new bridge at dusk",
        photographer=make_photographer(name="Pavel Bogush", slug="pavel-bogush"),
    )
    article = make_article(
        headline="Bridges over the Svislach",
        body="<p>The city opened its new bridge.</p>",
        status=Article.Status.DRAFT,
        published_at=None,
        authors=[writer.author_profile],
        created_by=writer,
    )
    change = f"{live_server.url}/admin/articles/article/{article.pk}/change/"
    as_writer = new_context().new_page()
    as_editor = new_context().new_page()

    log_in(as_writer, live_server, writer)
    as_writer.goto(change)
    body_editor(as_writer).locator("p").click()
    as_writer.keyboard.press("End")
    as_writer.get_by_title("Insert photo").click()
    as_writer.get_by_role("button", name="The new bridge at dusk").click()
    panel(as_writer).get_by_role("button", name="Submit for review").click()
    assert "is now In review" in as_writer.locator(".messagelist").inner_text()

    log_in(as_editor, live_server, editor)
    as_editor.goto(change)
    assert "In review" in panel(as_editor).locator(".workflow-status").inner_text()
    panel(as_editor).get_by_label("Comment").fill("Name the bridge's architect.")
    panel(as_editor).get_by_role("button", name="Request changes").click()
    as_editor.wait_for_selector(".messagelist .success")

    as_writer.goto(change)
    top = panel(as_writer)
    assert "Changes requested" in top.locator(".workflow-status").inner_text()
    assert "Name the bridge's architect." in top.locator(".workflow-panel__comment").inner_text()
    as_writer.evaluate("window.scrollTo(0, 0)")  # the sidebar sticks to the scroll position
    as_writer.screenshot(
        path=str(screenshots / "editor-workflow-panel-desktop.png"), full_page=True
    )
    body_editor(as_writer).locator("p").last.click()
    as_writer.keyboard.press("End")
    as_writer.keyboard.type(" It was designed by Anna Kowalska.")
    top.get_by_role("button", name="Submit for review").click()
    as_writer.wait_for_selector(".messagelist .success")

    as_editor.goto(change)
    panel(as_editor).get_by_role("button", name="Publish", exact=True).click()
    assert "is now Published" in as_editor.locator(".messagelist").inner_text()

    reader = new_context().new_page()
    article.refresh_from_db()
    reader.goto(live_server.url + article.get_absolute_url())
    assert "designed by Anna Kowalska" in reader.locator(".story__body").inner_text()
    assert reader.locator(".story__body figcaption .credit").inner_text() == "Photo: Pavel Bogush"
    assert photo in article.images.all()
