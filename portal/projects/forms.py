"""The project form, checked with the backend's own rules before anything is sent."""

from __future__ import annotations

from django import forms

from portal.core.forms import id_field, name_field


class ProjectForm(forms.Form):
    """A new project: its id and display name."""

    project_id = id_field(label="Project id")
    name = name_field(label="Name")
