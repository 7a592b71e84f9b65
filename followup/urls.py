from django.urls import path

from core.toolkit import ConfidentialityEdit
from followup import selectors, views

app_name = "followup"
urlpatterns = [
    path("", views.my_items, name="my_items"),
    path("obstacles/", views.ObstacleList.as_view(), name="obstacle_list"),
    path("obstacles/new/", views.ObstacleEdit.as_view(), name="obstacle_create"),
    path("obstacles/export.xlsx", views.ObstacleExport.as_view(), name="obstacle_export"),
    path("obstacles/<id:pk>/", views.ObstacleDetail.as_view(), name="obstacle_detail"),
    path("obstacles/<id:pk>/edit/", views.ObstacleEdit.as_view(), name="obstacle_edit"),
    path(
        "obstacles/<id:pk>/confidential/",
        ConfidentialityEdit.as_view(gate=selectors.get_obstacle_for_user, nav="obstacles"),
        name="obstacle_confidential",
    ),
    path("obstacles/<id:pk>/status/", views.ObstacleMove.as_view(), name="obstacle_status"),
    path("directives/", views.DirectiveList.as_view(), name="directive_list"),
    path("directives/new/", views.DirectiveCreate.as_view(), name="directive_create"),
    path("directives/export.xlsx", views.DirectiveExport.as_view(), name="directive_export"),
    path("directives/<id:pk>/", views.DirectiveDetail.as_view(), name="directive_detail"),
    path("directives/<id:pk>/edit/", views.DirectiveEdit.as_view(), name="directive_edit"),
    path(
        "directives/<id:pk>/confidential/",
        ConfidentialityEdit.as_view(gate=selectors.get_directive_for_user, nav="directives"),
        name="directive_confidential",
    ),
    path("directives/<id:pk>/report/", views.DirectiveReport.as_view(), name="directive_report"),
    path("directives/<id:pk>/confirm/", views.DirectiveConfirm.as_view(), name="directive_confirm"),
    path("resupervisions/", views.ResupervisionList.as_view(), name="resupervision_list"),
    path("resupervisions/export.xlsx", views.ResupervisionExport.as_view(), name="resupervision_export"),
    path("resupervisions/<id:pk>/", views.ResupervisionDetail.as_view(), name="resupervision_detail"),
    path("resupervisions/<id:pk>/record/", views.ResupervisionRecord.as_view(), name="resupervision_record"),
    path(
        "resupervisions/<id:pk>/recheck/", views.ResupervisionRecheck.as_view(), name="resupervision_recheck"
    ),
    path("notices/", views.NoticeList.as_view(), name="notice_list"),
    path("notices/new/", views.NoticeCreate.as_view(), name="notice_create"),
    path("notices/<id:pk>/", views.NoticeDetail.as_view(), name="notice_detail"),
    path("notices/<id:pk>/import/", views.NoticeImport.as_view(), name="notice_import"),
    path("attachments/<id:pk>/", views.attachment_download, name="attachment_download"),
]
