"""Parsed raw copy -> articles, people and placeholder photos, one transaction per file."""

from dataclasses import dataclass, field
from functools import cached_property

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from taggit.models import Tag

from articles.images.validators import validate_image_upload
from articles.models import Article, Image
from articles.services import set_byline, sync_body_images
from articles.services.articles import article_save, check_may_change
from articles.workflow import revisions
from articles.workflow import transitions as workflow

from .markup import body_html
from .parser import RawArticleError, parse_raw_article
from .people import PeopleIndex
from .slugs import unique_article_slugs
from .sources import RunNames, decode_raw, source_key_for

CREATED, UPDATED, UNCHANGED, FAILED = "created", "updated", "unchanged", "failed"


@dataclass
class ImportOptions:
    status: str = Article.Status.DRAFT
    section: object = None
    tags: tuple = ()
    dry_run: bool = False
    encoding: str = "utf-8"
    user: object = None


@dataclass
class RawFile:
    """One raw article to import: its name, its bytes and any photo files for it, in order."""

    name: str
    data: bytes
    photos: list = field(default_factory=list)  # [(file name, bytes) or None], by photo number

    @cached_property  # asked several times a file; a Path parse each time
    def source_key(self):
        return source_key_for(self.name)


@dataclass
class ImportResult:
    name: str
    outcome: str
    article: Article | None = None
    error: str = ""
    photos: int = 0
    photo_files: int = 0
    note: str = ""  # e.g. why an import asked to publish left the article a draft

    @property
    def failed(self):
        return self.outcome == FAILED


