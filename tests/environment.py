"""Loaded as a pytest plugin (-p) so it runs before pytest-django imports the settings."""

import os

os.environ.setdefault("SECRET_KEY", "tests-only-secret-key-not-for-production-use-0123456789")
# Tests speak plain HTTP to the test client; production keeps the redirect on.
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
