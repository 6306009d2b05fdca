"""Production settings: security headers on every page, secure cookies, a clean deploy check."""

import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.db import connection
from django.urls import reverse

from articles.models import Article
from tests.factories import make_article, make_image
from tests.page_cache_support import REDIS_TEST_URL

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION_ENV = {
    "SECRET_KEY": "production-check-" + "k3y" * 20,
    "ALLOWED_HOSTS": "news.example",
    "DJANGO_SETTINGS_MODULE": "newsroom.settings",
}


# DJANGO_ALLOW_ASYNC_UNSAFE is set for Playwright in this test process only; the defaults
# checked here are those without the caller's REDIS_URL (a test passes it when it wants one).
NOT_PASSED_ON = {
    "DEBUG",
    "SECURE_SSL_REDIRECT",
    "PAGE_CACHE",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
    "REDIS_URL",
}


def production_environment(**extra):
    env = {k: v for k, v in os.environ.items() if k not in NOT_PASSED_ON}
    return {**env, **PRODUCTION_ENV, **extra}


def run_python(code, **extra):
    return subprocess.run(
        [sys.executable, "-c", code],
        env=production_environment(**extra),
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )


class InlineCode(HTMLParser):
    """Collects what a strict CSP would block: inline scripts, handlers, inline styles."""

    def __init__(self, nonce=None):
        super().__init__()
        self.problems = []
        self.nonce = nonce

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "script" and not attributes.get("src"):
            # An import map is data, not code; it runs only with this response's nonce.
            importmap = attributes.get("type") == "importmap"
            nonced = self.nonce is not None and attributes.get("nonce") == self.nonce
            if attributes.get("type") != "application/ld+json" and not (importmap and nonced):
                self.problems.append(f"inline <script> {attributes}")
        if tag == "style":
            self.problems.append("<style> element")
        for name, value in attrs:
            if name == "style":
                self.problems.append(f"style attribute on <{tag}>")
            if name.startswith("on"):
                self.problems.append(f"{name} handler on <{tag}>")
            if name in {"href", "src", "action"} and (value or "").startswith("javascript:"):
                self.problems.append(f"javascript: URL on <{tag}>")


def inline_code(html, nonce=None):
    parser = InlineCode(nonce)
    parser.feed(html)
    return parser.problems


@pytest.fixture
def story():
    image = make_image()
    return make_article(tags=["floods"], body=f"Text.\n\n[[image {image.key}]]\n")


def test_reader_pages_carry_the_security_headers(client, story):
    response = client.get(story.get_absolute_url())
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    for directive in (
        "default-src 'self'",
        "script-src 'self'",
        "object-src 'none'",
        "frame-ancestors 'none'",
        "base-uri 'self'",
    ):
        assert directive in policy
    assert "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_https_responses_carry_hsts_when_debug_is_off(client, story):
    response = client.get(story.get_absolute_url(), secure=True)
    hsts = response["Strict-Transport-Security"]
    assert "max-age=31536000" in hsts and "includeSubDomains" in hsts


