"""The switch-host form: which hexagon of a cluster moves to which host."""

from __future__ import annotations

from typing import Any

from django import forms

#: The largest hexagon id the backend accepts.
MAX_HEXAGON_ID = 1_000_000_000


class SwitchHostForm(forms.Form):
    """A host from those the backend lists, and the id of the hexagon to move there."""

    host = forms.ChoiceField(label="Host")
    hexagon_id = forms.IntegerField(
        label="Hexagon id",
        min_value=0,
        max_value=MAX_HEXAGON_ID,
        initial=1,
        help_text="The hexagon to move; 1, the cluster's first hexagon, is what the SDK moves.",
    )

    def __init__(self, *args: Any, choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["host"].choices = [("", "Choose a host…"), *choices]
        if len(choices) == 1:
            self.fields["host"].initial = choices[0][0]
