"""The periodic briefing to the Standing Committee: its content for one organisation and one period.

Every figure is read through the other apps' selectors, as grouped SQL aggregates: the number of queries
does not grow with the number of projects, incidents, obstacles, directives or calendar entries. The
figures stand at `at`, the period's last day, or today while the period runs (docs/reports.md).
"""

import datetime as dt
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from core.periods import Period
from fieldwork.selectors import calendar as fieldwork
from followup import selectors as followup
from followup.choices import ObstacleCategory, ResolutionLevel, StatusBucket, Verdict
from incidents import selectors as incidents
from investment import selectors as investment
from investment.choices import Rag
from org.selectors import committee_or_404
from reports.content import (
    COUNT,
    DATE,
    HOURS,
    MONEY,
    PERCENT,
    TEXT,
    Chart,
    Column,
    Organisation,
    Report,
    Section,
    Series,
    Table,
    decimal1,
)

BRIEFING = "standing_committee"
# Rows of a long table the documents print; the annex (XLSX) and the JSON hold them all.
LOCALITIES_SHOWN = 20
PUBLIC_CONCERN_SHOWN = 15


def organisation_of(committee) -> Organisation:
    """The header of the documents: the superior body, the issuing body ("THÀNH ỦY": the committee's name
    without its place), the symbol and the place of issue."""
    place = committee.place_name or ""
    name = committee.name
    body = name[: -len(place)].strip() if place and name.endswith(place) else name
    return Organisation(
        code=committee.code,
        name=name,
        superior_body=committee.superior_body,
        issuing_body=body.upper(),
        symbol=committee.document_symbol,
        place=place,
    )


