"""The admin's "Import articles" page: raw .txt files (and photos) in, per-file results out."""

from django import forms
from django.conf import settings
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse

from articles.importer import (
    Importer,
    ImportOptions,
    RawFile,
    import_many,
    photos_by_number,
    record_import_run,
)
from articles.importer.sources import MAX_RAW_BYTES, PHOTO_EXTENSIONS
from articles.models import Article, Section

MAX_TEXT_FILES = 50
MAX_PHOTO_FILES = 100


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """A file field taking several files at once (the recipe from Django's upload docs)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data] if data else []
        if not files and self.required:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        return [super(MultipleFileField, self).clean(file, initial) for file in files]


def _megabytes(size):
    return f"{size / 1024 / 1024:.1f} MB"


class ImportArticlesForm(forms.Form):
    texts = MultipleFileField(
        label="Raw article files",
        help_text=f"One or more .txt files, at most {MAX_TEXT_FILES} at a time and "
        f"{MAX_RAW_BYTES // 1024 // 1024} MB each. Importing a file of the same name again "
        "updates its article.",
        widget=MultipleFileInput(attrs={"accept": ".txt,text/plain"}),
    )
    photos = MultipleFileField(
        label="Photos (optional)",
        required=False,
        help_text="Named after the text file: story-1.jpg is the first photo of story.txt. "
        "With a single text file, other photos are used in the order given.",
        widget=MultipleFileInput(attrs={"accept": ",".join(PHOTO_EXTENSIONS)}),
    )
    section = forms.ModelChoiceField(queryset=Section.objects.all(), required=False)
    tags = forms.CharField(required=False, help_text="Comma-separated, added to every article.")

    def clean_texts(self):
        texts = self.cleaned_data["texts"]
        if len(texts) > MAX_TEXT_FILES:
            raise forms.ValidationError(
                "%(count)s files chosen; import at most %(max)s at a time.",
                code="too_many_files",
                params={"count": len(texts), "max": MAX_TEXT_FILES},
            )
        for upload in texts:
            if not upload.name.lower().endswith(".txt"):
                raise forms.ValidationError(
                    "%(name)s is not a .txt file.", code="not_text", params={"name": upload.name}
                )
            if upload.size > MAX_RAW_BYTES:
                raise forms.ValidationError(
                    "%(name)s is %(size)s; raw articles are at most %(max)s.",
                    code="file_too_large",
                    params={
                        "name": upload.name,
                        "size": _megabytes(upload.size),
                        "max": _megabytes(MAX_RAW_BYTES),
                    },
                )
        return texts

    def clean_photos(self):
        photos = self.cleaned_data["photos"]
        if len(photos) > MAX_PHOTO_FILES:
            raise forms.ValidationError(
                "%(count)s photos chosen; at most %(max)s at a time.",
                code="too_many_files",
                params={"count": len(photos), "max": MAX_PHOTO_FILES},
            )
        for upload in photos:
            if upload.size > settings.NEWSROOM_MAX_UPLOAD_BYTES:
                raise forms.ValidationError(
                    "%(name)s is %(size)s; photos are at most %(max)s.",
                    code="file_too_large",
                    params={
                        "name": upload.name,
                        "size": _megabytes(upload.size),
                        "max": _megabytes(settings.NEWSROOM_MAX_UPLOAD_BYTES),
                    },
                )
        return photos

    def options(self, user):
        tags = self.cleaned_data["tags"].split(",")
        return ImportOptions(
            section=self.cleaned_data["section"],
            tags=tuple(dict.fromkeys(tag.strip() for tag in tags if tag.strip())),
            user=user,
        )

    def raw_files(self):
        """The uploads as RawFiles, each with its photos matched by name (or order)."""
        texts, photos = self.cleaned_data["texts"], self.cleaned_data["photos"]
        by_name = {photo.name: photo for photo in photos}
        for upload in texts:
            stem = upload.name.rsplit(".", 1)[0]
            numbered = photos_by_number(stem, by_name)
            if not numbered and len(texts) == 1:
                numbered = dict(enumerate(by_name, 1))
            matched = [
                (numbered[n], by_name[numbered[n]].read()) if n in numbered else None
                for n in range(1, max(numbered, default=0) + 1)
            ]
            yield RawFile(name=upload.name, data=upload.read(), photos=matched)


def import_view(request):
    """Admin page; wrapped in ``admin.site.admin_view`` in newsroom/urls.py."""
    if not request.user.has_perm("articles.add_article"):
        raise PermissionDenied
    form = ImportArticlesForm()
    results = []
    if request.method == "POST":
        form = ImportArticlesForm(request.POST, request.FILES)
    if form.is_bound and form.is_valid():
        importer = Importer(form.options(request.user))
        results = list(import_many(importer, form.raw_files()))
        record_import_run(results, user=request.user, request=request, source="admin")
    context = {
        **admin.site.each_context(request),
        "title": "Import articles",
        "opts": Article._meta,
        "form": form,
        "results": results,
        "failed": sum(1 for result in results if result.failed),
    }
    return TemplateResponse(request, "admin/articles/import_articles.html", context)
