"""Disbursement figures for any set of projects at any date, read from the yearly summary in a few queries.

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

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from investment.choices import Denominator, Rag
from investment.models import (
    MONTH_FIELDS,
    CapitalPlan,
    DisbursementYear,
    GroupProject,
    PlanAdjustment,
    Project,
    TargetPoint,
)
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


# --- the rows a set of projects reads -----------------------------------------------------------------------


def _plans(projects: QuerySet, year: int, source: str | None) -> QuerySet:
    plans = CapitalPlan.objects.filter(project__in=projects.values("pk"), year=year, archived_at__isnull=True)
    return plans.filter(source=source) if source else plans


# --- the ledger: a set of projects' year, read once ------------------------------------------------------


@dataclass
class _Line:
    """One project and capital source of the ledger: its plan in force at the date and at the year's end,
    its 13 monthly amounts, and what they add up to at the date."""

    project_id: int
    source: str
    assigned: int = 0
    allocated: int = 0
    assigned_end: int = 0
    allocated_end: int = 0
    months: tuple = (0,) * 13
    disbursed: int = 0  # the months up to the running one
    disbursed_finished: int = 0  # the months that have ended
    disbursed_month: int = 0  # the running month
    paid: int = 0  # the ended months that had money, bit i for month i + 1


class Ledger:
    """The plans and the monthly money of a set of projects in a plan year, read once (a handful of queries
    whatever the number of rows) and added up in memory for every breakdown a page shows: the whole, by
    project, investor, working group, source, key flag, and the monthly curve. The money is the yearly
    summary (DisbursementYear: a row by project and source, a column a month), the plans one query and their
    adjustments another, so the year's monthly rows are never scanned on a page.
    """

    def __init__(self, projects: QuerySet, *, organization_id: int, at: dt.date, year: int | None = None):
        self.at, self.year = at, year or at.year
        self.points = target_points(organization_id, self.year)
        self.target = target_on(self.points, self.year, at)
        months = plan_months(self.year)
        running, ended = month_start(at), finished_before(at)
        self.counted = sum(1 for m in months if m <= running)  # the months summed into "disbursed"
        self.ended = sum(1 for m in months if m < ended)  # the months that have ended by `at`
        self.current = months.index(running) if running in months else None
        self.lines: dict[tuple[int, str], _Line] = {}
        self._groups: dict[frozenset, dict[int, list[int]]] = {}
        self._facts: dict[int, tuple[int, bool]] | None = None
        self._projects = projects
        self._read_money(projects)
        self._read_plans(projects)

    def _line(self, project_id: int, source: str) -> _Line:
        line = self.lines.get((project_id, source))
        if line is None:
            line = self.lines[(project_id, source)] = _Line(project_id, source)
        return line

    def _read_money(self, projects: QuerySet) -> None:
        rows = DisbursementYear.objects.filter(project__in=projects.values("pk"), plan_year=self.year)
        counted, ended, current = self.counted, self.ended, self.current
        ended_mask = (1 << ended) - 1
        for project_id, source, paid, *months in rows.values_list(
            "project_id", "source", "paid_months", *MONTH_FIELDS
        ).order_by():
            line = self._line(project_id, source)
            line.months = months
            line.disbursed = sum(months[:counted])
            line.disbursed_finished = sum(months[:ended])
            line.disbursed_month = months[current] if current is not None else 0
            line.paid = paid & ended_mask

    def _read_plans(self, projects: QuerySet) -> None:
        plans = _plans(projects, self.year, None).values_list(
            "pk", "project_id", "source", "assigned_amount", "allocated_amount"
        )
        by_plan = {}
        for pk, project_id, source, assigned, allocated in plans.order_by():
            line = self._line(project_id, source)
            line.assigned += assigned
            line.allocated += allocated
            line.assigned_end += assigned
            line.allocated_end += allocated
            by_plan[pk] = (line, assigned, allocated)
        if not by_plan:
            return
        # The adjustments (a few) change the amounts in force: the latest one that took effect wins.
        _first, last = disbursement_year_bounds(self.year)
        adjustments = (
            PlanAdjustment.objects.filter(
                plan__in=_plans(projects, self.year, None).values("pk"), effective_on__lte=max(self.at, last)
            )
            .order_by("effective_on", "id")
            .values_list("plan_id", "denominator", "effective_on", "amount")
        )
        in_force: dict[int, dict] = {}
        at_end: dict[int, dict] = {}
        for plan_id, denominator, effective_on, amount in adjustments:
            if plan_id not in by_plan:
                continue
            if effective_on <= last:
                at_end.setdefault(plan_id, {})[denominator] = amount
            if effective_on <= self.at:
                in_force.setdefault(plan_id, {})[denominator] = amount
        for plan_id, (line, assigned, allocated) in by_plan.items():
            now, end = in_force.get(plan_id, {}), at_end.get(plan_id, {})
            line.assigned += now.get(Denominator.ASSIGNED, assigned) - assigned
            line.allocated += now.get(Denominator.ALLOCATED, allocated) - allocated
            line.assigned_end += end.get(Denominator.ASSIGNED, assigned) - assigned
            line.allocated_end += end.get(Denominator.ALLOCATED, allocated) - allocated

    def facts(self) -> dict[int, tuple[int, bool]]:
        """project id -> (investor id, key flag): one query, the first time a breakdown needs them."""
        if self._facts is None:
            projects = Project.objects.filter(pk__in=self._projects.values("pk"))
            rows = projects.order_by().values_list("pk", "investor_id", "is_key")
            self._facts = {pk: (investor, key) for pk, investor, key in rows}
        return self._facts

    def is_key(self, line: _Line) -> bool:
        """A `where` for the key projects."""
        return self.facts().get(line.project_id, (None, False))[1]

    def groups_of(self, group_ids) -> dict[int, list[int]]:
        """project id -> the working groups (among `group_ids`) whose scope holds it: one query, the first
        time for these groups."""
        wanted = frozenset(group_ids)
        if wanted not in self._groups:
            links = GroupProject.objects.filter(
                group_id__in=list(wanted), project__in=self._projects.values("pk")
            ).values_list("project_id", "group_id")
            out: dict[int, list[int]] = {}
            for project_id, group_id in links.order_by():
                out.setdefault(project_id, []).append(group_id)
            self._groups[wanted] = out
        return self._groups[wanted]

    def _selected(self, source=None, where=None):
        for line in self.lines.values():
            if source and line.source != source:
                continue
            if where is not None and not where(line):
                continue
            yield line

    def _sum(self, lines, f: Figures) -> Figures:
        """Add the lines up into `f`, with the idle months of the ended months none of them had money in."""
        paid = 0
        for line in lines:
            f.assigned += line.assigned
            f.allocated += line.allocated
            f.disbursed += line.disbursed
            f.disbursed_finished += line.disbursed_finished
            f.disbursed_month += line.disbursed_month
            paid |= line.paid
        f.idle_months = self.ended - paid.bit_count()
        f.idle_streak = self.ended - paid.bit_length()
        f.target = self.target
        return f

    def total(self, *, source=None, where=None) -> Figures:
        """The figures of every line (of one source, of the projects `where` accepts) together."""
        return self._sum(self._selected(source, where), Figures(year=self.year, at=self.at))

    def by(self, key: str, *, source=None, where=None, groups=None) -> dict[object, Figures]:
        """The figures of each project ("pk"), investor ("investor") or working group ("group", of `groups`)
        among the lines that have a plan or money."""
        buckets: dict[object, list[_Line]] = {}
        if key == "group":
            member_of = self.groups_of(g.pk if hasattr(g, "pk") else g for g in groups)
            for line in self._selected(source, where):
                for value in member_of.get(line.project_id, ()):
                    buckets.setdefault(value, []).append(line)
        elif key == "investor":
            facts = self.facts()
            for line in self._selected(source, where):
                buckets.setdefault(facts.get(line.project_id, (None,))[0], []).append(line)
        else:
            for line in self._selected(source, where):
                buckets.setdefault(line.project_id, []).append(line)
        return {
            value: self._sum(lines, Figures(year=self.year, at=self.at, key=value))
            for value, lines in buckets.items()
            if value is not None
        }

    def curve(self, *, source=None, where=None, until: dt.date | None = None) -> dict:
        """The cumulative amount at the end of each of the 13 months (None after `until`'s month), the plan
        at the year's end, the floor (as monthly_curve)."""
        lines = list(self._selected(source, where))
        assigned = sum(line.assigned_end for line in lines)
        allocated = sum(line.allocated_end for line in lines)
        monthly = [sum(column) for column in zip(*(line.months for line in lines), strict=True)] or [0] * 13
        months = plan_months(self.year)
        cumulative, running = [], 0
        for i, m in enumerate(months):
            running += monthly[i]
            cumulative.append(running if until is None or m <= month_start(until) else None)
        return {
            "months": months,
            "monthly": monthly,
            "cumulative": cumulative,
            "assigned": assigned,
            "allocated": allocated,
            "target": target_curve(self.points),
        }


def figures(
    projects: QuerySet, *, organization_id: int, at: dt.date, year: int | None = None, source=None
) -> Figures:
    """The figures of a set of projects (already scoped to the reader) at `at`."""
    return Ledger(projects, organization_id=organization_id, at=at, year=year).total(source=source)


def figures_by(
    projects: QuerySet, key: str, *, organization_id: int, at: dt.date, year: int | None = None, source=None
) -> dict[object, Figures]:
    """The figures of each value of `key` ("pk", "investor" or "group_links__group") among `projects`."""
    ledger = Ledger(projects, organization_id=organization_id, at=at, year=year)
    if key == "group_links__group":
        groups = GroupProject.objects.filter(project__in=projects.values("pk")).values_list(
            "group_id", flat=True
        )
        return ledger.by("group", source=source, groups=set(groups.order_by()))
    return ledger.by(key, source=source)


def figures_by_group(projects: QuerySet, groups, **kwargs) -> dict[int, Figures]:
    """The figures of each working group over its resolved scope (GroupProject), within `projects`."""
    source = kwargs.pop("source", None)
    return Ledger(projects, **kwargs).by("group", source=source, groups=groups)


def monthly_curve(
    projects: QuerySet, *, organization_id: int, year: int, source=None, at: dt.date | None = None
) -> dict:
    """The cumulative amount at the end of each of the 13 months (None for months after `at`'s), the plan
    at the year's end, the floor."""
    _first, last = disbursement_year_bounds(year)
    ledger = Ledger(projects, organization_id=organization_id, at=last, year=year)
    return ledger.curve(source=source, until=at)


def group_project_ids(group) -> QuerySet:
    return GroupProject.objects.filter(group=group).values("project_id")
