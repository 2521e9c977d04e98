"""URLs of the system page."""

from django.urls import path

from portal.system import views

app_name = "system"
urlpatterns = [path("", views.system_page, name="page")]
