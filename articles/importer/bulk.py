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
from itertools import islice

from django.db import DatabaseError, transaction
from django.utils import timezone

from articles.models import (
    Article,
    ArticleAuthor,
    ArticleImage,
    Image,
    TaggedArticle,
)
from articles.rendering import render_body

from .loader import CREATED, FAILED, ImportResult, resolve_tags
from .markup import body_html, body_plain_text
from .parser import RawArticleError
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
    """The next chunk as [(raw, ParsedArticle or RawArticleError)], or None after the last."""
    raws = next(chunks, None)
    if raws is None:
        return None
    parsed = []
    for raw in raws:
        try:
            parsed.append((raw, importer.parse(raw)))
        except RawArticleError as error:
            parsed.append((raw, error))
    return parsed


def _import_chunk(importer, parsed_chunk):
    results = [None] * len(parsed_chunk)
    fast = []
    keys = [raw.source_key for raw, _ in parsed_chunk]
    existing = set(Article.objects.filter(source_key__in=keys).values_list("source_key", flat=True))
    for index, (raw, parsed) in enumerate(parsed_chunk):
        if isinstance(parsed, RawArticleError):
            results[index] = ImportResult(name=raw.name, outcome=FAILED, error=str(parsed))
            continue
        one_by_one = importer.options.dry_run or raw.photos or raw.source_key in existing
        # Publishing goes through the workflow's checks, article by article.
        if one_by_one or importer.options.status == Article.Status.PUBLISHED:
            results[index] = (raw, parsed)  # one by one, below
        else:
            fast.append((index, raw, parsed))
    if fast:
        try:
            with transaction.atomic():
                created = _create_all(importer, fast)
        except DatabaseError:
            importer.people.discard()
            created = [importer.import_file(raw, parsed) for _, raw, parsed in fast]
        else:
            # Drafts only, which readers do not see: the page cache needs no renewal here
            # (bulk writes that readers see call cache.invalidation.invalidate_all_pages()).
            importer.people.commit()
        for (index, _, _), result in zip(fast, created, strict=True):
            results[index] = result
    for index, entry in enumerate(results):
        if isinstance(entry, tuple):
            results[index] = importer.import_file(*entry)
    return results


def _create_all(importer, fast):
    """Create every article of the chunk with a fixed number of queries; same rows as
    ``Importer.import_file`` would write (tests compare the two paths)."""
    options, people = importer.options, importer.people
    images = [
        [
            Image(
                is_placeholder=True,
                caption=photo.caption,
                photographer=people.photographer(photo.photographer),
                uploaded_by=options.user,
            )
            for photo in parsed.photos
        ]
        for _, _, parsed in fast
    ]
    Image.objects.bulk_create([image for group in images for image in group])
    slugs = unique_article_slugs([parsed.headline for _, _, parsed in fast])
    articles = []
    for (_, raw, parsed), photos, slug in zip(fast, images, slugs, strict=True):
        body = body_html(parsed.blocks, [image.key for image in photos])
        posted = timezone.make_aware(parsed.posted)
        articles.append(
            Article(
                headline=parsed.headline,
                slug=slug,
                standfirst=parsed.standfirst,
                body=body,
                # What Article.save() stores; bulk_create skips save().
                body_html=render_body(body),
                body_plain=body_plain_text(parsed.blocks),
                hero_image=photos[0] if photos else None,
                section=options.section,
                status=Article.Status.DRAFT,
                published_at=posted,
                source_key=raw.source_key,
                created_by=options.user,
                updated_by=options.user,
            )
        )
    Article.objects.bulk_create(articles)
    # Link rows by id: no instance descriptors to run, ~7 rows an article.
    ArticleAuthor.objects.bulk_create(
        ArticleAuthor(article_id=article.pk, author_id=people.author(name).pk, position=position)
        for article, (_, _, parsed) in zip(articles, fast, strict=True)
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
        for article, (_, raw, _), photos in zip(articles, fast, images, strict=True)
    ]


def record_import_run(results, *, user, request=None, source="") -> None:
    """One security-log row per import run: who imported what, and how it went.
    ``results`` may be a long run's ImportResults or a summary ``(outcome, name)`` list."""
    from articles.models.security import SecurityEvent
    from articles.security.events import record_security_event

    pairs = [(r.outcome, r.name) if isinstance(r, ImportResult) else r for r in results]
    if not pairs:
        return
    counts = {outcome: 0 for outcome in (CREATED, "updated", "unchanged", FAILED)}
    for outcome, _ in pairs:
        counts[outcome] += 1
    names = ", ".join(name for _, name in pairs[:20])
    more = f" and {len(pairs) - 20} more" if len(pairs) > 20 else ""
    record_security_event(
        SecurityEvent.Kind.IMPORT,
        user=user,
        request=request,
        target=", ".join(f"{n} {outcome}" for outcome, n in counts.items()),
        detail=f"{source}: {names}{more}",
    )
