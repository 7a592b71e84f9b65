"""The monthly rankings: handling units and localities by the on-time rate of their incidents, lead units by
the on-time rate of their directives, investors by their disbursement rate (docs/reports.md).

Every figure is read through the other apps' selectors as one grouped SQL aggregate (incidents, directives)
or through the investment dashboard's own ranking (investors), so a row's numbers are those of the list its
link opens. Only the ordering and the ranks are decided here.
"""

import datetime as dt
from dataclasses import dataclass, field
from fractions import Fraction
from itertools import groupby
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.periods import Period
from core.text import sort_key
from followup import selectors as followup
from incidents import selectors as incidents
from investment import selectors as investment
from investment.choices import Rag
from org.selectors import committee_or_404
from reports.content import COUNT, MONEY, PERCENT, TEXT, Column

INCIDENTS, LOCALITIES, DIRECTIVES, INVESTORS = "incidents", "localities", "directives", "investors"
KINDS = {
    INCIDENTS: gettext_lazy("Units by the on-time rate of incidents"),
    LOCALITIES: gettext_lazy("Localities by the on-time rate of incidents"),
    DIRECTIVES: gettext_lazy("Units by the on-time rate of directives"),
    INVESTORS: gettext_lazy("Investors by disbursement rate"),
}
# The chart draws every ranked row up to this many; beyond, the first and the last half of it.
CHART_BARS = 30


@dataclass
class Ranking:
    """One ranking for one month: its columns (the rank and the name first), its rows best first, each with
    its `rank` (None: not ranked, no rate) and the address of the list behind it."""

    kind: str
    title: str
    period: Period
    at: dt.date  # the day the figures stand at: the month's last day
    columns: list[Column]
    rows: list[dict]
    rate_key: str  # the column the ranks follow
    rule: str  # how the rate is counted and the ties broken, in words
    chart_cut: bool = False
    extra: dict = field(default_factory=dict)

    @property
    def ranked(self) -> int:
        return sum(1 for row in self.rows if row["rank"] is not None)

    @property
    def chart(self) -> dict:
        """What the page's chart script draws: the ranked rows' rates, best at the top; the first and the last
        CHART_BARS // 2 when there are more than CHART_BARS."""
        rows = [row for row in self.rows if row["rank"] is not None]
        if len(rows) > CHART_BARS:
            half = CHART_BARS // 2
            rows = rows[:half] + rows[-half:]
        return {
            "horizontal": True,
            "unit": "%",
            "labels": [f"{row['rank']}. {row['name']}" for row in rows],
            "colours": [row.get("colour", "") for row in rows],
            "target": float(self.extra["target"]) if self.extra.get("target") is not None else None,
            "target_label": self.extra.get("target_label", ""),
            "series": [
                {
                    "label": _("Rate (%)"),
                    "kind": "bar",
                    "values": [_number(row[self.rate_key]) for row in rows],
                }
            ],
        }


def _number(value) -> float | None:
    return None if value is None else float(value)


def _rank(rows: list[dict], ranked: bool, same) -> None:
    """Number the rows in their order: rows that `same` says tie share a rank (1, 2, 2, 4); the rows after the
    last ranked one (no rate) have none."""
    previous = None
    for position, row in enumerate(rows, start=1):
        if not ranked(row):
            row["rank"] = None
            continue
        row["rank"] = previous["rank"] if previous is not None and same(previous, row) else position
        previous = row


def _rate(part: int, whole: int) -> Fraction | None:
    return Fraction(part, whole) if whole else None


