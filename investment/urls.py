"""Pages of public investment, under /investment/."""

from django.urls import path

from core.toolkit import ConfidentialityEdit
from investment import selectors, views

app_name = "investment"

urlpatterns = [
    # --- projects, groups, sessions, the dashboard
    path("", views.Dashboard.as_view(), name="dashboard"),
    path("projects/", views.ProjectList.as_view(), name="project_list"),
    path("projects/map.json", views.ProjectMapData.as_view(), name="project_map"),
    path("projects/<id:pk>/", views.ProjectDetail.as_view(), name="project_detail"),
    path("groups/", views.GroupList.as_view(), name="group_list"),
    path("groups/<id:pk>/", views.GroupDetail.as_view(), name="group_detail"),
    path("groups/<id:pk>/sessions/new/", views.SessionCreate.as_view(), name="session_create"),
    path("sessions/", views.SessionList.as_view(), name="session_list"),
    path("sessions/<id:pk>/", views.SessionDetail.as_view(), name="session_detail"),
    path("sessions/<id:pk>/obstacles/", views.SessionObstacle.as_view(), name="session_obstacle"),
    path("sessions/<id:pk>/directives/", views.SessionDirective.as_view(), name="session_directive"),
    # --- what the office keeps
    path("projects/new/", views.ProjectEdit.as_view(), name="project_create"),
    path("projects/<id:pk>/edit/", views.ProjectEdit.as_view(), name="project_edit"),
    path(
        "projects/<id:pk>/confidential/",
        ConfidentialityEdit.as_view(gate=selectors.get_project_for_user, nav="investment_projects"),
        name="project_confidential",
    ),
    path("projects/<id:pk>/status/", views.ProjectMove.as_view(), name="project_status"),
    path("projects/<id:pk>/archive/", views.ProjectArchive.as_view(), name="project_archive"),
    path("projects/<id:pk>/restore/", views.ProjectRestore.as_view(), name="project_restore"),
    path("projects/<id:pk>/progress/", views.ProjectProgress.as_view(), name="project_progress"),
    path("projects/<id:pk>/investment/", views.ProjectInvestment.as_view(), name="project_investment"),
    path("projects/<id:pk>/plans/", views.ProjectPlan.as_view(), name="project_plan"),
    path("projects/<id:pk>/plan-adjustments/", views.ProjectPlanAdjust.as_view(), name="plan_adjust"),
    path("projects/<id:pk>/disbursements/", views.ProjectDisbursement.as_view(), name="project_disbursement"),
    path("target-curve/", views.TargetCurve.as_view(), name="target_curve"),
    path("target-curve/<id:year>/", views.TargetCurve.as_view(), name="target_curve"),
    path("groups/new/", views.GroupEdit.as_view(), name="group_create"),
    path("groups/<id:pk>/edit/", views.GroupEdit.as_view(), name="group_edit"),
    path("groups/<id:pk>/members/", views.GroupMemberAdd.as_view(), name="group_member_add"),
    path("members/<id:pk>/end/", views.GroupMemberEnd.as_view(), name="group_member_end"),
    # --- Excel in and out
    path("projects/export/", views.ProjectExport.as_view(), name="project_export"),
    path("sessions/export/", views.SessionExport.as_view(), name="session_export"),
    path("disbursements/import/", views.DisbursementImport.as_view(), name="disbursement_import"),
    path("export/", views.AnalyticsExport.as_view(), name="analytics_export"),
]
