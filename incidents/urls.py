from django.urls import path

from core.toolkit import ConfidentialityEdit
from incidents import selectors, views

app_name = "incidents"
urlpatterns = [
    path("", views.IncidentList.as_view(), name="list"),
    path("new/", views.IncidentCreate.as_view(), name="create"),
    path("mine/", views.MyIncidents.as_view(), name="mine"),
    path("map/", views.IncidentMap.as_view(), name="map"),
    path("map.json", views.IncidentMapData.as_view(), name="map_data"),
    path("statistics/", views.IncidentStatistics.as_view(), name="statistics"),
    path("import/", views.IncidentImport.as_view(), name="import"),
    path("export.xlsx", views.IncidentExport.as_view(), name="export"),
    path("duplicates/", views.DuplicateCheck.as_view(), name="duplicates"),
    path("<id:pk>/", views.IncidentDetail.as_view(), name="detail"),
    path(
        "<id:pk>/confidential/",
        ConfidentialityEdit.as_view(
            gate=selectors.get_incident_for_user, gate_action="reassign", nav="incidents"
        ),
        name="confidential",
    ),
    path("<id:pk>/status/", views.IncidentStatusMove.as_view(), name="status"),
    path("<id:pk>/reassign/", views.IncidentReassign.as_view(), name="reassign"),
    path("<id:pk>/directive/", views.IncidentDirective.as_view(), name="directive"),
    path("<id:pk>/files/<id:file_pk>/", views.IncidentAttachment.as_view(), name="attachment"),
]
