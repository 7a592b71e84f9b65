"""Pages of incidents, built from the toolkit's generic views (core.toolkit).

Every incident is reached through `selectors.get_incident_for_user`, so someone else's incident (another
organisation's, or outside the user's scope) answers 404, and a move the user may not make answers 404 too.
The lists, the export, the map and the statistics read one FilterSet (incidents.filters.IncidentFilterSet).
"""

import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import BooleanField, Case, Value, When
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from core import audit
from core.basemap import allow_basemap, allow_basemap_get
from core.calendar import WorkingCalendar, default_deadline, describe_hours, hours_per_working_day
from core.forms import form_errors_text, form_version
from core.imports import ImportTarget
from core.listing import SortOption, paginate, query_string_without
from core.services import attachment_add
from core.toolkit import (
    FilteredMixin,
    ObjectActionView,
    ObjectDetailView,
    ObjectExportView,
    ObjectFormView,
    ObjectImportView,
    ObjectListView,
    ScopedView,
)
from core.web import attachment_response, filter_query
from followup.services import leader_person
from incidents import exports, selectors, services
from incidents.choices import (
    FLAGS,
    OPEN_STATUSES,
    TRANSITIONS,
    IncidentField,
    IncidentSource,
    IncidentStatus,
    RejectReason,
    Severity,
)
from incidents.filters import IncidentFilterSet
from incidents.forms import (
    DATETIME_INPUT_FORMATS,
    DirectiveForm,
    ImportForm,
    IncidentForm,
    ReassignForm,
    StatusForm,
)
from incidents.models import Incident
from org import selectors as org_selectors
from org.permissions import can_manage

INCIDENT_SORTS = [
    SortOption("reported", gettext_lazy("Reported"), ("-reported_at", "-id")),
    SortOption("deadline", gettext_lazy("Deadline"), ("resolve_due_at", "id")),
    SortOption("code", gettext_lazy("Code"), ("code", "id")),
]
MAP_POINT_LIMIT = 5000

# Badge colours (Tabler's colour names): the same on the list, the page, the map and its legend.
STATUS_COLOURS = {
    IncidentStatus.RECEIVED: "azure",
    IncidentStatus.ASSIGNED: "blue",
    IncidentStatus.HANDLING: "purple",
    IncidentStatus.RESOLVED: "green",
    IncidentStatus.CLOSED: "secondary",
    IncidentStatus.REOPENED: "orange",
    IncidentStatus.REJECTED: "dark",
}
SEVERITY_COLOURS = {Severity.URGENT: "red", Severity.COMPLEX: "yellow", Severity.NORMAL: "secondary"}

STATISTICS_GROUPS = {
    "locality": gettext_lazy("By locality"),
    "field": gettext_lazy("By field"),
    "leader": gettext_lazy("By leader"),
}
# The filters in the first row of the filter form; any other applied opens the "more filters" panel.
PRIMARY_FILTERS = ("q", "status", "severity", "overdue")
# A directive's status bucket (followup's), coloured as on followup's pages.
BUCKET_COLOURS = {
    "overdue": "red",
    "done_late": "orange",
    "done_on_time": "green",
    "in_progress": "blue",
    "not_due": "secondary",
}

# A directive issued from an incident is due this many days later by default (on a working day).
DIRECTIVE_DAYS = 30


# --- helpers --------------------------------------------------------------------------------------


def _moment(value) -> str:
    return formats.date_format(timezone.localtime(value), "d/m/Y H:i") if value else "—"


def _badges() -> dict:
    return {
        "status_labels": dict(IncidentStatus.choices),
        "status_colours": STATUS_COLOURS,
        "severity_labels": dict(Severity.choices),
        "severity_colours": SEVERITY_COLOURS,
    }


