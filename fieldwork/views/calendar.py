"""Pages of the work calendar, the field-time share and meetings, and the iCalendar feeds."""

import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.csp import CSP
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csp import csp_override
from django.views.decorators.http import require_GET

from core.exports import Column, list_workbook
from core.listing import SortOption
from core.periods import current_quarter, parse_period
from core.toolkit import (
    ObjectActionView,
    ObjectDetailView,
    ObjectExportView,
    ObjectFormView,
    ObjectListView,
    ScopedView,
    can_write,
)
from core.web import xlsx_export
from fieldwork import ical
from fieldwork.filters.calendar import EntryFilterSet
from fieldwork.forms.calendar import EntryForm, PolicyForm
from fieldwork.permissions import (
    can_change_entry,
    can_keep_calendar,
    can_manage,
    can_see_all_shares,
    can_see_calendars,
    can_see_feed,
    is_leader,
    person_id,
)
from fieldwork.selectors import calendar as selectors
from fieldwork.services import calendar as services
from org import selectors as org_selectors

# FullCalendar writes its own style sheet into the page: the calendar page lets a style element carry the
# request's nonce (read by FullCalendar from <meta name="csp-nonce">); everything else stays as strict.
CALENDAR_CSP = {**settings.SECURE_CSP, "style-src": [CSP.SELF, CSP.NONCE]}

# The calendar API the page's script reads (fieldwork.api.calendar.calendar).
CALENDAR_API = "/api/v1/fieldwork/calendar"

ENTRY_SORTS = [
    SortOption("starts", gettext_lazy("Start"), ("-starts_at", "-id")),
    SortOption("-starts", gettext_lazy("Start"), ("starts_at", "id")),
    SortOption("leader", gettext_lazy("Leader"), ("leader__sort_key", "-starts_at", "id")),
    SortOption("title", gettext_lazy("Title"), ("title", "id")),
]


def _period(request):
    """The period asked for (?period=), this quarter by default; a malformed one is said and replaced."""
    raw = request.GET.get("period", "").strip()
    if raw:
        try:
            return parse_period(raw), ""
        except Exception as exc:  # a ValidationError: its message goes on the page
            return current_quarter(timezone.localdate()), " ".join(getattr(exc, "messages", [str(exc)]))
    return current_quarter(timezone.localdate()), ""


@method_decorator(csp_override(CALENDAR_CSP), name="dispatch")
class CalendarPage(ScopedView):
    """The week and month views of the calendars the user sees (FullCalendar, fed by the calendar API)."""

    permission = can_see_calendars
    nav = "fieldwork_calendar"

    def get(self, request):
        leaders = list(selectors.leader_choices(user=request.user))
        chosen = request.GET.get("leader", "")
        leader = None
        if chosen.isdigit():
            leader = next((p for p in leaders if p.pk == int(chosen)), None)
            if leader is None:
                raise Http404
        elif not request.user.sees_all:
            leader = next(iter(leaders), None)
        config = {
            "events": CALENDAR_API,
            "leader": leader.pk if leader else None,
            "locale": request.LANGUAGE_CODE,
            # The organisation's wall clock: the calendar shows local times as written (timeZone "UTC").
            "now": timezone.localtime().strftime("%Y-%m-%dT%H:%M:%S"),
            "labels": {"overlap": _("Overlaps another entry"), "chaired": _("chaired")},
        }
        context = {
            **self.base_context(),
            "leaders": leaders,
            "leader": leader,
            "config": config,
            "can_add": can_keep_calendar(request.user, leader.pk if leader else None),
        }
        return render(request, "fieldwork/calendar.html", context)


class EntryList(ObjectListView):
    permission = can_see_calendars
    selector = selectors.entry_list
    filterset = EntryFilterSet
    sorts = ENTRY_SORTS
    primary_filters = ("q", "leader", "kind")
    export_url = "fieldwork:entry_export"
    template_name, partial_name, nav = (
        "fieldwork/entry_list.html",
        "fieldwork/_entry_rows.html",
        "fieldwork_calendar",
    )

    def get_extra_context(self, request, page, filterset) -> dict:
        return {
            "leaders": selectors.leader_choices(user=request.user),
            "can_add": can_keep_calendar(request.user),
        }


