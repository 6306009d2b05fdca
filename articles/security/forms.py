from django import forms


class CodeForm(forms.Form):
    """One code: six digits from the authenticator app, or one of the recovery codes."""

    code = forms.CharField(
        label="Authentication code",
        max_length=32,
        help_text="The six digits your authenticator app shows now, or one recovery code.",
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True}),
        error_messages={"required": "Type the code from your authenticator app."},
    )