def _filter_context(request, filterset) -> dict:
    """What the shared filter form needs beside the FilterSet: its pickers, all scoped to the user."""
    user = request.user
    return {
        "params": request.GET,
        "more_filters": any(name not in PRIMARY_FILTERS for name in filterset.applied),
        "statuses": IncidentStatus.choices,
        "severities": Severity.choices,
        "flag_choices": FLAGS,
        "fields": IncidentField.choices,
        "sources": IncidentSource.choices,
        "localities": org_selectors.unit_list(user=user).order_by("level", "sort_key", "id"),
        "leaders": org_selectors.person_list(user=user, leaders_only=True).order_by("sort_key", "id"),
        "units": org_selectors.agency_list(user=user).order_by("sort_key", "id"),
        "filter_query": filter_query(request, "sort", "by"),
        **_badges(),
    }


def _reachable_url(user, incident) -> str:
    """The incident's page, or the list when the write took it out of the user's own reach."""
    if selectors.incident_list(user=user).filter(pk=incident.pk).exists():
        return incident.get_absolute_url()
    return reverse("incidents:list")


class OrganisationOnly:
    """Pages of the organisation's incidents: someone without an organisation reaches nothing."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.committee = org_selectors.committee_or_404(request.user)
        return super().dispatch(request, *args, **kwargs)


class IncidentRows(OrganisationOnly, FilteredMixin):
    """The incidents the user may see under the list's one FilterSet: the list, the export, the map, the
    statistics."""

    selector = staticmethod(selectors.incident_list)  # not a view itself: wrapped here, not by the toolkit
    filterset = IncidentFilterSet
    sorts = INCIDENT_SORTS


# --- the list, my incidents, the export -------------------------------------------------------------


class IncidentList(IncidentRows, ObjectListView):
    """Incidents with the shared filter: status, severity, flags, field, source, place, leader, period."""

    primary_filters = PRIMARY_FILTERS
    template_name, partial_name, nav = (
        "incidents/incident_list.html",
        "incidents/_incident_rows.html",
        "incidents",
    )

    def get_extra_context(self, request, page, filterset):
        user = request.user
        return {
            "can_report": selectors.can_report(user),
            "can_import": can_manage(user),
            **_filter_context(request, filterset),
        }


class MyIncidents(IncidentRows, ObjectListView):
    """The incidents frozen on the user as the leader in charge, or on their unit as its focal point:
    open ones first, the overdue at the top."""

    selector = selectors.my_incidents
    sorts = []
    template_name, partial_name, nav = (
        "incidents/my_incidents.html",
        "incidents/_incident_rows.html",
        "my_incidents",
    )

    def get_queryset(self, request):
        is_open = Case(
            When(status__in=OPEN_STATUSES, then=Value(True)), default=False, output_field=BooleanField()
        )
        return (
            super()
            .get_queryset(request)
            .annotate(is_open=is_open)
            .order_by("-is_open", "-is_overdue", "resolve_due_at", "-reported_at", "-id")
        )

    def get_extra_context(self, request, page, filterset):
        user, rows = request.user, filterset.qs
        return {
            "counts": {
                "open": rows.filter(status__in=OPEN_STATUSES).count(),
                "overdue": rows.filter(is_overdue=True).count(),
            },
            "is_leader": getattr(user, "person", None) is not None,
            "is_focal": bool(user.agency_id),
            "can_report": selectors.can_report(user),
            "mine": True,
            **_badges(),
        }


class IncidentExport(IncidentRows, ObjectExportView):
    """The filtered list as an Excel workbook, with an audit event saying who took what."""

    workbook = exports.incident_workbook
    filename = "incidents"


# --- intake -----------------------------------------------------------------------------------------


def _routing_message(incident) -> str:
    """Who the new incident landed on, how, and its deadlines, for the message after saving."""
    deadlines = _("Acknowledge by {ack}; resolve by {resolve}.").format(
        ack=_moment(incident.ack_due_at), resolve=_moment(incident.resolve_due_at)
    )
    if incident.responsible_leader is None:
        return _(
            "Incident {code} has been recorded, but no leader answers for this place: "
            "the office must assign it. {deadlines}"
        ).format(code=incident.code, deadlines=deadlines)
    return _("Incident {code} has been recorded and routed to {leader} ({how}). {deadlines}").format(
        code=incident.code,
        leader=incident.responsible_leader.full_name,
        how=incident.get_routed_via_display(),
        deadlines=deadlines,
    )


INTAKE_FIELDS = (
    "title", "description", "occurred_at", "source", "field", "severity", "locality", "agency", "place",
    "latitude", "longitude", "reporter_name", "reporter_contact",
)  # fmt: skip


class IncidentCreate(OrganisationOnly, ObjectFormView):
    """Report an incident from a phone or a desk; it is routed to the leader in charge on saving."""

    permission = selectors.can_report
    form_class = IncidentForm
    nav = "incident_report"

    def get_form_kwargs(self, request, obj):
        """Any locality or unit of the organisation: a report may concern a place outside one's own reach."""
        user = request.user
        return {
            "localities": org_selectors.unit_list(user=user).order_by("level", "sort_key", "id"),
            "agencies": org_selectors.agency_list(user=user).order_by("sort_key", "id"),
            "incidents": selectors.incident_list(user=user),
        }

    def get_form(self, request, obj):
        pickers = self.get_form_kwargs(request, obj)
        initial = {"occurred_at": timezone.localtime().replace(second=0, microsecond=0)}
        if request.user.agency_id:
            unit = pickers["agencies"].filter(pk=request.user.agency_id).first()
            if unit is not None and unit.locality_id:
                initial["locality"] = unit.locality_id
        posted = request.method == "POST"
        return self.form_class(
            request.POST if posted else None, request.FILES if posted else None, initial=initial, **pickers
        )

    def create(self, request, data):
        self.duplicate_of = data["duplicate_of"]
        try:
            with transaction.atomic():
                incident = services.incident_create(
                    actor=request.user,
                    organization=self.committee,
                    flags={name: data[name] for name, _label in FLAGS},
                    files=data["attachments"],
                    **{name: data[name] for name in INTAKE_FIELDS},
                )
                if self.duplicate_of is not None:
                    incident = services.incident_link_duplicate(
                        actor=request.user,
                        incident=incident,
                        version=incident.version,
                        duplicate_of=self.duplicate_of,
                    )
        except ValidationError as exc:
            if hasattr(exc, "error_dict") or not request.FILES:
                raise
            raise ValidationError(
                {"attachments": exc.messages}
            ) from exc  # a file refused for its type or size
        return incident

    def get_success_message(self, incident):
        return _routing_message(incident)

    def get_success_url(self, incident):
        if self.duplicate_of is not None:
            messages.info(
                self.request,
                _("It has been linked as a duplicate of {code}.").format(code=self.duplicate_of.code),
            )
        return _reachable_url(self.request.user, incident)

    def render_form(self, request, obj, form):
        suspects = []
        data = form.cleaned_data if form.is_bound else {}
        if data.get("title") and data.get("occurred_at"):
            suspects = selectors.duplicate_suspects(
                user=request.user,
                organization=self.committee,
                title=data["title"],
                occurred_at=data["occurred_at"],
                locality=data.get("locality"),
                agency=data.get("agency"),
            )
        return _intake_page(request, form, suspects)


