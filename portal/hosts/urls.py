"""URLs of the host pages."""

from django.urls import path

from portal.hosts import views

app_name = "hosts"
urlpatterns = [
    path("", views.host_list, name="list"),
    path("clusters/<uuid:cluster_uuid>/", views.cluster_host, name="switch"),
]
