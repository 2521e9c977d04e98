"""System pages, API and commands."""

from django.apps import AppConfig


class SystemConfig(AppConfig):
    name = "portal.system"
    label = "system"