@allow_basemap
def _intake_page(request, form, suspects):
    return render(
        request,
        "incidents/incident_form.html",
        {
            "nav": "incident_report",
            "form": form,
            "suspects": suspects,
            "chosen": str(form["duplicate_of"].value() or ""),
            **_badges(),
        },
    )


def _parse_moment(raw: str) -> dt.datetime | None:
    raw = (raw or "").strip()
    for fmt in DATETIME_INPUT_FORMATS:
        try:
            return timezone.make_aware(dt.datetime.strptime(raw, fmt))
        except ValueError:
            continue
    return None


class DuplicateCheck(OrganisationOnly, ScopedView):
    """The earlier reports that look like the one being typed (htmx): same place, similar title, near time."""

    permission = selectors.can_report
    http_method_names = ["get"]

    def get(self, request):
        user = request.user
        raw_locality, raw_agency = request.GET.get("locality", ""), request.GET.get("agency", "")
        localities, agencies = org_selectors.unit_list(user=user), org_selectors.agency_list(user=user)
        suspects = selectors.duplicate_suspects(
            user=user,
            organization=self.committee,
            title=request.GET.get("title", ""),
            occurred_at=_parse_moment(request.GET.get("occurred_at", "")) or timezone.now(),
            locality=localities.filter(pk=raw_locality).first() if raw_locality.isdigit() else None,
            agency=agencies.filter(pk=raw_agency).first() if raw_agency.isdigit() else None,
        )
        return render(
            request,
            "incidents/_duplicates.html",
            {"suspects": suspects, "chosen": request.GET.get("duplicate_of", ""), **_badges()},
        )


