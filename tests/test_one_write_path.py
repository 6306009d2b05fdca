"""The editors' desk defects, each pinned at the unit level: what a browser sends (CRLF, every
field again, an unchanged file) and what the next person then sees."""

from datetime import UTC, timedelta

from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains
from taggit.models import Tag

from articles.importer import Importer, ImportOptions, RawFile
from articles.models import Article, Revision
from articles.services import articles as services
from articles.workflow import presence, revisions
from articles.workflow import transitions as workflow
from tests.factories import make_article, make_image, make_section
from tests.workflow_support import article_form_data, change_url, own_article

S = Article.Status


def test_photo_placed_mid_body_in_the_editor_appears_on_the_page(client, editor):
    # What the rich-text editor submits (the browser test types it: test_editor_photos_browser).
    image = make_image(caption="The river at dawn", alt_text="A river")
    article = make_article(status=S.DRAFT)
    client.force_login(editor)
    body = (
        f'<p>First paragraph.</p><figure data-image="{image.key}"></figure><p>Last paragraph.</p>'
    )
    assert (
        client.post(change_url(article), article_form_data(article, body=body)).status_code == 302
    )
    article.refresh_from_db()
    assert f'<figure data-image="{image.key}"></figure>' in article.body_html
    assert list(article.image_uses.values_list("image_id", flat=True)) == [image.pk]
    preview = client.get(reverse("admin:articles_article_preview", args=[article.pk]))
    assertContains(preview, "The river at dawn")
    assertNotContains(preview, "data-image=")


def test_unknown_photo_mid_body_is_refused(client, editor):
    article = make_article(status=S.DRAFT, body="<p>Kept.</p>")
    client.force_login(editor)
    body = (
        '<p>First paragraph.</p><figure data-image="no-such-photo"></figure><p>Last paragraph.</p>'
    )
    response = client.post(change_url(article), article_form_data(article, body=body))
    assertContains(response, "Photo 1 in the text (no-such-photo) is not in the image library")
    article.refresh_from_db()
    assert article.body == "<p>Kept.</p>"


def test_edit_form_of_a_live_article_with_pending_changes_offers_whole_tags(client, editor):
    article = make_article(tags=["Minsk", "Rail"])
    services.article_save(
        article=article,
        user=editor,
        content=revisions.snapshot(article) | {"headline": "Proposed"},
    )
    client.force_login(editor)
    page = client.get(change_url(article))
    assert page.context["adminform"].form["tags"].value() == ["Minsk", "Rail"]
    assertContains(page, '<option value="Minsk" selected>Minsk</option>', html=True)
    assertNotContains(page, '<option value="M" selected>M</option>', html=True)


def test_publishing_changes_to_a_live_article_keeps_its_tags(client, editor):
    article = make_article(tags=["Minsk", "Rail"])
    client.force_login(editor)
    data = article_form_data(article, headline="Updated headline")
    data["tags"] = ["Minsk", "Rail"]  # select2 submits each chosen tag
    data["_continue"] = "1"
    assert client.post(change_url(article), data).status_code == 302
    # The re-opened form is submitted again, as a browser does, with "Publish changes".
    article.refresh_from_db()
    form = client.get(change_url(article)).context["adminform"].form
    again = article_form_data(article, headline="Updated headline")
    again["tags"] = form["tags"].value()
    again["_transition"] = "publish_changes"
    assert client.post(change_url(article), again).status_code == 302
    article.refresh_from_db()
    assert article.headline == "Updated headline"
    assert sorted(article.tags.names()) == ["Minsk", "Rail"]
    assert sorted(Tag.objects.values_list("name", flat=True)) == ["Minsk", "Rail"]
    assert client.get("/tag/m/").status_code == 404


def test_restoring_a_revision_of_a_live_article_keeps_its_tags(editor):
    article = make_article(tags=["Minsk", "Rail"])
    old = revisions.record(article, user=editor)
    proposed = revisions.snapshot(article) | {"headline": "Proposed"}
    services.article_save(article=article, user=editor, content=proposed)
    services.revision_restore(revision=old, user=editor)
    article.refresh_from_db()
    workflow.apply_transition(article, "publish_changes", user=editor)
    assert sorted(article.tags.names()) == ["Minsk", "Rail"]
    assert Tag.objects.count() == 2


def test_photo_desk_saves_an_existing_photo_without_a_new_file(client, photo_desk):
    image = make_image(alt_text="")
    client.force_login(photo_desk)
    url = reverse("admin:articles_image_change", args=[image.pk])
    form = client.get(url).context["adminform"].form
    data = {name: form[name].value() or "" for name in form.fields if name != "file"}
    data.update(alt_text="Two people shaking hands", tags="")
    response = client.post(url, data)
    assert response.status_code == 302, response.content[:2000]
    image.refresh_from_db()
    assert image.alt_text == "Two people shaking hands"
    assert image.file  # the original stays


