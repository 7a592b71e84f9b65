"""Pages of incidents: thin views that parse, call a selector or a service, and render.

Every incident is reached through `selectors.get_incident_for_user`, so someone else's incident (another
organisation's, or outside the user's scope) answers 404, and a move the user may not make answers 404 too.
"""

import datetime as dt
from functools import wraps
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import BooleanField, Case, Value, When
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.csp import csp_override
from django.views.decorators.http import require_GET, require_POST

from core import audit
from core.calendar import WorkingCalendar
from core.errors import ConflictError
from core.forms import add_errors, form_errors_text, form_version
from core.listing import SortOption, paginate, render_list, sort_queryset
from core.models import Attachment
from core.services import attachment_add
from core.web import allowed, attachment_response, filter_query, xlsx_export, xlsx_response
from incidents import exports, importers, selectors, services
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

INCIDENT_SORTS = [
    SortOption("reported", gettext_lazy("Reported"), ("-reported_at", "-id")),
    SortOption("deadline", gettext_lazy("Deadline"), ("resolve_due_at", "id")),
    SortOption("code", gettext_lazy("Code"), ("code", "id")),
]
STATISTICS_GROUPS = {
    "locality": gettext_lazy("By locality"),
    "field": gettext_lazy("By field"),
    "leader": gettext_lazy("By leader"),
}
# Filters beyond the first row of the list's filter form: the "more filters" panel opens when one is set.
MORE_FILTERS = ("flag", "field", "source", "locality", "leader", "unit", "open", "date_from", "date_to")
# A directive's status bucket (followup's), coloured as on followup's pages.
BUCKET_COLOURS = {
    "overdue": "red",
    "done_late": "orange",
    "done_on_time": "green",
    "in_progress": "blue",
    "not_due": "secondary",
}


# --- helpers --------------------------------------------------------------------------------------


def _can_report(user) -> bool:
    """The office, the Standing Board, leaders and focal points report incidents; viewers do not."""
    return bool(user.role) and not user.is_read_only


def _moment(value) -> str:
    return formats.date_format(timezone.localtime(value), "d/m/Y H:i") if value else "—"


def _badges() -> dict:
    return {
        "status_labels": dict(IncidentStatus.choices),
        "status_colours": STATUS_COLOURS,
        "severity_labels": dict(Severity.choices),
        "severity_colours": SEVERITY_COLOURS,
    }


def _filter_context(request, user) -> dict:
    """What the shared filter form needs: the values in use and the pickers, all scoped to the user."""
    return {
        "params": request.GET,
        "more_filters": any(request.GET.get(name) for name in MORE_FILTERS),
        "statuses": IncidentStatus.choices,
        "severities": Severity.choices,
        "flag_choices": FLAGS,
        "fields": IncidentField.choices,
        "sources": IncidentSource.choices,
        "localities": org_selectors.unit_list(user=user).order_by("level", "sort_key", "id"),
        "leaders": org_selectors.person_list(user=user, leaders_only=True).order_by("sort_key", "id"),
        "units": org_selectors.agency_list(user=user).order_by("sort_key", "id"),
        "filter_query": filter_query(request, "sort", "by"),
    }


def _tile_url() -> str:
    return getattr(settings, "COSO_MAP_TILE_URL", "") or ""


def _tile_origin() -> str:
    """The tile server's origin for the Content Security Policy ("{s}" subdomains become "*")."""
    parts = urlsplit(_tile_url())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return ""  # no tiles, or tiles served by this site itself
    host = parts.netloc.rsplit("@", 1)[-1].replace("{s}", "*")
    return f"{parts.scheme}://{host}"


