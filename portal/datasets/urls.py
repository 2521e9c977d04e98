"""URLs of the dataset pages and of the browser upload's JSON endpoints."""

from django.urls import path, re_path

from portal.datasets import upload_views, views

app_name = "datasets"
urlpatterns = [
    path("", views.dataset_list, name="list"),
    re_path(r"^type/(?P<kind>mnist|csv)/$", views.dataset_list, name="list_kind"),
    path("upload/", views.dataset_upload, name="upload"),
    path("accuracy/", views.dataset_accuracy, name="accuracy"),
    path("uploads/", upload_views.upload_start, name="upload_start"),
    path("uploads/<uuid:upload_id>/", upload_views.upload_status, name="upload_status"),
    path("uploads/<uuid:upload_id>/chunk", upload_views.upload_chunk, name="upload_chunk"),
    path("uploads/<uuid:upload_id>/finish", upload_views.upload_finish, name="upload_finish"),
    path("uploads/<uuid:upload_id>/cancel", upload_views.upload_cancel, name="upload_cancel"),
    path("<uuid:dataset_uuid>/", views.dataset_detail, name="detail"),
    path("<uuid:dataset_uuid>/delete/", views.dataset_delete, name="delete"),
]
