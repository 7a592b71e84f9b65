"""Pages of field work, under /fieldwork/."""

from django.urls import path, re_path

from core.toolkit import ConfidentialityEdit
from fieldwork.selectors import visits as visit_selectors
from fieldwork.views import calendar, visits

app_name = "fieldwork"

urlpatterns = [
    # --- the work calendar, the share and meetings, the feeds (fieldwork.views.calendar)
    path("calendar/", calendar.CalendarPage.as_view(), name="calendar"),
    path("entries/", calendar.EntryList.as_view(), name="entry_list"),
    path("entries/export/", calendar.EntryExport.as_view(), name="entry_export"),
    path("entries/new/", calendar.EntryEdit.as_view(), name="entry_create"),
    path("entries/<id:pk>/", calendar.EntryDetail.as_view(), name="entry_detail"),
    path("entries/<id:pk>/edit/", calendar.EntryEdit.as_view(), name="entry_edit"),
    path("entries/<id:pk>/archive/", calendar.EntryArchive.as_view(), name="entry_archive"),
    path("entries/<id:pk>/restore/", calendar.EntryRestore.as_view(), name="entry_restore"),
    path("share/", calendar.ShareDashboard.as_view(), name="share"),
    path("share/export/", calendar.ShareExport.as_view(), name="share_export"),
    path("targets/", calendar.PolicyEdit.as_view(), name="policy"),
    path("leaders/<id:pk>/feed/", calendar.FeedPage.as_view(), name="feed_page"),
    path("leaders/<id:pk>/feed/new/", calendar.FeedCreate.as_view(), name="feed_create"),
    path("leaders/<id:pk>/feed/revoke/", calendar.FeedRevoke.as_view(), name="feed_revoke"),
    # The secret token is not an id: url-safe base64 (43 characters as made); an unknown one is a 404.
    re_path(r"^feeds/(?P<token>[A-Za-z0-9_-]{1,64})\.ics$", calendar.feed, name="feed"),
    # --- visits and opinions (fieldwork.views.visits)
    path("visits/", visits.VisitList.as_view(), name="visit_list"),
    path("visits/export/", visits.VisitExport.as_view(), name="visit_export"),
    path("visits/new/", visits.VisitEdit.as_view(), name="visit_create"),
    path("visits/one-side/", visits.OneSideVisits.as_view(), name="one_side_visits"),
    path("visits/<id:pk>/", visits.VisitDetail.as_view(), name="visit_detail"),
    path("visits/<id:pk>/edit/", visits.VisitEdit.as_view(), name="visit_edit"),
    path(
        "visits/<id:pk>/confidential/",
        ConfidentialityEdit.as_view(gate=visit_selectors.get_visit_for_user, nav="visits"),
        name="visit_confidential",
    ),
    path("visits/<id:pk>/carry-out/", visits.VisitCarryOut.as_view(), name="visit_carry_out"),
    path("visits/<id:pk>/cancel/", visits.VisitCancel.as_view(), name="visit_cancel"),
    path("visits/<id:pk>/reopen/", visits.VisitReopen.as_view(), name="visit_reopen"),
    path("visits/<id:pk>/briefing/", visits.VisitBriefing.as_view(), name="visit_briefing"),
    path("visits/<id:pk>/archive/", visits.VisitArchive.as_view(), name="visit_archive"),
    path("visits/<id:pk>/opinions/", visits.VisitOpinion.as_view(), name="visit_opinion"),
    path("visits/<id:pk>/directives/", visits.VisitDirective.as_view(), name="visit_directive"),
    path("opinions/", visits.OpinionSearch.as_view(), name="opinion_search"),
    path("opinions/export/", visits.OpinionExport.as_view(), name="opinion_export"),
    path("opinions/<id:pk>/edit/", visits.OpinionEdit.as_view(), name="opinion_edit"),
    path("opinions/<id:pk>/archive/", visits.OpinionArchive.as_view(), name="opinion_archive"),
    path("opinions/<id:pk>/restore/", visits.OpinionRestore.as_view(), name="opinion_restore"),
]
