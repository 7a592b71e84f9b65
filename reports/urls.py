"""Pages of the reports, under /reports/."""

from django.urls import path

from reports import views

app_name = "reports"

urlpatterns = [
    path("briefing/", views.BriefingPage.as_view(), name="briefing"),
    path("briefing/download/", views.BriefingDownload.as_view(), name="briefing_download"),
    path("briefing/issue/", views.BriefingIssue.as_view(), name="briefing_issue"),
    path("issued/", views.IssuedList.as_view(), name="issued"),
    path("issued/<id:pk>/<str:fmt>/", views.IssuedDownload.as_view(), name="issued_download"),
]
