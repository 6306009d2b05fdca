# Newsroom: `make run` sets everything up and serves the demo site; `make test` runs the tests.
PYTHON ?= python3
# `make run PORT=8001 HOST=0.0.0.0` serves elsewhere than 127.0.0.1:8000.
HOST ?= 127.0.0.1
PORT ?= 8000
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEV_ENV := DEBUG=1

.PHONY: run test test-s3 install browser-deps lint serve-production clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

run: install
	$(DEV_ENV) $(BIN)/python manage.py migrate --noinput
	$(DEV_ENV) $(BIN)/python manage.py load_demo
	@echo "Newsroom: http://$(HOST):$(PORT)/  (admin: http://$(HOST):$(PORT)/admin/)"
	$(DEV_ENV) $(BIN)/python manage.py runserver $(HOST):$(PORT)

# The suite pins the settings it asserts (tests/environment.py), so what the caller's shell
# exports (DEBUG=1 or REDIS_URL for development, say) does not change the outcome;
# DATABASE_URL still chooses the database it runs against.
test: install browser-deps
	$(BIN)/pytest

# The photo tests again with photos in an S3 bucket (a SeaweedFS server the tests start).
PHOTO_TESTS := tests/test_renditions.py tests/test_image_library.py tests/test_preview_photos.py \
	tests/test_fixtures_roundtrip.py tests/test_importer.py tests/test_demo_and_settings.py \
	tests/test_no_leaks.py tests/test_feeds_sitemaps.py tests/test_photo_changes_reach_readers.py
test-s3: install
	PHOTO_STORAGE=s3 $(BIN)/pytest $(PHOTO_TESTS)

# Browser tests need Debian's chromium and axe-core (npm). Each is installed when it can be
# (apt-get only as root); otherwise the browser tests are skipped, saying what is missing.
browser-deps:
	@if command -v chromium >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	else echo "browser-deps: chromium is missing and cannot be installed here (not root or no apt-get): browser tests will be skipped"; fi
	@if [ -f tests/browser/node_modules/axe-core/axe.min.js ]; then :; \
	elif command -v npm >/dev/null 2>&1; then npm ci --prefix tests/browser --no-audit --no-fund --silent; \
	else echo "browser-deps: npm is missing: browser tests will be skipped"; fi

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check articles newsroom tests

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles artifacts

# Production-like stack on http://127.0.0.1:8000/: DEBUG off, static files collected and served
# by whitenoise, gunicorn (gunicorn.conf.py). Set DATABASE_URL / REDIS_URL to use PostgreSQL and
# Redis. Plain HTTP locally, so the HTTPS redirect and secure cookies are relaxed here only.
PROD_ENV := SECRET_KEY="$${SECRET_KEY:-$$(head -c 48 /dev/urandom | base64)}" \
	ALLOWED_HOSTS="$${ALLOWED_HOSTS:-127.0.0.1,localhost}" SECURE_SSL_REDIRECT=0 SECURE_COOKIES=0

serve-production: install
	$(PROD_ENV) $(BIN)/python manage.py collectstatic --noinput -v 0
	$(PROD_ENV) $(BIN)/python manage.py migrate --noinput
	$(PROD_ENV) $(BIN)/python manage.py load_demo
	$(PROD_ENV) $(BIN)/gunicorn -c gunicorn.conf.py newsroom.wsgi
