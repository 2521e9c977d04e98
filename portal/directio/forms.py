"""The one form of the Try-it page: naming the hexagons of a cluster the portal did not create."""

from __future__ import annotations

from django import forms

__all__ = ["HexagonNamesForm"]

#: A hexagon name of the template grammar (contract section 5), anchored for the validator.
NAME_PATTERN = r"^[A-Za-z0-9_]+\Z"
HELP = "As in the cluster's template: letters, digits and _."
INVALID = "Not a hexagon name: use letters, digits and _."


def hexagon_name_field(label: str) -> forms.RegexField:
    """A text field for one hexagon name."""
    return forms.RegexField(
        regex=NAME_PATTERN,
        max_length=254,
        label=label,
        help_text=HELP,
        error_messages={"invalid": INVALID},
    )


class HexagonNamesForm(forms.Form):
    """An input and an output hexagon of the cluster, by name (sent with GET)."""

    input = hexagon_name_field("Input hexagon")
    output = hexagon_name_field("Output hexagon")

    def names(self) -> tuple[str, str] | None:
        """The names, when both are valid."""
        if not self.is_valid():
            return None
        return self.cleaned_data["input"], self.cleaned_data["output"]
