"""The body's plain words in their own column, and the SQLite index reading them.

Bodies are the editor's HTML since 0011; indexing that HTML made tag and attribute names
searchable on SQLite ("strong" found every bold word). ``body_plain`` is derived on save like
``body_html``. On SQLite the FTS5 table and its triggers are rebuilt over it (the statements
are frozen here; articles/search/sqlite.py holds the current copy). PostgreSQL's parser skips
tags, so its index stays on the body.
"""

from html import unescape

from django.db import migrations, models
from django.utils.html import strip_tags

TABLE = "articles_article_fts"
OLD_COLUMNS = "headline, standfirst, body"
COLUMNS = "headline, standfirst, body_plain"


def triggers(columns):
    new = ", ".join(f"new.{c.strip()}" for c in columns.split(","))
    old = ", ".join(f"old.{c.strip()}" for c in columns.split(","))
    return (
        f"""CREATE VIRTUAL TABLE {TABLE} USING fts5(
    {columns}, content='articles_article', content_rowid='id',
    tokenize='porter unicode61 remove_diacritics 2'
)""",
        f"""CREATE TRIGGER {TABLE}_insert AFTER INSERT ON articles_article BEGIN
    INSERT INTO {TABLE}(rowid, {columns}) VALUES (new.id, {new});
END""",
        f"""CREATE TRIGGER {TABLE}_delete AFTER DELETE ON articles_article BEGIN
    INSERT INTO {TABLE}({TABLE}, rowid, {columns}) VALUES ('delete', old.id, {old});
END""",
        f"""CREATE TRIGGER {TABLE}_update AFTER UPDATE OF {columns} ON articles_article BEGIN
    INSERT INTO {TABLE}({TABLE}, rowid, {columns}) VALUES ('delete', old.id, {old});
    INSERT INTO {TABLE}(rowid, {columns}) VALUES (new.id, {new});
END""",
        f"INSERT INTO {TABLE}({TABLE}) VALUES ('rebuild')",
    )


DROP = (
    f"DROP TRIGGER IF EXISTS {TABLE}_insert",
    f"DROP TRIGGER IF EXISTS {TABLE}_delete",
    f"DROP TRIGGER IF EXISTS {TABLE}_update",
    f"DROP TABLE IF EXISTS {TABLE}",
)


def plain(body_html):
    import re

    html = re.sub(r'<figure data-image="[A-Za-z0-9_-]+"></figure>', "\n", body_html or "")
    html = re.sub(r"</(?:p|h[2-4]|li|blockquote|pre)>|<br>|<hr>", "\n", html)
    return unescape(strip_tags(html)).strip()


def fill_body_plain(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    rows = Article.objects.only("pk", "body_html").iterator(chunk_size=500)
    batch = []
    for article in rows:
        article.body_plain = plain(article.body_html)
        batch.append(article)
        if len(batch) == 500:
            Article.objects.bulk_update(batch, ["body_plain"])
            batch = []
    Article.objects.bulk_update(batch, ["body_plain"])


def index(columns):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "sqlite":
            for sql in (*DROP, *triggers(columns)):
                schema_editor.execute(sql, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("articles", "0011_editor_html_body")]

    operations = [
        migrations.AddField(
            model_name="article",
            name="body_plain",
            field=models.TextField(
                blank=True,
                editable=False,
                help_text="The body's words without markup, for the SQLite search index.",
                verbose_name="body (plain text)",
            ),
        ),
        migrations.RunPython(fill_body_plain, migrations.RunPython.noop, elidable=False),
        migrations.RunPython(index(COLUMNS), index(OLD_COLUMNS), elidable=False),
    ]
