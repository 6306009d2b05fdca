from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.utils import timezone
from taggit.managers import TaggableManager
from taggit.models import TaggedItemBase

from articles import links

from .images import Image
from .people import Author, SlugNaturalKeyManager


class Section(models.Model):
    """A desk of the newsroom (International, Economy...), listed in menus by position."""

    name = models.CharField("name", max_length=100, unique=True)
    slug = models.SlugField("slug", max_length=100, unique=True)
    description = models.TextField(
        "description", blank=True, help_text="Shown on the section page."
    )
    position = models.PositiveSmallIntegerField(
        "position", default=0, help_text="Menus list sections from the lowest number up."
    )

    objects = SlugNaturalKeyManager()

    class Meta:
        ordering = ["position", "name"]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.slug,)

    def get_absolute_url(self):
        return links.slug_url("articles:section", self.slug)


# Prefetched lists are kept in attributes (``to_attr``): for a related manager's cache, Django
# builds a filtered queryset per article to hold the rows, which cost more than the query
# (20 articles: bylines 1.6 -> 1.3 ms; taggit's tags 3.2 -> 0.9 ms).
BYLINES_ATTR = "ordered_bylines"
TAGS_ATTR = "tag_list"


def bylines_in_order():
    return ArticleAuthor.objects.select_related("author").order_by("position")


def bylines_prefetch():
    """Articles' bylines with their authors, in byline order: one query for any number."""
    return Prefetch("bylines", queryset=bylines_in_order(), to_attr=BYLINES_ATTR)


def tags_prefetch():
    """Articles' tags as ``article.tag_list``: one query for any number."""
    return Prefetch("tags", to_attr=TAGS_ATTR)


# The fields the reader gate reads: ``published()`` in SQL, ``Article.live_by_values`` in Python.
LIVE_FIELDS = ("status", "published_at", "expires_at")


class ArticleQuerySet(models.QuerySet):
    def published(self, now=None):
        """The single gate for readers: published, its publish time has come and its
        unpublish time (if any) has not. ``Article.live_by_values`` is the same rule for an
        instance in memory; change both together.

        Scheduling needs no background job: a Published article whose time is still
        in the future is simply not returned yet, and one past its expiry no longer is.
        """
        now = now or timezone.now()
        return self.filter(
            Q(expires_at__isnull=True) | Q(expires_at__gt=now),
            status=Article.Status.PUBLISHED,
            published_at__lte=now,
        )

    def scheduled(self, now=None):
        now = now or timezone.now()
        return self.filter(status=Article.Status.PUBLISHED, published_at__gt=now)

    def expiring(self, now=None):
        """Published articles that readers will stop seeing at a time still to come."""
        now = now or timezone.now()
        return self.filter(status=Article.Status.PUBLISHED, expires_at__gt=now)

    def drafts(self):
        return self.filter(status=Article.Status.DRAFT)

    def in_review(self):
        return self.filter(status=Article.Status.IN_REVIEW)

    def for_listing(self):
        """Everything a teaser card shows, in a constant number of queries.

        Cards show neither tags nor the text, so neither is loaded: the body is most of a row.
        """
        return self.for_cards().prefetch_related(bylines_prefetch())

    def for_cards(self):
        """A card's own columns and joins, for callers that fetch bylines for several lists."""
        return self.select_related("section", "hero_image").defer("body", "body_html", "body_plain")

    def in_section(self, section):
        return self.filter(section=section)

    def tagged(self, tag):
        # EXISTS, not a join: the database walks articles newest first along an index and
        # stops at a page's worth, instead of sorting every article the tag ever had.
        return self.filter(
            Exists(TaggedArticle.objects.filter(content_object=OuterRef("pk"), tag=tag))
        )

    def by_author(self, author):
        # A join needs no DISTINCT here: an author is in an article's byline once at most
        # (a unique constraint).
        return self.filter(bylines__author=author)

    def by_photographer(self, photographer):
        photo_in_body = ArticleImage.objects.filter(
            article=OuterRef("pk"), image__photographer=photographer
        )
        return self.filter(Q(hero_image__photographer=photographer) | Q(Exists(photo_in_body)))

    def latest(self):
        return self.order_by("-published_at", "-id")


class ArticleManager(models.Manager.from_queryset(ArticleQuerySet)):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class PairNaturalKeyManager(models.Manager):
    """Looks rows of a link table up by the natural keys of the two rows they link."""

    def get_by_natural_key(self, first_key, second_key):
        first, second = self.model.natural_key_fields
        return self.get(
            **{f"{first}__slug": first_key, f"{second}__{self.model.second_key}": second_key}
        )