def _allow_tiles(view):
    """Let a map page load images from the configured tile server, and nothing else from outside."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        origin = _tile_origin()
        if not origin:
            return view(request, *args, **kwargs)
        config = {key: list(value) for key, value in settings.SECURE_CSP.items()}
        config["img-src"] = [*config.get("img-src", []), origin]
        return csp_override(config)(view)(request, *args, **kwargs)

    return wrapped


# --- the list, my incidents, the export -------------------------------------------------------------


@login_required
def incident_list(request):
    """Incidents with the shared filter: status, severity, flags, field, source, place, leader, period."""
    user = request.user
    org_selectors.committee_or_404(user)
    qs = selectors.incident_list(user=user, filters=request.GET)
    qs, sort = sort_queryset(request, qs, INCIDENT_SORTS)
    page = paginate(request, qs)
    context = {
        "nav": "incidents",
        "page": page,
        "sort": sort,
        "export_query": filter_query(request, "sort"),
        "can_report": _can_report(user),
        "can_import": user.is_office,
        **_filter_context(request, user),
        **_badges(),
    }
    return render_list(request, "incidents/incident_list.html", "incidents/_incident_rows.html", context)


@login_required
def my_incidents(request):
    """The incidents frozen on the user as the leader in charge, or on their unit as its focal point:
    open ones first, the overdue at the top."""
    user = request.user
    org_selectors.committee_or_404(user)
    qs = selectors.my_incidents(user=user)
    is_open = Case(
        When(status__in=OPEN_STATUSES, then=Value(True)), default=False, output_field=BooleanField()
    )
    qs = qs.annotate(is_open=is_open).order_by(
        "-is_open", "-is_overdue", "resolve_due_at", "-reported_at", "-id"
    )
    counts = {
        "open": qs.filter(status__in=OPEN_STATUSES).count(),
        "overdue": qs.filter(is_overdue=True).count(),
    }
    page = paginate(request, qs)
    context = {
        "nav": "my_incidents",
        "page": page,
        "counts": counts,
        "is_leader": getattr(user, "person", None) is not None,
        "is_focal": bool(user.agency_id),
        "can_report": _can_report(user),
        "mine": True,
        **_badges(),
    }
    return render_list(request, "incidents/my_incidents.html", "incidents/_incident_rows.html", context)


@login_required
def incident_export(request):
    """The filtered list as an Excel workbook, with an audit event saying who took what."""
    user = request.user
    org_selectors.committee_or_404(user)
    qs = selectors.incident_list(user=user, filters=request.GET)
    qs, _sort = sort_queryset(request, qs, INCIDENT_SORTS)
    return xlsx_export(request, exports.incident_workbook(qs), "incidents")


# --- intake -----------------------------------------------------------------------------------------


def _intake_pickers(user) -> dict:
    """Any locality or unit of the organisation: a report may concern a place outside one's own reach."""
    return {
        "localities": org_selectors.unit_list(user=user).order_by("level", "sort_key", "id"),
        "agencies": org_selectors.agency_list(user=user).order_by("sort_key", "id"),
        "incidents": selectors.incident_list(user=user),
    }


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


@login_required
def incident_create(request):
    """Report an incident from a phone or a desk; it is routed to the leader in charge on saving."""
    user = request.user
    committee = org_selectors.committee_or_404(user)
    if not _can_report(user):
        raise Http404
    pickers = _intake_pickers(user)
    initial = {"occurred_at": timezone.localtime().replace(second=0, microsecond=0)}
    if getattr(user, "agency_id", None):
        unit = pickers["agencies"].filter(pk=user.agency_id).first()
        if unit is not None and unit.locality_id:
            initial["locality"] = unit.locality_id
    form = IncidentForm(request.POST or None, request.FILES or None, initial=initial, **pickers)
    suspects = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                incident = services.incident_create(
                    actor=user,
                    organization=committee,
                    title=data["title"],
                    description=data["description"],
                    occurred_at=data["occurred_at"],
                    source=data["source"],
                    field=data["field"],
                    severity=data["severity"],
                    locality=data["locality"],
                    agency=data["agency"],
                    place=data["place"],
                    latitude=data["latitude"],
                    longitude=data["longitude"],
                    reporter_name=data["reporter_name"],
                    reporter_contact=data["reporter_contact"],
                    flags={name: data[name] for name, _label in FLAGS},
                    files=data["attachments"],
                )
                if data["duplicate_of"] is not None:
                    incident = services.incident_link_duplicate(
                        actor=user,
                        incident=incident,
                        version=incident.version,
                        duplicate_of=data["duplicate_of"],
                    )
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                add_errors(form, exc)
            else:  # an attachment refused for its type or size, or a place outside the organisation
                form.add_error("attachments" if request.FILES else None, exc.messages)
        else:
            messages.success(request, _routing_message(incident))
            if data["duplicate_of"] is not None:
                messages.info(
                    request,
                    _("It has been linked as a duplicate of {code}.").format(code=data["duplicate_of"].code),
                )
            if selectors.incident_list(user=user).filter(pk=incident.pk).exists():
                return redirect(incident.get_absolute_url())
            return redirect("incidents:list")  # reported outside the reporter's own reach
    if form.is_bound and form.cleaned_data.get("title") and form.cleaned_data.get("occurred_at"):
        suspects = selectors.duplicate_suspects(
            user=user,
            organization=committee,
            title=form.cleaned_data["title"],
            occurred_at=form.cleaned_data["occurred_at"],
            locality=form.cleaned_data.get("locality"),
            agency=form.cleaned_data.get("agency"),
        )
    return _intake_page(request, form, suspects)