def entry_workbook(queryset) -> bytes:
    columns = [
        Column("ID", 8, lambda e: e.pk),
        Column(_("Leader"), 28, lambda e: e.leader.full_name),
        Column(_("Kind"), 18, lambda e: str(e.get_kind_display())),
        Column(_("Title"), 40, lambda e: e.title, wrap=True),
        Column(_("Starts at"), 18, lambda e: timezone.localtime(e.starts_at).strftime("%d/%m/%Y %H:%M")),
        Column(_("Ends at"), 18, lambda e: timezone.localtime(e.ends_at).strftime("%d/%m/%Y %H:%M")),
        Column(_("All day"), 10, lambda e: _("yes") if e.all_day else ""),
        Column(_("Place"), 28, lambda e: e.place),
        Column(_("Locality"), 24, lambda e: e.locality.name if e.locality_id else ""),
        Column(_("Unit"), 28, lambda e: e.agency.name if e.agency_id else ""),
        Column(_("Chaired by the leader"), 12, lambda e: _("yes") if e.chaired else ""),
        Column(_("Recurrence rule"), 30, lambda e: e.recurrence),
    ]
    return list_workbook(
        title=_("Calendar entries"), sheet=_("Calendar entries"), columns=columns, rows=queryset
    )


class EntryExport(ObjectExportView):
    permission = can_see_calendars
    selector = selectors.entry_list
    filterset = EntryFilterSet
    sorts = ENTRY_SORTS
    workbook = entry_workbook
    filename = "calendar-entries"


class EntryDetail(ObjectDetailView):
    gate = selectors.get_entry_for_user
    template_name, context_object_name, nav = "fieldwork/entry_detail.html", "entry", "fieldwork_calendar"
    actions = {"change": can_change_entry}

    def get_extra_context(self, request, entry) -> dict:
        days = list(entry.days.order_by("day", "occurrence_start")[:62])
        return {
            "overlaps": selectors.entry_overlaps(entry),
            "days": days,
            "day_count": entry.days.count(),
        }


class EntryEdit(ObjectFormView):
    permission = can_keep_calendar
    gate = selectors.get_entry_for_user
    form_class = EntryForm
    template_name, context_object_name, nav = "fieldwork/entry_form.html", "entry", "fieldwork_calendar"
    initial_fields = (
        "leader",
        "kind",
        "title",
        "starts_at",
        "ends_at",
        "all_day",
        "place",
        "locality",
        "agency",
        "chaired",
        "recurrence",
        "note",
        "version",
    )
    success_message = gettext_lazy("The calendar entry has been saved.")

    def get_initial(self, request, obj) -> dict:
        if obj is not None:
            initial = super().get_initial(request, obj)
            if obj.all_day:
                initial["ends_at"] = obj.ends_at - dt.timedelta(days=1)
            return initial
        initial = {"leader": request.GET.get("leader") or person_id(request.user)}
        start = request.GET.get("start", "")
        try:
            day = dt.date.fromisoformat(start[:10]) if start else None
        except ValueError:
            day = None
        if day is not None:
            moment = timezone.make_aware(dt.datetime.combine(day, dt.time(8)))
            initial.update(starts_at=moment, ends_at=moment + dt.timedelta(hours=4))
        return initial

    def get_form_kwargs(self, request, obj) -> dict:
        user = request.user
        return {
            "leaders": selectors.writable_leaders(user=user),
            "localities": org_selectors.unit_list(user=user),
            "agencies": org_selectors.agency_list(user=user),
        }

    def form_data(self, form) -> dict:
        data = super().form_data(form)
        if data.get("all_day") and data.get("ends_at"):
            # The form shows an all-day entry's last day; it is kept as midnight after it.
            end = timezone.localtime(data["ends_at"]).date() + dt.timedelta(days=1)
            data["ends_at"] = timezone.make_aware(dt.datetime.combine(end, dt.time(0)))
        return data

    def create(self, request, data):
        return services.entry_create(actor=request.user, organization=request.user.organization_id, **data)

    def update(self, request, entry, data, version):
        return services.entry_update(actor=request.user, entry=entry, version=version, **data)


