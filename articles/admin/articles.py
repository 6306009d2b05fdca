from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from articles import desk, readiness, revisions, workflow
from articles.models import Article, ArticleAuthor, ArticleImage, Correction, Section
from articles.rendering import validate_image_references
from articles.services import sync_body_images


# The admin index gains a "My desk" link; kept with the desk view it points to.
admin.site.index_template = "admin/articles/article/index_with_desk.html"


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


class TransitionForm(forms.Form):
    """The extra inputs a transition button may carry (prefixed, inside the change form)."""

    comment = forms.CharField(
        label="Comment", required=False, widget=forms.Textarea(attrs={"rows": 2, "cols": 60})
    )
    publish_at = forms.DateTimeField(
        label="Publish at",
        required=False,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        help_text="Leave empty to publish now; a future time schedules the article.",
    )
    correction_kind = forms.ChoiceField(
        label="Note to readers",
        required=False,
        choices=[("", "none")] + Correction.Kind.choices,
    )
    correction_text = forms.CharField(
        label="Note text",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 60}),
        help_text="With 'Publish changes': shown to readers with its time; cannot be edited later.",
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("correction_kind") and not cleaned.get("correction_text", "").strip():
            self.add_error("correction_text", "Write the note readers will see.")
        return cleaned


class WorkflowActionForm(ActionForm):
    comment = forms.CharField(
        label="Reason (for unpublishing)", required=False, widget=forms.TextInput()
    )


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

    def has_publish_permission(self, request):
        return request.user.has_perm("articles.publish_article")

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        sync_body_images(article=form.instance)
        revisions.record(form.instance, user=request.user)

    def get_urls(self):
        own = [
            path(
                "<path:object_id>/transition/<str:name>/",
                self.admin_site.admin_view(self.transition_view),
                name="articles_article_transition",
            ),
            path("desk/", self.admin_site.admin_view(self.desk_view), name="articles_desk"),
        ]
        return own + super().get_urls()

    def transition_view(self, request, object_id, name):
        """A transition button's POST: refusals come back as messages, or 403."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        article = get_object_or_404(Article, pk=object_id)
        form = TransitionForm(request.POST, prefix="workflow")
        change_url = reverse("admin:articles_article_change", args=[article.pk])
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    self.message_user(request, error, messages.ERROR)
            return redirect(change_url)
        try:
            event = workflow.apply_transition(article, name, user=request.user, **form.cleaned_data)
        except ValidationError as refusal:
            for message in refusal.messages:
                self.message_user(request, message, messages.ERROR)
        else:
            done = workflow.TRANSITIONS[name].label
            self.message_user(
                request,
                f"{done}: \u201c{article}\u201d is now {self.status_label(article)}. {event.comment}",
                messages.SUCCESS,
            )
        return redirect(change_url)

    def desk_view(self, request):
        user = request.user
        if not user.has_perm("articles.view_article"):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "title": "My desk",
            "opts": self.opts,
            "now": timezone.now(),
            "is_editor": workflow.is_editor(user),
        }
        if context["is_editor"]:
            context["review_queue"] = desk.review_queue()
            context["pending_changes"] = desk.pending_changes()
            context["upcoming"] = desk.upcoming()
        else:
            context["drafts"] = desk.my_drafts(user)
            context["returned"] = desk.returned_to(user)
        return TemplateResponse(request, "admin/articles/article/desk.html", context)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            context.update(
                transitions=workflow.available_transitions(obj, request.user),
                transition_form=TransitionForm(prefix="workflow"),
                events=obj.events.select_related("user"),
                problems=readiness.problems(obj),
                warnings=readiness.warnings(obj),
                embargoed_until=obj.embargo_until
                if obj.embargo_until and obj.embargo_until > timezone.now()
                else None,
            )
        return super().render_change_form(request, context, add, change, form_url, obj)

    def _bulk(self, request, queryset, name, comment=""):
        """Apply one transition to each selected article; report every failure by headline."""
        done, failures = 0, []
        for article in queryset:
            try:
                workflow.apply_transition(article, name, user=request.user, comment=comment)
            except (PermissionDenied, ValidationError) as refusal:
                reasons = getattr(refusal, "messages", None) or [str(refusal)]
                failures.append(f"\u201c{article}\u201d: {' '.join(reasons)}")
            else:
                done += 1
        if done:
            self.message_user(request, f"{done} article(s): done.", messages.SUCCESS)
        for failure in failures:
            self.message_user(request, f"Not done: {failure}", messages.ERROR)

    @admin.action(description="Publish selected articles", permissions=["publish"])
    def publish_selected(self, request, queryset):
        self._bulk(request, queryset, "publish")

    @admin.action(
        description="Unpublish selected articles (give a reason)", permissions=["publish"]
    )
    def unpublish_selected(self, request, queryset):
        self._bulk(request, queryset, "unpublish", comment=request.POST.get("comment", ""))

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