# --- one incident -----------------------------------------------------------------------------------


def _clock(calendar, due, done, now, is_open) -> dict | None:
    """A deadline with the working time left, or by how much it was (or is being) missed."""
    if due is None:
        return None
    clock = {"due": due, "done": done, "left": None, "late": None, "on_time": None}
    if done is not None:
        clock["on_time"] = done <= due
        if done > due:
            clock["late"] = float(round(calendar.working_hours_between(due, done), 1))
    elif is_open:
        if now < due:
            clock["left"] = float(round(calendar.working_hours_between(now, due), 1))
        else:
            clock["late"] = float(round(calendar.working_hours_between(due, now), 1))
    return clock


def _routing(user, incident) -> dict:
    """How the incident reached its leader: directly, through the unit above, by default, or by hand."""
    assignment = None
    if incident.responsible_assignment_id:
        assignment = (
            org_selectors.assignment_list(user=user, include_archived=True)
            .filter(pk=incident.responsible_assignment_id)
            .first()
        )
    return {
        "via": incident.routed_via,
        "label": incident.get_routed_via_display(),
        "assignment": assignment,
    }


def _actions(user, incident) -> list[dict]:
    """The moves the service would let the user make from here, each a small form."""
    labels = {
        IncidentStatus.ASSIGNED: _("Confirm the assignment"),
        IncidentStatus.HANDLING: _("Resume handling")
        if incident.status == IncidentStatus.REOPENED
        else _("Acknowledge and start handling"),
        IncidentStatus.RESOLVED: _("Mark as resolved"),
        IncidentStatus.CLOSED: _("Close"),
        IncidentStatus.REOPENED: _("Reopen"),
        IncidentStatus.REJECTED: _("Reject"),
    }
    return [
        {"status": status, "label": labels[status], "danger": status == IncidentStatus.REJECTED}
        for status in TRANSITIONS.get(incident.status, ())
        if not services.move_refusal(actor=user, incident=incident, status=status)
    ]


def _known_records(incident, directives, attachments) -> list:
    """The records the page has already loaded, which its timeline names without a query."""
    related = (incident.locality, incident.agency, incident.responsible_leader, incident.handling_unit)
    return [incident, *directives, *(d.lead_unit for d in directives), *attachments, *filter(None, related)]


def _bucket_labels() -> dict:
    from followup.choices import StatusBucket

    return dict(StatusBucket.choices)


class IncidentDetail(ObjectDetailView):
    """One incident: what, where, who answers for it and how it got there, deadlines, files, moves,
    directives and the timeline. The buttons read `can.handle` and `can.reassign` (pure predicates)."""

    gate = selectors.get_incident_for_user
    template_name, context_object_name, nav = "incidents/incident_detail.html", "incident", "incidents"
    actions = {"handle": selectors.can_handle, "reassign": selectors.can_reassign}
    forms: dict = {}  # a form posted from the page that came back with errors, by its context name

    def get_extra_context(self, request, incident):
        user = request.user
        can_reassign = selectors.can_reassign(user, incident)
        now = timezone.now()
        calendar = WorkingCalendar.for_organization(incident.organization_id)
        is_open = incident.status in OPEN_STATUSES
        # The reassignment and directive forms are fetched when their section opens (DetailFormView's GET):
        # built here, they were a fifth of the page's time. A form posted with errors comes back in place.
        forms = {
            name: self.forms.get(name) if can_reassign else None
            for name in ("reassign_form", "directive_form")
        }
        directives = selectors.incident_directives(user=user, incident=incident)
        attachments = selectors.incident_attachments(incident)
        events = audit.history_for(incident, *directives, *attachments)
        duplicate_of = None
        if incident.duplicate_of_id:
            duplicate_of = (
                selectors.incident_list(user=user, include_archived=True)
                .filter(pk=incident.duplicate_of_id)
                .first()
            )
        return {
            "routing": _routing(user, incident),
            "ack_clock": _clock(calendar, incident.ack_due_at, incident.acknowledged_at, now, is_open),
            "resolve_clock": _clock(calendar, incident.resolve_due_at, incident.resolved_at, now, is_open),
            "is_open": is_open,
            "attachments": attachments,
            "actions": _actions(user, incident) if selectors.can_handle(user, incident) else [],
            "reject_reasons": RejectReason.choices,
            **forms,
            "directives": directives,
            "bucket_labels": _bucket_labels(),
            "bucket_colours": BUCKET_COLOURS,
            "duplicate_of": duplicate_of,
            "duplicates": selectors.incident_duplicates(user=user, incident=incident),
            "events": audit.timeline(events[:60], known=_known_records(incident, directives, attachments)),
            **_badges(),
        }


