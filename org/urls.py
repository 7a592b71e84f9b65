from django.urls import path

from org import views

app_name = "org"
urlpatterns = [
    path("units/", views.UnitList.as_view(), name="unit_list"),
    path("units/<int:pk>/", views.UnitDetail.as_view(), name="unit_detail"),
    path("agencies/", views.AgencyList.as_view(), name="agency_list"),
    path("agencies/new/", views.AgencyEdit.as_view(), name="agency_create"),
    path("agencies/<int:pk>/", views.AgencyDetail.as_view(), name="agency_detail"),
    path("agencies/<int:pk>/edit/", views.AgencyEdit.as_view(), name="agency_edit"),
    path("leaders/", views.LeaderList.as_view(), name="leader_list"),
    path("people/", views.PersonList.as_view(), name="person_list"),
    path("people/new/", views.PersonEdit.as_view(), name="person_create"),
    path("people/<int:pk>/", views.PersonDetail.as_view(), name="person_detail"),
    path("people/<int:pk>/edit/", views.PersonEdit.as_view(), name="person_edit"),
    path("people/<int:pk>/archive/", views.PersonArchive.as_view(), name="person_archive"),
    path("people/<int:pk>/restore/", views.PersonRestore.as_view(), name="person_restore"),
    path("people/<int:pk>/seats/new/", views.MembershipCreate.as_view(), name="membership_create"),
    path("seats/<int:pk>/end/", views.MembershipEnd.as_view(), name="membership_end"),
    path("assignments/", views.Matrix.as_view(), name="matrix"),
    path("assignments/export/", views.AssignmentExport.as_view(), name="assignment_export"),
    path("assignments/new/", views.AssignmentEdit.as_view(), name="assignment_create"),
    path("assignments/<int:pk>/edit/", views.AssignmentEdit.as_view(), name="assignment_edit"),
    path("assignments/<int:pk>/archive/", views.AssignmentArchive.as_view(), name="assignment_archive"),
    path("responsible/", views.responsible, name="responsible"),
]
