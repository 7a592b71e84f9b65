from django.urls import path

from org import views

app_name = "org"
urlpatterns = [
    path("units/", views.unit_list, name="unit_list"),
    path("units/<id:pk>/", views.unit_detail, name="unit_detail"),
    path("agencies/", views.agency_list, name="agency_list"),
    path("agencies/new/", views.agency_edit, name="agency_create"),
    path("agencies/<id:pk>/", views.agency_detail, name="agency_detail"),
    path("agencies/<id:pk>/edit/", views.agency_edit, name="agency_edit"),
    path("leaders/", views.leader_list, name="leader_list"),
    path("people/", views.person_list, name="person_list"),
    path("people/new/", views.person_edit, name="person_create"),
    path("people/<id:pk>/", views.person_detail, name="person_detail"),
    path("people/<id:pk>/edit/", views.person_edit, name="person_edit"),
    path("people/<id:pk>/archive/", views.person_archive, name="person_archive"),
    path("people/<id:pk>/restore/", views.person_restore, name="person_restore"),
    path("people/<id:pk>/seats/new/", views.membership_create, name="membership_create"),
    path("seats/<id:pk>/end/", views.membership_end, name="membership_end"),
    path("assignments/", views.matrix, name="matrix"),
    path("assignments/new/", views.assignment_edit, name="assignment_create"),
    path("assignments/<id:pk>/edit/", views.assignment_edit, name="assignment_edit"),
    path("assignments/<id:pk>/archive/", views.assignment_archive, name="assignment_archive"),
    path("responsible/", views.responsible, name="responsible"),
]
