"""Loaded as a pytest plugin (-p) so it runs before pytest-django imports the settings.

The suite asserts production behaviour (DEBUG off, HSTS, the page cache on...), so settings
that the caller's shell may export for development are removed here: `DEBUG=1 make test`
passes as `make test` does. DATABASE_URL and its tuning are kept on purpose: it chooses the
database the suite runs against. REDIS_URL is not: tests that need Redis name their own
(NEWSROOM_TEST_REDIS_URL), and the rest assert the default in-process cache.
"""

import os

CALLER_SETTINGS_IGNORED = (
    "DEBUG",
    "ALLOWED_HOSTS",
    "CSRF_TRUSTED_ORIGINS",
    "SECURE_SSL_REDIRECT",
    "SECURE_COOKIES",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_PRELOAD",
    "TRUSTED_PROXIES",
    "PAGE_CACHE",
    "PAGE_CACHE_TIMEOUT",
    "PAGE_CACHE_BROWSER_MAX_AGE",
    "PAGE_CACHE_CHANGE_FILE",
    "PAGE_CACHE_LEASE",
    "CACHE_DISABLED",
    "REDIS_URL",
    "REDIS_TIMEOUT",
    "CACHE_KEY_PREFIX",
    "PHOTO_CACHE_SECONDS",
    "TIME_ZONE",
    "MEDIA_ROOT",
    "STATIC_ROOT",
    "MAX_UPLOAD_BYTES",
    "SITE_NAME",
    "SITE_URL",
    "DEFAULT_FROM_EMAIL",
    "BENCH_TRIVIAL_VIEW",
)
for name in CALLER_SETTINGS_IGNORED:
    os.environ.pop(name, None)

os.environ.setdefault("SECRET_KEY", "tests-only-secret-key-not-for-production-use-0123456789")
# Tests speak plain HTTP to the test client; production keeps the redirect on.
os.environ["SECURE_SSL_REDIRECT"] = "0"
# Two-factor sign-in is off unless a test turns it on (settings.REQUIRE_2FA = True): the
# suite's editors sign in with force_login and the password form, whatever the shell says.
os.environ["REQUIRE_2FA"] = "0"
# Photos on the local disk (or in the tests' own SeaweedFS with PHOTO_STORAGE=s3), never in a
# real bucket that the shell's AWS_* variables name.
for name in [name for name in os.environ if name.startswith("AWS_")]:
    del os.environ[name]
