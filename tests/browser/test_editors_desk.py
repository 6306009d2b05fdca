"""The editors' desk as people use it: logged in through the form, typing into the real admin
in Chromium, and checking what the next person (an editor, a reader) then sees."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from articles.models import Article, Image
from articles.workflow.roles import sync_roles
from tests.factories import make_article, make_author, make_image, make_photographer, make_section

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

S = Article.Status
PASSWORD = "a-long-test-password-1"


@pytest.fixture
def people(transactional_db, django_user_model):
    """Writers, an editor and the photo desk with real passwords, as the newsroom has them."""
    from django.contrib.auth.models import Group

    sync_roles()
    made = {}
    for username, group in [
        ("wanda", "Writers"),
        ("walter", "Writers"),
        ("edith", "Editors"),
        ("pat", "Photo desk"),
    ]:
        user = django_user_model.objects.create_user(username, password=PASSWORD, is_staff=True)
        user.groups.add(Group.objects.get(name=group))
        made[username] = user
    make_author(name="Wanda Writer", user=made["wanda"])
    make_author(name="Walter Writer", user=made["walter"])
    return made


def log_in(new_context, live_server, username):
    context = new_context()
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{live_server.url}/admin/login/?next=/admin/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit], button[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/")
    return page


def reader(new_context):
    context = new_context()
    page = context.new_page()
    page.set_default_timeout(15_000)
    return page


def open_article(page, live_server, article):
    page.goto(f"{live_server.url}/admin/articles/article/{article.pk}/change/")


BODY = ".prose-editor .ProseMirror.story__body"


def type_body(page, text):
    """Type into the rich-text body as a writer does: at the end, Enter for each new line."""
    page.click(BODY)
    page.keyboard.press("Control+End")
    for number, line in enumerate(text.split("\n")):
        if number:
            page.keyboard.press("Enter")
        page.keyboard.type(line)


def insert_photo(page, search):
    """The "Insert photo" button, a search in the library and a click on the thumbnail."""
    page.get_by_title("Insert photo").click()
    chooser = page.get_by_role("dialog", name="Insert photo")
    chooser.get_by_label("Search the photo library").fill(search)
    chooser.get_by_text("1 photo(s)").wait_for()
    chooser.locator(".photo-chooser__choice").click()


def replace_body(page, text):
    page.click(BODY)
    page.keyboard.press("Control+a")
    page.keyboard.type(text)


def press(page, label):
    page.get_by_role("button", name=label).first.click()
    page.wait_for_load_state("load")


def messages(page):
    return page.locator("ul.messagelist li").all_inner_texts()


def test_a_story_with_a_photo_travels_from_writer_to_editor_to_reader(
    new_context, live_server, people, screenshots
):
    section = make_section(name="City", slug="city")
    photo = make_image(
        caption="The river at dawn",
        alt_text="Morning light over the Svislach",
        photographer=make_photographer(name="Pavel Bogush"),
    )
    article = make_article(
        status=S.DRAFT,
        published_at=None,
        headline="Bridges over the Svislach",
        standfirst="The city builds two new bridges.",
        body="",
        section=section,
        authors=[people["wanda"].author_profile],
        created_by=people["wanda"],
    )
    writer = log_in(new_context, live_server, "wanda")
    open_article(writer, live_server, article)
    type_body(writer, "The first will open in May.")
    insert_photo(writer, "river at dawn")
    type_body(writer, "Traffic eases.")
    writer.click("input[name=_continue]")
    writer.wait_for_load_state("load")
    assert any("changed successfully" in m for m in messages(writer)), messages(writer)
    assert list(article.images.all()) == [photo]
    writer.evaluate("window.scrollTo(0, 0)")  # the sidebar sticks to the scroll position
    writer.screenshot(path=str(screenshots / "desk-writer-editing.png"), full_page=True)

    preview = writer.context.new_page()
    preview.goto(f"{live_server.url}/admin/articles/article/{article.pk}/preview/")
    figure = preview.locator("figure").filter(has_text="The river at dawn")
    assert figure.count() == 1 and "Pavel Bogush" in figure.inner_text()
    assert "[[image" not in preview.content()

    press(writer, "Submit for review")
    assert any("is now In review" in m for m in messages(writer)), messages(writer)

    editor = log_in(new_context, live_server, "edith")
    open_article(editor, live_server, article)
    editor.fill("#id_workflow-comment", "Name the second bridge.")
    press(editor, "Request changes")
    assert any("Changes requested" in m for m in messages(editor)), messages(editor)

    open_article(writer, live_server, article)
    type_body(writer, "\nThe second is the Zhdanovichy bridge.")
    press(writer, "Submit for review")

    open_article(editor, live_server, article)
    press(editor, "Publish")
    assert any("is now Published" in m for m in messages(editor)), messages(editor)

    visitor = reader(new_context)
    article.refresh_from_db()
    visitor.goto(live_server.url + article.get_absolute_url())
    page_text = visitor.locator("main").inner_text()
    assert "The second is the Zhdanovichy bridge." in page_text
    figure = visitor.locator("figure").filter(has_text="The river at dawn")
    assert "Pavel Bogush" in figure.inner_text()
    assert "[[image" not in visitor.content()


def test_editor_publishes_changes_to_a_live_story_and_its_tags_stay_whole(
    new_context, live_server, people
):
    article = make_article(headline="Old headline", tags=["Minsk", "Rail strikes"])
    editor = log_in(new_context, live_server, "edith")
    open_article(editor, live_server, article)
    editor.fill("#id_headline", "New headline")
    editor.click("input[name=_continue]")
    editor.wait_for_load_state("load")
    assert any("wait until an editor publishes" in m for m in messages(editor))
    press(editor, "Publish changes")
    assert any("is now Published" in m for m in messages(editor)), messages(editor)
    assert not any("wait until an editor publishes" in m for m in messages(editor))

    article.refresh_from_db()
    assert article.headline == "New headline"
    assert sorted(article.tags.names()) == ["Minsk", "Rail strikes"]
    visitor = reader(new_context)
    visitor.goto(live_server.url + article.get_absolute_url())
    assert "New headline" in visitor.locator("h1").inner_text()
    assert visitor.goto(live_server.url + "/tag/m/").status == 404

    # Restoring the first revision brings the old headline back, tags still whole.
    editor.goto(f"{live_server.url}/admin/articles/article/{article.pk}/revisions/")
    editor.locator("button", has_text="Restore").last.click()
    editor.wait_for_load_state("load")
    press(editor, "Publish changes")
    article.refresh_from_db()
    assert article.headline == "Old headline"
    assert sorted(article.tags.names()) == ["Minsk", "Rail strikes"]


def test_writer_restoring_an_old_revision_keeps_the_editors_embargo(
    new_context, live_server, people
):
    article = make_article(
        status=S.DRAFT,
        published_at=None,
        authors=[people["wanda"].author_profile],
        created_by=people["wanda"],
    )
    writer = log_in(new_context, live_server, "wanda")
    open_article(writer, live_server, article)
    writer.fill("#id_headline", "A second draft")
    writer.click("input[name=_continue]")
    writer.wait_for_load_state("load")
    embargo = (timezone.now() + timedelta(days=3)).replace(microsecond=0)
    Article.objects.filter(pk=article.pk).update(embargo_until=embargo)

    writer.goto(f"{live_server.url}/admin/articles/article/{article.pk}/revisions/")
    writer.locator("button", has_text="Restore").last.click()
    writer.wait_for_load_state("load")
    article.refresh_from_db()
    assert article.headline != "A second draft"
    assert article.embargo_until == embargo
    assert "Embargoed until" in writer.locator(".embargo").inner_text()


def test_photo_desk_adds_alt_text_to_an_existing_photo(new_context, live_server, people):
    image = make_image(alt_text="", caption="Minsk at night")
    desk = log_in(new_context, live_server, "pat")
    desk.goto(f"{live_server.url}/admin/articles/image/{image.pk}/change/")
    desk.fill("#id_alt_text", "The Svislach embankment lit at night")
    desk.click("input[name=_save]")
    desk.wait_for_load_state("load")
    assert any("changed successfully" in m for m in messages(desk)), desk.content()[:500]
    image.refresh_from_db()
    assert image.alt_text == "The Svislach embankment lit at night"
    assert Image.objects.get(pk=image.pk).file


def test_second_writer_cannot_overwrite_a_story_by_importing_a_same_named_file(
    new_context, live_server, people, tmp_path
):
    story = "Posted: 02.03.2025 09:15:00\n\n{}\n\nStandfirst.\n\nBody text.\n\nBy Anna Kowalska"
    (tmp_path / "story.txt").write_text(story.format("Wanda's story"), encoding="utf-8")
    first = log_in(new_context, live_server, "wanda")
    first.goto(f"{live_server.url}/admin/articles/article/import/")
    first.set_input_files("input[name=texts]", str(tmp_path / "story.txt"))
    first.click("input[type=submit][value=Import]")
    first.wait_for_load_state("load")
    assert Article.objects.get().headline == "Wanda's story"

    (tmp_path / "story.txt").write_text(story.format("Walter's version"), encoding="utf-8")
    second = log_in(new_context, live_server, "walter")
    second.goto(f"{live_server.url}/admin/articles/article/import/")
    second.set_input_files("input[name=texts]", str(tmp_path / "story.txt"))
    second.click("input[type=submit][value=Import]")
    second.wait_for_load_state("load")
    assert "not yours" in second.locator(".errornote").first.inner_text()
    article = Article.objects.get()
    assert article.headline == "Wanda's story"
    assert [a.name for a in article.byline_authors] == ["Anna Kowalska"]


def test_two_editors_on_one_story_see_each_other_and_the_second_save_is_refused(
    new_context, live_server, people
):
    article = make_article(status=S.DRAFT, body="Original text.")
    writer_made = people["wanda"]
    article.bylines.create(author=writer_made.author_profile, position=1)
    article.created_by = writer_made
    article.save()
    first = log_in(new_context, live_server, "edith")
    second = log_in(new_context, live_server, "wanda")
    open_article(first, live_server, article)
    open_article(second, live_server, article)
    # The first page learns of the second at its next heartbeat.
    expect(first.locator(".others-here .others-names")).to_contain_text("wanda", timeout=20_000)
    replace_body(first, "Edith's text.")
    first.click("input[name=_continue]")
    first.wait_for_load_state("load")
    replace_body(second, "Wanda's text.")
    second.click("input[name=_continue]")
    second.wait_for_load_state("load")
    assert "saved this article while you were editing it" in second.content()
    assert second.locator(BODY).inner_text() == "Wanda's text."  # nothing typed is lost
    article.refresh_from_db()
    assert article.body == "<p>Edith's text.</p>"
    # Wanda leaves: Edith's page stops naming her within the presence window.
    second.context.close()
    expect(first.locator(".others-here")).to_be_hidden(timeout=40_000)
