"""A writer types an article in the real admin editor: formatting from buttons and shortcuts,
stored as sanitised HTML, shown to readers as typed."""

import pytest

from articles.models import Article
from tests.browser.admin_support import body_editor, log_in, with_password

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def wanda(writer):
    return with_password(writer)


def test_writer_types_a_formatted_body_and_readers_get_it(live_server, page, wanda, screenshots):
    log_in(page, live_server, wanda)
    page.goto(live_server.url + "/admin/articles/article/add/")
    page.get_by_label("Headline").fill("Bridges over the Svislach")
    editor = body_editor(page)
    editor.click()
    page.keyboard.type("The city opened its ")
    page.keyboard.press("Control+b")
    page.keyboard.type("new bridge")
    page.keyboard.press("Control+b")
    page.keyboard.type(" on Monday.")
    page.keyboard.press("Enter")
    page.keyboard.press("Control+Alt+2")
    page.keyboard.type("Traffic")
    page.keyboard.press("Enter")
    page.keyboard.type("Drivers waited ")
    page.keyboard.press("Control+i")
    page.keyboard.type("for years")
    page.keyboard.press("Control+i")
    page.keyboard.type(".")
    page.keyboard.press("Enter")
    page.keyboard.type("A quote from the mayor.")
    page.get_by_title("Blockquote").click()
    page.evaluate("window.scrollTo(0, 0)")  # the sidebar sticks to the scroll position
    page.screenshot(path=str(screenshots / "editor-typing-desktop.png"), full_page=True)
    page.get_by_role("button", name="Save and continue editing").click()
    page.wait_for_url("**/change/")

    article = Article.objects.get(headline="Bridges over the Svislach")
    assert article.body == (
        "<p>The city opened its <strong>new bridge</strong> on Monday.</p>"
        "<h2>Traffic</h2><p>Drivers waited <em>for years</em>.</p>"
        "<blockquote><p>A quote from the mayor.</p></blockquote>"
    )
    # The editor shows the saved text back formatted, not as markup.
    assert body_editor(page).locator("h2").inner_text() == "Traffic"
    assert body_editor(page).locator("strong").inner_text() == "new bridge"


PARTS = ["p", "h2", "blockquote p"]
STYLE = """el => {
  const s = getComputedStyle(el)
  return [s.fontFamily, s.fontSize, s.lineHeight, s.fontWeight, s.fontStyle]
}"""


def test_the_text_looks_while_typing_as_readers_will_see_it(live_server, page, wanda):
    from tests.factories import make_article

    article = make_article(
        body="<p>Paragraph.</p><h2>Heading</h2><blockquote><p>Quote.</p></blockquote>",
        status=Article.Status.DRAFT,
        published_at=None,
        authors=[wanda.author_profile],
        created_by=wanda,
    )
    log_in(page, live_server, wanda)
    page.goto(f"{live_server.url}/admin/articles/article/{article.pk}/preview/")
    reader = page.locator(".story__body")
    shown = {selector: reader.locator(selector).first.evaluate(STYLE) for selector in PARTS}
    page.goto(f"{live_server.url}/admin/articles/article/{article.pk}/change/")
    editor = body_editor(page)
    typed = {selector: editor.locator(selector).first.evaluate(STYLE) for selector in PARTS}
    assert typed == shown
