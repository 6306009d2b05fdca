"""Tags named in any script: taggit slugs "Беларусь" as "беларусь" and "Río Grande" as
"río-grande"; the article page links them and their pages and feeds answer (it was a 500)."""

from urllib.parse import quote

import pytest
from pytest_django.asserts import assertContains

from tests.factories import make_article

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("name, slug", [("Беларусь", "беларусь"), ("Río Grande", "río-grande")])
def test_an_article_tagged_in_another_script_links_a_tag_page_and_feeds_that_answer(
    client, name, slug
):
    article = make_article(headline="Floods on the border", tags=[name])

    page = client.get(article.get_absolute_url())
    tag_path = f"/tag/{quote(slug)}/"
    assertContains(page, f'href="{tag_path}"')

    tag_page = client.get(tag_path)
    assertContains(tag_page, "Floods on the border")
    assertContains(tag_page, name)
    for feed in ("rss", "atom"):
        assertContains(client.get(f"/feeds/tag/{quote(slug)}/{feed}/"), "Floods on the border")
