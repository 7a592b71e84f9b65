"""The reports in the API, under /api/v1/reports/: the briefing to the Standing Committee, the table of
every leader, the monthly rankings, and the points of the city map's layers."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.http import Http404, JsonResponse
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from core.api_inputs import Id
from core.pagination import PageNumberPagination
from core.replica import reads_from_replica
from reports import formats, services
from reports.content import plain
from reports.periods import briefing_period, last_complete_month, ranking_month
from reports.permissions import can_issue, can_read_briefing, can_read_leaders, can_read_rankings, can_see_map
from reports.selectors import city_map, rankings
from reports.selectors.issued import (
    FILES,
    draft_file,
    draft_list,
    get_draft_for_user,
    get_issued_for_user,
    issued_file,
    issued_list,
)
from reports.selectors.jobs import get_issue_job_for_user, issue_state
from reports.selectors.leaders import MARKS, SORTS, leader_table
from reports.views import last_month, this_month

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


class IssueJobOut(Schema):
    id: int
    status: str  # queued, running, done, refused, failed
    status_label: str
    period: str
    number: int | None  # asked for; None: the next in the term
    step: int
    steps: int
    step_label: str
    message: str  # why it was refused (the number taken) or failed
    created_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    url: str
    page_url: str
    issued: IssuedOut | None  # once done


def _job_out(job) -> dict:
    state = issue_state(job)
    return {
        "id": job.pk,
        "status": state.status,
        "status_label": state.label,
        "period": job.period_code,
        "number": job.number,
        "step": state.step,
        "steps": state.steps,
        "step_label": state.step_label,
        "message": state.message,
        "created_at": job.created_at,
        "started_at": job.started_at,
        "finished_at": job.finished_at,
        "url": reverse("api:reports_issue_job", kwargs={"job_id": job.pk}),
        "page_url": job.get_absolute_url(),
        "issued": job.issued if state.status == "done" else None,
    }


@router.post(
    "/briefings",
    response={202: IssueJobOut},
    summary="Issue a period's briefing, as a task: the next number in the term (or `number`; 409 when taken)",
)
def issue(request, payload: IssueIn):
    """Starts issuing in the tasks worker and answers 202 with the job: GET its `url` until `status` is
    `done` (with `issued`, the report and its files), `refused` (the number was taken meanwhile; `message`)
    or `failed`. A `number` already taken is refused at once with 409, and nothing is written."""
    if not can_issue(request.user):
        raise Http404
    try:
        chosen = briefing_period(payload.period) if payload.period else last_month()
    except ValidationError as exc:
        raise ValidationError({"period": exc.messages}) from exc
    job = services.issue_start(
        actor=request.user,
        period=chosen,
        number=payload.number,
        deputy=payload.deputy,
        signer=payload.signer,
        language=translation.get_language(),
    )
    return Status(202, _job_out(get_issue_job_for_user(user=request.user, pk=job.pk)))


@router.get(
    "/issue-jobs/{id:job_id}",
    response=IssueJobOut,
    summary="How an issuing stands (to the person who asked for it)",
    url_name="reports_issue_job",
)
def issue_job(request, job_id: Id):
    return _job_out(get_issue_job_for_user(user=request.user, pk=job_id))


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


# --- drafts prepared by the schedule


class DraftOut(Schema):
    id: int
    kind: str
    period: str
    first_day: dt.date
    last_day: dt.date
    title: str
    prepared_at: dt.datetime
    files: list[str]

    @staticmethod
    def resolve_period(obj):
        return obj.period_code

    @staticmethod
    def resolve_files(obj):
        return [f"/api/v1/reports/drafts/{obj.pk}/{fmt}" for fmt in FILES]


@router.get("/drafts", response=list[DraftOut], summary="The drafts prepared on schedule, latest first")
@paginate(PageNumberPagination, page_size=50)
def drafts(request):
    if not can_read_briefing(request.user):
        raise Http404
    return draft_list(user=request.user)


def _draft_download(fmt: str) -> None:
    """GET /drafts/<id>/docx (xlsx, pdf): a stored file of a draft."""

    def download(request, draft_id: Id):
        draft = get_draft_for_user(user=request.user, pk=draft_id)
        return formats.send(request, formats.draft_filename(draft, fmt), fmt, draft_file(draft, fmt))

    download.__name__ = f"draft_{fmt}"
    router.get(f"/drafts/{{id:draft_id}}/{fmt}", summary=f"The {fmt.upper()} of a draft")(download)


for _fmt in FILES:
    _draft_download(_fmt)


# --- the table of every leader


class PeriodOut(Schema):
    code: str
    first: dt.date
    last: dt.date
    figures_at: dt.date = Field(description="The day the groups' disbursement stands at")


class LeaderIncidentsOut(Schema):
    reported: int = Field(description="Routed to the leader and reported in the period")
    resolved: int = Field(description="Of those, resolved")
    on_time: int = Field(description="Of those, resolved by the deadline")
    on_time_rate: float | None = Field(description="on_time ÷ resolved, in %")
    open: int = Field(description="Of all the leader's incidents, open now")
    overdue: int = Field(description="Of all the leader's incidents, overdue now")


class LeaderFieldOut(Schema):
    field_hours: float
    available_hours: float
    share: float | None = Field(description="Field hours ÷ available working hours so far, in %")
    target: float = Field(description="In %")
    meetings: int
    meeting_hours: float
    previous_meeting_hours: float = Field(description="In the previous period of the same length")


class LeaderGroupOut(Schema):
    id: int
    name: str
    rate: float | None = Field(description="Disbursed ÷ the plan (assigned, else allocated), in %")
    floor: float | None = Field(description="The target floor at figures_at, in %")
    behind: bool


class LeaderRowOut(Schema):
    id: int
    name: str
    position: str
    incidents: LeaderIncidentsOut
    directives_overdue: int = Field(description="Directives the leader issued, overdue and not done now")
    field: LeaderFieldOut
    groups: list[LeaderGroupOut]
    behind: list[str] = Field(description=f"The cells behind their target: {', '.join(MARKS)}")
    links: dict[str, str] = Field(description="The page behind each figure, filtered to the leader")


class LeaderTableOut(Schema):
    period: PeriodOut
    on_time_rate: float | None = Field(description="The organisation's, over the period, in %")
    share_target: float | None = Field(description="In %")
    meeting_reduction: int = Field(description="Fewer meeting hours than the previous period, in %")
    leaders: list[LeaderRowOut]


def _number(value) -> float | None:
    return None if value is None else float(value)


def _leader_row(row) -> dict:
    share, meetings = row.share, row.meetings
    return {
        "id": row.leader.pk,
        "name": row.leader.full_name,
        "position": row.leader.position,
        "incidents": {
            "reported": row.reported,
            "resolved": row.resolved,
            "on_time": row.on_time,
            "on_time_rate": row.on_time_rate,
            "open": row.open,
            "overdue": row.overdue,
        },
        "directives_overdue": row.directives_overdue,
        "field": {
            "field_hours": share.field_hours if share else 0.0,
            "available_hours": share.available_hours if share else 0.0,
            "share": row.share_percent,
            "target": share.target_percent if share else 0.0,
            "meetings": row.meeting_count,
            "meeting_hours": row.meeting_hours,
            "previous_meeting_hours": meetings.previous_hours if meetings else 0.0,
        },
        "groups": [
            {
                "id": g.group.pk,
                "name": str(g.group),
                "rate": _number(g.rate),
                "floor": _number(g.target),
                "behind": g.behind,
            }
            for g in row.groups
        ],
        "behind": row.behind,
        "links": {**row.links, **{f"group_{g.group.pk}": g.url for g in row.groups}},
    }


@router.get(
    "/leaders",
    response=LeaderTableOut,
    summary="Every leader's incidents, overdue directives, field-time share, meetings and groups' "
    "disbursement over a period (the office and the Standing Board)",
)
@reads_from_replica
def leaders(request, period: str | None = None, sort: str = ""):
    """`period`: a week (2026-W48), a month (2026-11), a quarter (2026-Q4), a year (2026) or a range of days
    (2026-11-01..2026-11-15); this month when left out. `sort`: one of the table's columns, `-` first for
    the highest first; the leaders most behind first when left out. Every leader of the organisation, in
    one answer (a table of the organisation's leaders, not a growing list)."""
    if not can_read_leaders(request.user):
        raise Http404
    if sort and sort.lstrip("-") not in SORTS:
        raise ValidationError({"sort": _("Choose one of: {choices}.").format(choices=", ".join(SORTS))})
    try:
        chosen = briefing_period(period) if period else this_month()
    except ValidationError as exc:
        raise ValidationError({"period": exc.messages}) from exc
    table = leader_table(user=request.user, period=chosen, sort=sort)
    return {
        "period": {
            "code": chosen.code,
            "first": chosen.first,
            "last": chosen.last,
            "figures_at": table.at,
        },
        "on_time_rate": table.on_time_rate,
        "share_target": table.share_target,
        "meeting_reduction": table.meeting_reduction,
        "leaders": [_leader_row(row) for row in table.rows],
    }


# --- the monthly rankings


class RankingColumnOut(Schema):
    key: str
    label: str
    kind: str


class RankingRowOut(Schema):
    rank: int | None = Field(
        description="Rows that tie on the rate and the volume share a rank; no rate, no rank"
    )
    id: int = Field(description="The unit's (an agency's) or the investor's id")
    name: str
    url: str = Field(description="The list behind the row: the incidents, the directives or the projects")
    values: dict = Field(description="Each column's value by its key: counts, amounts in đồng, rates in %")


class RankingOut(Schema):
    kind: str
    title: str
    month: str
    first: dt.date
    last: dt.date
    figures_at: dt.date
    rule: str
    rate_key: str = Field(
        description="The value the ranks follow (investors: `rate`, on the assigned plan, else the allocated)"
    )
    columns: list[RankingColumnOut]
    rows: list[RankingRowOut]


class RankingErrorOut(Schema):
    detail: str
    errors: dict[str, list[str]]


@router.get(
    "/rankings",
    response={200: RankingOut, 400: RankingErrorOut},
    summary="A monthly ranking: units by on-time incidents or directives, investors by disbursement rate",
)
@reads_from_replica
def get_ranking(request, month: str | None = None, kind: str = rankings.INCIDENTS):
    """`month`: 2026-11 (or 11/2026), a month that is over; the last one when left out. `kind`: incidents
    (handling units by the on-time rate of the incidents that occurred in the month), localities (the same by
    the incidents' locality), directives (lead units
    by the on-time rate of the directives due in the month) or investors (by the cumulative disbursement
    rate at the month's end). A month that is not one or not over, or an unknown kind, is a 400 whose
    `errors` name the parameter. The same numbers as the page `/reports/rankings/`."""
    if not can_read_rankings(request.user):
        raise Http404
    if kind not in rankings.KINDS:
        choices = ", ".join(rankings.KINDS)
        message = _("Choose one of: {choices}.").format(choices=choices)
        return Status(400, {"detail": message, "errors": {"kind": [message]}})
    try:
        period = ranking_month(month) if month else last_complete_month()
    except ValidationError as exc:
        return Status(400, {"detail": exc.messages[0], "errors": {"month": exc.messages}})
    result = rankings.ranking(user=request.user, kind=kind, period=period)
    keys = [c.key for c in result.columns if c.key not in ("rank", "name")]
    keys += [result.rate_key] if result.rate_key not in keys else []
    return {
        "kind": result.kind,
        "title": result.title,
        "month": f"{period.first:%Y-%m}",
        "first": period.first,
        "last": period.last,
        "figures_at": result.at,
        "rule": result.rule,
        "rate_key": result.rate_key,
        "columns": [{"key": c.key, "label": c.label, "kind": c.kind} for c in result.columns],
        "rows": [
            {
                "rank": row["rank"],
                "id": row["unit_id"],
                "name": row["name"],
                "url": row["url"],
                "values": {key: plain(row.get(key)) for key in keys},
            }
            for row in result.rows
        ],
    }


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
