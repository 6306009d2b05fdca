import pytest


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


@pytest.fixture
def superuser(django_user_model):
    return django_user_model.objects.create_superuser("chief", "chief@example.com", "pw")


@pytest.fixture
def superuser_client(client, superuser):
    client.force_login(superuser)
    return client


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache: pages stored by an earlier test (whose rows were
    rolled back) must never be served to the next one."""
    from django.core.cache import cache

    cache.clear()