@_allow_tiles
def _intake_page(request, form, suspects):
    return render(
        request,
        "incidents/incident_form.html",
        {
            "nav": "incidents",
            "form": form,
            "suspects": suspects,
            "chosen": str(form["duplicate_of"].value() or ""),
            "tile_url": _tile_url(),
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


@login_required
@require_GET
def duplicate_check(request):
    """The earlier reports that look like the one being typed (htmx): same place, similar title, near time."""
    user = request.user
    committee = org_selectors.committee_or_404(user)
    if not _can_report(user):
        raise Http404
    raw_locality, raw_agency = request.GET.get("locality", ""), request.GET.get("agency", "")
    locality = (
        org_selectors.unit_list(user=user).filter(pk=raw_locality).first() if raw_locality.isdigit() else None
    )
    agency = (
        org_selectors.agency_list(user=user).filter(pk=raw_agency).first() if raw_agency.isdigit() else None
    )
    suspects = selectors.duplicate_suspects(
        user=user,
        organization=committee,
        title=request.GET.get("title", ""),
        occurred_at=_parse_moment(request.GET.get("occurred_at", "")) or timezone.now(),
        locality=locality,
        agency=agency,
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


def _directives(user, incident) -> list:
    """The directives issued from the incident that the user may see, with their status buckets."""
    from followup import selectors as followup_selectors
    from followup.choices import SourceKind

    ct = ContentType.objects.get_for_model(Incident)
    return list(
        followup_selectors.directive_list(user=user, include_archived=True)
        .filter(source_kind=SourceKind.INCIDENT, source_type=ct, source_id=incident.pk)
        .order_by("issued_on", "id")
    )


def _bucket_labels() -> dict:
    from followup.choices import StatusBucket

    return dict(StatusBucket.choices)


def _attachments(incident) -> list:
    ct = ContentType.objects.get_for_model(Incident)
    return list(
        Attachment.objects.filter(
            organization_id=incident.organization_id, content_type=ct, object_id=str(incident.pk)
        ).order_by("uploaded_at", "id")
    )


def _detail_page(request, incident, *, reassign_form=None, directive_form=None, status=200):
    user = request.user
    can_handle = allowed(selectors.get_incident_for_user, user=user, pk=incident.pk, action="handle")
    can_reassign = allowed(selectors.get_incident_for_user, user=user, pk=incident.pk, action="reassign")
    now = timezone.now()
    calendar = WorkingCalendar.for_organization(incident.organization)
    is_open = incident.status in OPEN_STATUSES
    agencies = org_selectors.agency_list(user=user).order_by("sort_key", "id")
    if can_reassign and reassign_form is None:
        reassign_form = ReassignForm(
            initial={"version": incident.version},
            leaders=org_selectors.person_list(user=user, leaders_only=True).order_by("sort_key", "id"),
            agencies=agencies,
            auto_id="id_reassign_%s",
        )
    if can_reassign and directive_form is None:
        directive_form = DirectiveForm(
            initial={
                "lead_unit": incident.handling_unit_id,
                "deadline": timezone.localdate() + dt.timedelta(days=30),
            },
            agencies=agencies,
            auto_id="id_directive_%s",
        )
    directives = _directives(user, incident)
    attachments = _attachments(incident)
    events = audit.history_for(incident, *directives, *attachments)
    duplicate_of = None
    if incident.duplicate_of_id:
        duplicate_of = (
            selectors.incident_list(user=user, include_archived=True)
            .filter(pk=incident.duplicate_of_id)
            .first()
        )
    return render(
        request,
        "incidents/incident_detail.html",
        {
            "nav": "incidents",
            "incident": incident,
            "routing": _routing(user, incident),
            "ack_clock": _clock(calendar, incident.ack_due_at, incident.acknowledged_at, now, is_open),
            "resolve_clock": _clock(calendar, incident.resolve_due_at, incident.resolved_at, now, is_open),
            "is_open": is_open,
            "attachments": attachments,
            "actions": _actions(user, incident) if can_handle else [],
            "reject_reasons": RejectReason.choices,
            "can_handle": can_handle,
            "reassign_form": reassign_form if can_reassign else None,
            "directive_form": directive_form if can_reassign else None,
            "directives": directives,
            "bucket_labels": _bucket_labels(),
            "bucket_colours": BUCKET_COLOURS,
            "duplicate_of": duplicate_of,
            "duplicates": _duplicates_of(user, incident),
            "events": audit.timeline(events[:60]),
            **_badges(),
        },
        status=status,
    )


def _duplicates_of(user, incident) -> list[Incident]:
    """The reports linked to this one as its duplicates, that the user may see (at most 20). Found by
    the link's own index first: through the scoped list, the planner walked every incident by date."""
    ids = list(
        Incident.objects.filter(duplicate_of=incident)
        .order_by("reported_at", "id")
        .values_list("pk", flat=True)[:20]
    )
    if not ids:
        return []
    return list(selectors.incident_list(user=user).filter(pk__in=ids).order_by("reported_at", "id"))


@login_required
def incident_detail(request, pk: int):
    """One incident: what, where, who answers for it and how it got there, deadlines, files, moves,
    directives and the timeline."""
    incident = selectors.get_incident_for_user(user=request.user, pk=pk)
    return _detail_page(request, incident)


@login_required
def incident_attachment(request, pk: int, file_pk: int):
    """A file of an incident, only to someone who may see the incident; always a download."""
    incident = selectors.get_incident_for_user(user=request.user, pk=pk)
    attachment = next((a for a in _attachments(incident) if a.pk == file_pk), None)
    if attachment is None:
        raise Http404
    return attachment_response(attachment)


@login_required
@require_POST
def incident_status(request, pk: int):
    """Move the incident along its workflow; an illegal move shows the service's message, nothing changes."""
    user = request.user
    incident = selectors.get_incident_for_user(user=user, pk=pk, action="handle")
    form = StatusForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, form_errors_text(form))
        return redirect(incident.get_absolute_url())
    data = form.cleaned_data
    status = data["status"]
    duplicate_of = None
    if status == IncidentStatus.REJECTED and data["reject_reason"] == RejectReason.DUPLICATE:
        code = data["duplicate_code"].strip().upper()
        duplicate_of = selectors.incident_list(user=user).filter(code=code).first() if code else None
        if code and duplicate_of is None:
            messages.error(request, _("No incident with the code {code} was found.").format(code=code))
            return redirect(incident.get_absolute_url())
    try:
        with transaction.atomic():
            incident = services.incident_set_status(
                actor=user,
                incident=incident,
                version=form_version(form),
                status=status,
                note=data["note"],
                resolution=data["resolution"],
                reject_reason=data["reject_reason"],
                duplicate_of=duplicate_of,
            )
            for upload in data["files"]:
                attachment_add(
                    actor=user, organization=incident.organization, instance=incident, upload=upload
                )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except ConflictError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, _("The incident is now “{status}”.").format(status=IncidentStatus(status).label)
        )
    return redirect(incident.get_absolute_url())


@login_required
@require_POST
def incident_reassign(request, pk: int):
    """Hand the incident to another leader (and unit), with a reason that goes on the timeline."""
    user = request.user
    incident = selectors.get_incident_for_user(user=user, pk=pk, action="reassign")
    form = ReassignForm(
        request.POST,
        leaders=org_selectors.person_list(user=user).order_by("sort_key", "id"),
        agencies=org_selectors.agency_list(user=user).order_by("sort_key", "id"),
        auto_id="id_reassign_%s",
    )
    if form.is_valid():
        data = form.cleaned_data
        try:
            incident = services.incident_reassign(
                actor=user,
                incident=incident,
                version=form_version(form),
                leader=data["leader"],
                reason=data["reason"],
                handling_unit=data["handling_unit"],
            )
        except ValidationError as exc:
            add_errors(form, exc)
        except ConflictError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request,
                _("The incident has been reassigned to {leader}.").format(leader=data["leader"].full_name),
            )
            if selectors.incident_list(user=user).filter(pk=incident.pk).exists():
                return redirect(incident.get_absolute_url())
            return redirect("incidents:list")  # handed out of the user's own reach
    messages.error(request, form_errors_text(form))
    return _detail_page(request, incident, reassign_form=form, status=400)


