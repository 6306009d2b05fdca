from django.contrib import admin
from django.db.models import Count
from django.urls import reverse
from django.utils.html import format_html

from articles.models import Author, Photographer


def count_link(count, changelist, query):
    url = reverse(f"admin:{changelist}_changelist") + f"?{query}"
    return format_html('<a href="{}">{}</a>', url, count)


@admin.register(Author)
class AuthorAdmin(admin.ModelAdmin):
    list_display = ["name", "role", "email", "user", "article_count"]
    search_fields = ["name", "role", "email"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["user"]
    fields = ["name", "slug", "role", "bio", "portrait", "email", "user"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("user")
            .annotate(article_total=Count("bylines", distinct=True))
            .order_by("name", "id")
        )

    @admin.display(description="articles", ordering="article_total")
    def article_count(self, author):
        return count_link(
            author.article_total, "articles_article", f"bylines__author__id__exact={author.pk}"
        )


@admin.register(Photographer)
class PhotographerAdmin(admin.ModelAdmin):
    list_display = ["name", "agency", "website", "image_count"]
    search_fields = ["name", "agency"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(image_total=Count("images"))
            .order_by("name", "id")
        )

    @admin.display(description="photos", ordering="image_total")
    def image_count(self, photographer):
        return count_link(
            photographer.image_total, "articles_image", f"photographer__id__exact={photographer.pk}"
        )
