"""URLs of the cluster pages."""

from django.urls import path

from portal.clusters import views

app_name = "clusters"
urlpatterns = [
    path("", views.cluster_list, name="list"),
    path("new/", views.cluster_create_page, name="create"),
    path("preview/", views.cluster_preview, name="preview"),
    path("<uuid:cluster_uuid>/", views.cluster_detail, name="detail"),
    path("<uuid:cluster_uuid>/delete/", views.cluster_delete_page, name="delete"),
    path("<uuid:cluster_uuid>/save/", views.cluster_save, name="save"),
    path(
        "<uuid:cluster_uuid>/save/<uuid:checkpoint_uuid>/",
        views.cluster_save_status,
        name="save_status",
    ),
    path("<uuid:cluster_uuid>/restore/", views.cluster_restore, name="restore"),
]
