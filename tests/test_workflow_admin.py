"""The workflow through the admin: buttons, crafted POSTs, bulk actions, timeline, desk."""

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from articles.models import Article
from articles.workflow import transitions as workflow
from tests.factories import make_article, make_section
from tests.test_workflow import EXPECTED, actors, article_ready_for
from tests.workflow_support import article_form_data, change_url, own_article, transition_url

pytestmark = pytest.mark.django_db
S = Article.Status
CHANGELIST = "admin:articles_article_changelist"


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


@pytest.mark.parametrize("name", list(workflow.TRANSITIONS))
@pytest.mark.parametrize("actor", list(EXPECTED))
def test_crafted_transition_post_is_refused_with_403_unless_allowed(
    client, name, actor, writer, other_writer, editor, photo_desk, superuser
):
    user = actors(writer, other_writer, editor, photo_desk, superuser)[actor]
    article = article_ready_for(name, owner=writer)
    before = article.status
    client.force_login(user)
    response = client.post(transition_url(article, name), {"workflow-comment": "A reason."})
    article.refresh_from_db()
    if name in EXPECTED[actor]:
        assert response.status_code == 302
        assert article.status == workflow.TRANSITIONS[name].target
    else:
        assert response.status_code == 403
        assert article.status == before
        assert not article.events.exists()


def test_change_page_offers_exactly_the_users_transitions(client, writer, editor, photo_desk):
    article = own_article(writer, status=S.IN_REVIEW)
    client.force_login(editor)
    page = client.get(change_url(article))
    assertContains(page, ">Request changes</button>")
    assertContains(page, ">Publish</button>")
    assertNotContains(page, ">Submit for review</button>")
    assertNotContains(page, ">Unpublish</button>")
    client.force_login(writer)
    page = client.get(change_url(article))
    assert page.status_code == 200
    assertNotContains(page, 'class="transition-button"')
    client.force_login(photo_desk)
    assertNotContains(client.get(change_url(article)), 'class="transition-button"')


def test_refused_transition_comes_back_as_a_message_listing_every_problem(client, editor):
    article = make_article(status=S.IN_REVIEW, standfirst="", section=None)
    client.force_login(editor)
    response = client.post(transition_url(article, "publish"), follow=True)
    assertContains(response, "Standfirst is missing.")
    assertContains(response, "Section is missing.")
    article.refresh_from_db()
    assert article.status == S.IN_REVIEW


def test_full_story_from_writers_draft_to_readers_and_back(client, clock, writer, editor):
    section = make_section()
    client.force_login(writer)
    data = article_form_data(authors=[writer.author_profile])
    data.update(
        headline="Bridge reopens",
        slug="bridge-reopens",
        standfirst="Traffic flows again.",
        body="The bridge reopened at dawn.",
        section=section.pk,
    )
    assert client.post(reverse("admin:articles_article_add"), data).status_code == 302
    article = Article.objects.get(slug="bridge-reopens")
    assert article.status == S.DRAFT
    assert client.post(transition_url(article, "submit")).status_code == 302

    client.force_login(editor)
    assertContains(client.get(reverse("admin:articles_desk")), "Bridge reopens")
    client.post(transition_url(article, "request_changes"), {"workflow-comment": "Add a quote."})
    article.refresh_from_db()
    assert article.status == S.CHANGES_REQUESTED

    client.force_login(writer)
    desk = client.get(reverse("admin:articles_desk"))
    assertContains(desk, "Add a quote.")
    article.refresh_from_db()
    edited = article_form_data(article, body="The bridge reopened at dawn.\n\n> It is a relief.")
    assert client.post(change_url(article), edited).status_code == 302
    client.post(transition_url(article, "submit"))

    client.force_login(editor)
    go_live = timezone.localtime(clock.now + timedelta(hours=1))
    client.post(
        transition_url(article, "publish"),
        {"workflow-publish_at": go_live.strftime("%Y-%m-%dT%H:%M")},
    )
    article.refresh_from_db()
    assert article.is_scheduled
    reader_url = article.get_absolute_url()
    client.logout()
    assert client.get(reader_url).status_code == 404
    clock.advance(hours=1)
    assertContains(client.get(reader_url), "It is a relief.")

    client.force_login(editor)
    client.post(transition_url(article, "unpublish"), {"workflow-comment": "Legal hold."})
    client.logout()
    assert client.get(reader_url).status_code == 404
    client.force_login(editor)
    timeline = client.get(change_url(article))
    for text in [
        "Add a quote.",
        "Legal hold.",
        "Request changes, In review &rarr; Changes requested, by edith",
    ]:
        assertContains(timeline, text)


def test_unpublish_without_reason_is_refused_with_a_message(client, editor):
    article = make_article()
    client.force_login(editor)
    response = client.post(transition_url(article, "unpublish"), follow=True)
    assertContains(response, "A reason for unpublishing is required.")
    assert Article.objects.published().filter(pk=article.pk).exists()


def test_bulk_publish_reports_each_article_that_failed(client, editor):
    ready = make_article(status=S.IN_REVIEW, headline="Ready story")
    unready = make_article(status=S.IN_REVIEW, headline="Unready story", standfirst="")
    draft = make_article(status=S.DRAFT, headline="Draft story")
    client.force_login(editor)
    response = client.post(
        reverse(CHANGELIST),
        {"action": "publish_selected", "_selected_action": [ready.pk, unready.pk, draft.pk]},
    )
    notes = messages_of(response)
    assert "1 article(s): done." in notes
    assert "Not done: \u201cUnready story\u201d: Standfirst is missing." in notes
    assert "Not done: \u201cDraft story\u201d: Cannot publish: the article is Draft." in notes
    assert set(Article.objects.published().values_list("headline", flat=True)) == {"Ready story"}


