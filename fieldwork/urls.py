"""Pages of field work, under /fieldwork/."""

from django.urls import path

from fieldwork.views import visits

app_name = "fieldwork"

urlpatterns = [
    # --- the work calendar, the share and meetings, the feeds (fieldwork.views.calendar)
    # --- visits and opinions (fieldwork.views.visits)
    path("visits/", visits.VisitList.as_view(), name="visit_list"),
    path("visits/export/", visits.VisitExport.as_view(), name="visit_export"),
    path("visits/new/", visits.VisitEdit.as_view(), name="visit_create"),
    path("visits/one-side/", visits.OneSideVisits.as_view(), name="one_side_visits"),
    path("visits/<id:pk>/", visits.VisitDetail.as_view(), name="visit_detail"),
    path("visits/<id:pk>/edit/", visits.VisitEdit.as_view(), name="visit_edit"),
    path("visits/<id:pk>/carry-out/", visits.VisitCarryOut.as_view(), name="visit_carry_out"),
    path("visits/<id:pk>/cancel/", visits.VisitCancel.as_view(), name="visit_cancel"),
    path("visits/<id:pk>/reopen/", visits.VisitReopen.as_view(), name="visit_reopen"),
    path("visits/<id:pk>/briefing/", visits.VisitBriefing.as_view(), name="visit_briefing"),
    path("visits/<id:pk>/archive/", visits.VisitArchive.as_view(), name="visit_archive"),
    path("visits/<id:pk>/opinions/", visits.VisitOpinion.as_view(), name="visit_opinion"),
    path("visits/<id:pk>/directives/", visits.VisitDirective.as_view(), name="visit_directive"),
    path("opinions/", visits.OpinionSearch.as_view(), name="opinion_search"),
    path("opinions/export/", visits.OpinionExport.as_view(), name="opinion_export"),
    path("opinions/<id:pk>/archive/", visits.OpinionArchive.as_view(), name="opinion_archive"),
]
