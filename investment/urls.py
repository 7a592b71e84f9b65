"""Pages of public investment, under /investment/."""

from django.urls import path

from investment import views

app_name = "investment"

urlpatterns = [
    # --- projects, groups, sessions, the dashboard
    # --- Excel in and out
    path("projects/export/", views.ProjectExport.as_view(), name="project_export"),
    path("disbursements/import/", views.DisbursementImport.as_view(), name="disbursement_import"),
    path("export/", views.AnalyticsExport.as_view(), name="analytics_export"),
]
