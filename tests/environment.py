"""Loaded as a pytest plugin (-p) so it runs before pytest-django imports the settings."""

import os

os.environ.setdefault("SECRET_KEY", "tests-only-secret-key-not-for-production-use-0123456789")
# Tests speak plain HTTP to the test client; production keeps the redirect on.
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
# Two-factor sign-in is off unless a test turns it on (settings.REQUIRE_2FA = True): the
# suite's editors sign in with force_login and the password form, whatever the shell says.
os.environ["REQUIRE_2FA"] = "0"
# Photos on the local disk (or in the tests' own SeaweedFS with PHOTO_STORAGE=s3), never in a
# real bucket that the shell's AWS_* variables name.
for name in [name for name in os.environ if name.startswith("AWS_")]:
    del os.environ[name]
