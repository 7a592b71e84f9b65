"""A test URLconf: the project's URLs plus views that fail, to exercise the error handlers."""

from django.db import OperationalError
from django.urls import path

from coso import urls as project


def boom(request):
    raise RuntimeError("a bug")


def database_down(request):
    raise OperationalError("connection refused")


urlpatterns = [
    path("test-errors/boom/", boom),
    path("test-errors/database-down/", database_down),
    path("api/v1/test-errors/database-down/", database_down),
    *project.urlpatterns,
]

handler403 = project.handler403
handler404 = project.handler404
handler500 = project.handler500
