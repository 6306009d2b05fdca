"""Photos in the text, placed by a writer in the real admin: from the chooser (search by
caption, credit or tag) and by dropping a file, which goes into the library first."""

import base64

import pytest
from PIL import Image as PILImage

from articles.models import Article, Image
from tests.browser.admin_support import body_editor, log_in, with_password
from tests.factories import jpeg_bytes, make_article, make_image, make_photographer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DROP_FILE = """([b64, name]) => {
  const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))
  const data = new DataTransfer()
  data.items.add(new File([bytes], name, { type: "image/jpeg" }))
  return data
}"""


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


def drop_file(page, editor, payload, name):
    """Drop a file as a person does: at a spot in the text (ProseMirror needs coordinates)."""
    box = editor.locator("p").last.bounding_box()
    data = page.evaluate_handle(DROP_FILE, [payload, name])
    at = {"clientX": box["x"] + box["width"] - 2, "clientY": box["y"] + box["height"] - 2}
    editor.dispatch_event("drop", {"dataTransfer": data, **at})


def change_page(page, live_server, article):
    page.goto(f"{live_server.url}/admin/articles/article/{article.pk}/change/")
    return body_editor(page)


def test_writer_inserts_a_library_photo_found_by_tag_with_the_chooser(
    live_server, page, writer, draft, screenshots
):
    bogush = make_photographer(name="Pavel Bogush", slug="pavel-bogush")
    bridge = make_image(caption="The new bridge at dusk", photographer=bogush)
    bridge.tags.add("Svislach")
    make_image(caption="A tractor in a field", credit_text="BelTA")
    log_in(page, live_server, writer)
    editor = change_page(page, live_server, draft)
    editor.locator("p").first.click()
    page.keyboard.press("End")
    page.get_by_title("Insert photo").click()
    chooser = page.get_by_role("dialog", name="Insert photo")
    chooser.get_by_text("2 photo(s)").wait_for()  # the newest photos, before any search
    assert chooser.locator(".photo-chooser__choice").count() == 2
    chooser.get_by_label("Search the photo library").fill("svislach")
    chooser.get_by_text("1 photo(s)").wait_for()
    chooser.locator(".photo-chooser__choice img").wait_for()
    page.evaluate("window.scrollTo(0, 0)")  # the sidebar sticks to the scroll position
    page.screenshot(path=str(screenshots / "editor-photo-chooser-desktop.png"), full_page=True)
    chooser.get_by_role("button", name="The new bridge at dusk").click()
    placed = editor.locator("figure.editor-photo")
    assert placed.locator(".caption").inner_text() == "The new bridge at dusk"
    assert placed.locator(".credit").inner_text() == "Photo: Pavel Bogush"
    assert placed.locator("img").evaluate("img => img.complete && img.naturalWidth > 0")
    page.keyboard.press("Control+s")
    page.wait_for_selector(".messagelist .success")

    draft.refresh_from_db()
    assert draft.body == (
        f'<p>The city opened its new bridge.</p><figure data-image="{bridge.key}"></figure>'
    )
    assert [use.image for use in draft.image_uses.all()] == [bridge]
    page.goto(f"{live_server.url}/admin/articles/article/{draft.pk}/preview/")
    assert page.locator(".story__body figcaption .credit").inner_text() == "Photo: Pavel Bogush"


def test_writer_drops_a_photo_file_into_the_text_and_its_credit_is_read_from_the_file(
    live_server, page, writer, draft, screenshots
):
    exif = PILImage.Exif()
    exif[0x010E] = "Drill at the Brestsky training ground"  # ImageDescription
    exif[0x013B] = "Pavel Bogush"  # Artist
    payload = base64.b64encode(jpeg_bytes(width=320, height=200, exif=exif)).decode()
    log_in(page, live_server, writer)
    editor = change_page(page, live_server, draft)
    editor.locator("p").first.click()
    page.keyboard.press("End")
    drop_file(page, editor, payload, "drill.jpg")
    placed = editor.locator("figure.editor-photo")
    placed.locator(".caption").wait_for()
    assert placed.locator(".caption").inner_text() == "Drill at the Brestsky training ground"
    assert placed.locator(".credit").inner_text() == "Photo: Pavel Bogush"
    assert "now in the library" in page.locator(".editor-upload-status").inner_text()
    page.get_by_role("button", name="Save and continue editing").click()
    page.wait_for_selector(".messagelist .success")

    photo = Image.objects.get()
    assert photo.uploaded_by == writer
    assert photo.caption == "Drill at the Brestsky training ground"
    draft.refresh_from_db()
    assert f'<figure data-image="{photo.key}"></figure>' in draft.body


def test_a_file_that_is_not_a_photo_is_refused_with_the_reason(live_server, page, writer, draft):
    log_in(page, live_server, writer)
    editor = change_page(page, live_server, draft)
    editor.locator("p").first.click()
    payload = base64.b64encode(b"not really a jpeg").decode()
    drop_file(page, editor, payload, "broken.jpg")
    page.wait_for_function(
        "document.querySelector('.editor-upload-status')?.textContent.includes('not uploaded')"
    )
    assert editor.locator("figure").count() == 0
    assert not Image.objects.exists()


PASTE_FILE = """([b64, name]) => {
  const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))
  const data = new DataTransfer()
  data.items.add(new File([bytes], name, { type: "image/jpeg" }))
  const paste = new ClipboardEvent("paste", { clipboardData: data, bubbles: true, cancelable: true })
  document.querySelector(".prose-editor .ProseMirror.story__body").dispatchEvent(paste)
}"""


def test_writer_pastes_a_photo_and_it_is_placed_at_the_cursor(live_server, page, writer, draft):
    log_in(page, live_server, writer)
    editor = change_page(page, live_server, draft)
    editor.locator("p").first.click()
    page.keyboard.press("End")
    payload = base64.b64encode(jpeg_bytes(width=300, height=200)).decode()
    page.evaluate(PASTE_FILE, [payload, "pasted.jpg"])
    editor.locator("figure.editor-photo img").wait_for()
    photo = Image.objects.get()
    assert editor.locator("figure.editor-photo").get_attribute("data-image") == photo.key
    assert editor.locator("figure.editor-photo .credit").inner_text() == "No credit yet"