class TaggedArticle(TaggedItemBase):
    """A real-FK through model (taggit's fast path) instead of a generic relation."""

    content_object = models.ForeignKey("Article", on_delete=models.CASCADE)

    natural_key_fields = ("content_object", "tag")
    second_key = "name"
    objects = PairNaturalKeyManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["content_object", "tag"], name="unique_tag_per_article")
        ]
        # A tag's newest articles, read from the index alone (articles/reader/related.py).
        indexes = [models.Index(fields=["tag", "content_object"], name="tagged_tag_newest_article")]

    def natural_key(self):
        return (self.content_object.slug, self.tag.name)

    natural_key.dependencies = ["articles.article", "taggit.tag"]


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        IN_REVIEW = "in_review", "In review"
        CHANGES_REQUESTED = "changes_requested", "Changes requested"
        PUBLISHED = "published", "Published"
        UNPUBLISHED = "unpublished", "Unpublished"

    headline = models.CharField("headline", max_length=300)
    slug = models.SlugField(
        "slug",
        max_length=300,
        unique=True,
        help_text="The readable part of the article's address.",
    )
    standfirst = models.TextField(
        "standfirst", blank=True, help_text="The lead under the headline: one or two sentences."
    )
    body = models.TextField(
        "body",
        blank=True,
        help_text=(
            "Write as in a word processor: headings, quotes, lists and links come from the "
            "toolbar; 'Insert photo' places a photo from the library."
        ),
    )
    body_html = models.TextField("body (rendered)", blank=True, editable=False)
    body_plain = models.TextField(
        "body (plain text)",
        blank=True,
        editable=False,
        help_text="The body's words without markup, for the SQLite search index.",
    )
    hero_image = models.ForeignKey(
        Image,
        verbose_name="hero image",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="hero_of",
        help_text="Shown above the article and on teasers.",
    )
    authors = models.ManyToManyField(
        Author, through="ArticleAuthor", related_name="articles", verbose_name="authors"
    )
    images = models.ManyToManyField(
        Image, through="ArticleImage", related_name="articles", verbose_name="photos in body"
    )
    section = models.ForeignKey(
        Section,
        verbose_name="section",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="articles",
    )
    tags = TaggableManager("tags", through=TaggedArticle, blank=True)
    status = models.CharField(
        "status", max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    published_at = models.DateTimeField(
        "posted",
        null=True,
        blank=True,
        help_text="The 'Posted' time readers see. A future time schedules the article.",
    )
    first_published_at = models.DateTimeField(
        "first published", null=True, blank=True, editable=False
    )
    last_published_at = models.DateTimeField(
        "last updated",
        null=True,
        blank=True,
        editable=False,
        help_text="When published content last changed; readers see 'Updated ...'.",
    )
    embargo_until = models.DateTimeField(
        "embargoed until",
        null=True,
        blank=True,
        help_text="Nothing can make the article public before this time.",
    )
    expires_at = models.DateTimeField(
        "unpublish at",
        null=True,
        blank=True,
        help_text="Readers stop seeing the article from this time, with no job to run. "
        "Leave empty to keep it up.",
    )
    seo_title = models.CharField(
        "SEO title",
        max_length=200,
        blank=True,
        help_text="For search engines; the headline when empty.",
    )
    seo_description = models.CharField(
        "SEO description",
        max_length=300,
        blank=True,
        help_text="For search engines and link previews; the standfirst when empty.",
    )
    source_key = models.CharField(
        "import source",
        max_length=300,
        unique=True,
        null=True,
        blank=True,
        editable=False,
        help_text="Stable key of the raw copy this article was imported from.",
    )
    version = models.PositiveIntegerField(
        "version",
        default=1,
        editable=False,
        help_text="Bumped on every save; a form carrying an older version is a conflict.",
    )
    has_unpublished_changes = models.BooleanField(
        "has unpublished changes", default=False, editable=False
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="created by",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="last edited by",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField("created", auto_now_add=True)
    updated_at = models.DateTimeField("last edited", auto_now=True)

    objects = ArticleManager()

    class Meta:
        ordering = ["-published_at", "-id"]
        permissions = [
            ("review_article", "Can review articles and request changes"),
            ("publish_article", "Can publish, schedule and unpublish articles"),
        ]
        indexes = [
            # Section rides along so that related-article candidates are found from the index
            # alone: on SQLite, reading a column that follows the body means reading the body.
            models.Index(
                fields=["status", "-published_at", "section"], name="article_status_pubdate_sect"
            ),
            # Id last: section pages and the previous/next links order by (time, id).
            models.Index(
                fields=["section", "status", "-published_at", "-id"], name="article_section_pub_id"
            ),
            # The admin's list, every status, newest first: without it PostgreSQL sorts every
            # article for each page (95 ms at 300,000 articles; benchmarks/million.py).
            models.Index(fields=["-published_at", "-id"], name="article_pubdate_id"),
            # The sitemap index's date, the newest published change: without it a scan of every
            # article for one row (ArticleSitemap.get_latest_lastmod).
            models.Index(fields=["-last_published_at"], name="article_last_published"),
            # The reader gate of articles named by id (the related stories' candidates, up to
            # a hundred per tag), read from the index: on SQLite the gate's columns follow the
            # body in the row, so checking each candidate in the table read its body
            # (benchmarks/RESULTS.md: the related statement 1.25 -> 0.6 ms).
            models.Index(
                fields=["id", "status", "published_at", "expires_at"], name="article_gate_by_id"
            ),
        ]

    def __str__(self):
        return self.headline

    def natural_key(self):
        return (self.slug,)

    natural_key.dependencies = ["articles.section", "articles.image", "articles.author"]

    def save(self, *args, **kwargs):
        from articles.rendering import body_plain, render_body

        self.body_html = render_body(self.body)
        self.body_plain = body_plain(self.body_html)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "body_html" in update_fields:
            kwargs["update_fields"] = {*update_fields, "body_plain"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        posted = self.published_at or self.created_at or timezone.now()
        local = timezone.localtime(posted, links.local_zone())
        return links.article_url(local.year, local.month, local.day, self.slug)

    @property
    def byline_authors(self):
        """Authors in byline order (from ``bylines_prefetch()``, as ``for_listing()`` does)."""
        bylines = getattr(self, BYLINES_ATTR, None)
        if bylines is None:
            bylines = bylines_in_order().filter(article=self)
        return [byline.author for byline in bylines]

    @property
    def is_scheduled(self):
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at > timezone.now()
        )

    @property
    def is_live(self):
        """Whether readers may see the article now: ``published()``'s rule on this instance."""
        return self.live_by_values({field: getattr(self, field) for field in LIVE_FIELDS})

    @classmethod
    def live_by_values(cls, values, now=None):
        """``published()``'s rule on an article's field values (the gate in Python, for an
        instance already in memory). A field missing from ``values`` (deferred when loaded)
        is not held against it: the page cache asks this of whatever a page loaded."""
        now = now or timezone.now()
        if "status" in values and values["status"] != cls.Status.PUBLISHED:
            return False
        expires_at = values.get("expires_at")
        if expires_at is not None and expires_at <= now:
            return False
        if "published_at" in values:
            return values["published_at"] is not None and values["published_at"] <= now
        return True

    @property
    def is_expired(self):
        """Published, but past its unpublish time: readers no longer see it."""
        return (
            self.status == self.Status.PUBLISHED
            and self.expires_at is not None
            and self.expires_at <= timezone.now()
        )


class ArticleAuthor(models.Model):
    """An author in an article's byline, at a position (0 first)."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="bylines")
    author = models.ForeignKey(
        Author, on_delete=models.PROTECT, related_name="bylines", verbose_name="author"
    )
    position = models.PositiveSmallIntegerField("position", default=0)

    natural_key_fields = ("article", "author")
    second_key = "slug"
    objects = PairNaturalKeyManager()

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["article", "author"], name="unique_author_per_article")
        ]
        verbose_name = "byline"

    def __str__(self):
        return f"{self.author} on {self.article}"

    def natural_key(self):
        return (self.article.slug, self.author.slug)

    natural_key.dependencies = ["articles.article", "articles.author"]


class ArticleImage(models.Model):
    """A library photo shown in an article's body, in order; derived from the body's references."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="image_uses")
    image = models.ForeignKey(Image, on_delete=models.PROTECT, related_name="article_uses")
    position = models.PositiveSmallIntegerField("position", default=0)

    natural_key_fields = ("article", "image")
    second_key = "key"
    objects = PairNaturalKeyManager()

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["article", "image"], name="unique_image_per_article")
        ]
        verbose_name = "photo in body"
        verbose_name_plural = "photos in body"

    def __str__(self):
        return f"{self.image} in {self.article}"

    def natural_key(self):
        return (self.article.slug, self.image.key)

    natural_key.dependencies = ["articles.article", "articles.image"]


class OldSlug(models.Model):
    """A published address an article used to have; readers following it get a 301."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="old_slugs")
    slug = models.SlugField("old slug", max_length=300, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return self.slug
