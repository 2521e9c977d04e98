"""URLs of the user pages."""

from django.urls import path

from portal.users import views

app_name = "users"
urlpatterns = [
    path("", views.user_list, name="list"),
    path("new/", views.user_create, name="create"),
    path("<str:user_id>/", views.user_detail, name="detail"),
    path("<str:user_id>/delete/", views.user_delete, name="delete"),
    path("<str:user_id>/projects/", views.user_assign, name="assign"),
    path("<str:user_id>/projects/<str:project_id>/remove/", views.user_unassign, name="unassign"),
]