class IncidentAttachment(ScopedView):
    """A file of an incident, only to someone who may see the incident; always a download."""

    def get(self, request, pk: int, file_pk: int):
        incident = selectors.get_incident_for_user(user=request.user, pk=pk)
        attachment = next((a for a in selectors.incident_attachments(incident) if a.pk == file_pk), None)
        if attachment is None:
            raise Http404
        return attachment_response(attachment)


class IncidentStatusMove(ObjectActionView):
    """Move the incident along its workflow; an illegal move shows the service's message, nothing changes."""

    gate, gate_action = selectors.get_incident_for_user, "handle"

    def perform(self, request, incident):
        form = StatusForm(request.POST, request.FILES)
        if not form.is_valid():
            raise ValidationError(form_errors_text(form))
        data = form.cleaned_data
        duplicate_of = None
        if data["status"] == IncidentStatus.REJECTED and data["reject_reason"] == RejectReason.DUPLICATE:
            code = data["duplicate_code"].strip().upper()
            duplicate_of = (
                selectors.incident_list(user=request.user).filter(code=code).first() if code else None
            )
            if code and duplicate_of is None:
                raise ValidationError(_("No incident with the code {code} was found.").format(code=code))
        with transaction.atomic():
            incident = services.incident_set_status(
                actor=request.user,
                incident=incident,
                version=form_version(form),
                status=data["status"],
                note=data["note"],
                resolution=data["resolution"],
                reject_reason=data["reject_reason"],
                duplicate_of=duplicate_of,
            )
            for upload in data["files"]:
                attachment_add(
                    actor=request.user, organization=incident.organization, instance=incident, upload=upload
                )
        return incident

    def get_success_message(self, incident):
        return _("The incident is now “{status}”.").format(status=IncidentStatus(incident.status).label)


class DetailFormView(ObjectFormView):
    """A form that sits on the incident's page (reassignment, directive). GET gives the form alone to htmx
    when its section opens, or on a page of its own without script; a post with errors shows the incident's
    page again with the form open (400). Its selects search the org API (core.forms.RemoteSelect)."""

    http_method_names = ["get", "post"]
    gate, gate_action = selectors.get_incident_for_user, "reassign"
    form_name = ""
    partial_name = ""
    title = ""

    def render_form(self, request, incident, form):
        if request.method == "GET":
            context = {"form": form, "incident": incident}
            if request.headers.get("HX-Request"):
                return render(request, self.partial_name, context)
            context.update(self.base_context(), title=self.title, form_template=self.partial_name)
            return render(request, "incidents/incident_action.html", context)
        messages.error(request, form_errors_text(form))
        page = IncidentDetail(forms={self.form_name: form})
        page.setup(request, pk=incident.pk)
        return page.render_detail(request, incident, status=400)


