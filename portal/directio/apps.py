"""Directio pages, API and commands."""

from django.apps import AppConfig


class DirectioConfig(AppConfig):
    name = "portal.directio"
    label = "directio"
