"""API operations of incidents, scoped exactly like the pages: intake with routing, lists, the map,
statistics, and the workflow (status, reassignment, directives).

Every read goes through incidents.selectors (someone else's incident answers 404), every write through
incidents.services; the list filters are incidents.filters.IncidentFilterSet, the one the page, the map and
the Excel export use. Viewers and users without a role never write: to them every write answers 404.
"""

import datetime as dt
from decimal import Decimal
from typing import Annotated, Literal

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import AfterValidator

from core.api_inputs import (
    MAX_ID,
    MAX_YEAR,
    MIN_YEAR,
    Day,
    Id,
    LongText,
    Text,
    require_writer,
)
from core.api_refs import AgencyRef, PersonLoginRef, UnitRef, UserRef
from core.confidential_api import confidentiality_routes
from core.filters import filter_api, filter_schema
from core.pagination import PageNumberPagination
from followup.services import leader_person
from incidents import selectors, services
from incidents.choices import (
    FLAGS,
    TRANSITIONS,
    IncidentField,
    IncidentSource,
    IncidentStatus,
    RejectReason,
    Severity,
)
from incidents.filters import IncidentFilterSet
from incidents.models import Incident
from org import selectors as org_selectors
from org.refs import agencies_ref, agency_ref, person_ref, unit_ref

router = Router(tags=["incidents"])

MAX_UNITS = 50
MAP_LIMIT = 5_000  # points on one map; narrow the filters to see the rest
FLAG_NAMES = tuple(name for name, _label in FLAGS)


# --- input and output types -----------------------------------------------------------------------


def _local_moment(value: dt.datetime) -> dt.datetime:
    """An input time: within sane years, and read as local time (Asia/Ho_Chi_Minh) when it has no offset."""
    if not MIN_YEAR < value.year < MAX_YEAR:
        raise ValueError(
            _("The time must be between {start} and {end}.").format(start=MIN_YEAR, end=MAX_YEAR)
        )
    if timezone.is_naive(value):
        value = timezone.make_aware(value, timezone.get_default_timezone())
    return timezone.localtime(value)


def _as_local(value: dt.datetime | None) -> dt.datetime | None:
    """An output time in local time, so that clients read +07:00 rather than UTC."""
    return timezone.localtime(value) if value is not None and timezone.is_aware(value) else value


Moment = Annotated[dt.datetime, AfterValidator(_local_moment)]
LocalTime = Annotated[dt.datetime, AfterValidator(_as_local)]


def _label(choices, value) -> str:
    return str(choices(value).label) if value in choices.values else (value or "")


class FlagsSchema(Schema):
    """The characteristics Regulation 09 names; an incident may have several."""

    is_new: bool = Field(False, description="mới phát sinh")
    is_prominent: bool = Field(False, description="nổi cộm")
    is_complex: bool = Field(False, description="phức tạp")
    is_sudden: bool = Field(False, description="đột xuất")
    is_pressing: bool = Field(False, description="bức xúc")
    is_public_concern: bool = Field(False, description="dư luận quan tâm")


class IncidentRef(Schema):
    id: int
    code: str
    title: str


class IncidentOut(Schema):
    id: int
    confidential: bool = Field(
        description="Marked confidential (Mật): seen only by its named readers and the Standing Board"
    )
    code: str
    title: str
    description: str
    status: str
    status_label: str
    severity: str
    severity_label: str
    source: str
    source_label: str
    field: str
    field_label: str
    flags: FlagsSchema
    locality: UnitRef | None
    agency: AgencyRef | None
    place: str
    latitude: float | None
    longitude: float | None
    occurred_at: LocalTime
    reported_at: LocalTime
    reporter_name: str
    reporter_contact: str
    responsible_leader: PersonLoginRef | None = Field(description="The leader in charge, frozen at intake")
    routed_via: str = Field(description="direct, parent, default or manual")
    routed_via_label: str
    handling_unit: AgencyRef | None
    focal_point: UserRef | None
    ack_due_at: LocalTime | None
    resolve_due_at: LocalTime | None
    acknowledged_at: LocalTime | None
    resolved_at: LocalTime | None
    closed_at: LocalTime | None
    status_changed_at: LocalTime
    is_overdue: bool
    resolution: str
    reject_reason: str
    duplicate_of_id: int | None
    version: int
    archived: bool

    @staticmethod
    def resolve_status_label(obj):
        return _label(IncidentStatus, obj.status)

    @staticmethod
    def resolve_severity_label(obj):
        return _label(Severity, obj.severity)

    @staticmethod
    def resolve_source_label(obj):
        return _label(IncidentSource, obj.source)

    @staticmethod
    def resolve_field_label(obj):
        return _label(IncidentField, obj.field)

    @staticmethod
    def resolve_flags(obj):
        return {name: getattr(obj, name) for name in FLAG_NAMES}

    @staticmethod
    def resolve_latitude(obj):
        return float(obj.latitude) if obj.latitude is not None else None

    @staticmethod
    def resolve_longitude(obj):
        return float(obj.longitude) if obj.longitude is not None else None

    @staticmethod
    def resolve_routed_via_label(obj):
        return obj.get_routed_via_display()

    @staticmethod
    def resolve_is_overdue(obj):
        overdue = getattr(obj, "is_overdue", None)
        return bool(overdue) if overdue is not None else selectors.is_overdue(obj)

    @staticmethod
    def resolve_archived(obj):
        return obj.archived_at is not None


