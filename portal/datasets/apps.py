"""Dataset pages: list, resumable upload, detail with preview, delete, accuracy."""

from django.apps import AppConfig


class DatasetsConfig(AppConfig):
    name = "portal.datasets"
    label = "datasets"
