"""Forms of the accounts pages: sign in, switch project."""

from __future__ import annotations

from django import forms

from hanami_client.rules import PASSPHRASE_MIN_BYTES
from portal.core.forms import id_field, user_id_field


class SignInForm(forms.Form):
    """A backend user id and passphrase."""

    # Named "passphrase" so that django-axes masks it in what it records.
    user_id = user_id_field(label="User id", help_text="")
    passphrase = forms.CharField(
        label="Passphrase",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user_id"].widget.attrs.update({"autocomplete": "username", "autofocus": True})

    def clean_passphrase(self) -> str:
        passphrase = self.cleaned_data["passphrase"]
        if len(passphrase.encode()) < PASSPHRASE_MIN_BYTES:
            raise forms.ValidationError(
                f"A passphrase has at least {PASSPHRASE_MIN_BYTES} characters."
            )
        return passphrase


class ProjectSwitchForm(forms.Form):
    """The project to work in next."""

    project_id = id_field(label="Project", help_text="")
    next = forms.CharField(required=False, widget=forms.HiddenInput)