class EntryArchive(ObjectActionView):
    gate, service, object_argument = selectors.get_entry_for_user, services.entry_archive, "entry"
    success_message = gettext_lazy("The calendar entry has been archived.")


class EntryRestore(ObjectActionView):
    gate, service, object_argument = selectors.get_entry_for_user, services.entry_restore, "entry"
    success_message = gettext_lazy("The calendar entry has been restored.")


# --- the share and meetings ------------------------------------------------------------------------------


class ShareDashboard(ScopedView):
    """The office's table and chart of every leader's share, the trend and meetings; a leader's own share."""

    permission = can_see_calendars
    nav = "fieldwork_share"

    def get(self, request):
        period, error = _period(request)
        user = request.user
        context = {
            **self.base_context(),
            "period": period,
            "period_error": error,
            "raw_period": request.GET.get("period", ""),
        }
        one = None  # ?leader=: one leader's row and meetings (a link from the leaders' table)
        if can_see_all_shares(user):
            sort = request.GET.get("sort", "share")
            if sort not in selectors.SHARE_SORTS:
                sort = "share"
            shares = selectors.share_table(user=user, period=period, sort=sort)
            one = _leader_asked(request, shares)
            if one is not None:
                shares = [s for s in shares if s.leader.pk == one.pk]
            trend = selectors.share_trend(
                organization_id=user.organization_id,
                leaders=len(shares),
                leader_id=one.pk if one is not None else None,
            )
            context.update(
                shares=shares,
                sort=sort,
                one_leader=one,
                trend=trend,
                chart={
                    "leaders": [s.leader.full_name for s in shares],
                    "shares": [s.share_percent for s in shares],
                    "target": shares[0].target_percent if shares else None,
                    "months": [t["label"] for t in trend],
                    "trend": [t["share_percent"] for t in trend],
                    "labels": {"share": _("Field-time share"), "target": _("Target")},
                },
                can_policy=can_manage(user),
            )
        own = person_id(user)
        if is_leader(user):
            leader = selectors.get_leader_for_user(user=user, pk=own)
            context["mine"] = selectors.share_for(leader=leader, period=period)
            context["my_trend"] = selectors.share_trend(organization_id=user.organization_id, leader_id=own)
        # One leader's meetings when asked for, every leader's for whoever sees them all, else one's own.
        meetings_of = None if can_see_all_shares(user) else own
        context["meetings"] = selectors.meetings(
            user=user, period=period, leader_id=one.pk if one is not None else meetings_of
        )
        return render(request, "fieldwork/share.html", context)


def _leader_asked(request, shares):
    """The leader `?leader=` names among the table's (a person id), or None: an unknown or mistyped one shows
    every leader, as a list drops a bad filter."""
    raw = request.GET.get("leader", "")
    if not raw.isdigit():
        return None
    return next((s.leader for s in shares if s.leader.pk == int(raw)), None)


class ShareExport(ScopedView):
    """The table of every leader's share for a period, as a workbook (office, Standing Board, viewers)."""

    permission = can_see_all_shares

    def get(self, request):
        period, _error = _period(request)
        shares = selectors.share_table(
            user=request.user, period=period, sort=request.GET.get("sort", "share")
        )
        columns = [
            Column("ID", 8, lambda s: s.leader.pk),
            Column(_("Leader"), 30, lambda s: s.leader.full_name),
            Column(_("Field hours"), 14, lambda s: s.hours(s.field_minutes)),
            Column(_("Planned field hours"), 14, lambda s: s.hours(s.planned_minutes)),
            Column(_("Available hours"), 14, lambda s: s.hours(s.available_minutes)),
            Column(_("Leave hours"), 12, lambda s: s.hours(s.leave_minutes)),
            Column(_("Share (%)"), 12, lambda s: s.share_percent),
            Column(_("Target (%)"), 12, lambda s: s.target_percent),
            Column(_("Hours still needed"), 14, lambda s: s.hours(s.needed_minutes)),
        ]
        data = list_workbook(
            title=_("Field-time share, {period}").format(period=period.code),
            sheet=_("Field-time share"),
            columns=columns,
            rows=shares,
        )
        return xlsx_export(request, data, f"field-time-share-{period.code}")


