"""Two app servers, one newsroom: gunicorn A and B, each with its own working folder and
MEDIA_ROOT, share PostgreSQL, Redis and the photo bucket, as behind a load balancer."""

import re
import uuid

import pytest

from tests import app_servers
from tests.factories import jpeg_bytes

POSTGRES = "postgres://postgres@127.0.0.1:5432/"
REDIS = "redis://127.0.0.1:6379/5"
PASSWORD = "two-servers-pw"
SETUP = """
from django.contrib.auth import get_user_model
from django.utils import timezone
from articles.models import Article, Author, Section
from articles.services import set_byline
get_user_model().objects.create_superuser("chief", "chief@example.com", "PASSWORD")
section = Section.objects.create(name="City", slug="city", position=1)
article = Article.objects.create(
    headline="Bridge reopens after two years", slug="bridge-reopens",
    standfirst="Traffic flows again.", body="The bridge reopened today.", section=section,
    status=Article.Status.IN_REVIEW, published_at=timezone.now(),
)
set_byline(article=article, authors=[Author.objects.create(name="Ann Lee", slug="ann-lee")])
print(article.pk)
""".replace("PASSWORD", PASSWORD)


def reachable_postgres():
    import psycopg

    try:
        return psycopg.connect(POSTGRES + "postgres", autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as error:
        pytest.skip(f"PostgreSQL at 127.0.0.1:5432 is unreachable: {error}")


def reachable_redis():
    import redis

    client = redis.Redis.from_url(REDIS, socket_connect_timeout=3)
    try:
        client.ping()
    except redis.RedisError as error:
        pytest.skip(f"Redis at 127.0.0.1:6379 is unreachable: {error}")
    return client


@pytest.fixture
def shared(s3_server, tmp_path):
    """A database of our own (dropped afterwards), a Redis key prefix and a bucket folder."""
    admin = reachable_postgres()
    redis_client = reachable_redis()
    name = f"storage_two_servers_{uuid.uuid4().hex[:8]}"
    prefix = f"two-servers-{uuid.uuid4().hex[:8]}"
    admin.execute(f'CREATE DATABASE "{name}"')
    env = app_servers.environment(
        SECRET_KEY="two-servers-" + "s3cr3t" * 8,
        DATABASE_URL=POSTGRES + name,
        REDIS_URL=REDIS,
        CACHE_KEY_PREFIX=prefix,
        AWS_LOCATION=prefix,
        AWS_S3_ADDRESSING_STYLE="path",
        **s3_server.environ(),
    )
    try:
        app_servers.manage(env, "migrate", "--noinput", "-v", "0", cwd=tmp_path)
        yield env, name, prefix
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()
        for key in redis_client.scan_iter(match=f"{prefix}:*"):
            redis_client.delete(key)


@pytest.fixture
def servers(shared, tmp_path):
    env, _, _ = shared
    started = []
    try:
        for name in ("a", "b"):
            started.append(app_servers.AppServer(name, tmp_path, env).start())
        yield started
    finally:
        for server in started:
            server.stop()


def rows(database, sql):
    import psycopg

    with psycopg.connect(POSTGRES + database) as connection:
        return connection.execute(sql).fetchall()


def test_what_one_server_publishes_the_other_shows_at_once_with_one_shared_rendition(
    shared, servers, s3_server
):
    env, database, prefix = shared
    a, b = servers
    article_pk = int(app_servers.manage(env, "shell", "-v", "0", "-c", SETUP).strip())
    reader_a, reader_b = app_servers.Browser(a.url), app_servers.Browser(b.url)
    # B has the front page in the shared cache before anything is published.
    assert "Bridge reopens" not in reader_b.page("/")

    desk = app_servers.Browser(a.url)
    desk.log_in("chief", PASSWORD)
    token = app_servers.csrf_token(desk.page("/admin/articles/image/add/"))
    upload = {"file": ("bridge.jpg", jpeg_bytes(width=1000, height=600), "image/jpeg")}
    fields = {"csrfmiddlewaretoken": token, "alt_text": "The bridge at dawn"}
    fields.update(credit_text="City photo desk", caption="", copyright="", tags="")
    status, body, _ = desk.post("/admin/articles/image/add/", fields, upload)
    assert status == 200 and b"was added successfully" in body, body[-3000:]
    [(image_pk, key, original)] = rows(database, "SELECT id, key, file FROM articles_image")

    change = f"/admin/articles/article/{article_pk}/change/"
    form = app_servers.form_fields(desk.page(change))
    form.update(hero_image=str(image_pk), _transition="publish")
    form["body"] += f"\n\n[[image {key}]]\n"
    status, body, _ = desk.post(change, form)
    assert status == 200 and b'class="success">Publish' in body, body[-3000:]

    # B shows the story at once: on its front page (cached before) and on the article page.
    assert "Bridge reopens after two years" in reader_b.page("/")
    page = reader_b.page("/section/city/")
    path = re.search(r'href="(/\d{4}/\d\d/\d\d/bridge-reopens/)"', page).group(1)
    article_html = reader_b.page(path)
    assert 'alt="The bridge at dawn"' in article_html and "City photo desk" in article_html
    photo = re.search(rf'src="(/photos/{key}/[^"]+\.jpg)"', article_html).group(1)

    # B makes the rendition from the original A stored; A then serves that same rendition.
    status, from_b, content_type = reader_b.get(photo)
    assert status == 200 and content_type == "image/jpeg"
    status, from_a, _ = reader_a.get(photo)
    assert status == 200 and from_a == from_b
    [(rendition_file,)] = rows(database, "SELECT file FROM articles_rendition")
    assert s3_server.keys(prefix + "/") == sorted(
        [f"{prefix}/{original}", f"{prefix}/{rendition_file}"]
    )
    # Nothing landed on either server's own disk.
    assert a.disk_files() == [] and b.disk_files() == []
