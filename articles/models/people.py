from django.conf import settings
from django.db import models
from django.utils.text import slugify

from articles import links


class SlugNaturalKeyManager(models.Manager):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class Author(models.Model):
    """A person who writes for the newsroom: shown in bylines and on an author page."""

    name = models.CharField("name", max_length=200, help_text="As it appears in the byline.")
    slug = models.SlugField(
        "slug", max_length=200, unique=True, help_text="Used in the author page's address."
    )
    role = models.CharField(
        "role", max_length=200, blank=True, help_text="Job title, e.g. 'Political correspondent'."
    )
    bio = models.TextField("short bio", blank=True, help_text="Two or three sentences.")
    portrait = models.ImageField("portrait", upload_to="portraits/", blank=True)
    email = models.EmailField("email", blank=True, help_text="Not shown to readers.")
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name="user account",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="author_profile",
        help_text="The login of this writer, so that their own articles are known.",
    )

    objects = SlugNaturalKeyManager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.slug,)

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = slugify(self.name)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return links.slug_url("articles:author", self.slug)


class Photographer(models.Model):
    """A person or agency credited under photos ("Photo: <name>")."""

    name = models.CharField("name", max_length=200, help_text="As it appears in photo credits.")
    slug = models.SlugField(
        "slug", max_length=200, unique=True, help_text="Used in the photographer page's address."
    )
    agency = models.CharField(
        "agency or organisation", max_length=200, blank=True, help_text="E.g. 'BelTA', 'Reuters'."
    )
    website = models.URLField("website", blank=True)

    objects = SlugNaturalKeyManager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.slug,)

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = slugify(self.name)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return links.slug_url("articles:photographer", self.slug)
