"""Pages of field work, under /fieldwork/."""

from django.urls import path  # noqa: F401

app_name = "fieldwork"

urlpatterns = [
    # --- the work calendar, the share and meetings, the feeds (fieldwork.views.calendar)
    # --- visits and opinions (fieldwork.views.visits)
]
