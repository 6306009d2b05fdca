"""The fast path for many files: new articles are created a chunk at a time.

Importing one file takes about fifteen queries (lookups, byline, photos, savepoints) and a
commit. For a folder of new copy, ``import_many`` creates a whole chunk's photos, articles,
bylines and photo rows with one bulk insert each, in one transaction. The per-file guarantee
stays: files that fail to read or parse never enter the chunk, and if the chunk's
transaction fails for any database reason it is rolled back whole and its files are
imported again one by one, each in its own transaction. Files that update an existing
article, bring photo files, or run as a dry run always take the one-by-one path.
"""

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from itertools import islice

from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from articles.models import (
    Article,
    ArticleAuthor,
    ArticleImage,
    Image,
    TaggedArticle,
)
from articles.models.images import new_image_key
from articles.rendering import render_body
from articles.services.articles import check_may_change

from .loader import CREATED, FAILED, ImportResult, resolve_tags
from .markup import body_html, body_plain_text
from .parser import RawArticleError
from .pg_copy import copy_new_articles
from .slugs import unique_article_slugs

CHUNK_SIZE = 200


def import_many(importer, raw_files, *, chunk_size=CHUNK_SIZE):
    """Import raw files (an iterable, read lazily); yield one ImportResult per file, in order.

    While a chunk is written, the next one is read and parsed in a second thread (files and
    the parser only, never the database), so the parsing happens while PostgreSQL computes
    the search vectors and indexes of the chunk before. At most two chunks are in memory.
    """
    chunks = _chunks(raw_files, chunk_size)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="import-read-ahead") as reader:
        ahead = reader.submit(_parse_chunk, importer, chunks)
        while (parsed := ahead.result()) is not None:
            ahead = reader.submit(_parse_chunk, importer, chunks)
            yield from _import_chunk(importer, parsed)


def _chunks(raw_files, size):
    iterator = iter(raw_files)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _parse_chunk(importer, chunks):
    """The next chunk as [(raw, ParsedArticle or RawArticleError, NewBody or None)], or None
    after the last. Runs in the read-ahead thread: no database here."""
    raws = next(chunks, None)
    if raws is None:
        return None
    parsed_chunk = []
    for raw in raws:
        try:
            parsed = importer.parse(raw)
        except RawArticleError as error:
            parsed_chunk.append((raw, error, None))
            continue
        body = NewBody.of(parsed) if _may_go_fast(importer.options, raw) else None
        parsed_chunk.append((raw, parsed, body))
    return parsed_chunk


def _may_go_fast(options, raw):
    """Files that update an article, bring photo files, publish or dry-run go one by one."""
    return not (options.dry_run or raw.photos or options.status == Article.Status.PUBLISHED)


@dataclass(frozen=True)
class NewBody:
    """A new article's body, prepared in the read-ahead thread: keys for its placeholder
    photos chosen, the editor HTML built and cleaned, its words for the search index."""

    image_keys: list
    body: str
    html: str
    plain: str

    @classmethod
    def of(cls, parsed):
        keys = [new_image_key() for _ in parsed.photos]
        body = body_html(parsed.blocks, keys)
        # What Article.save() stores (bulk_create skips save()); tests compare the paths.
        return cls(keys, body, render_body(body), body_plain_text(parsed.blocks))


def _import_chunk(importer, parsed_chunk):
    results = [None] * len(parsed_chunk)
    fast = []
    may_create = _may_create(importer.options.user)
    keys = [raw.source_key for raw, _, _ in parsed_chunk]
    existing = set(Article.objects.filter(source_key__in=keys).values_list("source_key", flat=True))
    for index, (raw, parsed, body) in enumerate(parsed_chunk):
        if isinstance(parsed, RawArticleError):
            results[index] = ImportResult(name=raw.name, outcome=FAILED, error=str(parsed))
        elif body is None or not may_create or raw.source_key in existing:
            results[index] = (raw, parsed)  # one by one, below
        else:
            fast.append((index, raw, parsed, body))
    if fast:
        try:
            with transaction.atomic():
                created = _create_all(importer, fast)
        except DatabaseError:
            importer.people.discard()
            created = [importer.import_file(raw, parsed) for _, raw, parsed, _ in fast]
        else:
            # Drafts only, which readers do not see: the page cache needs no renewal here
            # (bulk writes that readers see call cache.invalidation.invalidate_all_pages()).
            importer.people.commit()
        for (index, *_), result in zip(fast, created, strict=True):
            results[index] = result
    for index, entry in enumerate(results):
        if isinstance(entry, tuple):
            results[index] = importer.import_file(*entry)
    return results


