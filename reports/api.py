"""The reports in the API, under /api/v1/reports/: the briefing to the Standing Committee, and the points of
the city map's layers."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from core.api_inputs import Id
from core.pagination import PageNumberPagination
from reports import formats, services
from reports.periods import briefing_period
from reports.permissions import can_issue, can_read_briefing, can_see_map
from reports.selectors import city_map
from reports.selectors.issued import FILES, get_issued_for_user, issued_file, issued_list
from reports.views import last_month

router = Router(tags=["reports"])


@router.get(
    "/briefing",
    summary="The briefing to the Standing Committee for a period (the office and the Standing Board)",
    response={200: dict},
)
def get_briefing(
    request, period: str | None = None, format: str = "json", deputy: bool = False, signer: str = ""
):
    """`period`: a week (2026-W48), a month (2026-11), a quarter (2026-Q4), a year (2026) or a range of days
    (2026-11-01..2026-11-15); last month when left out. `format`: json (amounts in đồng, rates in %, hours
    in hours), or docx, the Party document (`deputy`: signed by a Deputy Secretary for the Secretary,
    K/T; `signer`: the name under the signature)."""
    if not can_read_briefing(request.user):
        raise Http404
    if format not in formats.FORMATS:
        choices = ", ".join(formats.FORMATS)
        raise ValidationError({"format": _("Choose one of: {choices}.").format(choices=choices)})
    try:
        chosen = briefing_period(period) if period else last_month()
    except ValidationError as exc:
        raise ValidationError({"period": exc.messages}) from exc
    report = formats.build(user=request.user, period=chosen, fmt=format)
    if format == "json":
        return formats.json_of(report)
    data = formats.render(report, format, **formats.options(format, deputy=deputy, signer=signer))
    return formats.download(request, report, format, data)


# --- issued briefings: numbered in the term, stored, downloadable again


class IssueIn(Schema):
    period: str | None = None
    number: int | None = Field(None, ge=1, le=99999)
    deputy: bool = False
    signer: str = Field("", max_length=100)


class IssuedOut(Schema):
    id: int
    kind: str
    term: str
    number: int
    symbol: str
    period: str
    first_day: dt.date
    last_day: dt.date
    title: str
    issued_on: dt.date
    issued_at: dt.datetime
    issued_by: str
    files: list[str]

    @staticmethod
    def resolve_period(obj):
        return obj.period_code

    @staticmethod
    def resolve_issued_by(obj):
        return obj.issued_by.get_full_name() or obj.issued_by.username

    @staticmethod
    def resolve_files(obj):
        return [f"/api/v1/reports/briefings/{obj.pk}/{fmt}" for fmt in FILES]


@router.post(
    "/briefings",
    response={201: IssuedOut},
    summary="Issue the briefing of a period: the next number in the term (or `number`; 409 when taken)",
)
def issue(request, payload: IssueIn):
    if not can_issue(request.user):
        raise Http404
    try:
        chosen = briefing_period(payload.period) if payload.period else last_month()
    except ValidationError as exc:
        raise ValidationError({"period": exc.messages}) from exc
    issued = services.issue_briefing(
        actor=request.user, period=chosen, number=payload.number, deputy=payload.deputy, signer=payload.signer
    )
    return Status(201, get_issued_for_user(user=request.user, pk=issued.pk))


@router.get("/briefings", response=list[IssuedOut], summary="The issued briefings, newest first")
@paginate(PageNumberPagination, page_size=50)
def issued(request):
    if not can_read_briefing(request.user):
        raise Http404
    return issued_list(user=request.user)


def _issued_download(fmt: str) -> None:
    """GET /briefings/<id>/docx (xlsx, pdf): a stored file of an issued briefing, as it was issued."""

    def download(request, issued_id: Id):
        record = get_issued_for_user(user=request.user, pk=issued_id)
        return formats.send(request, formats.issued_filename(record, fmt), fmt, issued_file(record, fmt))

    download.__name__ = f"issued_{fmt}"
    summary = f"The {fmt.upper()} of an issued briefing, as issued"
    router.get(f"/briefings/{{id:issued_id}}/{fmt}", summary=summary)(download)


for _fmt in FILES:
    _issued_download(_fmt)


# --- the city map: its layers' points


class MapLayerOut(Schema):
    layer: str
    count: int
    truncated: bool = Field(description="true when the layer had more than `limit` points")
    limit: int


class IncidentPointOut(Schema):
    id: int
    code: str
    title: str
    lat: float
    lng: float
    status: str
    status_label: str
    severity: str
    severity_label: str
    overdue: bool
    place: str
    url: str


class ProjectPointOut(Schema):
    id: int
    code: str
    title: str
    lat: float
    lng: float
    status: str
    status_label: str
    rag: str = Field(description="red, amber, green or none: the disbursement status today")
    rag_label: str
    place: str = Field(description="the locality of this site")
    url: str


class VisitPointOut(Schema):
    id: int
    title: str = Field(description="the visit's purpose")
    lat: float
    lng: float
    status: str
    status_label: str
    starts_at: dt.datetime
    leader: str
    place: str = Field(description="the locality visited")
    url: str


class IncidentLayerOut(MapLayerOut):
    points: list[IncidentPointOut]


class ProjectLayerOut(MapLayerOut):
    points: list[ProjectPointOut]


class VisitLayerOut(MapLayerOut):
    points: list[VisitPointOut]


def _map_layer(request, name: str) -> JsonResponse:
    """A layer as JSON. The points are plain values the selectors built, written as they are: validating
    3,000 of them against the schema (which documents them) would cost more than reading them."""
    if not can_see_map(request.user):
        raise Http404
    return JsonResponse(city_map.layer(user=request.user, name=name))


@router.get(
    "/map/incidents",
    response=IncidentLayerOut,
    url_name="reports_map_incidents",
    summary="The city map: the open incidents with a position that the caller may see",
)
def map_incidents(request):
    """Newest first, at most `limit`; `truncated` says when there were more."""
    return _map_layer(request, "incidents")


@router.get(
    "/map/projects",
    response=ProjectLayerOut,
    url_name="reports_map_projects",
    summary="The city map: the sites of the key investment projects the caller may see, with their status",
)
def map_projects(request):
    """One point per site with coordinates; `rag` is the project's disbursement status today."""
    return _map_layer(request, "projects")


@router.get(
    "/map/visits",
    response=VisitLayerOut,
    url_name="reports_map_visits",
    summary="The city map: the field visits of the last 90 days the caller may see, at their localities",
)
def map_visits(request):
    """Cancelled visits are left out; one point per locality visited that has coordinates, newest first."""
    return _map_layer(request, "visits")