def test_plain_http_is_redirected_to_https_in_production():
    result = run_python(
        "import django; django.setup();"
        "from django.test import Client;"
        "r = Client().get('/', HTTP_HOST='news.example');"
        "print(r.status_code, r['Location'])"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["301", "https://news.example/"]


@pytest.mark.parametrize("name", ["home", "article", "section", "tag", "author"])
def test_reader_pages_pass_the_content_security_policy(client, story, name):
    urls = {
        "home": reverse("articles:home"),
        "article": story.get_absolute_url(),
        "section": story.section.get_absolute_url(),
        "tag": reverse("articles:tag", kwargs={"slug": "floods"}),
        "author": story.byline_authors[0].get_absolute_url(),
    }
    response = client.get(urls[name])
    assert response.status_code == 200
    assert inline_code(response.content.decode()) == []


@pytest.mark.parametrize(
    "url",
    [
        "admin:index",
        "admin:articles_article_changelist",
        "admin:articles_article_add",
        "admin:articles_image_changelist",
        "admin:articles_author_add",
    ],
)
def test_admin_pages_pass_the_content_security_policy(superuser_client, story, url):
    response = superuser_client.get(reverse(url))
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
    nonce = re.search(r"'nonce-([^']+)'", policy)
    assert inline_code(response.content.decode(), nonce and nonce.group(1)) == []


def test_session_and_csrf_cookies_are_secure_and_http_only(client, superuser):
    login = reverse("admin:login")
    client.get(login, secure=True)
    csrf = client.cookies["csrftoken"]
    assert csrf["secure"] and csrf["httponly"]
    response = client.post(
        login,
        {"username": "chief", "password": "pw", "csrfmiddlewaretoken": csrf.value},
        secure=True,
    )
    assert response.status_code == 302
    session = response.cookies["sessionid"]
    assert session["secure"] and session["httponly"]


def test_deploy_check_reports_nothing_with_production_settings():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "DEBUG"],
        env=production_environment(),
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_production_defaults_are_the_fast_ones():
    result = run_python(
        "import django; django.setup();"
        "from django.conf import settings;"
        "print(settings.PAGE_CACHE, settings.CACHES['default']['BACKEND'].rsplit('.', 1)[1],"
        " settings.DATABASES['default']['CONN_MAX_AGE'] > 0,"
        " settings.DATABASES['default']['CONN_HEALTH_CHECKS'],"
        " settings.STORAGES['staticfiles']['BACKEND'].rsplit('.', 1)[1])"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "True",
        "LocMemCache",
        "True",
        "True",
        "CompressedManifestStaticFilesStorage",
    ]


def test_redis_url_selects_the_shared_redis_cache():
    result = run_python(
        "import django; django.setup();"
        "from django.core.cache import caches; c = caches['default'];"
        "c.set('production-check', 'shared', 5); print(type(c).__name__, c.get('production-check'))",
        REDIS_URL=REDIS_TEST_URL,
    )
    assert result.stdout.split() == ["DegradingRedisCache", "shared"], result.stderr


def test_postgresql_binds_parameters_on_the_server_unless_a_pooler_forbids_it():
    show = (
        "import django; django.setup(); from django.conf import settings;"
        "o = settings.DATABASES['default']['OPTIONS'];"
        "print(o.get('server_side_binding'), o.get('prepare_threshold'))"
    )
    postgres = "postgres://newsroom@db.example:5432/newsroom"
    assert run_python(show, DATABASE_URL=postgres).stdout.split() == ["True", "5"]
    pooled = run_python(show, DATABASE_URL=postgres, DATABASE_PREPARED_STATEMENTS="0")
    assert pooled.stdout.split() == ["None", "None"], pooled.stderr


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL prepares statements")
def test_postgresql_prepares_a_statement_that_a_connection_runs_often(story):
    for _ in range(8):
        assert Article.objects.published().filter(slug=story.slug).exists()
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [row[0] for row in cursor.fetchall()]
    assert any("articles_article" in statement for statement in prepared), prepared


def test_gunicorn_config_binds_to_localhost_and_sizes_workers_from_cpus():
    code = (
        "import runpy, json; c = runpy.run_path('gunicorn.conf.py');"
        "print(json.dumps({k: c[k] for k in ('bind', 'workers', 'threads', 'timeout', 'accesslog')}))"
    )
    import json
    import multiprocessing

    local = json.loads(run_python(code).stdout)
    assert local["bind"] == "127.0.0.1:8000"
    assert local["workers"] == 1  # the in-process page cache must stay coherent
    assert local["timeout"] == 30 and local["accesslog"] == "-"
    shared = json.loads(run_python(code, REDIS_URL="redis://127.0.0.1:6379/5").stdout)
    assert shared["workers"] == 2 * multiprocessing.cpu_count() + 1
    uncached = json.loads(run_python(code, CACHE_DISABLED="1").stdout)
    assert uncached["workers"] == shared["workers"]  # nothing process-local to keep coherent
