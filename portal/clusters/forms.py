"""Cluster forms: create from a template, save a checkpoint, restore one."""

from __future__ import annotations

from typing import Any

from django import forms

from portal.clusters.services import MAX_TEMPLATE_CHARS, normalise_template
from portal.core.forms import name_field


class TemplateField(forms.CharField):
    """The template text, with CRLF line ends made LF (the grammar refuses ``\\r``)."""

    def to_python(self, value: Any) -> str:
        return normalise_template(super().to_python(value))


class ClusterCreateForm(forms.Form):
    """A new cluster: its name and the text of its template."""

    name = name_field(label="Name")
    template = TemplateField(
        label="Template",
        strip=False,
        max_length=MAX_TEMPLATE_CHARS,
        help_text=(
            "Version 1 grammar: version, settings, hexagons, optional axons, inputs, outputs. "
            "The preview follows as you type."
        ),
        widget=forms.Textarea(
            attrs={
                "rows": 18,
                "spellcheck": "false",
                "autocomplete": "off",
                "autocapitalize": "off",
                "class": "editor__text",
                "data-editor": "",
            }
        ),
    )


class SaveForm(forms.Form):
    """The name of a checkpoint to save the cluster's state as."""

    name = name_field(label="Checkpoint name")


class RestoreForm(forms.Form):
    """A checkpoint to restore into the cluster, from those the backend shows."""

    checkpoint = forms.ChoiceField(
        label="Checkpoint",
        error_messages={
            "invalid_choice": "This checkpoint no longer exists (deleted meanwhile?): "
            "choose another one."
        },
    )

    def __init__(self, *args: Any, choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["checkpoint"].choices = [("", "Choose a checkpoint…"), *choices]
