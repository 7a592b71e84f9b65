"""Pages of public investment, under /investment/."""

from django.urls import path

from investment import views

app_name = "investment"

urlpatterns = [
    # --- projects, groups, sessions, the dashboard
    path("", views.Dashboard.as_view(), name="dashboard"),
    path("projects/", views.ProjectList.as_view(), name="project_list"),
    path("projects/<id:pk>/", views.ProjectDetail.as_view(), name="project_detail"),
    path("groups/", views.GroupList.as_view(), name="group_list"),
    path("groups/<id:pk>/", views.GroupDetail.as_view(), name="group_detail"),
    path("groups/<id:pk>/sessions/new/", views.SessionCreate.as_view(), name="session_create"),
    path("sessions/<id:pk>/", views.SessionDetail.as_view(), name="session_detail"),
    path("sessions/<id:pk>/obstacles/", views.SessionObstacle.as_view(), name="session_obstacle"),
    path("sessions/<id:pk>/directives/", views.SessionDirective.as_view(), name="session_directive"),
    # --- Excel in and out
    path("projects/export/", views.ProjectExport.as_view(), name="project_export"),
    path("disbursements/import/", views.DisbursementImport.as_view(), name="disbursement_import"),
    path("export/", views.AnalyticsExport.as_view(), name="analytics_export"),
]
