"""URLs of the log pages."""

from django.urls import path

from portal.logs import views

app_name = "logs"
urlpatterns = [
    path("", views.audit_log, name="audit"),
    path("errors/", views.error_log, name="errors"),
]