class IncidentDetailOut(IncidentOut):
    allowed_statuses: list[str] = Field(description="Where the caller may move it next")
    directive_ids: list[int] = Field(description="Directives issued from it (that the caller may see)")

    @staticmethod
    def resolve_allowed_statuses(obj):
        return getattr(obj, "allowed_statuses", [])

    @staticmethod
    def resolve_directive_ids(obj):
        return getattr(obj, "directive_ids", [])


class IncidentCreatedOut(IncidentDetailOut):
    duplicate_suspects: list[IncidentRef] = Field(
        description="Earlier reports of the same place, a similar title and a nearby time"
    )

    @staticmethod
    def resolve_duplicate_suspects(obj):
        return getattr(obj, "duplicate_suspects", [])


IncidentQuery = filter_schema(IncidentFilterSet, "IncidentQuery")


class IncidentIn(Schema):
    title: Text = Field(min_length=1, max_length=300)
    description: LongText = Field(min_length=1)
    unit: int | None = Field(
        None, ge=1, le=MAX_ID, description="The official code of the administrative unit (e.g. 70)"
    )
    agency_id: Id | None = Field(
        None, description="The unit concerned (an agency id), instead of or with unit"
    )
    severity: Severity
    occurred_at: Moment = Field(description="ISO 8601; a time without an offset is local (Asia/Ho_Chi_Minh)")
    place: Text = Field("", max_length=300)
    latitude: float | None = Field(None, ge=-90, le=90)
    longitude: float | None = Field(None, ge=-180, le=180)
    source: IncidentSource = IncidentSource.CITIZEN
    field: IncidentField = IncidentField.OTHER
    flags: FlagsSchema = Field(default_factory=FlagsSchema)
    reporter_name: Text = Field("", max_length=200)
    reporter_contact: Text = Field("", max_length=200)


class StatusIn(Schema):
    status: IncidentStatus
    version: int = Field(ge=1, le=MAX_ID)
    note: Text = Field("", max_length=500)
    resolution: LongText = Field("", description="Required to resolve")
    reject_reason: RejectReason | None = Field(None, description="Required to reject")
    duplicate_of_id: Id | None = Field(None, description="The incident it duplicates (reject as a duplicate)")


class ReassignIn(Schema):
    leader_id: Id
    reason: Text = Field(min_length=1, max_length=500)
    handling_unit_id: Id | None = None
    version: int = Field(ge=1, le=MAX_ID)


class IncidentDirectiveIn(Schema):
    content: LongText = Field(min_length=1)
    lead_unit_id: Id
    deadline: Day
    cooperating_unit_ids: list[Id] = Field(default_factory=list, max_length=MAX_UNITS)


class DirectiveCreatedOut(Schema):
    directive_id: int
    incident_id: int


class StatisticsRowOut(Schema):
    key: str
    label: str
    total: int
    open: int
    resolved: int
    median_ack_working_hours: float | None = Field(
        description="Median working hours from the report to the acknowledgement, on the working calendar"
    )
    median_resolve_working_hours: float | None = Field(
        description="Median working hours from the report to the resolution, on the working calendar"
    )
    on_time_rate: float | None = Field(description="Per cent of the resolved ones resolved by their deadline")


class PointGeometry(Schema):
    type: Literal["Point"] = "Point"
    coordinates: list[float] = Field(description="[longitude, latitude]")


class PointProperties(Schema):
    id: int
    code: str
    title: str
    status: str
    severity: str
    overdue: bool


class Feature(Schema):
    type: Literal["Feature"] = "Feature"
    geometry: PointGeometry
    properties: PointProperties


class FeatureCollection(Schema):
    type: Literal["FeatureCollection"] = "FeatureCollection"
    features: list[Feature]
    truncated: bool = Field(description=f"More than {MAP_LIMIT} incidents matched: narrow the filters")


