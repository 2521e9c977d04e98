"""User forms, checked with the backend's own rules before anything is sent."""

from __future__ import annotations

from django import forms

from hanami_client.rules import PASSPHRASE_MIN_BYTES
from portal.core.forms import id_field, name_field, user_id_field

# The passphrase travels base64-encoded in at most 4096 characters.
PASSPHRASE_MAX_BYTES = 4096 // 4 * 3


class UserCreateForm(forms.Form):
    """A new backend user; the passphrase is asked twice."""

    user_id = user_id_field(label="User id")
    name = name_field(label="Name")
    passphrase = forms.CharField(
        label="Passphrase",
        strip=False,
        help_text=f"At least {PASSPHRASE_MIN_BYTES} characters.",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    passphrase_again = forms.CharField(
        label="Passphrase again",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    is_admin = forms.BooleanField(
        label="Administrator",
        required=False,
        help_text="Administrators manage users and projects and see every project's resources.",
    )

    def clean_passphrase(self) -> str:
        passphrase = self.cleaned_data["passphrase"]
        size = len(passphrase.encode())
        if size < PASSPHRASE_MIN_BYTES:
            raise forms.ValidationError(
                f"Too short: use at least {PASSPHRASE_MIN_BYTES} characters.", code="short"
            )
        if size > PASSPHRASE_MAX_BYTES:
            raise forms.ValidationError(
                f"Too long: use at most {PASSPHRASE_MAX_BYTES} bytes.", code="long"
            )
        return passphrase

    def clean(self) -> dict[str, object]:
        cleaned = super().clean()
        first, second = cleaned.get("passphrase"), cleaned.get("passphrase_again")
        if first is not None and second is not None and first != second:
            self.add_error("passphrase_again", "The two passphrases do not match.")
        return cleaned


class AssignForm(forms.Form):
    """Assign a user to a project with a role."""

    project_id = forms.ChoiceField(label="Project")
    role = id_field(label="Role", initial="member")
    is_project_admin = forms.BooleanField(
        label="Project administrator",
        required=False,
        help_text="Project administrators see every resource of the project.",
    )

    def __init__(self, *args: object, project_ids: list[str], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["project_id"].choices = [(pid, pid) for pid in project_ids]
