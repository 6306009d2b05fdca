from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import FileResponse
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from articles.images import renditions
from articles.images.metadata import read_photo_metadata
from articles.images.validators import validate_image_upload
from articles.models import Image, Photographer
from articles.services.photos import photo_save

from .widgets import TagChoiceField


class ImageAdminForm(forms.ModelForm):
    # A plain file field: our validator gives the specific reason (truncated, too many
    # pixels, wrong format) where forms.ImageField would say only "not a valid image".
    file = forms.FileField(
        required=False,
        # No "currently: <link>" widget: originals have no public URL; the thumbnail shows it.
        widget=forms.FileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
        help_text=Image._meta.get_field("file").help_text,
    )

    class Meta:
        model = Image
        fields = [
            "file",
            "is_placeholder",
            "alt_text",
            "caption",
            "photographer",
            "credit_text",
            "copyright",
            "focal_x",
            "focal_y",
            "tags",
        ]
        help_texts = {"photographer": "Credited under the photo as 'Photo: Name'."}

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload and upload is not self.instance.file:
            validate_image_upload(upload)
        return upload

    def clean(self):
        cleaned = super().clean()
        upload = self.files.get("file")
        if upload and not self.errors.get("file"):
            self.prefill_from_metadata(cleaned, read_photo_metadata(upload))
            cleaned["is_placeholder"] = False
        if (
            not cleaned.get("file")
            and not cleaned.get("is_placeholder")
            and "file" not in self.errors
        ):
            self.add_error("file", "Upload the photo, or tick 'needs photo' until it arrives.")
        return cleaned

    def prefill_from_metadata(self, cleaned, metadata):
        """Fill empty caption, credit and copyright from the file, so credits are not retyped."""
        if not cleaned.get("caption") and metadata.caption:
            cleaned["caption"] = metadata.caption
        if not cleaned.get("copyright") and metadata.copyright:
            cleaned["copyright"] = metadata.copyright
        if metadata.creator and not cleaned.get("photographer") and not cleaned.get("credit_text"):
            photographer = Photographer.objects.filter(name__iexact=metadata.creator).first()
            if photographer:
                cleaned["photographer"] = photographer
            else:
                cleaned["credit_text"] = metadata.creator


@admin.register(Image)
class ImageAdmin(admin.ModelAdmin):
    form = ImageAdminForm
    list_display = [
        "thumbnail",
        "caption_or_alt",
        "reference",
        "dimensions",
        "credit_display",
        "is_placeholder",
        "use_count",
    ]
    list_filter = ["is_placeholder", "photographer", "uploaded_at"]
    search_fields = ["key", "caption", "alt_text", "credit_text", "photographer__name"]
    autocomplete_fields = ["photographer"]
    list_select_related = ["photographer"]
    readonly_fields = ["thumbnail", "reference", "dimensions", "uploaded_by", "uploaded_at"]
    fieldsets = [
        (None, {"fields": ["thumbnail", "file", "is_placeholder", "reference", "dimensions"]}),
        (
            "Caption and credit",
            {"fields": ["alt_text", "caption", "photographer", "credit_text", "copyright"]},
        ),
        ("Cropping and tags", {"fields": ["focal_x", "focal_y", "tags"]}),
        ("Upload", {"fields": ["uploaded_by", "uploaded_at"]}),
    ]

    class Media:
        # Click on the photo to set its focal point.
        js = ["articles/admin/focal-point.js"]
        css = {"all": ["articles/admin/focal-point.css"]}

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(uses=Count("article_uses", distinct=True))
            .order_by("-uploaded_at", "-id")
        )

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "tags":
            return TagChoiceField(
                model_field=db_field, admin_site=self.admin_site, required=False, label="Tags"
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        photo_save(image=obj, user=request.user, changed_fields=form.changed_data)

    def get_urls(self):
        thumbnail = self.admin_site.admin_view(self.thumbnail_view)
        return [
            path("<int:pk>/thumbnail/", thumbnail, name="articles_image_thumbnail"),
        ] + super().get_urls()

    def thumbnail_view(self, request, pk):
        """Staff-only thumbnail of a photo, whatever its state: a stored rendition, so the
        original is decoded once, not on every image-list page."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        image = get_object_or_404(Image, pk=pk)
        if not image.file:
            raise PermissionDenied
        stored = renditions.get_rendition(image, renditions.THUMBNAIL_SPEC)
        response = FileResponse(stored.file.open("rb"), content_type="image/jpeg")
        response["Cache-Control"] = "private, max-age=3600"
        return response

    @admin.display(description="photo")
    def thumbnail(self, image):
        if not image.pk or not image.file:
            return mark_safe('<span class="needs-photo">needs photo</span>')
        url = reverse("admin:articles_image_thumbnail", args=[image.pk])
        return format_html('<img src="{}" alt="" class="thumbnail-library">', url)

    @admin.display(description="caption", ordering="caption")
    def caption_or_alt(self, image):
        return image.caption or image.alt_text or "(no caption)"

    @admin.display(description="reference key")
    def reference(self, image):
        return format_html("<code>{}</code>", image.reference) if image.pk else "-"

    @admin.display(description="size")
    def dimensions(self, image):
        return f"{image.width} × {image.height}" if image.width else "-"

    @admin.display(description="credit", ordering="photographer__name")
    def credit_display(self, image):
        return image.credit or "-"

    @admin.display(description="used in", ordering="uses")
    def use_count(self, image):
        url = (
            reverse("admin:articles_article_changelist")
            + f"?image_uses__image__id__exact={image.pk}"
        )
        label = "1 article" if image.uses == 1 else f"{image.uses} articles"
        return format_html('<a href="{}">{}</a>', url, label)
