"""The query of a log page: which page, and (for admins) whose entries."""

from __future__ import annotations

from typing import Any

from django import forms

from portal.core.forms import user_id_field
from portal.logs.selectors import LAST_PAGE


class LogQueryForm(forms.Form):
    """``page`` (from 1) and, when the reader may filter, ``user``: read from the URL."""

    page = forms.IntegerField(
        label="Page",
        min_value=1,
        max_value=LAST_PAGE,
        required=False,
        error_messages={"invalid": "Enter the page as a whole number, 1 for the first."},
    )
    user = user_id_field(label="User", required=False)

    def __init__(self, *args: Any, by_user: bool, user_help: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if by_user:
            self.fields["user"].help_text = user_help
        else:
            del self.fields["user"]

    def clean_page(self) -> int:
        """Page 1 when the URL names none."""
        return self.cleaned_data["page"] or 1
