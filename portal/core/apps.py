"""The portal's shared layer: layout helpers, error handling, htmx helpers, session glue."""

from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "portal.core"
    label = "core"
