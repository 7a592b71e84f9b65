from django.urls import path

from followup import views

app_name = "followup"
urlpatterns = [
    path("", views.my_items, name="my_items"),
    path("obstacles/", views.obstacle_list, name="obstacle_list"),
    path("obstacles/new/", views.obstacle_create, name="obstacle_create"),
    path("obstacles/export.xlsx", views.obstacle_export, name="obstacle_export"),
    path("obstacles/<id:pk>/", views.obstacle_detail, name="obstacle_detail"),
    path("obstacles/<id:pk>/edit/", views.obstacle_edit, name="obstacle_edit"),
    path("obstacles/<id:pk>/status/", views.obstacle_status, name="obstacle_status"),
    path("directives/", views.directive_list, name="directive_list"),
    path("directives/new/", views.directive_create, name="directive_create"),
    path("directives/export.xlsx", views.directive_export, name="directive_export"),
    path("directives/<id:pk>/", views.directive_detail, name="directive_detail"),
    path("directives/<id:pk>/edit/", views.directive_edit, name="directive_edit"),
    path("directives/<id:pk>/report/", views.directive_report, name="directive_report"),
    path("directives/<id:pk>/confirm/", views.directive_confirm, name="directive_confirm"),
    path("resupervisions/", views.resupervision_list, name="resupervision_list"),
    path("resupervisions/export.xlsx", views.resupervision_export, name="resupervision_export"),
    path("resupervisions/<id:pk>/", views.resupervision_detail, name="resupervision_detail"),
    path("resupervisions/<id:pk>/record/", views.resupervision_record, name="resupervision_record"),
    path("resupervisions/<id:pk>/recheck/", views.resupervision_recheck, name="resupervision_recheck"),
    path("notices/", views.notice_list, name="notice_list"),
    path("notices/new/", views.notice_create, name="notice_create"),
    path("notices/<id:pk>/", views.notice_detail, name="notice_detail"),
    path("notices/<id:pk>/import/", views.notice_import, name="notice_import"),
    path("attachments/<id:pk>/", views.attachment_download, name="attachment_download"),
]
