from django.urls import path

from core import calendar_views

app_name = "core"
urlpatterns = [
    path("", calendar_views.calendar_page, name="calendar"),
]
