"""Checkpoint forms: restore into a cluster."""

from __future__ import annotations

from typing import Any

from django import forms


class RestoreIntoForm(forms.Form):
    """The cluster to restore a checkpoint into, from those the backend shows."""

    cluster = forms.ChoiceField(label="Cluster to restore into")

    def __init__(self, *args: Any, choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["cluster"].choices = [("", "Choose a cluster…"), *choices]
