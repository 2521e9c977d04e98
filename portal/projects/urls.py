"""URLs of the project pages."""

from django.urls import path

from portal.projects import views

app_name = "projects"
urlpatterns = [
    path("", views.project_list, name="list"),
    path("new/", views.project_create, name="create"),
    path("<str:project_id>/", views.project_detail, name="detail"),
    path("<str:project_id>/delete/", views.project_delete, name="delete"),
]
