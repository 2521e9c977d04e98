"""Tasks pages, API and commands."""

from django.apps import AppConfig


class TasksConfig(AppConfig):
    name = "portal.tasks"
    label = "tasks"