def _moment(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def figures_at(period: Period, today: dt.date | None = None) -> dt.date:
    """The day the figures stand at: the period's last day, or today while it runs."""
    return min(period.last, today or timezone.localdate())


def briefing(*, user, period: Period, today: dt.date | None = None) -> Report:
    """The briefing's content, in numbered sections (the office and the Standing Board read it)."""
    committee = committee_or_404(user)
    today = today or timezone.localdate()
    at = figures_at(period, today)
    sections = [
        disbursement_section(user, committee, at),
        obstacle_section(user, period, at),
        directive_section(user, period, at),
        incident_section(user, period, at, today),
        fieldwork_section(user, period, today),
        group_section(user, period),
    ]
    report = Report(
        kind=BRIEFING,
        title=_("Briefing to the Standing Committee on the results of implementation, {period}").format(
            period=period_words(period)
        ),
        subject=_("The situation and results of the tasks, {period}").format(period=period_words(period)),
        organisation=organisation_of(committee),
        period_code=period.code,
        first=period.first,
        last=period.last,
        at=at,
        sections=sections,
        generated_at=timezone.now(),
    )
    report.number()
    return report


def period_words(period: Period) -> str:
    """The period in words: "tháng 11/2026", "quý IV/2026", "năm 2026", "tuần 48/2026", "từ 01/11/2026
    đến 15/11/2026"."""
    code = period.code
    if "-W" in code:
        year, week = code.split("-W")
        return _("week {week}/{year}").format(week=int(week), year=year)
    if "-Q" in code:
        year, quarter = code.split("-Q")
        return _("quarter {quarter}/{year}").format(
            quarter=("I", "II", "III", "IV")[int(quarter) - 1], year=year
        )
    if len(code) == 4:
        return _("year {year}").format(year=code)
    if len(code) == 7:
        return _("month {month}/{year}").format(month=code[5:], year=code[:4])
    return _("from {first} to {last}").format(
        first=period.first.strftime("%d/%m/%Y"), last=period.last.strftime("%d/%m/%Y")
    )


# --- 1. public investment --------------------------------------------------------------------------------


def _money_columns() -> list[Column]:
    return [
        Column("assigned", _("Plan assigned (million đồng)"), MONEY),
        Column("allocated", _("Plan allocated (million đồng)"), MONEY),
        Column("disbursed", _("Disbursed (million đồng)"), MONEY),
        Column("rate_assigned", _("Rate against the plan assigned"), PERCENT),
        Column("rate_allocated", _("Rate against the plan allocated"), PERCENT),
        Column("target", _("Target floor"), PERCENT),
        Column("gap", _("Gap (points)"), PERCENT),
        Column("status", _("Status"), TEXT),
    ]


def _figure_row(name: str, f) -> dict:
    return {
        "name": name,
        "assigned": f.assigned,
        "allocated": f.allocated,
        "disbursed": f.disbursed,
        "rate_assigned": f.rate_assigned,
        "rate_allocated": f.rate_allocated,
        "target": f.target,
        "gap": f.gap,
        "status": str(Rag(f.rag).label),
    }


def disbursement_section(user, committee, at: dt.date) -> Section:
    overview = investment.disbursement_overview(user=user, organization_id=committee.pk, at=at, year=at.year)
    city = overview.city
    section = Section("disbursement", _("Disbursement of public investment capital"))
    words = _(
        "By {day}, {disbursed} million đồng of the {year} plan had been disbursed: {rate_assigned} of the "
        "plan the Prime Minister assigned and {rate_allocated} of the plan the city allocated, against a "
        "target floor of {target}."
    )
    section.paragraphs.append(
        words.format(
            day=at.strftime("%d/%m/%Y"),
            year=overview.year,
            disbursed=decimal1(Decimal(city.disbursed) / 1_000_000),
            rate_assigned=_percent(city.rate_assigned),
            rate_allocated=_percent(city.rate_allocated),
            target=_percent(city.target),
        )
    )
    name = Column("name", _("Working group"))
    section.tables.append(
        Table(
            "disbursement_groups",
            _("Disbursement by working group"),
            [name, *_money_columns()],
            [_figure_row(str(group), f) for f, group in overview.group_ranking],
        )
    )
    section.tables.append(
        Table(
            "disbursement_investors",
            _("Disbursement by investor"),
            [Column("name", _("Investor")), *_money_columns()],
            [_figure_row(agency.name, f) for f, agency in overview.investor_ranking],
            shown=LOCALITIES_SHOWN,
        )
    )
    section.tables.append(
        Table(
            "disbursement_sources",
            _("Disbursement by capital source"),
            [Column("name", _("Capital source")), *_money_columns()],
            [*(_figure_row(str(f.label), f) for f in overview.sources), _figure_row(_("Total"), city)],
            total_row=True,
        )
    )
    section.tables.append(
        Table(
            "lagging_projects",
            _("The key projects that lag most behind the target floor"),
            [Column("code", _("Code")), Column("name", _("Project")), *_money_columns()],
            [{"code": p.code, **_figure_row(p.name, f)} for f, p in overview.lagging],
        )
    )
    curve = overview.curve
    denominator = curve["assigned"] or curve["allocated"]
    section.charts.append(
        Chart(
            "disbursement_curve",
            _("Cumulative disbursement against the target floor, {year}").format(year=overview.year),
            [m.strftime("%m/%Y") for m in curve["months"]],
            [
                Series(
                    _("Cumulative disbursement (%)"),
                    [
                        round(float(value) * 100 / denominator, 1)
                        if denominator and value is not None
                        else None
                        for value in curve["cumulative"]
                    ],
                    "line",
                ),
                Series(
                    _("Target floor (%)"),
                    [float(t) if t is not None else None for t in curve["target"]],
                    "line",
                ),
            ],
        )
    )
    return section


def _percent(value) -> str:
    return "—" if value is None else f"{decimal1(value)}%"


# --- 2. obstacles ----------------------------------------------------------------------------------------


def _obstacle_columns(label: str) -> list[Column]:
    return [
        Column("name", label),
        Column("new", _("New in the period"), COUNT),
        Column("escalated", _("Escalated in the period"), COUNT),
        Column("open", _("Still open"), COUNT),
        Column("awaiting_committee", _("Awaiting the Standing Committee"), COUNT),
        Column("overdue", _("Overdue"), COUNT),
    ]


def obstacle_section(user, period: Period, at: dt.date) -> Section:
    section = Section("obstacles", _("Obstacles"))
    bounds = {"first": period.first, "last": period.last, "at": at}
    total = followup.obstacle_period_summary(user=user, by=None, **bounds)[0]
    section.paragraphs.append(
        _(
            "In the period {new} obstacles were raised and {escalated} escalated to the Standing Committee; "
            "{open} are still open, {awaiting} of them awaiting the Standing Committee's decision, and "
            "{overdue} are past their deadline."
        ).format(
            new=total["new"],
            escalated=total["escalated"],
            open=total["open"],
            awaiting=total["awaiting_committee"],
            overdue=total["overdue"],
        )
    )
    for by, label, choices, title in (
        ("category", _("Category"), ObstacleCategory, _("Obstacles by category")),
        ("level", _("Level that must resolve it"), ResolutionLevel, _("Obstacles by level")),
    ):
        names = dict(choices.choices)
        rows = [
            {**row, "name": str(names.get(row["key"], row["key"]))}
            for row in followup.obstacle_period_summary(user=user, by=by, **bounds)
        ]
        rows.append({**total, "name": _("Total")})
        section.tables.append(Table(f"obstacles_{by}", title, _obstacle_columns(label), rows, total_row=True))
    return section


# --- 3. directives and re-supervision ---------------------------------------------------------------


def directive_section(user, period: Period, at: dt.date) -> Section:
    section = Section("directives", _("Directives and re-supervision"))
    issued = followup.directives_issued(user=user, first=period.first, last=period.last)
    buckets = followup.directive_period_buckets(user=user, last=period.last, at=at)
    total = sum(buckets.values())
    done = buckets[StatusBucket.DONE_ON_TIME] + buckets[StatusBucket.DONE_LATE]
    section.paragraphs.append(
        _(
            "{issued} directives were issued in the period. Of the {total} directives issued by its end, "
            "{done} are done ({on_time} on time) and {overdue} are overdue and not done."
        ).format(
            issued=issued,
            total=total,
            done=done,
            on_time=buckets[StatusBucket.DONE_ON_TIME],
            overdue=buckets[StatusBucket.OVERDUE],
        )
    )
    section.tables.append(
        Table(
            "directive_buckets",
            _("Directives by status"),
            [
                Column("name", _("Status")),
                Column("count", _("Directives"), COUNT),
                Column("share", _("Share"), PERCENT),
            ],
            [
                {
                    "key": bucket,
                    "name": str(label),
                    "count": buckets[bucket],
                    "share": round(100 * buckets[bucket] / total, 1) if total else None,
                }
                for bucket, label in StatusBucket.choices
            ]
            + [{"key": "total", "name": _("Total"), "count": total, "share": 100.0 if total else None}],
            total_row=True,
        )
    )
    verdicts = followup.verdict_counts(user=user, first=period.first, last=period.last)
    rows = [{"key": v, "name": str(label), "count": verdicts[v]} for v, label in Verdict.choices]
    rows.append(
        {"key": "unchecked", "name": _("due in the period, not yet checked"), "count": verdicts["unchecked"]}
    )
    section.tables.append(
        Table(
            "resupervision_verdicts",
            _("Re-supervision verdicts in the period"),
            [Column("name", _("Verdict")), Column("count", _("Checks"), COUNT)],
            rows,
        )
    )
    return section


# --- 4. incidents -------------------------------------------------------------------------------------


def _incident_columns(label: str) -> list[Column]:
    return [
        Column("name", label),
        Column("total", _("Reported"), COUNT),
        Column("open", _("Still open"), COUNT),
        Column("overdue", _("Overdue"), COUNT),
        Column("resolved", _("Resolved"), COUNT),
        Column("on_time", _("Resolved on time"), COUNT),
        Column("on_time_rate", _("On-time rate"), PERCENT),
        Column("public_concern", _("Of public concern"), COUNT),
    ]


def incident_section(user, period: Period, at: dt.date, today: dt.date) -> Section:
    section = Section("incidents", _("Incidents"))
    qs = incidents.period_incidents(
        user=user, since=_moment(period.first), until=_moment(period.last + dt.timedelta(days=1))
    )
    now = timezone.now() if at >= today else _moment(at + dt.timedelta(days=1))
    total = incidents.period_summary(qs, None, now=now)[0]
    section.paragraphs.append(
        _(
            "{total} incidents were reported in the period; {resolved} have been resolved, {on_time} of them "
            "by the deadline (an on-time rate of {rate}); {open} are still open, {overdue} of them overdue; "
            "{public} were of public concern."
        ).format(
            total=total["total"],
            resolved=total["resolved"],
            on_time=total["on_time"],
            rate=_percent(total["on_time_rate"]),
            open=total["open"],
            overdue=total["overdue"],
            public=total["public_concern"],
        )
    )
    for by, label, title, shown in (
        ("locality", _("Locality"), _("Incidents by locality"), LOCALITIES_SHOWN),
        ("field", _("Field"), _("Incidents by field"), None),
        ("leader", _("Leader in charge"), _("Incidents by leader in charge"), None),
    ):
        rows = incidents.period_summary(qs, by, now=now)
        section.tables.append(
            Table(
                f"incidents_{by}",
                title,
                _incident_columns(label),
                [*rows, {**total, "name": _("Total")}],
                shown=shown,
                total_row=True,
            )
        )
    public = incidents.public_concern(qs, limit=PUBLIC_CONCERN_SHOWN)
    section.tables.append(
        Table(
            "incidents_public_concern",
            _("Incidents of public concern"),
            [
                Column("code", _("Code")),
                Column("title", _("Incident")),
                Column("locality", _("Locality")),
                Column("leader", _("Leader in charge")),
                Column("reported", _("Reported on"), DATE),
                Column("status", _("Status")),
            ],
            [
                {
                    "code": i.code,
                    "title": i.title,
                    "locality": i.locality.name if i.locality_id else "",
                    "leader": i.responsible_leader.full_name if i.responsible_leader_id else "",
                    "reported": timezone.localtime(i.reported_at).date(),
                    "status": i.get_status_display(),
                }
                for i in public
            ],
        )
    )
    by_field = section.tables[1]
    section.charts.append(
        Chart(
            "incidents_by_field",
            _("Incidents by field"),
            [row["name"] for row in by_field.rows[:-1]],
            [Series(_("Reported"), [row["total"] for row in by_field.rows[:-1]])],
            unit="",
        )
    )
    return section


# --- 5. field work and meetings ------------------------------------------------------------------------


def fieldwork_section(user, period: Period, today: dt.date) -> Section:
    section = Section("fieldwork", _("Field work and meetings"))
    shares = fieldwork.share_table(user=user, period=period, today=today, sort="name")
    meetings = fieldwork.meetings(user=user, period=period)
    held = {row.leader.pk: row for row in meetings.rows}
    target = shares[0].target_percent if shares else None
    meeting_words = (
        _(
            "{hours} meeting hours, against at most {target} ({reduction} fewer than the {previous} of the "
            "previous period)."
        )
        if meetings.total.previous_minutes
        else _("{hours} meeting hours; the previous period had none to compare with.")
    )
    section.paragraphs.append(
        _(
            "{meeting} of {leaders} leaders spent at least the target share ({target}) of their working time "
            "in the field."
        ).format(
            meeting=sum(1 for s in shares if s.meets_target), leaders=len(shares), target=_percent(target)
        )
        + " "
        + meeting_words.format(
            hours=decimal1(meetings.total.hours),
            target=decimal1(meetings.target_hours),
            reduction=f"{meetings.reduction_percent}%",
            previous=decimal1(meetings.total.previous_hours),
        )
    )
    rows = []
    for share in shares:
        meeting = held.get(share.leader.pk)
        rows.append(
            {
                "name": share.leader.full_name,
                "field_hours": share.field_hours,
                "available_hours": share.available_hours,
                "share": share.share_percent,
                "target": share.target_percent,
                "meets": _("Yes") if share.meets_target else _("No"),
                "meetings": meeting.count if meeting else 0,
                "meeting_hours": meeting.hours if meeting else 0.0,
                "previous_meeting_hours": meeting.previous_hours if meeting else 0.0,
            }
        )
    rows.append(
        {
            "name": _("Total"),
            "field_hours": round(sum(r["field_hours"] for r in rows), 1),
            "meetings": meetings.total.count,
            "meeting_hours": meetings.total.hours,
            "previous_meeting_hours": meetings.total.previous_hours,
        }
    )
    section.tables.append(
        Table(
            "fieldwork_leaders",
            _("Each leader's field-time share and meetings"),
            [
                Column("name", _("Leader")),
                Column("field_hours", _("Field hours"), HOURS),
                Column("available_hours", _("Available working hours"), HOURS),
                Column("share", _("Field-time share"), PERCENT),
                Column("target", _("Target"), PERCENT),
                Column("meets", _("Meets the target")),
                Column("meetings", _("Meetings"), COUNT),
                Column("meeting_hours", _("Meeting hours"), HOURS),
                Column("previous_meeting_hours", _("Meeting hours, previous period"), HOURS),
            ],
            rows,
            total_row=True,
        )
    )
    section.charts.append(
        Chart(
            "fieldwork_share",
            _("Field-time share of each leader against the target"),
            [row["name"] for row in rows[:-1]],
            [
                Series(_("Field-time share (%)"), [row["share"] for row in rows[:-1]]),
                Series(_("Target (%)"), [row["target"] for row in rows[:-1]], "line"),
            ],
        )
    )
    return section


# --- 6. working groups ---------------------------------------------------------------------------------


def group_section(user, period: Period) -> Section:
    section = Section("groups", _("What the working groups did"))
    rows = [
        {
            "name": str(row["group"]),
            "sessions": row["sessions"],
            "projects": row["projects"],
            "obstacles": row["obstacles"],
            "directives": row["directives"],
        }
        for row in investment.group_activity(user=user, first=period.first, last=period.last)
    ]
    section.paragraphs.append(
        _(
            "The working groups held {sessions} supervision sessions, raised {obstacles} obstacles and "
            "issued {directives} directives."
        ).format(
            sessions=sum(r["sessions"] for r in rows),
            obstacles=sum(r["obstacles"] for r in rows),
            directives=sum(r["directives"] for r in rows),
        )
    )
    section.tables.append(
        Table(
            "group_activity",
            _("Supervision by working group"),
            [
                Column("name", _("Working group")),
                Column("sessions", _("Supervision sessions"), COUNT),
                Column("projects", _("Projects visited"), COUNT),
                Column("obstacles", _("Obstacles raised"), COUNT),
                Column("directives", _("Directives issued"), COUNT),
            ],
            rows,
        )
    )
    return section
