"""Previews from the admin and share links for outside reviewers."""

import re
from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from articles.models import Article, ShareLink
from articles.workflow import preview, revisions
from tests.factories import make_article
from tests.workflow_support import own_article

pytestmark = pytest.mark.django_db
S = Article.Status


def preview_url(article):
    return reverse("admin:articles_article_preview", args=[article.pk])


def test_editor_previews_a_draft_with_the_readers_template(client, editor):
    article = make_article(status=S.DRAFT, headline="Secret draft", body="Draft body text.")
    client.force_login(editor)
    response = client.get(preview_url(article))
    assertContains(response, '<h1 class="story__headline">Secret draft</h1>')  # the reader's page
    assertContains(response, "Draft body text.")
    assert "no-cache" in response["Cache-Control"]
    assert response["X-Robots-Tag"] == "noindex, nofollow"


def test_authors_preview_their_own_article_and_nobody_else_does(
    client, writer, other_writer, photo_desk
):
    article = own_article(writer, headline="Wanda's draft")
    client.force_login(writer)
    assert client.get(preview_url(article)).status_code == 200
    for outsider in (other_writer, photo_desk):
        client.force_login(outsider)
        assert client.get(preview_url(article)).status_code == 403
    client.logout()
    assert client.get(preview_url(article)).status_code == 302  # to the admin login


def test_preview_of_live_article_shows_the_pending_changes(client, writer, editor):
    article = own_article(writer, status=S.PUBLISHED, published_at=timezone.now())
    content = revisions.snapshot(article) | {"body": "<p>Proposed <strong>new</strong> text.</p>"}
    revisions.save_pending(article, content, user=writer)
    client.force_login(editor)
    assertContains(client.get(preview_url(article)), "Proposed <strong>new</strong> text.")
    client.logout()
    assertNotContains(client.get(article.get_absolute_url()), "Proposed")


def create_link_through_admin(client, article):
    response = client.post(reverse("admin:articles_article_share", args=[article.pk]))
    assert response.status_code == 302
    message = [str(m) for m in get_messages(response.wsgi_request)][-1]
    return re.search(r"http://testserver(/preview/\S+/)", message).group(1)


def test_share_link_works_before_expiry_and_is_refused_after(client, clock, editor):
    article = make_article(status=S.IN_REVIEW, headline="Embargoed scoop")
    client.force_login(editor)
    path = create_link_through_admin(client, article)
    client.logout()
    response = client.get(path)
    assertContains(response, "Embargoed scoop")
    assert response["Referrer-Policy"] == "no-referrer"
    clock.advance(hours=47, minutes=59)
    assert client.get(path).status_code == 200
    clock.advance(minutes=1)
    response = client.get(path)
    assert response.status_code == 410
    assertContains(response, "expired", status_code=410)


def test_revoked_share_link_is_refused(client, editor):
    article = make_article(status=S.DRAFT, headline="Draft for lawyers")
    link = preview.create_share_link(article=article, user=editor)
    path = preview.share_path(link)
    client.force_login(editor)
    page = client.get(reverse("admin:articles_article_change", args=[article.pk]))
    assertContains(page, path)
    client.post(reverse("admin:articles_article_revoke_share", args=[article.pk, link.pk]))
    client.logout()
    response = client.get(path)
    assert response.status_code == 410
    assertContains(response, "withdrawn", status_code=410)
    # A page of the site, not bare text: the reader's stylesheet and a way back.
    assert response["Content-Type"].startswith("text/html")
    assertContains(response, "<h1>Preview unavailable</h1>", status_code=410)
    assertContains(response, "site.css", status_code=410)


def test_share_link_shows_its_article_and_never_another(client, editor):
    shared = make_article(status=S.DRAFT, headline="Shared draft")
    other = make_article(status=S.DRAFT, headline="Other draft")
    path = preview.share_path(preview.create_share_link(article=shared, user=editor))
    response = client.get(path, {"article": other.pk, "slug": other.slug})
    assertContains(response, "Shared draft")
    assertNotContains(response, "Other draft")


def test_tampered_share_link_is_not_found(client, editor):
    link = preview.create_share_link(article=make_article(status=S.DRAFT), user=editor)
    swapped = ("y" if link.token[0] == "x" else "x") + link.token[1:]
    forged = preview.share_path(link).replace(link.token, swapped)
    assert client.get(forged).status_code == 404
    unsigned = reverse("share-preview", args=[link.token])
    assert client.get(unsigned).status_code == 404


def test_writer_cannot_create_share_links(client, writer):
    article = own_article(writer)
    client.force_login(writer)
    response = client.post(reverse("admin:articles_article_share", args=[article.pk]))
    assert response.status_code == 403
    assert not ShareLink.objects.exists()


def test_share_link_expires_after_48_hours_by_default(editor):
    link = preview.create_share_link(article=make_article(), user=editor)
    assert abs(link.expires_at - link.created_at - timedelta(hours=48)) < timedelta(seconds=5)


def test_preview_of_pending_changes_shows_their_byline_tags_and_photos(client, editor):
    from articles.workflow import revisions
    from tests.factories import make_author, make_image

    live = make_article(
        headline="Live story", authors=[make_author(name="Old Author")], tags=["Economy"]
    )
    new_author = make_author(name="New Author")
    photo = make_image(caption="A photo added in the changes")
    revisions.save_pending(
        live,
        revisions.snapshot(live)
        | {
            "body": f'<p>Changed text.</p><figure data-image="{photo.key}"></figure>',
            "authors": [new_author.pk],
            "tags": ["Energy"],
            "images": [photo.key],
        },
        user=editor,
    )
    client.force_login(editor)
    preview = client.get(preview_url(live))
    assertContains(preview, "New Author")
    assertNotContains(preview, "Old Author")
    assertContains(preview, "Energy")
    assertContains(preview, "A photo added in the changes")
    client.logout()
    reader = client.get(live.get_absolute_url())
    assertContains(reader, "Old Author")
    assertNotContains(reader, "A photo added in the changes")
