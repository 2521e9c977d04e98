"""Hosts pages, API and commands."""

from django.apps import AppConfig


class HostsConfig(AppConfig):
    name = "portal.hosts"
    label = "hosts"
