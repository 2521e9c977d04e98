"""URLs of sign-in, sign-out and the project switch."""

from django.urls import path

from portal.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("project/", views.project_switch, name="project"),
]
