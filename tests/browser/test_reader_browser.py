"""A reader in a real browser: home, the sample article, search, filters, and zero axe violations."""

import pytest
from django.core.management import call_command

from tests.browser.conftest import DESKTOP, PHONE
from tests.factories import make_article, make_section

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HEADLINE = "In liaison with the Celestial Empire"
SAMPLE = "/2024/08/21/in-liaison-with-the-celestial-empire/"
SUBHEADINGS = [
    "Multi-dimensional interaction",
    "Form and content",
    "Diversity and multipolarity",
    "World of new possibilities",
]
AXE_PAGES = {
    "home": "/",
    "article": SAMPLE,
    "section": "/section/international/",
    "tag": "/tag/china/",
    "author": "/author/igor-savostenko/",
    "photographer": "/photographer/pavel-bogush/",
    "search": "/search/?q=China",
    "archive": "/archive/2024/8/",
    "archive-index": "/archive/",
    "list": "/articles/?section=international",
    "not-found": "/no-such-page/",
}


@pytest.fixture
def site(transactional_db):
    call_command("load_demo", verbosity=0)
    make_article(
        headline="Potash exports to China grow",
        standfirst="Trade figures for the first half of the year.",
        section=make_section(name="Trade desk", slug="trade-desk"),
        tags=["China"],
    )


def load_every_image(page):
    """Full-page screenshots should show lazy photos too: load them all, then wait."""
    page.evaluate(
        "document.querySelectorAll('img[loading=lazy]').forEach(img => img.loading = 'eager')"
    )
    page.wait_for_load_state("networkidle")
    page.wait_for_function(
        "[...document.images].every(img => img.complete && img.naturalWidth > 0)"
    )
    page.evaluate("Promise.all([...document.images].map(img => img.decode()))")


def screenshot(page, folder, name):
    """Phone and desktop full-page shots; each width reloads so srcset picks its own file."""
    for label, viewport in (("phone", PHONE), ("desktop", DESKTOP)):
        page.set_viewport_size(viewport)
        page.reload()
        load_every_image(page)
        page.screenshot(path=str(folder / f"{name}-{label}.png"), full_page=True)


def test_reader_opens_home_and_follows_the_sample_article(live_server, site, page, screenshots):
    page.goto(live_server.url + "/")
    assert page.locator("h1").count() == 1
    screenshot(page, screenshots, "home")
    page.get_by_role("link", name=HEADLINE).first.click()
    page.wait_for_url(f"**{SAMPLE}")
    assert page.locator("h1").inner_text() == HEADLINE
    assert page.locator(".story__body h2").all_inner_texts() == SUBHEADINGS
    credits = page.locator("figcaption .credit").all_inner_texts()
    assert credits == ["Photo: Pavel Bogush"] * 3
    assert page.locator(".story__meta .byline").inner_text() == "By Igor Savostenko"
    assert "21 August 2024, 13:30" in page.locator(".story__meta .dateline").inner_text()
    photos = page.locator("figure img")
    assert photos.count() == 3
    load_every_image(page)
    widths = page.eval_on_selector_all("figure img", "imgs => imgs.map(i => i.naturalWidth)")
    assert all(width > 0 for width in widths), "every photo should load from its rendition"
    screenshot(page, screenshots, "article")
    page.get_by_role("link", name="Igor Savostenko").first.click()
    assert page.locator("h1").inner_text() == "Igor Savostenko"


def test_reader_searches_and_sees_highlighted_results(live_server, site, page):
    page.goto(live_server.url + "/")
    page.get_by_label("Search articles").first.fill("celestial")
    page.get_by_label("Search articles").first.press("Enter")
    page.wait_for_url("**/search/?q=celestial")
    assert page.locator("h2 a").first.inner_text() == HEADLINE
    assert page.locator("h2 a mark").first.inner_text() == "Celestial"
    assert "1 result" in page.locator(".result-count").inner_text()


def test_reader_filters_articles_by_section(live_server, site, page):
    page.goto(live_server.url + "/articles/")
    assert page.locator(".card").count() == 2
    page.get_by_label("Section:", exact=True).select_option(label="International")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url("**/articles/?section=international*")
    headlines = page.locator(".card__headline").all_inner_texts()
    assert headlines == [HEADLINE]
    assert page.get_by_label("Section:", exact=True).input_value() == "international"


@pytest.mark.parametrize("name", AXE_PAGES)
def test_page_has_no_accessibility_violations(live_server, site, page, axe_source, name):
    for viewport in (DESKTOP, PHONE):
        page.set_viewport_size(viewport)
        page.goto(live_server.url + AXE_PAGES[name])
        page.add_script_tag(content=axe_source)
        violations = page.evaluate(
            "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
        )
        report = [
            f"{v['id']} ({v['impact']}): {v['help']} at "
            + ", ".join(str(node["target"]) for node in v["nodes"][:5])
            for v in violations
        ]
        assert not report, f"{AXE_PAGES[name]} at {viewport['width']}px:\n" + "\n".join(report)
