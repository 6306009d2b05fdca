"""The writer's editor in the article admin: a rich-text body (django-prose-editor, i.e.
ProseMirror/Tiptap) with photos from the library, a live preview, autosave and Ctrl/Cmd+S.

The browser side lives in ``articles/static/articles/admin/``; the editor's own JavaScript
ships inside the django-prose-editor package, so there is no build step. This module only
wires the widget and answers the editor's JSON and preview requests; reads and writes are
in ``articles.images.library``, the image admin's form and ``articles.workflow.preview``.
"""

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseNotAllowed, JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django_prose_editor.widgets import ProseEditorWidget
from js_asset import Media

from articles.admin.images import ImageAdminForm
from articles.images import library
from articles.models import Article, Author
from articles.workflow import desk, preview
from articles.workflow import transitions as workflow

EDITOR_CSS = "articles/admin/editor.css"
EDITOR_JS = ["articles/admin/editor-page.js"]
BYLINE_JS = "articles/admin/byline-order.js"


class BodyEditorWidget(ProseEditorWidget):
    """The body as rich text; the "newsroom" preset (settings) loads our editor module.

    Not the package's admin widget: its admin stylesheet forces the admin's 15px sans text
    with !important, and the writer should see the reader's type while writing.
    """

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, preset="newsroom")

    def get_config(self):
        return {
            "photos": reverse("admin:articles_article_editor_photos"),
            "upload": reverse("admin:articles_article_editor_upload"),
        }

    @property
    def media(self):
        return super().media + forms.Media(css={"all": [EDITOR_CSS]}, js=EDITOR_JS)


class EditorAdminMixin:
    """Views behind the editor, each wrapped in ``admin_view`` and permission-checked; the
    byline's drag-and-drop order and its default author."""

    @property
    def media(self):
        return super().media + forms.Media(js=[BYLINE_JS])

    def get_formset_kwargs(self, request, obj, inline, prefix):
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        if prefix == "bylines" and obj.pk is None and request.method == "GET":
            # A new article starts with the writer's own byline; on POST the row is data.
            mine = Author.objects.filter(user=request.user).values_list("pk", flat=True).first()
            if mine is not None:
                kwargs["initial"] = [{"author": mine, "position": 0}]
        return kwargs

    def get_urls(self):
        view = self.admin_site.admin_view
        own = [
            path(
                "editor/photos/",
                view(self.editor_photos_view),
                name="articles_article_editor_photos",
            ),
            path(
                "editor/photos/upload/",
                view(self.editor_upload_view),
                name="articles_article_editor_upload",
            ),
            path(
                "editor/preview/",
                view(self.editor_new_preview_view),
                name="articles_article_editor_new_preview",
            ),
            path(
                "<path:object_id>/editor/preview/",
                view(self.editor_preview_view),
                name="articles_article_editor_preview",
            ),
        ]
        return own + super().get_urls()

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        # The editor's import map is an inline script: it runs under this response's CSP nonce.
        context["media"] = Media.from_media(context["media"], nonce=request.csp_nonce)
        if obj is not None:
            context.update(desk.state_summary(obj), status_label=self.status_label(obj))
            if preview.can_preview(obj, request.user):
                context["live_preview_url"] = reverse(
                    "admin:articles_article_editor_preview", args=[obj.pk]
                )
        elif add:
            context["live_preview_url"] = reverse("admin:articles_article_editor_new_preview")
        return super().render_change_form(request, context, add, change, form_url, obj)

    def editor_photos_view(self, request):
        """JSON: library photos matching ?q=, or the photos named by ?keys=a,b (placed ones)."""
        if not request.user.has_perm("articles.view_image"):
            raise PermissionDenied
        if "keys" in request.GET:
            photos = library.photos_by_key(filter(None, request.GET["keys"].split(",")))
        else:
            photos = library.search_photos(request.GET.get("q", "")[:200])
        return JsonResponse({"photos": [library.describe(photo) for photo in photos]})

    def editor_upload_view(self, request):
        """A file dropped or pasted into the text: the image admin's own validation and
        caption/credit prefill, then the new photo as JSON (or the reasons it was refused)."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not request.user.has_perm("articles.add_image"):
            raise PermissionDenied
        if "file" not in request.FILES:
            return JsonResponse({"errors": ["Choose a photo file to upload."]}, status=400)
        form = ImageAdminForm(data={}, files={"file": request.FILES["file"]})
        if not form.is_valid():
            errors = [message for messages in form.errors.values() for message in messages]
            return JsonResponse({"errors": errors}, status=400)
        image = form.save(commit=False)
        image.uploaded_by = request.user
        image.save()
        form.save_m2m()
        return JsonResponse({"photo": library.describe(image)}, status=201)

    def editor_new_preview_view(self, request):
        """The Add page's live preview: the text typed so far, before any save."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not request.user.has_perm("articles.add_article"):
            raise PermissionDenied
        unsaved = preview.preview_new(
            user=request.user,
            headline=request.POST.get("headline", ""),
            standfirst=request.POST.get("standfirst", ""),
            body=request.POST.get("body", ""),
        )
        return preview.render_preview(request, unsaved)

    def editor_preview_view(self, request, object_id):
        """The unsaved headline, standfirst and body in the readers' template, never cached."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        article = get_object_or_404(Article, pk=object_id)
        if not (
            preview.can_preview(article, request.user) and workflow.can_edit(article, request.user)
        ):
            raise PermissionDenied
        unsaved = preview.preview_unsaved(
            article.pk,
            headline=request.POST.get("headline", ""),
            standfirst=request.POST.get("standfirst", ""),
            body=request.POST.get("body", ""),
        )
        return preview.render_preview(request, unsaved)