def _may_create(user):
    """Someone who may not create articles goes one by one, where each file says so."""
    try:
        check_may_change(None, user)
    except PermissionDenied:
        return False
    return True


def _create_all(importer, fast):
    """Create every article of the chunk with a fixed number of queries; same rows as
    ``Importer.import_file`` would write (tests compare the two paths). PostgreSQL takes
    them by COPY (``pg_copy``), other databases by ``bulk_create``."""
    if connection.vendor == "postgresql":
        return copy_new_articles(importer, fast)
    return _bulk_create_all(importer, fast)


def _bulk_create_all(importer, fast):
    options, people = importer.options, importer.people
    images = [
        [
            Image(
                key=key,
                is_placeholder=True,
                caption=photo.caption,
                photographer_id=people.photographer(photo.photographer).pk,
                uploaded_by=options.user,
            )
            for photo, key in zip(parsed.photos, body.image_keys, strict=True)
        ]
        for _, _, parsed, body in fast
    ]
    Image.objects.bulk_create([image for group in images for image in group])
    slugs = unique_article_slugs([parsed.headline for _, _, parsed, _ in fast])
    section_id = options.section.pk if options.section else None
    user_id = options.user.pk if options.user else None
    articles = [
        Article(
            headline=parsed.headline,
            slug=slug,
            standfirst=parsed.standfirst,
            body=body.body,
            body_html=body.html,
            body_plain=body.plain,
            hero_image_id=photos[0].pk if photos else None,
            section_id=section_id,
            status=Article.Status.DRAFT,
            published_at=timezone.make_aware(parsed.posted),
            source_key=raw.source_key,
            created_by_id=user_id,
            updated_by_id=user_id,
        )
        for (_, raw, parsed, body), photos, slug in zip(fast, images, slugs, strict=True)
    ]
    Article.objects.bulk_create(articles)
    # Link rows by id: no instance descriptors to run, ~7 rows an article.
    ArticleAuthor.objects.bulk_create(
        ArticleAuthor(article_id=article.pk, author_id=people.author(name).pk, position=position)
        for article, (_, _, parsed, _) in zip(articles, fast, strict=True)
        for position, name in enumerate(parsed.authors)
    )
    ArticleImage.objects.bulk_create(
        ArticleImage(article_id=article.pk, image_id=image.pk, position=position)
        for article, photos in zip(articles, images, strict=True)
        for position, image in enumerate(photos)
    )
    if options.tags:
        tag_ids = [tag.pk for tag in resolve_tags(options.tags)]
        TaggedArticle.objects.bulk_create(
            TaggedArticle(content_object_id=article.pk, tag_id=tag_id)
            for article in articles
            for tag_id in tag_ids
        )
    return [
        ImportResult(name=raw.name, outcome=CREATED, article=article, photos=len(photos))
        for article, (_, raw, _, _), photos in zip(articles, fast, images, strict=True)
    ]


def record_import_run(results, *, user, request=None, source="", counts=None) -> None:
    """One security-log row per import run: who imported what, and how it went.
    ``results`` may be a run's ImportResults or a summary ``(outcome, name)`` list; a long
    run passes its first names only, with ``counts`` ({outcome: files}) for the whole run."""
    from articles.models.security import SecurityEvent
    from articles.security.events import record_security_event

    pairs = [(r.outcome, r.name) if isinstance(r, ImportResult) else r for r in results]
    if counts is None:
        counts = dict.fromkeys((CREATED, "updated", "unchanged", FAILED), 0)
        for outcome, _ in pairs:
            counts[outcome] += 1
    total = sum(counts.values())
    if not total:
        return
    names = ", ".join(name for _, name in pairs[:20])
    more = f" and {total - len(pairs[:20])} more" if total > len(pairs[:20]) else ""
    record_security_event(
        SecurityEvent.Kind.IMPORT,
        user=user,
        request=request,
        target=", ".join(f"{n} {outcome}" for outcome, n in counts.items()),
        detail=f"{source}: {names}{more}",
    )