@login_required
@require_POST
def incident_directive(request, pk: int):
    """Issue a directive from the incident; followup schedules its re-supervision."""
    user = request.user
    incident = selectors.get_incident_for_user(user=user, pk=pk, action="reassign")
    form = DirectiveForm(
        request.POST,
        agencies=org_selectors.agency_list(user=user).order_by("sort_key", "id"),
        auto_id="id_directive_%s",
    )
    if form.is_valid():
        data = form.cleaned_data
        person = getattr(user, "person", None)
        try:
            services.incident_issue_directive(
                actor=user,
                incident=incident,
                content=data["content"],
                lead_unit=data["lead_unit"],
                deadline=data["deadline"],
                cooperating_units=list(data["cooperating_units"]),
                # A leader issues in their own name; the office issues in the name of the leader in charge.
                issued_by=person if person is not None and not user.is_office else None,
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("The directive has been issued."))
            return redirect(incident.get_absolute_url())
    messages.error(request, form_errors_text(form))
    return _detail_page(request, incident, directive_form=form, status=400)


# --- the map and the statistics -------------------------------------------------------------------


@login_required
def incident_map(request):
    """The incidents with coordinates on a map, coloured by status and severity; tiles are optional."""
    user = request.user
    org_selectors.committee_or_404(user)
    return _map_page(request, user)


