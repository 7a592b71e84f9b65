"""Pages of public investment, under /investment/."""

from django.urls import path

from investment import views

app_name = "investment"

urlpatterns = [
    # --- projects, groups, sessions, the dashboard
    # --- Excel in and out
]
del views  # until the first page is added