def _percent(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def _days(period: Period) -> dict:
    return {"date_from": period.first.strftime("%d/%m/%Y"), "date_to": period.last.strftime("%d/%m/%Y")}


def _links(rows: list[dict], name: str, key: str, **params) -> None:
    """Each row's address: the list `name` filtered by `key` = the row's id and by `params` (encoded once)."""
    base, rest = reverse(name), urlencode(params)
    for row in rows:
        row["url"] = f"{base}?{key}={row['unit_id']}&{rest}"


def _order(rows: list[dict], figures) -> None:
    """Sort by `figures(row)` (best first), and rows equal in every figure by name in Vietnamese order: the
    name's key is computed only for the rows that tie (it costs more than the rest of a row)."""
    rows.sort(key=figures)
    ordered = []
    for _key, group in groupby(rows, key=figures):
        tied = list(group)
        if len(tied) > 1:
            tied.sort(key=lambda r: sort_key(r["name"]))
        ordered.extend(tied)
    rows[:] = ordered


def _incident_ranking(*, user, period: Period, by: str) -> Ranking:
    """Handling units (đơn vị xử lý, `by="unit"`) or localities (`by="locality"`) by the share of their
    incidents that occurred in the month and were resolved by their deadline, among those resolved: the
    incident statistics' on-time rate. Ties by the number resolved, then the number of incidents; one none
    of whose incidents is resolved has no rate and no rank, and comes last."""
    zone = timezone.get_current_timezone()
    since = dt.datetime.combine(period.first, dt.time.min, tzinfo=zone)
    until = dt.datetime.combine(period.last + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
    rows = incidents.on_time_by(user=user, by=by, since=since, until=until)
    for row in rows:
        row["fraction"] = _rate(row["on_time"], row["resolved"])
    _links(rows, "incidents:list", by, **_days(period))
    _order(rows, lambda r: (r["fraction"] is None, -(r["fraction"] or 0), -r["resolved"], -r["total"]))
    _rank(
        rows,
        lambda r: r["fraction"] is not None,
        lambda a, b: (a["fraction"], a["resolved"], a["total"]) == (b["fraction"], b["resolved"], b["total"]),
    )
    kind = INCIDENTS if by == "unit" else LOCALITIES
    return Ranking(
        kind=kind,
        title=str(KINDS[kind]),
        period=period,
        at=period.last,
        columns=[
            Column("rank", _("Rank"), COUNT),
            Column("name", _("Handling unit") if by == "unit" else _("Locality"), TEXT),
            Column("total", _("Incidents"), COUNT),
            Column("resolved", _("Resolved"), COUNT),
            Column("on_time", _("Resolved by the deadline"), COUNT),
            Column("open", _("Still open"), COUNT),
            Column("overdue", _("Overdue now"), COUNT),
            Column("on_time_rate", _("On-time rate (%)"), PERCENT),
        ],
        rows=rows,
        rate_key="on_time_rate",
        rule=_(
            "The incidents that occurred in the month, by their {grouping}: the on-time rate is those "
            "resolved by their deadline ÷ those resolved, as the incident statistics count it. Ties go to "
            "the one that resolved more, then to the one with more incidents. One none of whose incidents "
            "is resolved yet has no rate and is listed last, without a rank."
        ).format(grouping=_("handling unit") if by == "unit" else _("locality")),
    )


def incident_ranking(*, user, period: Period) -> Ranking:
    return _incident_ranking(user=user, period=period, by="unit")


def locality_ranking(*, user, period: Period) -> Ranking:
    return _incident_ranking(user=user, period=period, by="locality")


def directive_ranking(*, user, period: Period) -> Ranking:
    """Lead units (chủ trì) by the share of their directives due in the month that are done on time (the
    directive list's bucket, as it stands today). Ties by the number due."""
    rows = followup.directive_on_time_by_unit(user=user, first=period.first, last=period.last)
    for row in rows:
        row["fraction"] = _rate(row["on_time"], row["due"])
        row["on_time_rate"] = _percent(row["on_time"], row["due"])
    _links(rows, "followup:directive_list", "lead_unit", **_days(period))
    _order(rows, lambda r: (-r["fraction"], -r["due"]))
    _rank(
        rows,
        lambda r: True,
        lambda a, b: (a["fraction"], a["due"]) == (b["fraction"], b["due"]),
    )
    return Ranking(
        kind=DIRECTIVES,
        title=str(KINDS[DIRECTIVES]),
        period=period,
        at=period.last,
        columns=[
            Column("rank", _("Rank"), COUNT),
            Column("name", _("Lead unit"), TEXT),
            Column("due", _("Due in the month"), COUNT),
            Column("on_time", _("Done on time"), COUNT),
            Column("late", _("Done late"), COUNT),
            Column("awaiting", _("Reported done, awaiting confirmation"), COUNT),
            Column("overdue", _("Overdue, not done"), COUNT),
            Column("on_time_rate", _("On-time rate (%)"), PERCENT),
        ],
        rows=rows,
        rate_key="on_time_rate",
        rule=_(
            "The directives whose deadline falls in the month, by their lead unit: the on-time rate is those "
            "done on time ÷ those due, by the status of the directive list today (a completion reported by "
            "the deadline counts once it is confirmed). Ties go to the unit with more directives due."
        ),
    )


# The status badges' and bars' colours, as the investment pages show them.
RAG_COLOURS = {Rag.GREEN: "green", Rag.AMBER: "yellow", Rag.RED: "red", Rag.NONE: "secondary"}


def investor_ranking(*, user, period: Period) -> Ranking:
    """Investors by their cumulative disbursement at the month's end against the plan, in the order of the
    disbursement dashboard at that date (investment.selectors.ranked_investors): the rate against the plan
    the Prime Minister assigned, or the city's where there is none; ties by name."""
    committee = committee_or_404(user)
    at = period.last
    ranking = investment.ranked_investors(user=user, organization_id=committee.pk, at=at, year=at.year)
    rows = []
    target = None
    for figures, agency in ranking:
        target = figures.target
        rows.append(
            {
                "unit_id": agency.pk,
                "name": agency.name,
                "assigned": figures.assigned,
                "allocated": figures.allocated,
                "disbursed": figures.disbursed,
                "rate_assigned": figures.rate_assigned,
                "rate_allocated": figures.rate_allocated,
                "rate": figures.rate,
                "target": figures.target,
                "gap": figures.gap,
                "status": str(Rag(figures.rag).label),
                "rag": figures.rag,
                "colour": RAG_COLOURS[figures.rag],
            }
        )
    _links(rows, "investment:project_list", "investor", at=at.strftime("%d/%m/%Y"))
    _rank(rows, lambda r: r["rate"] is not None, lambda a, b: False)
    return Ranking(
        kind=INVESTORS,
        title=str(KINDS[INVESTORS]),
        period=period,
        at=at,
        columns=[
            Column("rank", _("Rank"), COUNT),
            Column("name", _("Investor"), TEXT),
            Column("assigned", _("Plan assigned by the Prime Minister (million đồng)"), MONEY),
            Column("allocated", _("Plan allocated by the city (million đồng)"), MONEY),
            Column("disbursed", _("Disbursed (million đồng)"), MONEY),
            Column("rate_assigned", _("Rate against the assigned plan (%)"), PERCENT),
            Column("rate_allocated", _("Rate against the allocated plan (%)"), PERCENT),
            Column("target", _("Target floor (%)"), PERCENT),
            Column("status", _("Status"), TEXT),
        ],
        rows=rows,
        rate_key="rate",
        rule=_(
            "The cumulative disbursement of the plan year at the month's end, by investor, ranked as the "
            "disbursement dashboard ranks them on that day: by the rate against the plan the Prime Minister "
            "assigned, or against the city's plan where there is none; ties by name. An investor without a "
            "plan has no rate and is listed last, without a rank."
        ),
        extra={"target": target, "target_label": _("Target floor (%)")},
    )


BUILDERS = {
    INCIDENTS: incident_ranking,
    LOCALITIES: locality_ranking,
    DIRECTIVES: directive_ranking,
    INVESTORS: investor_ranking,
}


def ranking(*, user, kind: str, period: Period) -> Ranking:
    """The ranking of `kind` (incidents, localities, directives, investors) for the month `period`, within
    what the user may see."""
    return BUILDERS[kind](user=user, period=period)
