"""The reports in the API, under /api/v1/reports/: the briefing to the Standing Committee and the monthly
rankings."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from core.api_inputs import Id
from core.pagination import PageNumberPagination
from reports import formats, services
from reports.content import plain
from reports.periods import briefing_period, last_complete_month, ranking_month
from reports.permissions import can_issue, can_read_briefing, can_read_rankings
from reports.selectors import rankings
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
