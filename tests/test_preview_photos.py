"""A preview shows the draft's photos to its viewer, and never to anyone else."""

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.images import renditions
from articles.models import Article
from articles.workflow.preview import create_share_link, share_path
from tests.factories import make_article, make_image

pytestmark = pytest.mark.django_db


def test_share_link_reviewer_sees_draft_photos_but_a_stranger_does_not(client, editor):
    photo = make_image()
    draft = make_article(
        status=Article.Status.DRAFT, body=f"Intro.\n\n[[image {photo.key}]]", published_at=None
    )
    photo_url = renditions.rendition_url(photo, "width-480.jpg")
    assert client.get(photo_url).status_code == 404

    link = create_share_link(article=draft, user=editor)
    assert link.expires_at > timezone.now()
    reviewer = client
    assert reviewer.get(share_path(link)).status_code == 200
    assert reviewer.get(photo_url).status_code == 200
    # A second request of the same photo by a stranger is not answered from a cache.
    reviewer.cookies.clear()
    assert reviewer.get(photo_url).status_code == 404
    assert reviewer.get(reverse("articles:home")).status_code == 200
