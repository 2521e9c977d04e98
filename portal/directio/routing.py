"""Websocket routes of the Try-it page: the browser-to-backend relay, canvas or values."""

from __future__ import annotations

from django.urls import path

from portal.directio.consumers import DirectIOConsumer
from portal.directio.layout import View

__all__ = ["socket_path", "websocket_urlpatterns"]

websocket_urlpatterns = [
    path("ws/clusters/<uuid:cluster_uuid>/direct/", DirectIOConsumer.as_asgi(view="values")),
    path("ws/clusters/<uuid:cluster_uuid>/direct/digits/", DirectIOConsumer.as_asgi(view="digits")),
]


def socket_path(cluster_uuid: object, view: View) -> str:
    """The path of the relay socket of a cluster, for the page's view."""
    suffix = "digits/" if view == "digits" else ""
    return f"/ws/clusters/{cluster_uuid}/direct/{suffix}"
