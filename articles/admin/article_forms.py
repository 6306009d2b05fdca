"""Forms of the article admin: the article itself, its byline rows and workflow inputs."""

from django import forms
from django.contrib.admin.helpers import ActionForm
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html

from articles.admin.editor import BodyEditorWidget
from articles.models import Article, ArticleAuthor, Correction, Revision
from articles.rendering import clean_body, validate_image_references


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
            "expires_at",
            "seo_title",
            "seo_description",
        ]
        widgets = {
            "headline": forms.TextInput(attrs={"class": "vLargeTextField"}),
            "standfirst": forms.Textarea(attrs={"rows": 3, "class": "vLargeTextField"}),
            "body": BodyEditorWidget(attrs={"rows": 30, "class": "body-source"}),
        }

    version_seen = forms.IntegerField(
        widget=forms.HiddenInput, required=False, help_text="The version this form was opened on."
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["version_seen"].initial = self.instance.version
            pending = getattr(self.instance, "pending_content", None)
            if pending is not None:
                # A list of names, as the tag field gives and takes (a string would be
                # read letter by letter).
                self.initial["tags"] = list(pending["tags"])

    def clean_body(self):
        body = clean_body(self.cleaned_data["body"])
        validate_image_references(body)
        return body

    def clean(self):
        cleaned = super().clean()
        expires = cleaned.get("expires_at")
        posted = cleaned.get("published_at", self.instance.published_at)
        if expires and posted and expires <= posted:
            self.add_error("expires_at", "The unpublish time must come after the 'Posted' time.")
        if self.instance.pk:
            self.refuse_stale_version(cleaned.get("version_seen"))
        return cleaned

    def refuse_stale_version(self, seen):
        """Optimistic locking: someone saved since this form was opened; keep this text."""
        # The admin saves inside a transaction, so this row lock lasts until our save.
        current = (
            Article.objects.select_for_update()
            .filter(pk=self.instance.pk)
            .values_list("version", flat=True)
            .first()
        )
        if seen == current:
            return
        # The re-shown form carries the current version: saving it again is a deliberate
        # choice made after seeing the other edit (which stays in the history).
        self.data = self.data.copy()
        self.data["version_seen"] = current
        editor = (
            Article.objects.filter(pk=self.instance.pk)
            .values_list("updated_by__username", flat=True)
            .first()
        )
        url = reverse("admin:articles_article_revisions", args=[self.instance.pk])
        base = Revision.objects.filter(article_id=self.instance.pk, content__version=seen).first()
        latest = Revision.objects.filter(article_id=self.instance.pk).order_by("-number").first()
        if base and latest and base != latest:
            url += f"?a={base.number}&b={latest.number}"
        raise ValidationError(
            format_html(
                "{} saved this article while you were editing it, so your changes were not "
                'saved. <a href="{}">See what they changed</a>, merge it into your text below, '
                "then save again: that save replaces their version, which stays in the history.",
                editor or "Someone",
                url,
            ),
            code="stale_version",
        )


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

    def __init__(self, *args, offered=None, **kwargs):
        super().__init__(*args, **kwargs)
        if offered is not None:  # show only the inputs the offered buttons use
            if "publish" not in offered:
                del self.fields["publish_at"]
            if "publish_changes" not in offered:
                del self.fields["correction_kind"], self.fields["correction_text"]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("correction_kind") and not cleaned.get("correction_text", "").strip():
            self.add_error("correction_text", "Write the note readers will see.")
        return cleaned


class WorkflowActionForm(ActionForm):
    comment = forms.CharField(
        label="Reason (for unpublishing)", required=False, widget=forms.TextInput()
    )


class BylineForm(forms.ModelForm):
    """A byline row; for changes that will wait as a pending revision, rows are not
    saved, so the database's uniqueness check against live rows does not apply."""

    class Meta:
        model = ArticleAuthor
        fields = ["position", "author"]
        widgets = {"position": forms.HiddenInput}  # set by dragging rows (byline-order.js)

    def __init__(self, *args, pending=False, **kwargs):
        self.pending = pending
        super().__init__(*args, **kwargs)

    def validate_unique(self):
        if not self.pending:
            super().validate_unique()
