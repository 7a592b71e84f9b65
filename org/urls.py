from django.urls import path

from org import views

app_name = "org"
urlpatterns = [
    path("units/", views.UnitList.as_view(), name="unit_list"),
    path("units/<id:pk>/", views.UnitDetail.as_view(), name="unit_detail"),
    path("agencies/", views.AgencyList.as_view(), name="agency_list"),
    path("agencies/new/", views.AgencyEdit.as_view(), name="agency_create"),
    path("agencies/<id:pk>/", views.AgencyDetail.as_view(), name="agency_detail"),
    path("agencies/<id:pk>/edit/", views.AgencyEdit.as_view(), name="agency_edit"),
    path("leaders/", views.LeaderList.as_view(), name="leader_list"),
    path("people/", views.PersonList.as_view(), name="person_list"),
    path("people/new/", views.PersonEdit.as_view(), name="person_create"),
    path("people/<id:pk>/", views.PersonDetail.as_view(), name="person_detail"),
    path("people/<id:pk>/edit/", views.PersonEdit.as_view(), name="person_edit"),
    path("people/<id:pk>/archive/", views.PersonArchive.as_view(), name="person_archive"),
    path("people/<id:pk>/restore/", views.PersonRestore.as_view(), name="person_restore"),
    path("people/<id:pk>/seats/new/", views.MembershipCreate.as_view(), name="membership_create"),
    path("seats/<id:pk>/end/", views.MembershipEnd.as_view(), name="membership_end"),
    path("assignments/", views.Matrix.as_view(), name="matrix"),
    path("assignments/export/", views.AssignmentExport.as_view(), name="assignment_export"),
    path("assignments/new/", views.AssignmentEdit.as_view(), name="assignment_create"),
    path("assignments/<id:pk>/edit/", views.AssignmentEdit.as_view(), name="assignment_edit"),
    path("assignments/<id:pk>/archive/", views.AssignmentArchive.as_view(), name="assignment_archive"),
    path("responsible/", views.responsible, name="responsible"),
]
