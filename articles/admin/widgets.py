"""Tag picking with the admin's own autocomplete (select2), where new tags can be typed too."""

from django import forms
from django.contrib.admin.widgets import AutocompleteSelectMultiple
from taggit.models import Tag


class TagAutocompleteWidget(AutocompleteSelectMultiple):
    """Existing tags come from the tag admin's search; anything else typed becomes a new tag."""

    def build_attrs(self, base_attrs, extra_attrs=None):
        attrs = super().build_attrs(base_attrs, extra_attrs=extra_attrs)
        attrs["data-tags"] = "true"  # select2 option: accept typed entries
        attrs["data-token-separators"] = '[","]'
        return attrs

    def optgroups(self, name, value, attr=None):
        """Only the selected tags are rendered as options; select2 fetches the rest."""
        ids = [int(item) for item in value if str(item).isdigit()]
        names = dict(Tag.objects.filter(pk__in=ids).values_list("pk", "name"))
        options = []
        for item in value:
            if str(item).isdigit():
                if int(item) not in names:
                    continue
                label = names[int(item)]
            else:
                label = item
            options.append(self.create_option(name, item, label, True, len(options)))
        return [(None, options, 0)]


class TagChoiceField(forms.Field):
    """Cleans to a list of tag names (what taggit's manager accepts); ids select existing tags."""

    def __init__(self, *, model_field, admin_site, **kwargs):
        kwargs.setdefault("widget", TagAutocompleteWidget(model_field, admin_site))
        kwargs.setdefault(
            "help_text", "Start typing to pick an existing tag; press Enter to add a new one."
        )
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if not value:
            return []
        return [str(item.pk) if isinstance(item, Tag) else item for item in value]

    def to_python(self, value):
        # A comma separates tags, as in taggit's own text field (and in typed select2 entries).
        pieces = [part for item in (value or []) for part in str(item).split(",")]
        values = [part.strip() for part in pieces if part.strip()]
        ids = [int(item) for item in values if item.isdigit()]
        names_by_id = dict(Tag.objects.filter(pk__in=ids).values_list("pk", "name"))
        names = []
        for item in values:
            name = names_by_id.get(int(item), item) if item.isdigit() else item
            if len(name) > 100:
                raise forms.ValidationError(
                    "The tag '%(tag)s…' is longer than 100 characters.",
                    code="tag_too_long",
                    params={"tag": name[:30]},
                )
            if name.lower() not in {existing.lower() for existing in names}:
                names.append(name)
        return names
