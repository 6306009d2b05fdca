from datetime import timedelta

import pytest
from django.utils import timezone


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Every test writes uploads and renditions into its own folder, never into media/."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


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

    cache.clear()


@pytest.fixture(params=["locmem", "redis"])
def any_cache(request, settings):
    """The same behaviour with the embedded cache and with the shared Redis cache."""
    from django.core.cache import cache

    from tests.page_cache_support import redis_cache_settings, require_redis

    if request.param == "redis":
        require_redis()
        settings.CACHES = redis_cache_settings()
    cache.clear()
    return request.param
