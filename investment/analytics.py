"""Disbursement figures for any set of projects at any date, computed in SQL aggregates.

For a scope (the city, a group, an investor, a project, optionally one capital source) at a date `at`, in a
plan year: the plan by both denominators in force that day, the amount disbursed in the month of `at` and
cumulated up to it, both rates, the target curve's floor, the gap, the red/amber/green status, a linear
projection to the year's end, and the months that passed without any disbursement. The rules are in
docs/investment.md and shown on the pages (rag_rule()).

Figures are monthly, and a month's row counts from the first day of that month. "At" a date therefore
includes the running month's figure where one is already in. The floor is the target curve's value at
that very day: the straight line from the end of the previous month to the end of the running one. A
month counts as idle, and feeds the projection, only once it has ended.
"""

import calendar
import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, F, Max, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from investment.choices import Denominator, Rag
from investment.models import CapitalPlan, Disbursement, GroupProject, PlanAdjustment, TargetPoint
from investment.periods import disbursement_year_bounds, month_index, month_start, plan_months

# A status is amber within this many percentage points behind the floor, red beyond.
AMBER_POINTS = Decimal(10)
# Months in a row without any disbursement that keep a project off green.
IDLE_MONTHS_AMBER = 3


def rag_rule() -> str:
    """The status rule in words, as the pages show it."""
    return _(
        "Green: the disbursement rate (against the plan the Prime Minister assigned, or the locality's plan "
        "where there is none) is at or above the target curve's floor for the month. Amber: behind the floor "
        "by at most {points} percentage points, or on the floor but with no disbursement in the last {idle} "
        "months. Red: behind by more than {points} points. No status: no plan."
    ).format(points=AMBER_POINTS, idle=IDLE_MONTHS_AMBER)


HUNDRED = Decimal(100)