# --- helpers ----------------------------------------------------------------------------------------


def _detail(user, incident: Incident) -> Incident:
    """The incident as the caller now sees it (with is_overdue and its directives); when a write took it out
    of the caller's reach (a reassignment), the record the service returned."""
    fresh = selectors.incident_list(user=user, include_archived=True).filter(pk=incident.pk).first()
    return _with_next_moves(user, fresh or incident)


def _with_next_moves(user, incident: Incident) -> Incident:
    """The incident with the directives issued from it and the moves the caller may make next."""
    incident.directive_ids = [d.pk for d in selectors.incident_directives(user=user, incident=incident)]
    incident.allowed_statuses = _allowed_statuses(user, incident)
    return incident


def _allowed_statuses(user, incident: Incident) -> list[str]:
    """The moves the service would let the caller make next."""
    return [
        str(status)
        for status in TRANSITIONS.get(incident.status, ())
        if not services.move_refusal(actor=user, incident=incident, status=status)
    ]


# --- reads ------------------------------------------------------------------------------------------


def _filtered(request, selector, filters):
    """The caller's incidents under the one FilterSet of the incident lists (a bad value is a 422)."""
    return filter_api(IncidentFilterSet, request, selector(user=request.user), filters)


@router.get("/", response=list[IncidentOut], summary="Incidents")
@paginate(PageNumberPagination, page_size=50)
def list_incidents(request, filters: Query[IncidentQuery]):
    """Incidents the caller may see, newest report first, filtered like the page, the map and the export."""
    return _filtered(request, selectors.incident_list, filters).order_by("-reported_at", "-id")


@router.get("/mine", response=list[IncidentOut], summary="My incidents")
@paginate(PageNumberPagination, page_size=50)
def list_my_incidents(request, filters: Query[IncidentQuery]):
    """A leader's incidents (frozen on them), or a focal point's unit's incidents, with the same filters."""
    return _filtered(request, selectors.my_incidents, filters)


@router.get("/statistics", response=list[StatisticsRowOut], summary="Incident statistics")
def incident_statistics(
    request,
    filters: Query[IncidentQuery],
    by: Literal["locality", "field", "leader"] = "locality",
):
    """Counts, median working hours to acknowledge and to resolve, and the on-time rate, by locality, field
    or leader, over the filtered incidents: the statistics page's numbers, computed by the database."""
    rows = selectors.incident_statistics(_filtered(request, selectors.incident_list, filters), by)
    for row in rows:
        row["label"] = _label(IncidentField, row["key"]) if by == "field" else row["key"]
        row["median_ack_working_hours"] = row.pop("median_ack_hours")
        row["median_resolve_working_hours"] = row.pop("median_resolve_hours")
    return rows


@router.get("/map", response=FeatureCollection, summary="Incidents on a map (GeoJSON)")
def incident_map(request, filters: Query[IncidentQuery]):
    """A GeoJSON FeatureCollection of the filtered incidents that have coordinates, newest first, at most
    5,000 points (`truncated` says when there were more)."""
    qs = _filtered(request, selectors.incident_list, filters)
    rows, truncated = selectors.map_points(qs, limit=MAP_LIMIT)
    properties = ("id", "code", "title", "status", "severity", "overdue")
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [r["lng"], r["lat"]]},
            "properties": {name: r[name] for name in properties},
        }
        for r in rows
    ]
    return {"type": "FeatureCollection", "features": features, "truncated": truncated}


@router.get("/{id:incident_id}", response=IncidentDetailOut, summary="One incident")
def get_incident(request, incident_id: Annotated[int, Path(ge=1, le=MAX_ID)]):
    """With the moves the caller may make next and the directives issued from it."""
    incident = selectors.get_incident_for_user(user=request.user, pk=incident_id)
    return _with_next_moves(request.user, incident)


# --- writes -----------------------------------------------------------------------------------------


