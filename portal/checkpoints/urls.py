"""URLs of the checkpoint pages."""

from django.urls import path

from portal.checkpoints import views

app_name = "checkpoints"
urlpatterns = [
    path("", views.checkpoint_list, name="list"),
    path("<uuid:checkpoint_uuid>/", views.checkpoint_detail, name="detail"),
    path("<uuid:checkpoint_uuid>/delete/", views.checkpoint_delete, name="delete"),
]
