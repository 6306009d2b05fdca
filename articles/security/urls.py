"""Included under admin/ before the admin's own URLs, so /admin/login/ is ours."""

from django.urls import path

from articles.security import views

urlpatterns = [
    path("login/", views.admin_login, name="security-login"),
    path("login/code/", views.verify, name="security-verify"),
    path("two-factor/", views.enrol, name="security-enrol"),
]