def _import(name, text, user):
    raw = RawFile(name=name, data=text.encode())
    return Importer(ImportOptions(user=user)).import_file(raw)


STORY = "Posted: 02.03.2025 09:15:00\n\n{}\n\nStandfirst.\n\nBody text.\n\nBy Anna Kowalska"


def test_writer_cannot_overwrite_another_writers_article_by_importing_a_same_named_file(
    writer, other_writer
):
    first = _import("story.txt", STORY.format("Mine"), other_writer)
    assert not first.failed
    second = _import("story.txt", STORY.format("Overwritten"), writer)
    assert second.failed
    assert "not yours" in second.error and "story.txt" in second.error
    article = Article.objects.get()
    assert article.headline == "Mine"
    assert article.created_by == other_writer


def test_writer_cannot_change_their_own_article_in_review_by_importing(writer, editor):
    assert not _import("story.txt", STORY.format("Mine"), writer).failed
    article = Article.objects.get()
    article.bylines.create(author=writer.author_profile, position=1)
    make_section()
    workflow.apply_transition(article, "submit", user=writer)
    again = _import("story.txt", STORY.format("Changed in review"), writer)
    assert again.failed and "in review" in again.error
    assert Article.objects.get().headline == "Mine"


def test_import_update_keeps_a_revision_to_go_back_to(editor):
    _import("story.txt", STORY.format("First"), editor)
    _import("story.txt", STORY.format("Second"), editor)
    article = Article.objects.get()
    headlines = [r.content["headline"] for r in article.revisions.order_by("number")]
    assert headlines == ["First", "Second"]


def test_writer_restoring_an_old_revision_keeps_the_editors_embargo(writer, editor):
    article = own_article(writer, status=S.DRAFT)
    old = revisions.record(article, user=writer)
    embargo = timezone.now() + timedelta(days=2)
    Article.objects.filter(pk=article.pk).update(embargo_until=embargo)
    services.revision_restore(revision=old, user=writer)
    article.refresh_from_db()
    assert article.embargo_until == embargo


def test_editor_restoring_an_old_revision_brings_back_its_times(editor):
    article = make_article(status=S.DRAFT, published_at=None)
    old = revisions.record(article, user=editor)
    Article.objects.filter(pk=article.pk).update(embargo_until=timezone.now() + timedelta(days=2))
    services.revision_restore(revision=old, user=editor)
    article.refresh_from_db()
    assert article.embargo_until is None


def test_a_workflow_step_pressed_in_the_form_keeps_one_revision(client, writer):
    make_section()
    article = own_article(writer, status=S.DRAFT)
    client.force_login(writer)
    before = Revision.objects.filter(article=article).count()
    data = article_form_data(article, headline="Ready for review")
    data["_transition"] = "submit"
    assert client.post(change_url(article), data).status_code == 302
    article.refresh_from_db()
    assert article.status == S.IN_REVIEW
    assert Revision.objects.filter(article=article).count() - before <= 2  # baseline + the save
    saved = Revision.objects.filter(article=article).exclude(transition="before first edit")
    assert saved.count() == 1


def test_publishing_changes_from_the_form_does_not_also_say_they_wait(client, editor):
    article = make_article()
    client.force_login(editor)
    data = article_form_data(article, headline="Fresh")
    data["_transition"] = "publish_changes"
    response = client.post(change_url(article), data, follow=True)
    texts = [str(message) for message in response.context["messages"]]
    assert any("is now Published" in text for text in texts)
    assert not any("wait until an editor publishes" in text for text in texts)


def test_diff_does_not_list_a_time_that_only_changed_its_spelling(editor):
    article = make_article(status=S.DRAFT)
    old = revisions.record(article, user=editor)
    new = revisions.record(article, user=editor)
    moment = timezone.localtime(article.published_at)
    new.content["published_at"] = moment.replace(microsecond=0).isoformat()
    old.content["published_at"] = moment.astimezone(UTC).isoformat()
    assert [c["label"] for c in revisions.diff(old, new)] == []


def test_timeline_and_history_name_events_in_words(client, editor):
    article = make_article()
    client.force_login(editor)
    data = article_form_data(article, headline="Fresh")
    data["_transition"] = "publish_changes"
    client.post(change_url(article), data)
    page = client.get(change_url(article))
    assertContains(page, "Publish changes")
    assertNotContains(page, "publish_changes:")
    history = client.get(reverse("admin:articles_article_revisions", args=[article.pk]))
    assertNotContains(history, "<td>publish_changes</td>")


