"""The writer's safety nets in the real admin: the live preview beside the editor, autosave
with recovery after a closed tab, the warning before leaving, and Ctrl+S."""

import pytest

from articles.models import Article
from tests.browser.admin_support import body_editor, log_in, with_password
from tests.factories import make_article

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def draft(writer):
    with_password(writer)
    return make_article(
        headline="Bridges over the Svislach",
        body="<p>The city opened its new bridge.</p>",
        status=Article.Status.DRAFT,
        published_at=None,
        authors=[writer.author_profile],
        created_by=writer,
    )


def open_draft(page, live_server, draft):
    page.goto(f"{live_server.url}/admin/articles/article/{draft.pk}/change/")
    editor = body_editor(page)
    editor.locator("p").last.click()
    page.keyboard.press("End")
    return editor


def test_live_preview_shows_the_unsaved_text_in_the_readers_page(
    live_server, page, writer, draft, screenshots
):
    log_in(page, live_server, writer)
    open_draft(page, live_server, draft)
    page.keyboard.press("Enter")
    page.keyboard.press("Control+Alt+2")
    page.keyboard.type("Traffic eases")
    preview = page.frame_locator("#live-preview-frame")
    preview.locator(".story__body h2", has_text="Traffic eases").wait_for()
    assert preview.locator(".preview-banner").inner_text().startswith("Preview — not published")
    assert preview.locator("h1").inner_text() == "Bridges over the Svislach"
    page.evaluate("window.scrollTo(0, 0)")  # the sidebar sticks to the scroll position
    page.screenshot(path=str(screenshots / "editor-live-preview-desktop.png"), full_page=True)
    draft.refresh_from_db()
    assert "Traffic eases" not in draft.body  # nothing was saved by previewing


def test_opening_an_article_starts_at_the_top_of_the_form_once_the_preview_has_loaded(
    live_server, page, writer, draft
):
    log_in(page, live_server, writer)
    page.goto(f"{live_server.url}/admin/articles/article/{draft.pk}/change/")
    preview = page.frame_locator("#live-preview-frame")
    preview.locator(".preview-banner").wait_for()
    page.wait_for_timeout(300)  # the frame's own first scroll runs after it loads
    assert page.evaluate("window.scrollY") == 0
    assert page.get_by_role("button", name="Submit for review").is_visible()
    assert page.locator("#id_headline").bounding_box()["y"] < page.viewport_size["height"]


def test_a_new_story_is_previewed_while_typing_before_its_first_save(live_server, page, writer):
    log_in(page, live_server, with_password(writer))
    page.goto(live_server.url + "/admin/articles/article/add/")
    page.get_by_label("Headline").fill("A new story")
    body_editor(page).click()
    page.keyboard.type("Its first words.")
    preview = page.frame_locator("#live-preview-frame")
    preview.locator(".story__body p", has_text="Its first words.").wait_for()
    assert preview.locator(".preview-banner").inner_text().startswith("Preview — not published")
    assert preview.locator("h1").inner_text() == "A new story"
    assert not Article.objects.exists()


def test_text_typed_before_a_closed_tab_is_offered_back(live_server, page, writer, draft):
    log_in(page, live_server, writer)
    open_draft(page, live_server, draft)
    page.keyboard.type(" Tolls are dropped.")
    page.get_by_text("Autosaved in this browser at").wait_for()
    reopened = page.context.new_page()
    page.close()  # the tab is closed without saving
    reopened.goto(f"{live_server.url}/admin/articles/article/{draft.pk}/change/")
    body_editor(reopened)
    recovery = reopened.get_by_role("alert").filter(has_text="unsaved text")
    recovery.get_by_role("button", name="Restore the unsaved text").click()
    assert (
        body_editor(reopened).inner_text() == "The city opened its new bridge. Tolls are dropped."
    )
    reopened.get_by_role("button", name="Save and continue editing").click()
    reopened.wait_for_selector(".messagelist .success")
    draft.refresh_from_db()
    assert draft.body == "<p>The city opened its new bridge. Tolls are dropped.</p>"
    # Saved: the next visit offers nothing.
    reopened.reload()
    body_editor(reopened)
    assert reopened.get_by_role("button", name="Restore the unsaved text").count() == 0


def test_leaving_with_unsaved_changes_asks_first(live_server, page, writer, draft):
    log_in(page, live_server, writer)
    open_draft(page, live_server, draft)
    page.keyboard.type(" Unsaved words.")
    asked = []

    def answer(dialog):
        asked.append(dialog.type)
        dialog.dismiss()  # "Stay on page"

    page.on("dialog", answer)
    page.close(run_before_unload=True)
    page.wait_for_timeout(500)
    assert asked == ["beforeunload"]
    assert not page.is_closed()


def test_ctrl_s_saves_and_continues_editing(live_server, page, writer, draft):
    log_in(page, live_server, writer)
    open_draft(page, live_server, draft)
    page.keyboard.type(" Saved by shortcut.")
    page.keyboard.press("Control+s")
    page.wait_for_selector(".messagelist .success")
    assert page.url.endswith(f"/admin/articles/article/{draft.pk}/change/")
    draft.refresh_from_db()
    assert draft.body == "<p>The city opened its new bridge. Saved by shortcut.</p>"


def test_a_recovered_draft_older_than_the_saved_article_is_refused_not_saved_over_it(
    live_server, page, writer, draft
):
    log_in(page, live_server, writer)
    open_draft(page, live_server, draft)
    page.keyboard.type(" Written on the old version.")
    page.get_by_text("Autosaved in this browser at").wait_for()
    # Meanwhile a colleague saves the article (a new version) and the tab is closed.
    draft.body = "<p>The colleague's newer text.</p>"
    draft.version += 1
    draft.save()
    reopened = page.context.new_page()
    page.close()
    reopened.goto(f"{live_server.url}/admin/articles/article/{draft.pk}/change/")
    body_editor(reopened)
    reopened.get_by_role("button", name="Restore the unsaved text").click()
    reopened.get_by_role("button", name="Save and continue editing").click()
    refusal = reopened.get_by_text("saved this article while you were editing it")
    refusal.wait_for()
    draft.refresh_from_db()
    assert draft.body == "<p>The colleague's newer text.</p>"