class PolicyEdit(ScopedView):
    """The office sets the field-time target (an exact fraction) and the meeting reduction target."""

    permission = can_manage
    nav = "fieldwork_share"

    def get(self, request):
        policy = services.policy_for(request.user.organization_id)
        form = PolicyForm(
            initial={
                "share_target_numerator": policy.share_target_numerator,
                "share_target_denominator": policy.share_target_denominator,
                "meeting_reduction_percent": policy.meeting_reduction_percent,
                "version": policy.version,
            }
        )
        return render(request, "fieldwork/policy_form.html", {**self.base_context(), "form": form})

    def post(self, request):
        from django.core.exceptions import ValidationError

        from core.errors import ConflictError
        from core.forms import add_errors

        form = PolicyForm(request.POST)
        if form.is_valid():
            data = dict(form.cleaned_data)
            version = data.pop("version")
            try:
                services.policy_update(
                    actor=request.user, organization=request.user.organization_id, version=version, **data
                )
            except ValidationError as exc:
                add_errors(form, exc)
            except ConflictError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("The targets have been saved."))
                return redirect("fieldwork:share")
        return render(request, "fieldwork/policy_form.html", {**self.base_context(), "form": form})


# --- feeds ----------------------------------------------------------------------------------------------


class FeedPage(ScopedView):
    """A leader's secret iCalendar URL: shown, created anew (the old one revoked) or revoked."""

    permission = can_write
    nav = "fieldwork_calendar"

    def get(self, request, pk):
        leader = selectors.get_feed_leader_for_user(user=request.user, pk=pk)
        feed = selectors.live_feed(leader)
        url = ical.feed_url(request, feed)
        return render(
            request,
            "fieldwork/feed.html",
            {**self.base_context(), "leader": leader, "feed": feed, "feed_url": url},
        )


class FeedCreate(ObjectActionView):
    permission = can_write
    gate = selectors.get_feed_leader_for_user
    service = services.feed_create
    success_message = gettext_lazy("A new feed address has been made; the earlier one no longer works.")

    def perform(self, request, leader):
        services.feed_create(actor=request.user, leader=leader)
        return leader

    def get_success_url(self, leader) -> str:
        return reverse("fieldwork:feed_page", args=[leader.pk])


class FeedRevoke(FeedCreate):
    success_message = gettext_lazy("The feed address has been revoked.")

    def perform(self, request, leader):
        feed = selectors.live_feed(leader)
        if feed is not None:
            services.feed_revoke(actor=request.user, feed=feed)
        return leader


@require_GET
def feed(request, token: str):
    """The iCalendar feed of a secret URL; unknown or revoked is a 404, as for a leader who does not exist."""
    subscription = selectors.feed_by_token(token)
    body = ical.leader_calendar(subscription.leader, selectors.feed_entries(subscription.leader))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=300"
    return response


# --- the home panel --------------------------------------------------------------------------------------


def has_calendar(user) -> bool:
    """The home panel: a leader's own share."""
    return is_leader(user)


def home_panel_context(request) -> dict:
    leader = selectors.get_leader_for_user(user=request.user, pk=person_id(request.user))
    return {
        "fieldwork_share": selectors.share_for(leader=leader, period=current_quarter(timezone.localdate()))
    }


# --- the leader's record (org's person page)


def person_panel_visible(user, person) -> bool:
    """The calendar card on a person's page: the office and the leader themself (who may see the feed)."""
    return can_see_feed(user, person)


def person_panel_context(request, person) -> dict:
    return {"leader": person, "feed_url": ical.feed_url(request, selectors.live_feed(person))}
