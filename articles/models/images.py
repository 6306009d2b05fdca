import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from taggit.managers import TaggableManager
from taggit.models import TaggedItemBase

from articles.images.metadata import ROTATED_ORIENTATIONS, read_orientation
from articles.images.validators import validate_image_upload

from .people import Photographer

KEY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: safe to read aloud and retype


def new_image_key():
    """Eight letters from KEY_ALPHABET, uniformly random: one draw from the system's random
    source instead of one per letter (bulk imports make thousands of keys a second)."""
    number = secrets.randbelow(len(KEY_ALPHABET) ** 8)
    letters = []
    for _ in range(8):
        number, digit = divmod(number, len(KEY_ALPHABET))
        letters.append(KEY_ALPHABET[digit])
    return "".join(letters)


def display_size(width, height, orientation):
    """(width, height) as readers see a photo of that stored size and EXIF orientation; None
    if unknown (``Image.display_size``, for a photo read as values)."""
    if orientation is None or not width or not height:
        return None
    if orientation in ROTATED_ORIENTATIONS:
        return (height, width)
    return (width, height)


def original_upload_path(image, filename):
    # Originals live outside any public URL pattern; readers only ever get renditions.
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "jpg"
    return f"originals/{image.key}-{secrets.token_hex(8)}.{extension}"


class ImageQuerySet(models.QuerySet):
    def public(self, now=None):
        """Images a reader may see: shown by at least one published article."""
        from .articles import Article

        live = Article.objects.published(now=now)
        return self.filter(Q(article_uses__article__in=live) | Q(hero_of__in=live)).distinct()

    def placeholders(self):
        return self.filter(is_placeholder=True)

    def with_credit(self):
        return self.select_related("photographer")


class ImageManager(models.Manager.from_queryset(ImageQuerySet)):
    def get_by_natural_key(self, key):
        return self.get(key=key)


class TaggedImageManager(models.Manager):
    def get_by_natural_key(self, image_key, tag_name):
        return self.get(content_object__key=image_key, tag__name=tag_name)


class TaggedImage(TaggedItemBase):
    content_object = models.ForeignKey("Image", on_delete=models.CASCADE)

    objects = TaggedImageManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["content_object", "tag"], name="unique_tag_per_image")
        ]

    def natural_key(self):
        return (self.content_object.key, self.tag.name)

    natural_key.dependencies = ["articles.image", "taggit.tag"]


class Image(models.Model):
    """A photo in the library, with the caption, credit and alt text that travel with it."""

    key = models.CharField(
        "reference key",
        max_length=16,
        unique=True,
        default=new_image_key,
        editable=False,
        help_text="Identifies the photo; writers place it with the editor's Insert photo button.",
    )
    file = models.ImageField(
        "file",
        upload_to=original_upload_path,
        width_field="width",
        height_field="height",
        blank=True,
        validators=[validate_image_upload],
        help_text="JPEG, PNG or WebP. Caption, credit and copyright are read from the file.",
    )
    width = models.PositiveIntegerField("width", null=True, blank=True, editable=False)
    height = models.PositiveIntegerField("height", null=True, blank=True, editable=False)
    orientation = models.PositiveSmallIntegerField(
        "EXIF orientation",
        null=True,
        blank=True,
        editable=False,
        help_text="1-8 as the file's EXIF says; empty until the file has been read.",
    )
    is_placeholder = models.BooleanField(
        "needs photo",
        default=False,
        help_text="The photo is known (caption, credit) but its file has not arrived yet.",
    )
    alt_text = models.CharField(
        "alt text",
        max_length=300,
        blank=True,
        help_text="What the photo shows, for readers who cannot see it.",
    )
    caption = models.TextField("caption", blank=True, help_text="Shown under the photo.")
    photographer = models.ForeignKey(
        Photographer,
        verbose_name="photographer",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="images",
        help_text="Credited as 'Photo: <name>'.",
    )
    credit_text = models.CharField(
        "free-text credit",
        max_length=200,
        blank=True,
        help_text="For agency photos without a photographer in our list, e.g. 'Reuters'.",
    )
    copyright = models.CharField("copyright or licence", max_length=300, blank=True)
    focal_x = models.FloatField(
        "focal point x",
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text="0 = left edge, 1 = right edge. Crops keep this point in view.",
    )
    focal_y = models.FloatField(
        "focal point y",
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text="0 = top edge, 1 = bottom edge.",
    )
    tags = TaggableManager("tags", through=TaggedImage, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="uploaded by",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    uploaded_at = models.DateTimeField("uploaded at", auto_now_add=True)

    objects = ImageManager()

    class Meta:
        ordering = ["-uploaded_at", "-id"]

    def __str__(self):
        label = self.caption or self.alt_text or "Untitled photo"
        return f"{label[:60]} [{self.key}]"

    def natural_key(self):
        return (self.key,)

    natural_key.dependencies = ["articles.photographer"]

    def save(self, *args, **kwargs):
        # Read once here so that pages can size a photo without opening its file.
        if self.file and (self.orientation is None or not self.file._committed):
            self.orientation = read_orientation(self.file)
        elif not self.file:
            self.orientation = None
        super().save(*args, **kwargs)

    @property
    def display_size(self):
        """(width, height) as readers see the photo, after EXIF rotation; None if unknown."""
        return display_size(self.width, self.height, self.orientation)

    @property
    def credit(self):
        """The name shown after 'Photo:'."""
        if self.photographer_id:
            return self.photographer.name
        return self.credit_text

    @property
    def reference(self):
        """How staff name the photo; writers never type it (the editor's chooser places it)."""
        return self.key


class Rendition(models.Model):
    """A resized copy of an image for readers; one row per (image, spec), made on first use."""

    image = models.ForeignKey(Image, on_delete=models.CASCADE, related_name="renditions")
    spec = models.CharField("spec", max_length=60)
    file = models.ImageField(
        "file", upload_to="renditions/", width_field="width", height_field="height"
    )
    width = models.PositiveIntegerField("width")
    height = models.PositiveIntegerField("height")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["image", "spec"], name="unique_rendition_per_spec")
        ]

    def __str__(self):
        return f"{self.image.key} {self.spec}"
