"""ASGI entry point: HTTP through Django, websockets through Channels (routes under /ws/)."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
# Django must be set up before anything imports models (Channels' auth does).
django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from portal.core.origins import SameOriginValidator  # noqa: E402
from portal.directio.routing import websocket_urlpatterns as direct_io_routes  # noqa: E402
from portal.system.routing import websocket_urlpatterns as system_routes  # noqa: E402
from portal.tasks.routing import websocket_urlpatterns as task_routes  # noqa: E402

websocket_urlpatterns = [*task_routes, *direct_io_routes, *system_routes]

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": AllowedHostsOriginValidator(
            SameOriginValidator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns)))
        ),
    }
)