@_allow_tiles
def _map_page(request, user):
    return render(
        request,
        "incidents/incident_map.html",
        {
            "nav": "incident_map",
            "tile_url": _tile_url(),
            "limit": MAP_POINT_LIMIT,
            **_filter_context(request, user),
            **_badges(),
        },
    )


@login_required
def incident_map_data(request):
    """The points of the map: the same filters and scope as the list, capped."""
    user = request.user
    org_selectors.committee_or_404(user)
    qs = selectors.incident_list(user=user, filters=request.GET).filter(
        latitude__isnull=False, longitude__isnull=False
    )
    rows = list(
        qs.order_by("-reported_at", "-id").values(
            "pk",
            "code",
            "title",
            "latitude",
            "longitude",
            "status",
            "severity",
            "is_overdue",
            "locality__name",
        )[: MAP_POINT_LIMIT + 1]
    )
    status_labels, severity_labels = dict(IncidentStatus.choices), dict(Severity.choices)
    detail_url = reverse("incidents:detail", args=[0])[: -len("0/")]
    points = [
        {
            "id": r["pk"],
            "code": r["code"],
            "title": r["title"],
            "lat": float(r["latitude"]),
            "lng": float(r["longitude"]),
            "status": r["status"],
            "status_label": str(status_labels.get(r["status"], r["status"])),
            "severity": r["severity"],
            "severity_label": str(severity_labels.get(r["severity"], r["severity"])),
            "overdue": bool(r["is_overdue"]),
            "place": r["locality__name"] or "",
            "url": f"{detail_url}{r['pk']}/",
        }
        for r in rows[:MAP_POINT_LIMIT]
    ]
    return JsonResponse({"points": points, "capped": len(rows) > MAP_POINT_LIMIT, "limit": MAP_POINT_LIMIT})


@login_required
def incident_statistics(request):
    """Counts, open, median hours to acknowledge and to resolve, and the on-time rate, by locality, field
    and leader, over the filtered incidents the user may see."""
    user = request.user
    org_selectors.committee_or_404(user)
    qs = selectors.incident_list(user=user, filters=request.GET)
    field_labels = dict(IncidentField.choices)
    tables = []
    by_grouping = selectors.incident_statistics_by(qs, tuple(STATISTICS_GROUPS))
    for by, title in STATISTICS_GROUPS.items():
        rows = by_grouping[by]
        for row in rows:
            row["label"] = field_labels.get(row["key"], row["key"]) if by == "field" else row["key"]
        tables.append({"by": by, "title": title, "rows": rows})
    return render(
        request,
        "incidents/incident_statistics.html",
        {"nav": "incident_statistics", "tables": tables, **_filter_context(request, user)},
    )


# --- import -----------------------------------------------------------------------------------------


@login_required
def incident_import(request):
    """Import incidents from an Excel sheet (the office): all or nothing, every error by row and column."""
    user = request.user
    committee = org_selectors.committee_or_404(user)
    if not user.is_office:
        raise Http404
    if request.method == "GET" and request.GET.get("template"):
        return xlsx_response(exports.incident_import_template(), "incidents-template.xlsx")
    form = ImportForm(request.POST or None, request.FILES or None)
    errors = []
    if request.method == "POST" and form.is_valid():
        try:
            # All or nothing by itself; not inside a transaction here, so a refusal stays on the trail.
            result = importers.import_incidents(
                actor=user, organization=committee, file=form.cleaned_data["file"]
            )
            errors = list(result.errors)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            if not errors:
                messages.success(
                    request,
                    ngettext(
                        "{count} incident imported and routed.",
                        "{count} incidents imported and routed.",
                        len(result.created),
                    ).format(count=len(result.created)),
                )
                return redirect("incidents:list")
    return render(
        request,
        "incidents/incident_import.html",
        {"nav": "incidents", "form": form, "errors": errors},
        status=400 if errors else 200,
    )
