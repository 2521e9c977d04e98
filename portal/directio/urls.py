"""URLs of the Try-it page (mounted at clusters/<uuid:cluster_uuid>/direct/)."""

from django.urls import path

from portal.directio import views

app_name = "directio"
urlpatterns = [
    path("", views.direct_page, name="page"),
    path("release/", views.direct_release, name="release"),
]
