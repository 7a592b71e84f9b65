"""Pages of the reports, under /reports/."""

from django.urls import path

from reports import views
from reports.selectors.issued import FILES

app_name = "reports"

urlpatterns = [
    path("briefing/", views.BriefingPage.as_view(), name="briefing"),
    path("briefing/download/", views.BriefingDownload.as_view(), name="briefing_download"),
    path("briefing/issue/", views.BriefingIssue.as_view(), name="briefing_issue"),
    path("briefing/issue/<id:pk>/", views.IssueJobPage.as_view(), name="issue_job"),
    path("issued/", views.IssuedList.as_view(), name="issued"),
    path("leaders/", views.LeadersPage.as_view(), name="leaders"),
    path("leaders/export/", views.LeadersExport.as_view(), name="leaders_export"),
    path("rankings/", views.RankingsPage.as_view(), name="rankings"),
    path("rankings/export/", views.RankingExport.as_view(), name="rankings_export"),
    path("map/", views.CityMap.as_view(), name="city_map"),
    *(
        path(f"issued/<id:pk>/{fmt}/", views.IssuedDownload.as_view(), {"fmt": fmt}, name=f"issued_{fmt}")
        for fmt in FILES
    ),
    *(
        path(f"drafts/<id:pk>/{fmt}/", views.DraftDownload.as_view(), {"fmt": fmt}, name=f"draft_{fmt}")
        for fmt in FILES
    ),
]
