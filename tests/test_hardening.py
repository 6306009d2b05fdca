"""Photos leave shared caches within minutes of a takedown, forwarding headers count only
from our own proxies, and the CSP allows no inline style anywhere."""

import pytest
from django.test import RequestFactory
from django.urls import reverse

from articles.images import renditions
from articles.models import Article
from articles.workflow import transitions
from newsroom.proxies import TrustedProxyMiddleware
from tests.factories import make_article, make_image
from tests.test_production import inline_code

pytestmark = pytest.mark.django_db


def max_ages(cache_control):
    """{'max-age': 300, 's-maxage': 300} from a Cache-Control header."""
    ages = {}
    for part in cache_control.split(","):
        name, _, value = part.strip().partition("=")
        if value.isdigit():
            ages[name] = int(value)
    return ages


def test_a_taken_down_photo_leaves_shared_caches_within_five_minutes(client, editor):
    photo = make_image()
    story = make_article(hero_image=photo)
    url = renditions.rendition_url(photo, "width-800.jpg")
    response = client.get(url)
    assert response.status_code == 200
    ages = max_ages(response["Cache-Control"])
    assert "public" in response["Cache-Control"]
    assert ages["s-maxage"] <= 300 and ages["max-age"] <= 300

    transitions.apply_transition(
        Article.objects.get(pk=story.pk), "unpublish", user=editor, comment="Legal takedown"
    )
    assert client.get(url).status_code == 404


def test_photo_cache_lifetime_is_a_setting(client, settings):
    settings.PHOTO_CACHE_SECONDS = 60
    photo = make_image()
    make_article(hero_image=photo)
    response = client.get(renditions.rendition_url(photo, "width-480.webp"))
    assert max_ages(response["Cache-Control"]) == {"max-age": 60, "s-maxage": 60}


STRANGER = "203.0.113.9"


def test_a_client_cannot_claim_https_with_x_forwarded_proto(client):
    story = make_article()
    spoofed = client.get(
        story.get_absolute_url(), REMOTE_ADDR=STRANGER, HTTP_X_FORWARDED_PROTO="https"
    )
    assert spoofed.status_code == 200
    assert "Strict-Transport-Security" not in spoofed  # HSTS goes only over real HTTPS


def test_the_trusted_proxy_is_believed_about_https(client, settings):
    story = make_article()
    proxied = client.get(
        story.get_absolute_url(), REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_PROTO="https"
    )
    assert "max-age=31536000" in proxied["Strict-Transport-Security"]
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    balancer = client.get(
        story.get_absolute_url(), REMOTE_ADDR="10.1.2.3", HTTP_X_FORWARDED_PROTO="https"
    )
    assert "Strict-Transport-Security" in balancer


def test_https_redirect_is_not_skipped_by_a_spoofed_header(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    story = make_article()
    spoofed = client.get(
        story.get_absolute_url(), REMOTE_ADDR=STRANGER, HTTP_X_FORWARDED_PROTO="https"
    )
    assert spoofed.status_code == 301
    assert spoofed["Location"].startswith("https://")
    proxied = client.get(
        story.get_absolute_url(), REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_PROTO="https"
    )
    assert proxied.status_code == 200


def seen_address(remote_addr, forwarded_for):
    seen = {}

    def view(request):
        seen["address"] = request.META["REMOTE_ADDR"]
        seen["forwarded"] = request.META.get("HTTP_X_FORWARDED_FOR")

    request = RequestFactory().get("/", REMOTE_ADDR=remote_addr, HTTP_X_FORWARDED_FOR=forwarded_for)
    TrustedProxyMiddleware(view)(request)
    return seen


def test_client_address_comes_from_x_forwarded_for_only_through_a_trusted_proxy(settings):
    settings.TRUSTED_PROXIES = ["127.0.0.1", "10.0.0.0/8"]
    # A client's own claim (leftmost) is ignored: the nearest untrusted hop is the client.
    assert seen_address("127.0.0.1", "1.2.3.4, 198.51.100.7, 10.0.0.5")["address"] == (
        "198.51.100.7"
    )
    stranger = seen_address(STRANGER, "1.2.3.4")
    assert stranger == {"address": STRANGER, "forwarded": None}
    assert seen_address("127.0.0.1", "not-an-address")["address"] == "127.0.0.1"


def test_an_invalid_trusted_proxies_entry_is_refused_by_name(settings):
    from django.core.exceptions import ImproperlyConfigured

    settings.TRUSTED_PROXIES = ["127.0.0.1", "proxy.example"]
    with pytest.raises(ImproperlyConfigured, match="proxy.example"):
        seen_address("127.0.0.1", "")


def test_the_content_security_policy_allows_no_inline_style(client):
    policy = client.get("/")["Content-Security-Policy"]
    assert "unsafe-inline" not in policy
    assert "style-src 'self'" in policy


@pytest.fixture
def illustrated_story():
    photo = make_image()
    return make_article(hero_image=photo, body=f"Intro.\n\n[[image {photo.key}]]")


@pytest.mark.parametrize(
    "name", ["image library", "article list", "article page", "revisions", "image page"]
)
def test_admin_pages_with_photos_carry_no_style_attribute(
    superuser_client, illustrated_story, name
):
    story = illustrated_story
    urls = {
        "image library": reverse("admin:articles_image_changelist"),
        "article list": reverse("admin:articles_article_changelist"),
        "article page": reverse("admin:articles_article_change", args=[story.pk]),
        "revisions": reverse("admin:articles_article_revisions", args=[story.pk]),
        "image page": reverse("admin:articles_image_change", args=[story.hero_image.pk]),
    }
    response = superuser_client.get(urls[name])
    assert response.status_code == 200
    html = response.content.decode()
    assert [problem for problem in inline_code(html) if problem.startswith("style")] == []
    assert ' style="' not in html
    assert "articles/admin/base.css" in html
