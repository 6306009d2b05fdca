"""Migration 0011 turns stored Markdown bodies (articles and revision snapshots) into the
editor's HTML, so what readers see is unchanged and old revisions restore as HTML."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("articles", "0010_search_fts")]
AFTER = [("articles", "0011_editor_html_body")]


@pytest.fixture
def back_to_the_newest_migration():
    """Leave the schema as every later test expects it, whatever this test did."""
    yield
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_markdown_bodies_and_revisions_become_html_with_photo_slots(back_to_the_newest_migration):
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    article = old.get_model("articles", "Article").objects.create(
        headline="Old", slug="old", body="Intro.\r\n\r\n[[image abc123]]\r\n\r\n## Sub\r\n\r\nEnd."
    )
    old.get_model("articles", "Revision").objects.create(
        article_id=article.pk, number=1, content={"body": "Was *this*.", "headline": "Old"}
    )
    html_already = old.get_model("articles", "Article").objects.create(
        headline="New", slug="new", body="<p>Typed in the editor.</p>"
    )

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps
    Article = new.get_model("articles", "Article")
    converted = Article.objects.get(pk=article.pk)
    assert converted.body == (
        '<p>Intro.</p>\n<figure data-image="abc123"></figure>\n<h2>Sub</h2>\n<p>End.</p>'
    )
    assert converted.body_html == converted.body
    revision = new.get_model("articles", "Revision").objects.get(article_id=article.pk)
    assert revision.content == {"body": "<p>Was <em>this</em>.</p>", "headline": "Old"}
    assert Article.objects.get(pk=html_already.pk).body == "<p>Typed in the editor.</p>"
