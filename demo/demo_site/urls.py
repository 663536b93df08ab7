"""The demo site serves only the admin, where the run history is browsed."""

from django.contrib import admin
from django.urls import path

urlpatterns = [path("admin/", admin.site.urls)]
