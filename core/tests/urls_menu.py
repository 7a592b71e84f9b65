"""The application's URLs under a prefix: a URL configuration other than ROOT_URLCONF, for the menu tests."""

from django.urls import include, path

urlpatterns = [path("elsewhere/", include("coso.urls"))]
