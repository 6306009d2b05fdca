"""Revisions and no lost edits: history, diff, restore, optimistic locking, pending changes."""

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from articles.models import Article, Correction, Revision
from articles.services import articles as services
from articles.workflow import revisions
from articles.workflow import transitions as workflow
from tests.factories import make_article, make_author
from tests.workflow_support import article_form_data, change_url, own_article, transition_url

pytestmark = pytest.mark.django_db
S = Article.Status


def revisions_url(article, **query):
    url = reverse("admin:articles_article_revisions", args=[article.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def test_every_admin_save_keeps_a_revision_with_byline_order_and_tags(client, editor):
    first, second = make_author(name="First Author"), make_author(name="Second Author")
    article = make_article(status=S.DRAFT, authors=[first], tags=["Rail"])
    client.force_login(editor)
    data = article_form_data(article, authors=[second, first], headline="New headline")
    data["tags"] = "Rail, Strikes"
    assert client.post(change_url(article), data).status_code == 302
    baseline, revision = article.revisions.order_by("number")
    assert baseline.content["headline"] == article.headline  # what it was before the edit
    assert baseline.content["authors"] == [first.pk]
    assert revision.user == editor
    assert revision.content["headline"] == "New headline"
    assert revision.content["authors"] == [second.pk, first.pk]
    assert revision.content["tags"] == ["Rail", "Strikes"]


def test_diff_shows_only_the_changed_fields_with_their_labels(client, editor):
    article = make_article(status=S.DRAFT, headline="Old headline")
    old = revisions.record(article, user=editor)
    article.headline, article.body = "New headline", "New body."
    article.save()
    new = revisions.record(article, user=editor)
    assert [change["label"] for change in revisions.diff(old, new)] == ["headline", "body"]
    client.force_login(editor)
    page = client.get(revisions_url(article, a=old.number, b=new.number))
    # Word by word: only the changed word is marked, the rest reads as it was.
    assertContains(page, "<del>Old</del> headline")
    assertContains(page, "<ins>New</ins> headline")
    assertContains(page, 'class="changed-field"', count=2)


def test_restore_brings_back_exact_content_authors_order_and_tags_as_a_new_revision(client, editor):
    first, second = make_author(), make_author()
    article = make_article(
        status=S.DRAFT, headline="Original", authors=[first, second], tags=["A", "B"]
    )
    original = revisions.record(article, user=editor)
    client.force_login(editor)
    data = article_form_data(article, authors=[second], headline="Rewritten", body="Other.")
    data["tags"] = "C"
    client.post(change_url(article), data)
    restore = reverse("admin:articles_article_restore", args=[article.pk, original.number])
    assert client.post(restore).status_code == 302
    article.refresh_from_db()
    assert article.headline == "Original"
    assert article.body == original.content["body"]
    assert article.byline_authors == [first, second]
    assert sorted(article.tags.names()) == ["A", "B"]
    numbers = list(article.revisions.order_by("number").values_list("number", "transition"))
    assert numbers == [(1, ""), (2, ""), (3, "restored r1")]


def test_second_save_from_the_same_version_is_refused_and_keeps_both_texts(client, editor):
    article = make_article(status=S.DRAFT, body="<p>Original text.</p>")
    first_form = article_form_data(article, body="<p>Alice's text.</p>")
    second_form = article_form_data(article, body="<p>Bob's text.</p>")
    client.force_login(editor)
    assert client.post(change_url(article), first_form).status_code == 302
    response = client.post(change_url(article), second_form)
    assert response.status_code == 200
    assertContains(response, "saved this article while you were editing it")
    diff_link = revisions_url(article, a=1, b=2).replace("&", "&amp;")
    assertContains(response, f'href="{diff_link}"')
    assertContains(client.get(revisions_url(article, a=1, b=2)), "<ins>Alice&#x27;s</ins> text.")
    assertContains(response, "Bob&#x27;s text.")
    article.refresh_from_db()
    assert article.body == "<p>Alice's text.</p>"
    # Having seen the warning, saving again is a deliberate choice and is accepted.
    again = response.context["adminform"].form.data.copy()
    assert client.post(change_url(article), again).status_code == 302
    article.refresh_from_db()
    assert article.body == "<p>Bob's text.</p>"
    assert [r.content["body"] for r in article.revisions.order_by("number")] == [
        "<p>Original text.</p>",
        "<p>Alice's text.</p>",
        "<p>Bob's text.</p>",
    ]


def test_change_page_shows_who_last_edited_and_who_else_has_it_open(client, writer, editor):
    cache.clear()
    article = own_article(writer)
    client.force_login(writer)
    client.post(change_url(article), article_form_data(article, headline="Edited"))
    client.get(change_url(article))
    client.force_login(editor)
    page = client.get(change_url(article))
    assertContains(page, "Last edited by wanda")
    assertContains(page, 'Also open by: <span class="others-names">wanda</span>')


def test_writers_edit_of_published_article_waits_until_an_editor_publishes(client, writer, editor):
    article = own_article(
        writer, status=S.PUBLISHED, published_at=timezone.now(), body="<p>Live text.</p>"
    )
    co_author = make_author(name="Co Author")
    client.force_login(writer)
    data = article_form_data(
        article, body="Proposed text.", authors=[writer.author_profile, co_author]
    )
    assert client.post(change_url(article), data).status_code == 302
    article.refresh_from_db()
    assert article.has_unpublished_changes
    assert article.body == "<p>Live text.</p>"
    client.logout()
    assertContains(client.get(article.get_absolute_url()), "Live text.")
    assertNotContains(client.get(article.get_absolute_url()), "Proposed text.")

    client.force_login(writer)
    reopened = client.get(change_url(article))
    assertContains(reopened, "Proposed text.")
    assertContains(reopened, "changes that wait for an editor")
    assert [f.initial.get("author") for f in reopened.context["inline_admin_formsets"][0].formset][
        :2
    ] == [writer.author_profile.pk, co_author.pk]
    assertNotContains(reopened, 'value="Publish changes"')
    desk = client.get(reverse("admin:articles_desk")).content.decode()
    assert article.headline in desk[desk.index("waiting for an editor") :]

    client.force_login(editor)
    assertContains(client.get(reverse("admin:articles_desk")), article.headline)
    client.post(
        transition_url(article, "publish_changes"),
        {"workflow-correction_kind": "correction", "workflow-correction_text": "Date fixed."},
    )
    article.refresh_from_db()
    assert not article.has_unpublished_changes
    assert article.body == "Proposed text."
    assert article.byline_authors == [writer.author_profile, co_author]
    client.logout()
    assertContains(client.get(article.get_absolute_url()), "Proposed text.")
    correction = Correction.objects.get(article=article)
    assert (correction.kind, correction.text) == ("correction", "Date fixed.")
    assert article.last_published_at == correction.published_at


def test_second_pending_edit_keeps_the_first_pending_bylines(client, writer):
    co_author = make_author(name="Co Author")
    article = own_article(writer, status=S.PUBLISHED, published_at=timezone.now())
    client.force_login(writer)
    client.post(
        change_url(article),
        article_form_data(article, authors=[writer.author_profile, co_author]),
    )
    article.refresh_from_db()
    # Re-submit the form exactly as the page shows it (untouched byline rows).
    page = client.get(change_url(article))
    data = article_form_data(article, headline="Second proposal", authors=[])
    formset = page.context["inline_admin_formsets"][0].formset
    data["bylines-TOTAL_FORMS"] = str(formset.total_form_count())
    for form in formset.forms:
        for name in ["author", "position"]:
            value = form[name].value()
            data[f"{form.prefix}-{name}"] = "" if value is None else value
    response = client.post(change_url(article), data)
    assert response.status_code == 302
    pending = revisions.pending_revision(article)
    assert pending.content["headline"] == "Second proposal"
    assert pending.content["authors"] == [writer.author_profile.pk, co_author.pk]


def test_publish_changes_is_refused_when_nothing_is_pending(editor):
    article = make_article()
    with pytest.raises(workflow.TransitionNotAllowed, match="no unpublished changes"):
        workflow.apply_transition(article, "publish_changes", user=editor)


def test_restoring_on_a_published_article_makes_pending_changes(editor):
    article = make_article(headline="Live headline")
    old = revisions.record(article, user=editor)
    Article.objects.filter(pk=article.pk).update(headline="Changed live headline")
    services.revision_restore(revision=old, user=editor)
    article.refresh_from_db()
    assert article.headline == "Changed live headline"
    assert article.has_unpublished_changes
    assert Revision.objects.filter(article=article, is_pending=True).count() == 1
