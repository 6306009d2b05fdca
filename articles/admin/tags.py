from django import forms
from django.contrib import admin, messages
from django.db.models import Count
from django.db.models.functions import Lower
from django.shortcuts import render
from taggit.admin import TagAdmin as TaggitTagAdmin
from taggit.models import Tag

from articles.services.tags import merge_tags


class TagForm(forms.ModelForm):
    class Meta:
        model = Tag
        fields = ["name", "slug"]

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        clash = Tag.objects.annotate(lower=Lower("name")).filter(lower=name.lower())
        if self.instance.pk:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(
                "The tag '%(existing)s' already exists; tags ignore case. Use it, or merge.",
                code="duplicate_tag",
                params={"existing": clash.first().name},
            )
        return name


class MergeTagsForm(forms.Form):
    survivor = forms.ModelChoiceField(
        queryset=Tag.objects.none(),
        label="Keep this tag",
        help_text="Articles and photos keep their tags under this name; the others are deleted.",
    )

    def __init__(self, *args, tags, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["survivor"].queryset = tags


admin.site.unregister(Tag)


@admin.register(Tag)
class TagAdmin(TaggitTagAdmin):
    form = TagForm
    list_display = ["name", "slug", "article_count"]
    actions = ["merge_selected"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(articles_total=Count("articles_taggedarticle_items"))
            .order_by("name", "id")
        )

    @admin.display(description="articles", ordering="articles_total")
    def article_count(self, tag):
        return tag.articles_total

    @admin.action(description="Merge selected tags into one", permissions=["change"])
    def merge_selected(self, request, queryset):
        if queryset.count() < 2:
            self.message_user(request, "Select at least two tags to merge.", messages.WARNING)
            return None
        form = MergeTagsForm(request.POST if "survivor" in request.POST else None, tags=queryset)
        if form.is_valid():
            survivor = form.cleaned_data["survivor"]
            merged = merge_tags(tags=queryset, into=survivor)
            self.message_user(
                request, f"Merged {merged} tag(s) into '{survivor.name}'.", messages.SUCCESS
            )
            return None
        return render(
            request,
            "admin/articles/merge_tags.html",
            {
                **self.admin_site.each_context(request),
                "form": form,
                "tags": queryset,
                "opts": self.model._meta,
                "title": "Merge tags",
            },
        )