def test_bulk_unpublish_needs_a_reason(client, editor):
    first, second = make_article(), make_article()
    client.force_login(editor)
    selected = {"action": "unpublish_selected", "_selected_action": [first.pk, second.pk]}
    assertContains(client.get(reverse(CHANGELIST)), "Reason (for unpublishing)")
    response = client.post(reverse(CHANGELIST), selected)
    assert len([n for n in messages_of(response) if "reason" in n]) == 2
    assert Article.objects.published().count() == 2
    client.post(reverse(CHANGELIST), selected | {"comment": "Duplicate stories."})
    assert Article.objects.published().count() == 0


def test_writer_cannot_run_bulk_publish(client, writer):
    article = own_article(writer, status=S.IN_REVIEW)
    client.force_login(writer)
    page = client.get(reverse(CHANGELIST))
    assertNotContains(page, "publish_selected")
    assertNotContains(page, "Reason (for unpublishing)")
    client.post(
        reverse(CHANGELIST), {"action": "publish_selected", "_selected_action": [article.pk]}
    )
    article.refresh_from_db()
    assert article.status == S.IN_REVIEW


def test_writer_sees_only_their_own_articles(client, writer, other_writer):
    own_article(writer, headline="Mine")
    theirs = own_article(other_writer, headline="Theirs")
    client.force_login(writer)
    page = client.get(reverse(CHANGELIST))
    assertContains(page, "Mine")
    assertNotContains(page, "Theirs")
    assert client.get(change_url(theirs)).status_code == 403
    response = client.post(change_url(theirs), article_form_data(theirs, headline="Hijacked"))
    assert response.status_code == 403
    theirs.refresh_from_db()
    assert theirs.headline == "Theirs"
    delete = reverse("admin:articles_article_delete", args=[theirs.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert client.get(change_url(theirs).replace(str(theirs.pk), "999999")).status_code == 302


def test_writer_cannot_edit_own_article_while_in_review(client, writer):
    article = own_article(writer, status=S.IN_REVIEW, headline="Under review")
    client.force_login(writer)
    page = client.get(change_url(article))
    assertNotContains(page, 'name="_save"')
    response = client.post(change_url(article), article_form_data(article, headline="Sneaky"))
    assert response.status_code == 403
    article.refresh_from_db()
    assert article.headline == "Under review"


def test_writer_deletes_own_draft_but_never_a_published_article(client, writer):
    draft = own_article(writer)
    live = own_article(writer, status=S.PUBLISHED, published_at=timezone.now())
    client.force_login(writer)
    delete = reverse("admin:articles_article_delete", args=[live.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert Article.objects.filter(pk=live.pk).exists()
    delete = reverse("admin:articles_article_delete", args=[draft.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 302
    assert not Article.objects.filter(pk=draft.pk).exists()


def test_editor_can_delete_a_draft_but_not_a_published_article(client, editor):
    draft, live = make_article(status=S.DRAFT), make_article()
    client.force_login(editor)
    assert (
        client.post(reverse("admin:articles_article_delete", args=[live.pk]), {"post": "yes"})
    ).status_code == 403
    client.post(reverse("admin:articles_article_delete", args=[draft.pk]), {"post": "yes"})
    assert list(Article.objects.all()) == [live]


def test_desk_lists_review_queue_oldest_first_with_waiting_time_and_schedule(
    client, clock, writer, editor
):
    older = own_article(writer, headline="Older story")
    newer = own_article(writer, headline="Newer story")
    workflow.apply_transition(older, "submit", user=writer)
    clock.advance(hours=3)
    workflow.apply_transition(newer, "submit", user=writer)
    soon = make_article(status=S.IN_REVIEW, headline="Story for tomorrow", published_at=None)
    workflow.apply_transition(
        soon, "publish", user=editor, publish_at=clock.now + timedelta(days=1)
    )
    clock.advance(minutes=30)
    client.force_login(editor)
    page = client.get(reverse("admin:articles_desk")).content.decode()
    queue = page[page.index("Review queue") : page.index("Scheduled")]
    assert queue.index("Older story") < queue.index("Newer story")
    assert "3\xa0hours, 30\xa0minutes" in queue
    assert "Story for tomorrow" in page[page.index("Scheduled") :]


def test_admin_index_links_to_the_desk(client, writer):
    client.force_login(writer)
    assertContains(client.get(reverse("admin:index")), reverse("admin:articles_desk"))


def test_embargo_is_shown_in_the_list_and_on_the_article(client, editor):
    until = timezone.now() + timedelta(days=2)
    article = make_article(status=S.IN_REVIEW, embargo_until=until)
    client.force_login(editor)
    stamp = timezone.localtime(until).strftime("%d.%m.%Y %H:%M")
    assertContains(client.get(reverse(CHANGELIST)), f"until {stamp}")
    assertContains(client.get(change_url(article)), f"Embargoed until {stamp}")


def test_superuser_can_delete_a_published_article(superuser_client):
    live = make_article()
    response = superuser_client.post(
        reverse("admin:articles_article_delete", args=[live.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert not Article.objects.exists()


def test_writer_submits_with_unsaved_edits_and_keeps_them(client, writer):
    article = own_article(writer, headline="First try", tags=["Energy", "Minsk"])
    client.force_login(writer)
    page = client.get(change_url(article))
    assertContains(page, 'name="_transition" value="submit"')
    data = article_form_data(article, headline="Second try, typed just before submitting")
    response = client.post(change_url(article), {**data, "_transition": "submit"})
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.headline == "Second try, typed just before submitting"
    assert article.status == S.IN_REVIEW
    assert sorted(article.tags.names()) == ["Energy", "Minsk"]
