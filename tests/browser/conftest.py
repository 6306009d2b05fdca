"""Real Chromium (Debian's /usr/bin/chromium) driven by Playwright against pytest-django's live server."""

import os
import shutil
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; the tests' own ORM calls are
# synchronous and safe, so let Django allow them.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
AXE = Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.skip(f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, transactional_db):
    # Asking for the database first makes pytest tear it down (flush it) after this page
    # is closed, never while the page's timers are still talking to the live server.
    # axe-core is injected as an inline script, which our CSP (rightly) forbids.
    context = browser.new_context(viewport=DESKTOP, locale="en-GB", bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    # Close every page first: their timers (presence, autosave, preview) would otherwise still
    # be talking to the live server while the test database is flushed.
    for open_page in context.pages:
        open_page.close()
    context.close()


@pytest.fixture
def new_context(browser, transactional_db):
    """Open more browsers (one per person) in a test; all are closed before the database is
    flushed, like ``page``."""
    opened = []

    def open_context(**options):
        context = browser.new_context(viewport=DESKTOP, locale="en-GB", **options)
        opened.append(context)
        return context

    yield open_context
    for context in opened:
        for open_page in context.pages:
            open_page.close()
        context.close()


@pytest.fixture
def axe_source():
    if not AXE.exists():
        if shutil.which("npm") is None:
            pytest.skip("npm is not installed, so axe-core (tests/browser/package.json) is absent")
        # `make test` installs it (make browser-deps); a bare `pytest` may not have.
        pytest.fail(f"axe-core is missing: run `make browser-deps` ({AXE})")
    return AXE.read_text(encoding="utf-8")


@pytest.fixture
def screenshots():
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS
