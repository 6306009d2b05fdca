"""PostgreSQL only: a stored, GIN-indexed full-text vector of each article.

A generated column, so the database keeps it current on every write (saves, bulk imports,
QuerySet.update) with no Python involved. Headline weighs most (A), then standfirst (B),
then body (C). On SQLite this migration does nothing; articles/search/query.py searches there.
The model does not declare the column: articles/search/postgres.py reads it with RawSQL.
"""

from django.db import migrations

CREATE = (
    """
ALTER TABLE articles_article ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('english'::regconfig, coalesce(headline, '')), 'A') ||
    setweight(to_tsvector('english'::regconfig, coalesce(standfirst, '')), 'B') ||
    setweight(to_tsvector('english'::regconfig, coalesce(body, '')), 'C')
) STORED
""",
    "CREATE INDEX article_search_vector ON articles_article USING GIN (search_vector)",
)
DROP = (
    "DROP INDEX IF EXISTS article_search_vector",
    "ALTER TABLE articles_article DROP COLUMN IF EXISTS search_vector",
)


def on_postgresql(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for sql in statements:
                schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("articles", "0002_roles")]

    operations = [
        migrations.RunPython(on_postgresql(CREATE), on_postgresql(DROP), elidable=False),
    ]
