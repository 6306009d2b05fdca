"""The article admin's workflow pages: transition buttons, bulk actions, desk and revisions.

Each handler is thin: it reads the request, calls ``workflow`` or ``revisions`` and reports
back with ``message_user``. Refusals are ValidationErrors (shown as messages) or
PermissionDenied (Django answers 403).
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseNotAllowed, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone

from articles.admin.article_forms import TransitionForm
from articles.models import Article, NotificationPreference
from articles.services import articles as services
from articles.workflow import desk, presence, preview, readiness, revisions
from articles.workflow import transitions as workflow


class WorkflowAdminMixin:
    def get_urls(self):
        view = self.admin_site.admin_view
        own = [
            path(
                "<path:object_id>/transition/<str:name>/",
                view(self.transition_view),
                name="articles_article_transition",
            ),
            path(
                "<path:object_id>/revisions/",
                view(self.revisions_view),
                name="articles_article_revisions",
            ),
            path(
                "<path:object_id>/revisions/<int:number>/restore/",
                view(self.restore_view),
                name="articles_article_restore",
            ),
            path(
                "<path:object_id>/preview/",
                view(self.preview_view),
                name="articles_article_preview",
            ),
            path(
                "<path:object_id>/share/",
                view(self.share_view),
                name="articles_article_share",
            ),
            path(
                "<path:object_id>/share/<int:link_id>/revoke/",
                view(self.revoke_share_view),
                name="articles_article_revoke_share",
            ),
            path(
                "<path:object_id>/presence/",
                view(self.presence_view),
                name="articles_article_presence",
            ),
            path("desk/", view(self.desk_view), name="articles_desk"),
            path(
                "desk/notifications/",
                view(self.notifications_view),
                name="articles_desk_notifications",
            ),
        ]
        return own + super().get_urls()

    def _change_url(self, article):
        return reverse("admin:articles_article_change", args=[article.pk])

    def transition_view(self, request, object_id, name):
        """A transition button's POST: refusals come back as messages, or 403."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        article = get_object_or_404(Article, pk=object_id)
        form = TransitionForm(request.POST, prefix="workflow")
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    self.message_user(request, error, messages.ERROR)
            return redirect(self._change_url(article))
        try:
            event = workflow.apply_transition(article, name, user=request.user, **form.cleaned_data)
        except ValidationError as refusal:
            for message in refusal.messages:
                self.message_user(request, message, messages.ERROR)
        else:
            label = workflow.TRANSITIONS[name].label
            state = self.status_label(article)
            note = f" {event.comment}" if event.comment else ""
            self.message_user(
                request, f"{label}: \u201c{article}\u201d is now {state}.{note}", messages.SUCCESS
            )
        return redirect(self._change_url(article))

    def response_change(self, request, obj):
        """A transition button inside the change form: the edits are saved first, then the
        transition is taken, so nothing typed before pressing it is lost."""
        name = request.POST.get("_transition", "")
        if name in workflow.TRANSITIONS:
            return self.transition_view(request, str(obj.pk), name)
        return super().response_change(request, obj)

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
            "workflow_email": not NotificationPreference.objects.filter(
                user=user, workflow_email=False
            ).exists(),
        }
        if context["is_editor"]:
            context["review_queue"] = desk.review_queue()
            context["pending_changes"] = desk.pending_changes()
            context["upcoming"] = desk.upcoming()
        else:
            context["drafts"] = desk.my_drafts(user)
            context["returned"] = desk.returned_to(user)
            context["proposals"] = desk.my_proposals(user)
        return TemplateResponse(request, "admin/articles/article/desk.html", context)

    def notifications_view(self, request):
        """Each person turns their own workflow e-mails on or off (POST from My desk)."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        wanted = request.POST.get("workflow_email") == "on"
        NotificationPreference.objects.update_or_create(
            user=request.user, defaults={"workflow_email": wanted}
        )
        state = "on" if wanted else "off"
        self.message_user(request, f"Workflow e-mails are {state}.", messages.SUCCESS)
        return redirect("admin:articles_desk")

    def _visible_article(self, request, object_id):
        article = self.get_queryset(request).filter(pk=object_id).first()
        if article is None:
            raise Http404("No such article.")
        if not self.has_view_or_change_permission(request, article):
            raise PermissionDenied
        return article

    def revisions_view(self, request, object_id):
        """The article's revisions, and the field-by-field diff of two chosen ones."""
        article = self._visible_article(request, object_id)
        history = article.revisions.select_related("user").order_by("-number")
        changes, pair = None, None
        if request.GET.get("a") and request.GET.get("b"):
            found = {r.number: r for r in history if str(r.number) in request.GET.values()}
            older = found.get(_int(request.GET["a"]))
            newer = found.get(_int(request.GET["b"]))
            if older is None or newer is None:
                self.message_user(request, "Choose two revisions of this article.", messages.ERROR)
            else:
                pair = (older, newer)
                changes = revisions.diff(older, newer)
        context = {
            **self.admin_site.each_context(request),
            "title": f"Revisions of \u201c{article}\u201d",
            "opts": self.opts,
            "original": article,
            "history": [
                (revision, workflow.event_label(revision.transition)) for revision in history
            ],
            "pair": pair,
            "changes": changes,
            "can_restore": workflow.can_edit(article, request.user),
        }
        return TemplateResponse(request, "admin/articles/article/revisions.html", context)

    def restore_view(self, request, object_id, number):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        article = self._visible_article(request, object_id)
        if not workflow.can_edit(article, request.user):
            raise PermissionDenied
        revision = get_object_or_404(article.revisions, number=number)
        result = services.revision_restore(revision=revision, user=request.user)
        if result.revision is None:
            self.message_user(
                request, f"Revision {number} is what the article already holds.", messages.INFO
            )
            return redirect(self._change_url(article))
        waiting = " It waits to be published." if result.pending else ""
        self.message_user(
            request,
            f"Revision {number} restored as revision {result.revision.number}.{waiting}",
            messages.SUCCESS,
        )
        return redirect(self._change_url(article))

    def presence_view(self, request, object_id):
        """The change page's heartbeat (POST) or goodbye (POST with left=1): who else is here."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        article = self._visible_article(request, object_id)
        if request.POST.get("left"):
            presence.note_left(article, request.user)
            return JsonResponse({"others": []})
        others = presence.note_open(article, request.user)
        return JsonResponse({"others": [name for name, _ in others]})

    def preview_view(self, request, object_id):
        """The article in any state, exactly as readers would see it once published."""
        article = get_object_or_404(Article, pk=object_id)
        if not preview.can_preview(article, request.user):
            raise PermissionDenied
        return preview.render_preview(request, preview.preview_article(article.pk))

    def share_view(self, request, object_id):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        article = get_object_or_404(Article, pk=object_id)
        link = preview.create_share_link(article=article, user=request.user)
        url = request.build_absolute_uri(preview.share_path(link))
        expires = timezone.localtime(link.expires_at).strftime("%d.%m.%Y %H:%M")
        self.message_user(
            request, f"Share link (read-only, until {expires}): {url}", messages.SUCCESS
        )
        return redirect(self._change_url(article))

    def revoke_share_view(self, request, object_id, link_id):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        article = get_object_or_404(Article, pk=object_id)
        link = get_object_or_404(article.share_links, pk=link_id)
        preview.revoke_share_link(link=link, user=request.user)
        self.message_user(request, "The share link no longer works.", messages.SUCCESS)
        return redirect(self._change_url(article))

    def workflow_context(self, request, obj):
        """What the change page shows around the form: buttons, checks, timeline, editors."""
        now = timezone.now()
        transitions = workflow.available_transitions(obj, request.user)
        offered = {name for name, _ in transitions}
        return {
            "transitions": transitions,
            "transition_form": TransitionForm(prefix="workflow", offered=offered),
            "events": [
                (event, workflow.event_label(event.transition))
                for event in obj.events.select_related("user")
            ],
            "corrections": obj.corrections.order_by("published_at", "id"),
            "problems": readiness.problems(obj),
            "warnings": readiness.warnings(obj),
            "embargoed_until": obj.embargo_until
            if obj.embargo_until and obj.embargo_until > now
            else None,
            "others_here": presence.note_open(obj, request.user),
            "presence_seconds": presence.HEARTBEAT_SECONDS,
            "pending": obj.has_unpublished_changes,
            "can_preview": preview.can_preview(obj, request.user),
            "can_share": request.user.has_perm("articles.add_sharelink"),
            "share_links": [
                (link, request.build_absolute_uri(preview.share_path(link)))
                for link in obj.share_links.filter(revoked_at=None, expires_at__gt=now)
            ],
        }

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

    def has_publish_permission(self, request):
        return request.user.has_perm("articles.publish_article")

    def changelist_view(self, request, extra_context=None):
        """The unpublishing reason box is shown only to those who may unpublish."""
        response = super().changelist_view(request, extra_context)
        action_form = getattr(response, "context_data", {}).get("action_form")
        if action_form is not None and not self.has_publish_permission(request):
            action_form.fields.pop("comment", None)
        return response


def _int(value):
    return int(value) if str(value).isdigit() else None
