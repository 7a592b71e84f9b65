from django.urls import path

from incidents import views

app_name = "incidents"
urlpatterns = [
    path("", views.incident_list, name="list"),
    path("new/", views.incident_create, name="create"),
    path("mine/", views.my_incidents, name="mine"),
    path("map/", views.incident_map, name="map"),
    path("map.json", views.incident_map_data, name="map_data"),
    path("statistics/", views.incident_statistics, name="statistics"),
    path("import/", views.incident_import, name="import"),
    path("export.xlsx", views.incident_export, name="export"),
    path("duplicates/", views.duplicate_check, name="duplicates"),
    path("<id:pk>/", views.incident_detail, name="detail"),
    path("<id:pk>/status/", views.incident_status, name="status"),
    path("<id:pk>/reassign/", views.incident_reassign, name="reassign"),
    path("<id:pk>/directive/", views.incident_directive, name="directive"),
    path("<id:pk>/files/<id:file_pk>/", views.incident_attachment, name="attachment"),
]
