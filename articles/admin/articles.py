from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from articles.admin.article_forms import ArticleAdminForm, BylineForm, WorkflowActionForm
from articles.admin.article_workflow import WorkflowAdminMixin
from articles.admin.editor import EditorAdminMixin
from articles.admin.paging import EstimatedCountPaginator
from articles.admin.widgets import TagChoiceField
from articles.models import Article, ArticleAuthor, ArticleImage, Section
from articles.services import articles as services
from articles.workflow import revisions
from articles.workflow import transitions as workflow

# The admin index gains a "My desk" link; kept with the desk view it points to.
admin.site.index_template = "admin/articles/article/index_with_desk.html"


class BylineInline(admin.TabularInline):
    model = ArticleAuthor
    form = BylineForm
    extra = 1
    autocomplete_fields = ["author"]
    fields = ["position", "author"]
    verbose_name = "author in the byline"
    verbose_name_plural = "Byline (drag the rows into order)"

    def get_extra(self, request, obj=None, **kwargs):
        pending = getattr(obj, "pending_content", None)
        return len(pending["authors"]) + 1 if pending else self.extra


class BodyPhotoInline(admin.TabularInline):
    """Read-only: the photos the body references, derived on save."""

    model = ArticleImage
    extra = 0
    can_delete = False
    fields = ["position", "thumbnail", "reference", "credit"]
    readonly_fields = fields
    verbose_name_plural = "Photos in the text (placed with 'Insert photo')"

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
        return format_html('<img src="{}" alt="" class="thumbnail-inline">', url)

    @admin.display(description="reference")
    def reference(self, use):
        link = reverse("admin:articles_image_change", args=[use.image.pk])
        return format_html('<a href="{}"><code>{}</code></a>', link, use.image.reference)

    @admin.display(description="credit")
    def credit(self, use):
        return use.image.credit or "no credit"


