import os
import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from tests import s3_server as weed

# PHOTO_STORAGE=s3 runs the tests with photos in a SeaweedFS bucket instead of on disk
# (`make test-s3` does, for the photo tests); anything else keeps the local disk.
PHOTOS_IN_S3 = os.environ.get("PHOTO_STORAGE", "").lower() == "s3"


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, tmp_path_factory):
    """On SQLite, a test database in a file, as the site runs: Django's default in-memory
    one is shared between the live server's threads with table locks, which fail at once
    ("database table is locked") where a file waits its busy timeout, so a page whose
    photos were made in parallel failed in the browser tests now and then."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        folder = tmp_path_factory.mktemp("database")
        database.setdefault("TEST", {})["NAME"] = str(folder / "test.sqlite3")


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory):
    """One SeaweedFS S3 server for the whole run, stopped by its PID at the end."""
    try:
        server = weed.start(tmp_path_factory.mktemp("seaweedfs"))
    except weed.Unavailable as reason:
        pytest.skip(f"no S3 server for these tests: {reason}")
    yield server
    server.stop()


def s3_storages(settings, server):
    """settings.STORAGES with photos in the test bucket, under a folder of this test's own."""
    from newsroom.settings import s3_photo_storage

    environ = {
        **server.environ(),
        "AWS_LOCATION": f"tests/{uuid.uuid4().hex}",
        "AWS_S3_ADDRESSING_STYLE": "path",
    }
    return {**settings.STORAGES, "default": s3_photo_storage(environ)}


@pytest.fixture(autouse=True)
def media_root(request, settings, tmp_path):
    """Every test writes uploads and renditions into its own folder, never into media/: on
    disk, or under a fresh prefix of the test bucket with PHOTO_STORAGE=s3."""
    settings.MEDIA_ROOT = tmp_path / "media"
    if PHOTOS_IN_S3:
        settings.STORAGES = s3_storages(settings, request.getfixturevalue("s3_server"))
    return settings.MEDIA_ROOT


@pytest.fixture
def bucket(settings, s3_server):
    """Photos in the test bucket for this test, whatever PHOTO_STORAGE says; ``keys()`` lists
    this test's objects as boto3 sees them, not through Django."""
    settings.STORAGES = s3_storages(settings, s3_server)
    prefix = settings.STORAGES["default"]["OPTIONS"]["location"] + "/"

    class Bucket:
        server = s3_server

        def keys(self, folder=""):
            return [key.removeprefix(prefix) for key in s3_server.keys(prefix + folder)]

    return Bucket()


@pytest.fixture
def stored_files():
    """Every file name in the photo storage (disk or bucket), for 'nothing was left' checks."""
    from django.core.files.storage import default_storage

    def names(folder=""):
        try:
            folders, files = default_storage.listdir(folder)
        except FileNotFoundError:
            return []
        found = [f"{folder}{name}" for name in files]
        for sub in folders:
            found += names(f"{folder}{sub}/")
        return sorted(found)

    return names


@pytest.fixture(autouse=True)
def plain_static_storage(settings):
    """Hashed static names need collectstatic; tests use the finders' plain names instead."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Tests log in with force_login; a slow production hasher would only cost time."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def superuser(django_user_model):
    return django_user_model.objects.create_superuser("chief", "chief@example.com", "pw")


@pytest.fixture
def superuser_client(client, superuser):
    client.force_login(superuser)
    return client


def _staff_member(django_user_model, username, group_name):
    from django.contrib.auth.models import Group

    user = django_user_model.objects.create_user(username, f"{username}@example.com")
    user.is_staff = True
    user.save()
    user.groups.add(Group.objects.get(name=group_name))
    return user


@pytest.fixture
def writer(db, django_user_model):
    """A member of Writers with an author profile, so bylines can name them."""
    from tests.factories import make_author

    user = _staff_member(django_user_model, "wanda", "Writers")
    make_author(name="Wanda Writer", user=user)
    return user


@pytest.fixture
def other_writer(db, django_user_model):
    from tests.factories import make_author

    user = _staff_member(django_user_model, "oscar", "Writers")
    make_author(name="Oscar Other", user=user)
    return user


@pytest.fixture
def editor(db, django_user_model):
    return _staff_member(django_user_model, "edith", "Editors")


@pytest.fixture
def photo_desk(db, django_user_model):
    return _staff_member(django_user_model, "pat", "Photo desk")


@pytest.fixture
def clock(monkeypatch):
    """A controlled clock: every timezone.now() in the code reads it; advance() moves it."""

    class Clock:
        now = timezone.now().replace(microsecond=0)

        def advance(self, **delta):
            self.now += timedelta(**delta)

    clock = Clock()
    monkeypatch.setattr(timezone, "now", lambda: clock.now)
    return clock


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache: pages stored by an earlier test (whose rows were
    rolled back) must never be served to the next one."""
    from django.core.cache import cache

    from articles.cache import lease, tokens

    cache.clear()
    # The rows behind them were rolled back without a write the lease would hear of.
    lease.epoch_lease.drop()
    tokens.LOCAL_PAGES.clear()


@pytest.fixture(params=["locmem", "redis"])
def any_cache(request, settings):
    """The same behaviour with the embedded cache and with the shared Redis cache."""
    from django.core.cache import cache

    from articles.cache import lease, tokens
    from tests.page_cache_support import redis_cache_settings, require_redis

    if request.param == "redis":
        require_redis()
        settings.CACHES = redis_cache_settings()
    cache.clear()
    lease.epoch_lease.drop()
    tokens.LOCAL_PAGES.clear()
    return request.param
