"""Checkpoints pages, API and commands."""

from django.apps import AppConfig


class CheckpointsConfig(AppConfig):
    name = "portal.checkpoints"
    label = "checkpoints"