@admin.register(Article)
class ArticleAdmin(EditorAdminMixin, WorkflowAdminMixin, admin.ModelAdmin):
    form = ArticleAdminForm
    action_form = WorkflowActionForm
    actions = ["publish_selected", "unpublish_selected"]
    inlines = [BylineInline, BodyPhotoInline]
    list_display = [
        "hero_thumbnail",
        "headline",
        "status_label",
        "section",
        "byline",
        "published_at",
        "embargo",
    ]
    list_display_links = ["headline"]
    list_filter = ["status", "section", "bylines__author", "tags", "published_at"]
    list_select_related = ["section", "hero_image"]
    # No date_hierarchy: its year links come from SELECT DISTINCT over every article listed
    # (712 ms of a 1 s page at a million articles); the "published" filter narrows by date.
    # A million articles: no COUNT(*) of the whole table on the unfiltered list (paging.py).
    paginator = EstimatedCountPaginator
    show_full_result_count = False
    # On PostgreSQL the search box reads the full-text index instead (get_search_results).
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
        (None, {"fields": ["headline", "standfirst", "body", "hero_image", "version_seen"]}),
        (
            "Publishing",
            {
                "fields": [
                    "status_label",
                    "section",
                    "tags",
                    "published_at",
                    "embargo_until",
                    "expires_at",
                ]
            },
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

    def get_search_results(self, request, queryset, search_term):
        """On PostgreSQL, words matched in the full-text index, as reader search does, and the
        newest 1,000 matches only: the ``search_fields`` ILIKE reads every article's body
        (seconds at a million articles), and sorting every match of a common word newest first
        took 700 ms there."""
        if connection.vendor == "postgresql" and search_term.strip():
            from articles.search import postgres

            found, more = postgres.filter_articles(queryset, search_term)
            if more:
                messages.info(
                    request,
                    f"More than {settings.SEARCH_RANKED_MATCHES:,} articles match "
                    f"“{search_term.strip()}”: the newest {settings.SEARCH_RANKED_MATCHES:,} are "
                    "listed. Add a word or a filter to find older ones.",
                )
            return found, False
        return super().get_search_results(request, queryset, search_term)

    def get_queryset(self, request):
        queryset = (
            super()
            .get_queryset(request)
            .prefetch_related(
                Prefetch("bylines", queryset=ArticleAuthor.objects.select_related("author"))
            )
        )
        user = request.user
        if user.has_perm("articles.change_article") and not workflow.is_editor(user):
            queryset = workflow.own_articles(queryset, user)
        return queryset

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or workflow.can_edit(obj, request.user))

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or workflow.can_delete(obj, request.user))

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "tags":
            return TagChoiceField(
                model_field=db_field, admin_site=self.admin_site, required=False, label="Tags"
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        if workflow.is_editor(request.user):
            return fields
        # Writers cannot schedule or embargo: those times are the editors' decision.
        return [*fields, "published_at", "embargo_until", "expires_at"]

    def get_object(self, request, object_id, from_field=None):
        article = super().get_object(request, object_id, from_field)
        if article is None and str(object_id).isdigit():
            if Article.objects.filter(pk=object_id).exists():
                raise PermissionDenied  # someone else's article: refused, not "missing"
        if article is not None:
            # Editing a live article continues from its pending changes, not the live text.
            article.pending_content = revisions.overlay_pending(article)
        return article

    def get_formset_kwargs(self, request, obj, inline, prefix):
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        if isinstance(inline, BylineInline) and obj is not None and self._goes_pending(obj):
            kwargs["form_kwargs"] = {"pending": True}
            if obj.pending_content is not None:
                kwargs["queryset"] = ArticleAuthor.objects.none()
                kwargs["initial"] = [
                    {"author": pk, "position": position}
                    for position, pk in enumerate(obj.pending_content["authors"])
                ]
        return kwargs

    @staticmethod
    def _goes_pending(article):
        """Published articles change only by publishing: their edits wait as a revision."""
        return article.pk is not None and article.status == Article.Status.PUBLISHED

    def save_model(self, request, obj, form, change):
        """Nothing here: the article, its byline and tags are saved together in save_related."""

    def save_related(self, request, form, formsets, change):
        bylines = next(f for f in formsets if f.prefix == "bylines")
        result = services.article_save(
            article=form.instance,
            user=request.user,
            content=revisions.snapshot_from_form(form, bylines),
        )
        form.instance = result.article
        for formset in formsets:  # saved by the service: the admin's change log reads these
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        taking_a_step = request.POST.get("_transition") in workflow.TRANSITIONS
        if result.pending and result.revision is not None and not taking_a_step:
            self.message_user(
                request,
                "Readers still see the published version: your changes wait until an "
                "editor publishes them.",
                messages.WARNING,
            )

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            context.update(self.workflow_context(request, obj))
        return super().render_change_form(request, context, add, change, form_url, obj)

    @admin.display(description="photo")
    def hero_thumbnail(self, article):
        if not article.hero_image_id or not article.hero_image.file:
            return ""
        url = reverse("admin:articles_image_thumbnail", args=[article.hero_image_id])
        return format_html('<img src="{}" alt="" class="thumbnail-list">', url)

    @admin.display(description="status", ordering="status")
    def status_label(self, article):
        if article.is_scheduled:
            return "Scheduled"
        if article.is_expired:
            return "Expired"
        return article.get_status_display()

    @admin.display(description="embargo", ordering="embargo_until")
    def embargo(self, article):
        if article.embargo_until and article.embargo_until > timezone.now():
            local = timezone.localtime(article.embargo_until)
            return format_html(
                '<strong class="embargo">until {}</strong>', f"{local:%d.%m.%Y %H:%M}"
            )
        return ""

    @admin.display(description="byline")
    def byline(self, article):
        return format_html_join(", ", "{}", ((b.author.name,) for b in article.bylines.all()))


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "position"]
    list_editable = ["position"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
