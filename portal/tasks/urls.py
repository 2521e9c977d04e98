"""URLs of the tasks pages (mounted at clusters/<uuid:cluster_uuid>/tasks/)."""

from django.urls import path

from portal.tasks import views

app_name = "tasks"
urlpatterns = [
    path("", views.task_list, name="list"),
    path("new/", views.task_new, name="new"),
    path("train/", views.task_train, name="train"),
    path("request/", views.task_request, name="request"),
    path("columns/", views.task_columns, name="columns"),
    path("<uuid:task_uuid>/", views.task_detail, name="detail"),
    path("<uuid:task_uuid>/evaluation/", views.task_evaluation, name="evaluation"),
    path("<uuid:task_uuid>/delete/", views.task_delete, name="delete"),
]