class IncidentReassign(DetailFormView):
    """Hand the incident to another leader (and unit), with a reason that goes on the timeline."""

    form_class, form_name, partial_name = ReassignForm, "reassign_form", "incidents/_reassign_form.html"
    title = gettext_lazy("Reassign to another leader")

    def get_initial(self, request, incident):
        return {"version": incident.version}

    def get_form_kwargs(self, request, incident):
        return {
            # Offered: the leaders (the org API's leaders_only search); accepted: anyone of the organisation.
            "leaders": org_selectors.person_list(user=request.user),
            "agencies": org_selectors.agency_list(user=request.user),
            "auto_id": "id_reassign_%s",
        }

    def update(self, request, incident, data, version):
        self.leader = data["leader"]
        return services.incident_reassign(actor=request.user, incident=incident, version=version, **data)

    def get_success_message(self, incident):
        return _("The incident has been reassigned to {leader}.").format(leader=self.leader.full_name)

    def get_success_url(self, incident):
        return _reachable_url(self.request.user, incident)


class IncidentDirective(DetailFormView):
    """Issue a directive from the incident; followup schedules its re-supervision."""

    form_class, form_name, partial_name = DirectiveForm, "directive_form", "incidents/_directive_form.html"
    success_message = gettext_lazy("The directive has been issued.")
    title = gettext_lazy("Issue a directive")

    def get_initial(self, request, incident):
        return {
            "lead_unit": incident.handling_unit_id,
            "deadline": default_deadline(incident.organization_id, DIRECTIVE_DAYS),
        }

    def get_form_kwargs(self, request, incident):
        return {"agencies": org_selectors.agency_list(user=request.user), "auto_id": "id_directive_%s"}

    def save(self, request, incident, form):
        data = form.cleaned_data
        services.incident_issue_directive(
            actor=request.user,
            incident=incident,
            content=data["content"],
            lead_unit=data["lead_unit"],
            deadline=data["deadline"],
            cooperating_units=list(data["cooperating_units"]),
            issued_by=leader_person(request.user),  # a leader in their own name; else the leader in charge
        )
        return incident


# --- the map and the statistics -------------------------------------------------------------------


@allow_basemap_get
class IncidentMap(IncidentRows, ScopedView):
    """The incidents with coordinates on a map, coloured by status and severity; tiles are optional."""

    nav = "incident_map"

    def get(self, request):
        filterset = IncidentFilterSet(request.GET, queryset=Incident.objects.none(), request=request)
        context = {"limit": MAP_POINT_LIMIT, **_filter_context(request, filterset)}
        return render(request, "incidents/incident_map.html", {**self.base_context(), **context})


class IncidentMapData(IncidentRows, ScopedView):
    """The points of the map: the same filters and scope as the list, capped."""

    def get(self, request):
        _filterset, qs = self.filtered(request)
        rows, capped = selectors.map_points(qs, limit=MAP_POINT_LIMIT)
        labels = {"status": dict(IncidentStatus.choices), "severity": dict(Severity.choices)}
        detail_url = reverse("incidents:detail", args=[0])[: -len("0/")]
        points = [
            {
                **r,
                "status_label": str(labels["status"].get(r["status"], r["status"])),
                "severity_label": str(labels["severity"].get(r["severity"], r["severity"])),
                "url": f"{detail_url}{r['id']}/",
            }
            for r in rows
        ]
        return JsonResponse({"points": points, "capped": capped, "limit": MAP_POINT_LIMIT})


class IncidentStatistics(IncidentRows, ScopedView):
    """Charts first, tables beneath: counts, open, median working time to acknowledge and to resolve, and
    the on-time rate, by field, locality and leader, over the filtered incidents the user may see. Every
    figure is computed by the database (selectors.incident_statistics_by); the long table of localities is
    paginated."""

    nav = "incident_statistics"

    def get(self, request):
        filterset, qs = self.filtered(request)
        field_labels = dict(IncidentField.choices)
        by_grouping = selectors.incident_statistics_by(qs, tuple(STATISTICS_GROUPS))
        tables = []
        for by, title in STATISTICS_GROUPS.items():
            rows = by_grouping[by]
            for row in rows:
                row["label"] = str(field_labels.get(row["key"], row["key"])) if by == "field" else row["key"]
            table = {"by": by, "title": title, "rows": rows, "count": len(rows)}
            if by == "locality":
                table["page"] = paginate(request, rows, per_page=STATISTICS_PAGE_SIZE)
                table["rows"] = table["page"].object_list
            tables.append(table)
        context = {
            **self.base_context(),
            "tables": tables,
            "summary": _statistics_summary(by_grouping["field"]),
            "chart": _statistics_chart(by_grouping),
            "qs_page": query_string_without(request, "page"),
            "working_day": _working_day(),
            **_filter_context(request, filterset),
        }
        return render(request, "incidents/incident_statistics.html", context)


