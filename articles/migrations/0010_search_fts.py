"""SQLite only: an FTS5 full-text index of each article's headline, standfirst and body.

An external-content FTS5 table (the text stays in articles_article, the index holds only
tokens) kept in step by triggers on articles_article, so every write path (saves, bulk
imports, QuerySet.update, deletes, raw SQL) updates it with no Python involved, as the
generated column of 0003 does on PostgreSQL. Words are stemmed (Porter) and folded (case,
Latin diacritics). The body indexed is the Markdown source, as on PostgreSQL: its markup is
punctuation, which the tokenizer drops. On PostgreSQL this migration does nothing.

The statements are frozen here; articles/search/sqlite.py holds the current copy, with which
a post_migrate check restores the triggers should a later migration rebuild the table.
"""

from django.db import migrations

TABLE = "articles_article_fts"
COLUMNS = "headline, standfirst, body"
NEW = "new.headline, new.standfirst, new.body"
OLD = "old.headline, old.standfirst, old.body"
CREATE = (
    f"""CREATE VIRTUAL TABLE {TABLE} USING fts5(
    {COLUMNS}, content='articles_article', content_rowid='id',
    tokenize='porter unicode61 remove_diacritics 2'
)""",
    f"""CREATE TRIGGER {TABLE}_insert AFTER INSERT ON articles_article BEGIN
    INSERT INTO {TABLE}(rowid, {COLUMNS}) VALUES (new.id, {NEW});
END""",
    f"""CREATE TRIGGER {TABLE}_delete AFTER DELETE ON articles_article BEGIN
    INSERT INTO {TABLE}({TABLE}, rowid, {COLUMNS}) VALUES ('delete', old.id, {OLD});
END""",
    f"""CREATE TRIGGER {TABLE}_update AFTER UPDATE OF {COLUMNS} ON articles_article BEGIN
    INSERT INTO {TABLE}({TABLE}, rowid, {COLUMNS}) VALUES ('delete', old.id, {OLD});
    INSERT INTO {TABLE}(rowid, {COLUMNS}) VALUES (new.id, {NEW});
END""",
    f"INSERT INTO {TABLE}({TABLE}) VALUES ('rebuild')",
)
DROP = (
    f"DROP TRIGGER IF EXISTS {TABLE}_insert",
    f"DROP TRIGGER IF EXISTS {TABLE}_delete",
    f"DROP TRIGGER IF EXISTS {TABLE}_update",
    f"DROP TABLE IF EXISTS {TABLE}",
)


def on_sqlite(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "sqlite":
            for sql in statements:
                schema_editor.execute(sql, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("articles", "0009_page_cache_tokens")]

    operations = [
        migrations.RunPython(on_sqlite(CREATE), on_sqlite(DROP), elidable=False),
    ]