def percent(part: int, whole: int) -> Decimal | None:
    """part / whole in %, to one decimal; None when there is nothing to divide by."""
    if not whole:
        return None
    return (Decimal(part) * HUNDRED / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass
class Figures:
    """The disbursement of a scope at a date, in a plan year."""

    year: int
    at: dt.date
    assigned: int = 0
    allocated: int = 0
    disbursed_month: int = 0
    disbursed: int = 0
    disbursed_finished: int = 0  # cumulated over the months that have ended by `at`
    target: Decimal | None = None
    idle_months: int = 0  # months of the year that have ended with no disbursement at all
    idle_streak: int = 0  # of which at the end, in a row up to the last month that has ended
    key: object = None
    label: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def month(self) -> int:
        """The month of the disbursement year that `at` falls in: 1–12, 13 for the next January."""
        return min(max(month_index(self.year, month_start(self.at)), 0), 13)

    @property
    def rate_assigned(self) -> Decimal | None:
        return percent(self.disbursed, self.assigned)

    @property
    def rate_allocated(self) -> Decimal | None:
        return percent(self.disbursed, self.allocated)

    @property
    def denominator(self) -> int:
        """The plan the status is judged against: the Prime Minister's, else the locality's."""
        return self.assigned or self.allocated

    @property
    def rate(self) -> Decimal | None:
        return percent(self.disbursed, self.denominator)

    @property
    def gap(self) -> Decimal | None:
        """Percentage points above (+) or below (−) the floor."""
        if self.rate is None or self.target is None:
            return None
        return self.rate - self.target

    @property
    def rag(self) -> str:
        if self.rate is None:
            return Rag.NONE
        gap = self.gap if self.gap is not None else Decimal(0)
        if gap < -AMBER_POINTS:
            return Rag.RED
        if gap < 0 or (self.idle_streak >= IDLE_MONTHS_AMBER and self.month <= 12):
            return Rag.AMBER
        return Rag.GREEN

    @property
    def finished_months(self) -> int:
        """How many months of the disbursement year have ended by `at` (0–13)."""
        return min(max(month_index(self.year, finished_before(self.at)) - 1, 0), 13)

    @property
    def projection(self) -> int | None:
        """The amount disbursed by 31 December at the pace of the months that have ended (linear); what was
        disbursed once December has ended; None before January has ended."""
        months = self.finished_months
        if months >= 12:
            return self.disbursed
        if months <= 0:
            return None
        return int(
            (Decimal(self.disbursed_finished) * 12 / months).quantize(Decimal(1), rounding=ROUND_HALF_UP)
        )

    @property
    def projected_rate(self) -> Decimal | None:
        return percent(self.projection, self.denominator) if self.projection is not None else None


def finished_before(at: dt.date) -> dt.date:
    """The first day of the first month that has not ended by `at` (the day after `at` if it ends one)."""
    following = at + dt.timedelta(days=1)
    return month_start(following)


# --- the target curve ---------------------------------------------------------------------------------


def target_points(organization_id: int, year: int) -> dict[int, Decimal]:
    return dict(
        TargetPoint.objects.filter(organization_id=organization_id, year=year).values_list("month", "percent")
    )


def target_at(points: dict[int, Decimal], month: int) -> Decimal | None:
    """The floor at the end of month `month` (1–13): a point's own value, or the straight line between the
    points around it (0 % before the first month), or the last point's value after it."""
    if not points or month <= 0:
        return None
    if month in points:
        return Decimal(points[month])
    before = [m for m in points if m < month]
    after = [m for m in points if m > month]
    if not after:
        return Decimal(points[max(before)])
    low_m, low_v = (max(before), Decimal(points[max(before)])) if before else (0, Decimal(0))
    high_m, high_v = min(after), Decimal(points[min(after)])
    value = low_v + (high_v - low_v) * (month - low_m) / (high_m - low_m)
    return value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def target_on(points: dict[int, Decimal], year: int, at: dt.date) -> Decimal | None:
    """The floor on the day `at`: from the end of the previous month's floor to the end of this month's, in
    proportion to the days of the month gone by (the month's own floor on its last day)."""
    month = month_index(year, month_start(at))
    if not points or month <= 0:
        return None
    if month > 13:
        return target_at(points, 13)
    end = target_at(points, month)
    start = target_at(points, month - 1) if month > 1 else Decimal(0)
    days = calendar.monthrange(at.year, at.month)[1]
    value = start + (end - start) * Decimal(at.day) / Decimal(days)
    return value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def target_curve(points: dict[int, Decimal]) -> list[Decimal | None]:
    return [target_at(points, m) for m in range(1, 14)]


# --- plans in force at a date ----------------------------------------------------------------------------


def _in_force(denominator: str, at: dt.date, first_field: str, prefix: str = ""):
    """The amount of one denominator in force at `at`: the latest adjustment that took effect, else the
    first amount."""
    latest = (
        PlanAdjustment.objects.filter(
            plan=OuterRef(f"{prefix}pk"), denominator=denominator, effective_on__lte=at
        )
        .order_by("-effective_on", "-id")
        .values("amount")[:1]
    )
    return Coalesce(Subquery(latest), F(f"{prefix}{first_field}"))


def _plan_sums(at: dt.date):
    return {
        "assigned": Coalesce(Sum(_in_force(Denominator.ASSIGNED, at, "assigned_amount")), Value(0)),
        "allocated": Coalesce(Sum(_in_force(Denominator.ALLOCATED, at, "allocated_amount")), Value(0)),
    }


def _disbursement_sums(year: int, at: dt.date):
    month = month_start(at)
    counted = Q(month__lte=month)
    return {
        "disbursed": Coalesce(Sum("amount", filter=counted), Value(0)),
        "disbursed_finished": Coalesce(Sum("amount", filter=Q(month__lt=finished_before(at))), Value(0)),
        "disbursed_month": Coalesce(Sum("amount", filter=Q(month=month)), Value(0)),
    }


def _paid_months(at: dt.date):
    """Of the months that have ended by `at`: how many had money, and the last that had."""
    paid = Q(month__lt=finished_before(at), amount__gt=0)
    return {"months_paid": Count("month", filter=paid, distinct=True), "last_paid": Max("month", filter=paid)}


def _plans(projects: QuerySet, year: int, source: str | None) -> QuerySet:
    plans = CapitalPlan.objects.filter(project__in=projects.values("pk"), year=year, archived_at__isnull=True)
    return plans.filter(source=source) if source else plans


def _disbursements(projects: QuerySet, year: int, source: str | None) -> QuerySet:
    rows = Disbursement.objects.filter(project__in=projects.values("pk"), plan_year=year)
    return rows.filter(source=source) if source else rows


def _idle(year: int, at: dt.date, months_paid: int = 0, last_paid: dt.date | None = None) -> tuple[int, int]:
    """(months that have ended without money, of which the run at the end), from how many ended months had
    money and the last of them."""
    ended = sum(1 for m in plan_months(year) if m < finished_before(at))
    last = month_index(year, last_paid) if last_paid else 0
    return ended - months_paid, ended - last


def figures(
    projects: QuerySet, *, organization_id: int, at: dt.date, year: int | None = None, source=None
) -> Figures:
    """The figures of a set of projects (already scoped to the reader) at `at`: four queries."""
    year = year or at.year
    result = Figures(year=year, at=at)
    plan = _plans(projects, year, source).aggregate(**_plan_sums(at))
    rows = _disbursements(projects, year, source)
    money = rows.aggregate(**_disbursement_sums(year, at), **_paid_months(at))
    result.assigned, result.allocated = int(plan["assigned"]), int(plan["allocated"])
    result.disbursed, result.disbursed_month = int(money["disbursed"]), int(money["disbursed_month"])
    result.disbursed_finished = int(money["disbursed_finished"])
    result.idle_months, result.idle_streak = _idle(year, at, money["months_paid"], money["last_paid"])
    result.target = target_on(target_points(organization_id, year), year, at)
    return result


def figures_by(
    projects: QuerySet, key: str, *, organization_id: int, at: dt.date, year: int | None = None, source=None
) -> dict[object, Figures]:
    """The figures of each value of `key` (a path from the project: "investor", "pk", "group_links__group")
    among `projects`, as three grouped aggregates whatever the number of rows."""
    year = year or at.year
    points = target_points(organization_id, year)
    out: dict[object, Figures] = {}

    def entry(value) -> Figures:
        if value not in out:
            out[value] = Figures(year=year, at=at, key=value)
        return out[value]

    plan_key = f"project__{key}" if key != "pk" else "project_id"
    for row in _plans(projects, year, source).values(plan_key).annotate(**_plan_sums(at)).order_by():
        f = entry(row[plan_key])
        f.assigned, f.allocated = int(row["assigned"]), int(row["allocated"])
    rows = _disbursements(projects, year, source)
    nothing_paid = _idle(year, at)
    for f in out.values():
        f.idle_months, f.idle_streak = nothing_paid
    for row in rows.values(plan_key).annotate(**_disbursement_sums(year, at), **_paid_months(at)).order_by():
        f = entry(row[plan_key])
        f.disbursed, f.disbursed_month = int(row["disbursed"]), int(row["disbursed_month"])
        f.disbursed_finished = int(row["disbursed_finished"])
        f.idle_months, f.idle_streak = _idle(year, at, row["months_paid"], row["last_paid"])
    target = target_on(points, year, at)
    for f in out.values():
        f.target = target
    out.pop(None, None)
    return out


def figures_by_group(projects: QuerySet, groups, **kwargs) -> dict[int, Figures]:
    """The figures of each working group over its resolved scope (GroupProject), within `projects`."""
    group_ids = [g.pk for g in groups]
    scoped = projects.filter(group_links__group_id__in=group_ids)
    return figures_by(scoped, "group_links__group", **kwargs)


def monthly_curve(
    projects: QuerySet, *, organization_id: int, year: int, source=None, at: dt.date | None = None
) -> dict:
    """The cumulative amount at the end of each of the 13 months (None for months after `at`'s), the plan
    at the year's end, the floor."""
    rows = (
        _disbursements(projects, year, source).values("month").annotate(total=Sum("amount")).order_by("month")
    )
    by_month = {r["month"]: int(r["total"]) for r in rows}
    cumulative, running = [], 0
    for m in plan_months(year):
        running += by_month.get(m, 0)
        cumulative.append(running if at is None or m <= month_start(at) else None)
    _first, last = disbursement_year_bounds(year)
    plan = _plans(projects, year, source).aggregate(**_plan_sums(last))
    return {
        "months": plan_months(year),
        "monthly": [by_month.get(m, 0) for m in plan_months(year)],
        "cumulative": cumulative,
        "assigned": int(plan["assigned"]),
        "allocated": int(plan["allocated"]),
        "target": target_curve(target_points(organization_id, year)),
    }


def group_project_ids(group) -> QuerySet:
    return GroupProject.objects.filter(group=group).values("project_id")