class Importer:
    """Imports raw files one by one; keep one instance per run so people are looked up once."""

    def __init__(self, options=None):
        self.options = options or ImportOptions()
        self.people = PeopleIndex()
        self._seen = RunNames()  # to catch two files that would be one article

    def parse(self, raw: RawFile):
        """The file's text as a ParsedArticle, or RawArticleError; touches no database."""
        self._check_not_seen(raw)
        text = decode_raw(raw.data, source=raw.name, encoding=self.options.encoding)
        return parse_raw_article(text, source=raw.name)

    def import_file(self, raw: RawFile, parsed=None) -> ImportResult:
        """Import one file in its own transaction; a failure leaves no row and no media file."""
        written = []
        succeeded = False
        try:
            parsed = parsed or self.parse(raw)
            with transaction.atomic():
                result = self._save(parsed, raw, written)
                if self.options.dry_run:
                    transaction.set_rollback(True)
            succeeded = True
        except (RawArticleError, ValidationError) as error:
            message = str(error) if isinstance(error, RawArticleError) else _messages(error)
            return ImportResult(name=raw.name, outcome=FAILED, error=message)
        finally:
            if succeeded and not self.options.dry_run:
                self.people.commit()
            else:
                self.people.discard()
                for name in written:
                    default_storage.delete(name)
        return result

    def _check_not_seen(self, raw):
        earlier = self._seen.earlier(raw.name, raw.source_key)
        if earlier is not None:
            raise RawArticleError(
                raw.name,
                None,
                f"has the same name as {earlier}, imported earlier in this run; both would be "
                "the same article (rename one of them)",
            )

    def _save(self, parsed, raw, written):
        key = raw.source_key
        article = Article.objects.select_for_update().filter(source_key=key).first()
        if article is None:
            return self._create(parsed, raw, written)
        self._check_may_update(article, raw.name)
        images = [
            use.image
            for use in article.image_uses.select_related("image__photographer").order_by("position")
        ]
        photos_changed = self._set_photos(parsed, raw, images, written)
        content = self._content(parsed, article, images)
        try:
            saved = article_save(
                article=article, user=self.options.user, content=content, label="import"
            )
        except PermissionDenied as refusal:
            raise RawArticleError(raw.name, None, str(refusal)) from refusal
        self._drop_unused_placeholders(images[len(parsed.photos) :])
        note = self._publish_changes_if_asked(saved, raw.name)
        changed = photos_changed or saved.revision is not None
        return ImportResult(
            name=raw.name,
            outcome=UPDATED if changed else UNCHANGED,
            article=saved.article,
            photos=len(parsed.photos),
            photo_files=sum(1 for image in images if image.file),
            note=note,
        )

    def _content(self, parsed, article, images) -> dict:
        """What the copy says, as a revision snapshot over what the article holds now (on a
        live article: over its pending changes, if any), for ``article_save``."""
        keys = [image.key for image in images[: len(parsed.photos)]]
        content = revisions.pending_or_live_content(article)
        content = content | {
            "headline": parsed.headline,
            "standfirst": parsed.standfirst,
            "body": body_html(parsed.blocks, keys),
            "published_at": timezone.make_aware(parsed.posted).isoformat(),
            "hero_image": images[0].pk if parsed.photos else None,
            "authors": [self.people.author(name).pk for name in parsed.authors],
        }
        if self.options.section is not None:
            content["section"] = self.options.section.pk
        if self.options.tags:
            have = {name.lower() for name in content["tags"]}
            added = [tag.name for tag in resolve_tags(self.options.tags)]
            content["tags"] = content["tags"] + [n for n in added if n.lower() not in have]
        return content

    def _create(self, parsed, raw, written):
        """A new article, born a draft from its copy (the copy is its first version: no
        revision yet; its first change keeps a baseline). ``--status published`` then goes
        through the workflow."""
        try:
            check_may_change(None, self.options.user)
        except PermissionDenied as refusal:
            raise RawArticleError(raw.name, None, str(refusal)) from refusal
        images = []
        self._set_photos(parsed, raw, images, written)
        keys = [image.key for image in images]
        article = Article(
            source_key=raw.source_key,
            slug=unique_article_slugs([parsed.headline])[0],
            status=Article.Status.DRAFT,
            headline=parsed.headline,
            standfirst=parsed.standfirst,
            body=body_html(parsed.blocks, keys),
            published_at=timezone.make_aware(parsed.posted),
            hero_image=images[0] if images else None,
            section=self.options.section,
            created_by=self.options.user,
            updated_by=self.options.user,
        )
        article.save()
        set_byline(article=article, authors=[self.people.author(n) for n in parsed.authors])
        sync_body_images(article=article)
        if self.options.tags:
            article.tags.add(*resolve_tags(self.options.tags))
        return ImportResult(
            name=raw.name,
            outcome=CREATED,
            article=article,
            photos=len(parsed.photos),
            photo_files=sum(1 for image in images if image.file),
            note=self._publish_if_asked(article, raw.name),
        )

    def _publish_if_asked(self, article, name):
        """``--status published``: through the workflow's checks; what they refuse stays a
        draft, and the result says why (nothing is published silently)."""
        if self.options.status != Article.Status.PUBLISHED or self.options.dry_run:
            return ""
        try:
            workflow.publish_imported(article, user=self.options.user, source=name)
        except (PermissionDenied, ValidationError) as refusal:
            reasons = getattr(refusal, "messages", None) or [str(refusal)]
            return "kept as a draft, not published: " + " ".join(reasons)
        return ""

    def _publish_changes_if_asked(self, saved, name):
        """A live article's imported changes wait as pending, like any edit; with
        ``--status published`` they are published through the workflow's Publish changes
        step (its permission, embargo and pre-publish checks). Refused: they stay pending.
        (Without ``--status published`` a live article is not updated: ``_check_may_update``.)"""
        if not saved.pending or saved.revision is None or self.options.dry_run:
            return ""
        try:
            workflow.apply_transition(
                saved.article,
                "publish_changes",
                user=self.options.user,
                comment=f"Changes imported from {name}",
            )
        except (PermissionDenied, ValidationError) as refusal:
            reasons = getattr(refusal, "messages", None) or [str(refusal)]
            return "changes kept pending, not published: " + " ".join(reasons)
        return ""

    def _check_may_update(self, article, name):
        """The same rules as the admin: only someone who may change the article in its state
        may overwrite it, and only someone who may publish replaces a live copy."""
        user = self.options.user
        try:
            check_may_change(article, user)
        except PermissionDenied as refusal:
            raise RawArticleError(name, None, str(refusal)) from refusal
        live = article.status == Article.Status.PUBLISHED
        if live and user is not None and not user.has_perm("articles.publish_article"):
            raise RawArticleError(
                name,
                None,
                f"the article '{article.headline}' it updates is published; only an editor "
                "can replace the live copy (edit it in the admin to propose changes)",
            )
        if live and self.options.status != Article.Status.PUBLISHED:
            raise RawArticleError(
                name,
                None,
                f"the article '{article.headline}' it updates is published; re-import with "
                "--status published to replace the live copy, or edit it in the admin",
            )

    def _set_photos(self, parsed, raw, images, written):
        """Reuse the article's photos by position, add placeholders for new ones."""
        any_changed = False
        new_placeholders = []
        for index, photo in enumerate(parsed.photos):
            if index == len(images):
                images.append(Image(is_placeholder=True, uploaded_by=self.options.user))
            image = images[index]
            photographer = self.people.photographer(photo.photographer)
            changed = image.pk is None
            if image.caption != photo.caption or image.photographer_id != photographer.pk:
                image.caption, image.photographer = photo.caption, photographer
                changed = True
            upload = raw.photos[index] if index < len(raw.photos) else None
            attach = bool(upload) and not image.file and not self.options.dry_run
            if attach:
                image.file = self._checked_photo(raw.name, *upload)
                image.is_placeholder = False
                changed = True
            if changed and image.pk is None and not attach:
                new_placeholders.append(image)  # saved together below: one query, not five
            elif changed:
                image.save()
            any_changed = any_changed or changed
            if attach:
                written.append(image.file.name)
        Image.objects.bulk_create(new_placeholders)
        return any_changed

    def _checked_photo(self, name, file_name, data):
        content = ContentFile(data, name=file_name)
        try:
            validate_image_upload(content)
        except ValidationError as error:
            raise RawArticleError(name, None, f"photo {file_name}: {_messages(error)}") from error
        return content

    def _drop_unused_placeholders(self, images):
        unused = [image.pk for image in images if image.is_placeholder and not image.file]
        Image.objects.filter(
            pk__in=unused, article_uses__isnull=True, hero_of__isnull=True
        ).delete()


def resolve_tags(names):
    """Existing tags by name (ignoring case, as the admin does), new ones created."""
    tags = []
    for name in names:
        tag = Tag.objects.filter(name__iexact=name).first()
        if tag is None:
            tag = Tag(name=name)
            tag.save()  # taggit picks a unique slug
        tags.append(tag)
    return tags


def _messages(error):
    return "; ".join(error.messages)
