"""Websocket routes of the system page: live measurement charts."""

from __future__ import annotations

from django.urls import path

from portal.system.consumers import SystemConsumer

__all__ = ["SOCKET_PATH", "websocket_urlpatterns"]

SOCKET_PATH = "/ws/system/"

websocket_urlpatterns = [path(SOCKET_PATH.lstrip("/"), SystemConsumer.as_asgi())]
