"""PostgreSQL: a chunk of new articles written with COPY, ids drawn from the sequences first.

``bulk_create`` builds about ten model instances an article and prepares every value of
every one into UNNEST arrays; at volume that was most of the import's Python time. Here each
row is a plain tuple in its table's column order, with Django's defaults filled in once a
table, and the ids of the new photos and articles are drawn ahead (``nextval``) so that the
link rows can point at them. The rows are those ``bulk_create`` writes (tests compare every
column); only the ImportResults get Article instances, built from the same rows.
"""

from django.db import connection
from django.db.models import DateTimeField
from django.utils import timezone

from articles.models import Article, ArticleAuthor, ArticleImage, Image, TaggedArticle

from .loader import CREATED, ImportResult, resolve_tags
from .slugs import unique_article_slugs


class TableRows:
    """Rows for one table: the ``given`` fields (attnames) set per row, every other column
    Django's default, automatic times ``now``. Without ``with_pk`` the database numbers them."""

    def __init__(self, model, given, *, now, with_pk=False):
        fields = [f for f in model._meta.concrete_fields if with_pk or not f.primary_key]
        self.model = model
        self.attnames = [field.attname for field in fields]
        self.positions = [self.attnames.index(name) for name in given]
        self.template = [None if f.attname in given else _default(f, now) for f in fields]
        self.columns = [field.column for field in fields]
        self.rows = []

    def add(self, *values):
        row = self.template.copy()
        for position, value in zip(self.positions, values, strict=True):
            row[position] = value
        self.rows.append(row)
        return row

    def copy_to(self, cursor):
        """The rows into the table with one COPY; a failure raises Django's DatabaseError."""
        if not self.rows:
            return
        quote = connection.ops.quote_name
        statement = "COPY {} ({}) FROM STDIN".format(
            quote(self.model._meta.db_table), ", ".join(map(quote, self.columns))
        )
        with connection.wrap_database_errors, cursor.cursor.copy(statement) as copy:
            for row in self.rows:
                copy.write_row(row)

    def instance(self, row):
        """The model instance a query would return for this row."""
        return self.model.from_db(connection.alias, self.attnames, row)


def _default(field, now):
    if isinstance(field, DateTimeField) and (field.auto_now or field.auto_now_add):
        return now
    if field.has_default() and callable(field.default):
        raise ValueError(f"{field} has a default computed per row: give it with each row")
    return field.get_db_prep_save(field.get_default(), connection)


def new_ids(cursor, model, count):
    """``count`` ids from the model's sequence, as the database would give them."""
    if not count:
        return []
    table, column = model._meta.db_table, model._meta.pk.column
    cursor.execute(
        "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
        [table, column, count],
    )
    return [row[0] for row in cursor.fetchall()]


def copy_new_articles(importer, fast):
    """Create every article of the chunk: five COPYs and a handful of queries, inside the
    caller's transaction. ``fast`` is [(index, RawFile, ParsedArticle, NewBody)]."""
    options = importer.options
    tags = resolve_tags(options.tags) if options.tags else []
    rows = ChunkRows(options, tag_ids=[tag.pk for tag in tags])
    slugs = unique_article_slugs([parsed.headline for _, _, parsed, _ in fast])
    with connection.cursor() as cursor:
        image_ids = iter(new_ids(cursor, Image, sum(len(body.image_keys) for *_, body in fast)))
        article_ids = new_ids(cursor, Article, len(fast))
        people = _people_ids(importer.people, fast)
        results = [
            rows.add(raw, parsed, body, article_id, slug, image_ids, people)
            for (_, raw, parsed, body), article_id, slug in zip(
                fast, article_ids, slugs, strict=True
            )
        ]
        for table in rows.tables:  # in foreign-key order
            table.copy_to(cursor)
    return results


class ChunkRows:
    """The rows of a chunk's new articles, table by table, as ``Importer._create`` writes
    them: drafts, placeholder photos, bylines and photos in order, the run's tags."""

    def __init__(self, options, *, tag_ids):
        now = timezone.now()
        self.user_id = options.user.pk if options.user else None
        self.section_id = options.section.pk if options.section else None
        self.tag_ids = tag_ids
        self.images = TableRows(
            Image,
            ["id", "key", "is_placeholder", "caption", "photographer_id", "uploaded_by_id"],
            now=now,
            with_pk=True,
        )
        self.articles = TableRows(Article, ARTICLE_FIELDS, now=now, with_pk=True)
        self.bylines = TableRows(ArticleAuthor, ["article_id", "author_id", "position"], now=now)
        self.uses = TableRows(ArticleImage, ["article_id", "image_id", "position"], now=now)
        self.tag_links = TableRows(TaggedArticle, ["content_object_id", "tag_id"], now=now)
        self.tables = (self.images, self.articles, self.bylines, self.uses, self.tag_links)

    def add(self, raw, parsed, body, article_id, slug, image_ids, people):
        """One article's rows; its ImportResult."""
        authors, photographers = people
        photo_ids = [next(image_ids) for _ in parsed.photos]
        for photo_id, photo, key in zip(photo_ids, parsed.photos, body.image_keys, strict=True):
            photographer_id = photographers[photo.photographer]
            self.images.add(photo_id, key, True, photo.caption, photographer_id, self.user_id)
        row = self.articles.add(
            article_id,
            parsed.headline,
            slug,
            parsed.standfirst,
            body.body,
            body.html,
            body.plain,
            photo_ids[0] if photo_ids else None,
            self.section_id,
            Article.Status.DRAFT,
            timezone.make_aware(parsed.posted),
            raw.source_key,
            self.user_id,
            self.user_id,
        )
        for position, name in enumerate(parsed.authors):
            self.bylines.add(article_id, authors[name], position)
        for position, photo_id in enumerate(photo_ids):
            self.uses.add(article_id, photo_id, position)
        for tag_id in self.tag_ids:
            self.tag_links.add(article_id, tag_id)
        article = self.articles.instance(row)
        return ImportResult(name=raw.name, outcome=CREATED, article=article, photos=len(photo_ids))


ARTICLE_FIELDS = [
    "id",
    "headline",
    "slug",
    "standfirst",
    "body",
    "body_html",
    "body_plain",
    "hero_image_id",
    "section_id",
    "status",
    "published_at",
    "source_key",
    "created_by_id",
    "updated_by_id",
]


def _people_ids(people, fast):
    """{name: id} of the chunk's authors and of its photographers, created if new."""
    authors, photographers = {}, {}
    for _, _, parsed, _ in fast:
        for name in parsed.authors:
            authors[name] = authors.get(name) or people.author(name).pk
        for photo in parsed.photos:
            name = photo.photographer
            photographers[name] = photographers.get(name) or people.photographer(name).pk
    return authors, photographers
