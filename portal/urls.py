"""The portal's URLs: one include per app, the JSON API, health check and error handlers."""

from django.urls import include, path

from portal.api import api
from portal.core import views as core_views

urlpatterns = [
    path("", core_views.dashboard, name="dashboard"),
    path("healthz", core_views.healthz, name="healthz"),
    path("accounts/", include("portal.accounts.urls")),
    path("projects/", include("portal.projects.urls")),
    path("users/", include("portal.users.urls")),
    path("datasets/", include("portal.datasets.urls")),
    path("clusters/", include("portal.clusters.urls")),
    path("clusters/<uuid:cluster_uuid>/tasks/", include("portal.tasks.urls")),
    path("checkpoints/", include("portal.checkpoints.urls")),
    path("clusters/<uuid:cluster_uuid>/direct/", include("portal.directio.urls")),
    path("hosts/", include("portal.hosts.urls")),
    path("logs/", include("portal.logs.urls")),
    path("system/", include("portal.system.urls")),
    path("api/", api.urls),
]

handler400 = "portal.core.views.bad_request"
handler403 = "portal.core.views.permission_denied"
handler404 = "portal.core.views.page_not_found"
handler500 = "portal.core.views.server_error"