@router.post("/", response={201: IncidentCreatedOut}, summary="Report an incident")
def create_incident(request, payload: IncidentIn):
    """Routed to the leader in charge of the place on the day it occurred (frozen on the incident), with
    deadlines counted in working hours from now. `unit` is an official administrative-unit code; give it,
    `agency_id`, or both. Anyone who may write reports anywhere in the organisation, as on the page; what
    lands outside the reporter's reach is not listed to them afterwards. The response lists earlier reports
    that look like the same incident."""
    user = request.user
    require_writer(user)
    committee = org_selectors.committee_or_404(user)
    if payload.unit is None and payload.agency_id is None:
        raise ValidationError({"unit": _("Name the locality or the unit where it happened.")})
    locality = unit_ref(user, payload.unit, "unit")
    agency = agency_ref(user, payload.agency_id, "agency_id")
    if (payload.latitude is None) != (payload.longitude is None):
        raise ValidationError({"latitude": _("Give both the latitude and the longitude, or neither.")})
    incident = services.incident_create(
        actor=user,
        organization=committee,
        title=payload.title,
        description=payload.description,
        occurred_at=payload.occurred_at,
        source=payload.source.value,
        field=payload.field.value,
        severity=payload.severity.value,
        locality=locality,
        agency=agency,
        place=payload.place,
        latitude=_coordinate(payload.latitude),
        longitude=_coordinate(payload.longitude),
        reporter_name=payload.reporter_name,
        reporter_contact=payload.reporter_contact,
        flags=payload.flags.dict(),
    )
    detail = _detail(user, incident)
    detail.duplicate_suspects = selectors.duplicate_suspects(
        user=user,
        organization=committee,
        title=incident.title,
        occurred_at=incident.occurred_at,
        locality=incident.locality,
        agency=incident.agency if incident.locality is None else None,
        exclude_pk=incident.pk,
    )
    return Status(201, detail)


def _coordinate(value: float | None) -> Decimal | None:
    return Decimal(f"{value:.6f}") if value is not None else None


@router.post(
    "/{id:incident_id}/status", response=IncidentDetailOut, summary="Move an incident along its workflow"
)
def move_incident(request, incident_id: Annotated[int, Path(ge=1, le=MAX_ID)], payload: StatusIn):
    """The leader in charge, the handling unit's focal point, the office or the Standing Board. An illegal
    move is refused (422, nothing changes); a stale version is 409. Resolving needs `resolution`; rejecting
    needs `reject_reason`, and `duplicate_of_id` for a duplicate."""
    user = request.user
    incident = selectors.get_incident_for_user(user=user, pk=incident_id, action="handle")
    duplicate_of = None
    if payload.duplicate_of_id is not None:
        duplicate_of = (
            selectors.incident_list(user=user, include_archived=True)
            .filter(pk=payload.duplicate_of_id)
            .first()
        )
        if duplicate_of is None:
            raise ValidationError({"duplicate_of_id": _("No incident you can see has this id.")})
    incident = services.incident_set_status(
        actor=user,
        incident=incident,
        version=payload.version,
        status=payload.status.value,
        note=payload.note,
        resolution=payload.resolution,
        reject_reason=payload.reject_reason.value if payload.reject_reason else "",
        duplicate_of=duplicate_of,
    )
    return _detail(user, incident)


@router.post(
    "/{id:incident_id}/reassign", response=IncidentDetailOut, summary="Hand an incident to another leader"
)
def reassign_incident(request, incident_id: Annotated[int, Path(ge=1, le=MAX_ID)], payload: ReassignIn):
    """The leader in charge, the office or the Standing Board, with a reason that goes on the timeline;
    optionally to another handling unit too (its focal point follows)."""
    user = request.user
    incident = selectors.get_incident_for_user(user=user, pk=incident_id, action="reassign")
    leader = person_ref(user, payload.leader_id, "leader_id")
    unit = agency_ref(user, payload.handling_unit_id, "handling_unit_id")
    incident = services.incident_reassign(
        actor=user,
        incident=incident,
        version=payload.version,
        leader=leader,
        reason=payload.reason,
        handling_unit=unit,
    )
    return _detail(user, incident)


@router.post(
    "/{id:incident_id}/directives",
    response={201: DirectiveCreatedOut},
    summary="Issue a directive from an incident",
)
def issue_directive(
    request, incident_id: Annotated[int, Path(ge=1, le=MAX_ID)], payload: IncidentDirectiveIn
):
    """The leader in charge, the office or the Standing Board. A leader issues in their own name; the office
    in the name of the leader in charge. The directive follows the follow-up loop, re-supervision included."""
    user = request.user
    incident = selectors.get_incident_for_user(user=user, pk=incident_id, action="reassign")
    directive = services.incident_issue_directive(
        actor=user,
        incident=incident,
        content=payload.content,
        lead_unit=agency_ref(user, payload.lead_unit_id, "lead_unit_id"),
        deadline=payload.deadline,
        issued_by=leader_person(user),  # a leader in their own name; else the leader in charge
        cooperating_units=agencies_ref(user, payload.cooperating_unit_ids, "cooperating_unit_ids"),
    )
    return Status(201, {"directive_id": directive.pk, "incident_id": incident.pk})


confidentiality_routes(router, "", selectors.get_incident_for_user, "reassign", noun="incident")
