"""Pages of field work, under /fieldwork/."""

from django.urls import path

from fieldwork.views import calendar

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
    path("feeds/<str:token>.ics", calendar.feed, name="feed"),
    # --- visits and opinions (fieldwork.views.visits)
]