def test_also_open_by_clears_when_the_other_person_leaves_and_after_thirty_seconds(
    client, editor, writer, clock
):
    article = own_article(writer)
    cache.clear()
    presence.note_open(article, writer)
    assert [name for name, _ in presence.note_open(article, editor)] == [writer.username]
    presence.note_left(article, writer)
    assert presence.note_open(article, editor) == []
    presence.note_open(article, writer)
    clock.advance(seconds=presence.PRESENCE_SECONDS + 1)
    assert presence.note_open(article, editor) == []
    # The change page's heartbeat answers the same.
    client.force_login(editor)
    url = reverse("admin:articles_article_presence", args=[article.pk])
    presence.note_open(article, writer)
    assert client.post(url).json() == {"others": [writer.username]}


def _import_as(name, text, user, **options):
    raw = RawFile(name=name, data=text.encode())
    return Importer(ImportOptions(user=user, **options)).import_file(raw)


PHOTO_STORY = (
    "Posted: 02.03.2025 09:15:00\n\n{}\n\nStandfirst.\n\nBody text.\n\n"
    "The river at dawn   Pavel Bogush\n\nMore text.\n\nBy Anna Kowalska"
)


def test_importing_into_a_live_article_publishes_the_changes_through_the_workflow(client, editor):
    section = make_section()
    live = dict(section=section, status=S.PUBLISHED)
    _import_as("story.txt", STORY.format("First version"), editor, tags=("Bridges",), **live)
    article = Article.objects.get()
    assert article.status == S.PUBLISHED
    assertContains(client.get(article.get_absolute_url()), "First version")  # now cached

    result = _import_as(
        "story.txt", STORY.format("Second version"), editor, tags=("Minsk",), **live
    )

    assert (result.outcome, result.note) == ("updated", "")
    article.refresh_from_db()
    assert article.headline == "Second version" and not article.has_unpublished_changes
    assert sorted(article.tags.names()) == ["Bridges", "Minsk"]
    assert not [tag.name for tag in Tag.objects.all() if len(tag.name) == 1]
    steps = list(article.events.order_by("created_at", "id").values_list("transition", flat=True))
    assert steps == ["import", "publish_changes"]
    assert article.revisions.filter(transition="import").count() == 1
    page = client.get(article.get_absolute_url())
    assertContains(page, "Second version")
    assertNotContains(page, "First version")


def test_imported_changes_that_fail_the_pre_publish_checks_wait_and_readers_keep_the_live_text(
    client, editor
):
    live = dict(section=make_section(), status=S.PUBLISHED)
    _import_as("story.txt", STORY.format("Live text"), editor, **live)

    result = _import_as("story.txt", PHOTO_STORY.format("Changed text"), editor, **live)

    assert not result.failed
    assert "changes kept pending, not published" in result.note and "alt text" in result.note
    article = Article.objects.get()
    assert article.headline == "Live text" and article.has_unpublished_changes
    assert revisions.pending_revision(article).content["headline"] == "Changed text"
    page = client.get(article.get_absolute_url())
    assertContains(page, "Live text")
    assertNotContains(page, "Changed text")


def test_a_writers_reimport_keeps_the_editors_publish_time_and_embargo(writer):
    _import_as("story.txt", STORY.format("Mine"), writer)
    article = Article.objects.get()
    decided = timezone.now() + timedelta(days=3)
    Article.objects.filter(pk=article.pk).update(published_at=decided, embargo_until=decided)

    text = STORY.format("Mine, rewritten").replace("02.03.2025", "04.04.2024")
    assert _import_as("story.txt", text, writer).outcome == "updated"

    article.refresh_from_db()
    assert article.headline == "Mine, rewritten"
    assert (article.published_at, article.embargo_until) == (decided, decided)


def test_publishing_changes_after_a_tag_merge_does_not_bring_the_merged_tag_back(editor):
    from articles.services.tags import merge_tags

    article = make_article(status=S.PUBLISHED, tags=["Shanghai Cooperation"])
    content = revisions.snapshot(article) | {"headline": "Summit, updated"}
    services.article_save(article=article, user=editor, content=content)
    merge_tags(
        tags=list(Tag.objects.all()) + [Tag.objects.create(name="SCO")],
        into=Tag.objects.get(name="SCO"),
    )

    workflow.apply_transition(article, "publish_changes", user=editor)

    article.refresh_from_db()
    assert article.headline == "Summit, updated"
    assert list(article.tags.names()) == ["SCO"]
    assert list(Tag.objects.values_list("name", flat=True)) == ["SCO"]
