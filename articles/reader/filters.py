"""The reader's article finder: section, tag, author and a date range, over published articles."""

import django_filters
from django import forms

from articles.models import Article, Section
from articles.reader import facets


def published_tags():
    """Tags of published articles only: a draft's tags are not shown to readers."""
    return facets.tags_of(Article.objects.published()).order_by("name")


def published_authors():
    """Authors with at least one published article."""
    return facets.authors_of(Article.objects.published()).order_by("name")


class ArticleFilter(django_filters.FilterSet):
    """Shaped like a ModelForm; the view passes ``Article.objects.published()`` as queryset."""

    section = django_filters.ModelChoiceFilter(
        label="Section",
        queryset=Section.objects.all(),
        to_field_name="slug",
        empty_label="All sections",
    )
    tag = django_filters.ModelChoiceFilter(
        label="Tag",
        method="filter_tag",
        queryset=lambda request: published_tags(),
        to_field_name="slug",
        empty_label="All tags",
    )
    author = django_filters.ModelChoiceFilter(
        label="Author",
        method="filter_author",
        queryset=lambda request: published_authors(),
        to_field_name="slug",
        empty_label="All authors",
    )
    published_after = django_filters.DateFilter(
        label="From",
        field_name="published_at",
        lookup_expr="date__gte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    published_before = django_filters.DateFilter(
        label="To",
        field_name="published_at",
        lookup_expr="date__lte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    class Meta:
        model = Article
        fields = ["section", "tag", "author", "published_after", "published_before"]

    @property
    def qs(self):
        # Invalid input (an unknown slug, a date like 2024-13-45) lists nothing, not everything.
        if self.is_bound and not self.is_valid():
            return self.queryset.none()
        return super().qs

    # Tag and author filter with EXISTS (the QuerySet's own methods), not a join: no
    # duplicate rows, so the list needs no DISTINCT over the whole archive.
    def filter_tag(self, articles, name, tag):
        return articles.tagged(tag) if tag else articles

    def filter_author(self, articles, name, author):
        return articles.by_author(author) if author else articles
