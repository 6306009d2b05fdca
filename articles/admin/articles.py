from django import forms
from django.contrib import admin
from django.db.models import Prefetch
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from articles.models import Article, ArticleAuthor, ArticleImage, Section
from articles.rendering import validate_image_references
from articles.services import sync_body_images


class ArticleAdminForm(forms.ModelForm):
    class Meta:
        model = Article
        fields = [
            "headline",
            "slug",
            "standfirst",
            "body",
            "hero_image",
            "section",
            "tags",
            "published_at",
            "embargo_until",
            "seo_title",
            "seo_description",
        ]
        widgets = {
            "standfirst": forms.Textarea(attrs={"rows": 3}),
            "body": forms.Textarea(attrs={"rows": 30, "class": "vLargeTextField body-source"}),
        }

    def clean_body(self):
        body = self.cleaned_data["body"]
        validate_image_references(body)
        return body


class BylineInline(admin.TabularInline):
    model = ArticleAuthor
    extra = 1
    autocomplete_fields = ["author"]
    fields = ["position", "author"]
    verbose_name = "author in the byline"
    verbose_name_plural = "Byline (in order: lowest position first)"


class BodyPhotoInline(admin.TabularInline):
    """Read-only: the photos the body references, derived on save."""

    model = ArticleImage
    extra = 0
    can_delete = False
    fields = ["position", "thumbnail", "reference", "credit"]
    readonly_fields = fields
    verbose_name_plural = "Photos in the body (from its [[image KEY]] lines)"

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("image__photographer")

    @admin.display(description="photo")
    def thumbnail(self, use):
        image = use.image
        if not image.file:
            return "needs photo"
        url = reverse("admin:articles_image_thumbnail", args=[image.pk])
        return format_html('<img src="{}" alt="" style="max-height:80px">', url)

    @admin.display(description="reference")
    def reference(self, use):
        link = reverse("admin:articles_image_change", args=[use.image.pk])
        return format_html('<a href="{}"><code>{}</code></a>', link, use.image.reference)

    @admin.display(description="credit")
    def credit(self, use):
        return use.image.credit or "no credit"


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    form = ArticleAdminForm
    inlines = [BylineInline, BodyPhotoInline]
    list_display = [
        "hero_thumbnail",
        "headline",
        "status_label",
        "section",
        "byline",
        "published_at",
    ]
    list_display_links = ["headline"]
    list_filter = ["status", "section", "bylines__author", "tags", "published_at"]
    list_select_related = ["section", "hero_image"]
    date_hierarchy = "published_at"
    search_fields = ["headline", "standfirst", "body"]
    autocomplete_fields = ["hero_image", "section"]
    prepopulated_fields = {"slug": ["headline"]}
    readonly_fields = [
        "status_label",
        "version",
        "created_by",
        "created_at",
        "updated_by",
        "updated_at",
        "first_published_at",
        "last_published_at",
    ]
    fieldsets = [
        (None, {"fields": ["headline", "standfirst", "body", "hero_image"]}),
        (
            "Publishing",
            {"fields": ["status_label", "section", "tags", "published_at", "embargo_until"]},
        ),
        (
            "Address and search engines",
            {"fields": ["slug", "seo_title", "seo_description"], "classes": ["collapse"]},
        ),
        (
            "Record",
            {
                "fields": [
                    "version",
                    "created_by",
                    "created_at",
                    "updated_by",
                    "updated_at",
                    "first_published_at",
                    "last_published_at",
                ],
                "classes": ["collapse"],
            },
        ),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .prefetch_related(
                Prefetch("bylines", queryset=ArticleAuthor.objects.select_related("author"))
            )
        )

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        sync_body_images(article=form.instance)

    @admin.display(description="photo")
    def hero_thumbnail(self, article):
        if not article.hero_image_id or not article.hero_image.file:
            return ""
        url = reverse("admin:articles_image_thumbnail", args=[article.hero_image_id])
        return format_html('<img src="{}" alt="" style="max-height:48px">', url)

    @admin.display(description="status", ordering="status")
    def status_label(self, article):
        if article.is_scheduled:
            return "Scheduled"
        return article.get_status_display()

    @admin.display(description="byline")
    def byline(self, article):
        return format_html_join(", ", "{}", ((b.author.name,) for b in article.bylines.all()))


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "position"]
    list_editable = ["position"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