def _working_day() -> str:
    """The length of a working day on the working calendar, as read: "8 giờ"."""
    hours = hours_per_working_day()
    n = formats.number_format(hours.normalize(), use_l10n=True)
    return ngettext("{n} hour", "{n} hours", int(hours)).format(n=n)


# Rows of the locality table on a page, and bars of the locality chart (the localities with most incidents).
STATISTICS_PAGE_SIZE = 20
CHART_LOCALITIES = 15


def _statistics_summary(by_field: list[dict]) -> dict:
    """The totals over every incident counted: each incident has one field, so the fields' counts add up."""
    total = sum(row["total"] for row in by_field)
    resolved = sum(row["resolved"] for row in by_field)
    on_time = sum(row["on_time"] for row in by_field)
    return {
        "total": total,
        "open": sum(row["open"] for row in by_field),
        "resolved": resolved,
        "on_time_rate": round(100 * on_time / resolved, 1) if resolved else None,
    }


def _statistics_chart(by_grouping: dict[str, list[dict]]) -> dict:
    """What the page's charts draw (static/coso/incident-statistics.js), read from a json_script element."""

    def bars(rows: list[dict]) -> dict:
        return {
            "names": [str(row["label"]) for row in rows],
            "open": [row["open"] for row in rows],
            "other": [row["total"] - row["open"] for row in rows],
        }

    leaders = [row for row in by_grouping["leader"] if row["on_time_rate"] is not None]
    return {
        "labels": {
            "open": _("Open"),
            "other": _("Resolved, closed or rejected"),
            "on_time": _("On time"),
            "median_resolve": _("Median time to resolve"),
            "resolved": _("Resolved"),
        },
        "field": bars(by_grouping["field"]),
        "locality": bars(by_grouping["locality"][:CHART_LOCALITIES]),
        "leader": {
            "names": [str(row["label"]) for row in leaders],
            "on_time": [row["on_time_rate"] for row in leaders],
            "resolved": [row["resolved"] for row in leaders],
            "median_resolve": [
                describe_hours(row["median_resolve_hours"])
                if row["median_resolve_hours"] is not None
                else "—"
                for row in leaders
            ],
        },
    }


# --- import -----------------------------------------------------------------------------------------


class IncidentImport(OrganisationOnly, ObjectImportView):
    """Import incidents from an Excel sheet (the office), as a background task with a progress page: all or
    nothing, every error by row and column. The importer records its own audit event, refused or not."""

    permission = can_manage
    form_class = ImportForm
    import_kind = "incidents"
    template_workbook = exports.incident_import_template
    template_filename = "incidents-template.xlsx"
    template_name, nav = "core/import.html", "incidents"

    def get_extra_context(self, request, obj):
        return {
            "title": _("Import incidents"),
            "pretitle": _("Incidents"),
            "intro": _(
                "Upload an Excel sheet with one incident per row. Each one is routed to the leader in "
                "charge of its place on the day it occurred. If any row has an error, nothing is imported: "
                "correct the sheet and upload it again."
            ),
            "template_url": reverse("incidents:import") + "?template=1",
            "cancel_url": reverse("incidents:list"),
        }


def incident_import_target(user, params: dict) -> ImportTarget:
    """The incident import of core.imports' registry: into the user's organisation, by the office only."""
    if not can_manage(user):
        raise Http404
    committee = org_selectors.committee_or_404(user)
    return ImportTarget(
        organization=committee,
        arguments={"organization": committee},
        result_url=reverse("incidents:list"),
        form_url=reverse("incidents:import"),
    )


def incidents_imported(count: int) -> str:
    return ngettext(
        "{count} incident imported and routed.", "{count} incidents imported and routed.", count
    ).format(count=formats.number_format(count, force_grouping=True))
