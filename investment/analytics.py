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
from functools import cached_property

from django.db.models import Count, F, Max, QuerySet, Sum
from django.utils.translation import gettext as _

from investment.choices import Denominator, Rag
from investment.models import (
    MONTH_FIELDS,
    CapitalPlan,
    DisbursementYear,
    GroupProject,
    PlanAdjustment,
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
    """The disbursement of a scope at a date, in a plan year. The rates, gap, status and projection are
    computed once each, when first read (a ranking reads them many times), after the sums are filled in."""

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
    paid_mask: int = 0  # bit i: some money in the year's month i+1 (of those that have ended)
    key: object = None
    label: str = ""
    extra: dict = field(default_factory=dict)

    @cached_property
    def month(self) -> int:
        """The month of the disbursement year that `at` falls in: 1–12, 13 for the next January."""
        return min(max(month_index(self.year, month_start(self.at)), 0), 13)

    @cached_property
    def rate_assigned(self) -> Decimal | None:
        return percent(self.disbursed, self.assigned)

    @cached_property
    def rate_allocated(self) -> Decimal | None:
        return percent(self.disbursed, self.allocated)

    @cached_property
    def denominator(self) -> int:
        """The plan the status is judged against: the Prime Minister's, else the locality's."""
        return self.assigned or self.allocated

    @cached_property
    def rate(self) -> Decimal | None:
        return percent(self.disbursed, self.denominator)

    @cached_property
    def gap(self) -> Decimal | None:
        """Percentage points above (+) or below (−) the floor."""
        if self.rate is None or self.target is None:
            return None
        return self.rate - self.target

    @cached_property
    def rag(self) -> str:
        if self.rate is None:
            return Rag.NONE
        gap = self.gap if self.gap is not None else Decimal(0)
        if gap < -AMBER_POINTS:
            return Rag.RED
        if gap < 0 or (self.idle_streak >= IDLE_MONTHS_AMBER and self.month <= 12):
            return Rag.AMBER
        return Rag.GREEN

    @cached_property
    def finished_months(self) -> int:
        """How many months of the disbursement year have ended by `at` (0–13)."""
        return min(max(month_index(self.year, finished_before(self.at)) - 1, 0), 13)

    @cached_property
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

    @cached_property
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


# --- the figures, as grouped aggregates over the yearly summary --------------------------------------------

# How a breakdown groups the rows in SQL, from a summary row or a plan (both have `project` and `source`).
# Investors and working groups are folded from the projects' figures (fold()): one grouped read by project
# serves the city, its groups and its investors on the same page.
GROUPINGS = {
    "pk": "project_id",
    "source": "source",
    # Through the groups' resolved scope: a project in two groups counts in both, as `fold` counts it.
    "group": "project__group_links__group",
}


@dataclass(frozen=True)
class _Months:
    """Which of a plan year's 13 months count at a date: up to the running one, the ended ones, the running
    one."""

    counted: int
    ended: int
    current: int | None

    @classmethod
    def at(cls, at: dt.date, year: int) -> "_Months":
        months = plan_months(year)
        running, ended = month_start(at), finished_before(at)
        return cls(
            counted=sum(1 for m in months if m <= running),
            ended=sum(1 for m in months if m < ended),
            current=months.index(running) if running in months else None,
        )


def _plus(names) -> F:
    expression = F(names[0])
    for name in names[1:]:
        expression = expression + F(name)
    return expression


def _money_sums(months: _Months) -> dict:
    """The sums of a group of summary rows at a date, and, for each ended month, whether any had money."""
    sums = {"lines": Count("pk")}
    if months.counted:
        sums["disbursed"] = Sum(_plus(MONTH_FIELDS[: months.counted]))
    if months.ended:
        sums["disbursed_finished"] = Sum(_plus(MONTH_FIELDS[: months.ended]))
    if months.current is not None:
        sums["disbursed_month"] = Sum(MONTH_FIELDS[months.current])
    for i in range(months.ended):
        sums[f"paid{i}"] = Max(F("paid_months").bitand(1 << i))
    return sums


def _figures_by(
    projects: QuerySet,
    key: str | None,
    *,
    organization_id: int,
    at: dt.date,
    year: int,
    source=None,
    keep=(),
    rates_only: bool = False,
) -> dict[object, Figures]:
    """The figures of each value of `key` (GROUPINGS; None for all together) among `projects`: one grouped
    aggregate over the yearly summary (DisbursementYear, a row by project, source and year), one over the
    plans, one for the plans adjusted by `at` (a few), whatever the number of rows. The values in `keep` have
    figures even without any row (empty ones). `rates_only` reads only what the rates need (a ranking): the
    month's amount, the ended months and the idle months stay 0."""
    months = _Months.at(at, year)
    path = GROUPINGS[key] if key else None
    scope = {"project__in": projects.values("pk")}
    out: dict[object, Figures] = {}

    def entry(value) -> Figures:
        if value not in out:
            out[value] = Figures(year=year, at=at, key=value)
        return out[value]

    for value in keep:
        entry(value)

    def grouped(qs: QuerySet, **aggregates):
        if path is None:
            return [{None: None, **qs.aggregate(**aggregates)}]
        return qs.values(path).annotate(**aggregates).order_by()

    money = DisbursementYear.objects.filter(plan_year=year, **scope)
    if source:
        money = money.filter(source=source)
    sums = _money_sums(months)
    if rates_only:
        sums = {name: sums[name] for name in ("lines", "disbursed") if name in sums}
    for row in grouped(money, **sums):
        if not row["lines"]:
            continue
        f = entry(row[path])
        f.disbursed = int(row.get("disbursed") or 0)
        f.disbursed_finished = int(row.get("disbursed_finished") or 0)
        f.disbursed_month = int(row.get("disbursed_month") or 0)
        if not rates_only:
            f.paid_mask = sum(1 << i for i in range(months.ended) if row[f"paid{i}"])

    plans = CapitalPlan.objects.filter(year=year, archived_at__isnull=True, **scope)
    if source:
        plans = plans.filter(source=source)
    for row in grouped(plans, plans=Count("pk"), a=Sum("assigned_amount"), b=Sum("allocated_amount")):
        if row["plans"]:
            f = entry(row[path])
            f.assigned, f.allocated = int(row["a"]), int(row["b"])
    for value, assigned, allocated in _adjustments(projects, year, source, path, at):
        f = entry(value)
        f.assigned += assigned
        f.allocated += allocated

    target = target_on(target_points(organization_id, year), year, at)
    for f in out.values():
        f.target = target
        _count_idle(f, months)
    return out


def _count_idle(f: Figures, months: _Months) -> None:
    f.idle_months = months.ended - f.paid_mask.bit_count()
    f.idle_streak = months.ended - f.paid_mask.bit_length()


def fold(
    by_project: dict[int, Figures], keys_of, *, organization_id: int, at: dt.date, year: int, keep=()
) -> dict[object, Figures]:
    """The figures of each key (a working group, an investor, the whole set) from its projects' figures
    (project_figures): `keys_of(project pk)` gives the keys a project counts under, none, one or several (a
    project in two groups counts in both). The sums add up, the paid months join, the floor is the
    projects'. The values in `keep` have figures even without any project."""
    months = _Months.at(at, year)
    target = (
        next(iter(by_project.values())).target
        if by_project
        else target_on(target_points(organization_id, year), year, at)
    )
    out: dict[object, Figures] = {value: Figures(year=year, at=at, key=value) for value in keep}
    for pk, f in by_project.items():
        for value in keys_of(pk):
            total = out.get(value)
            if total is None:
                total = out[value] = Figures(year=year, at=at, key=value)
            total.assigned += f.assigned
            total.allocated += f.allocated
            total.disbursed += f.disbursed
            total.disbursed_finished += f.disbursed_finished
            total.disbursed_month += f.disbursed_month
            total.paid_mask |= f.paid_mask
    for total in out.values():
        total.target = target
        _count_idle(total, months)
    return out


def _adjustments(
    projects: QuerySet, year: int, source, path: str | None, at: dt.date
) -> list[tuple[object, int, int]]:
    """(key value, change of the assigned plan, change of the allocated plan) for each plan adjusted by `at`
    (the latest adjustment of each denominator is in force): one query of the adjustments (a few)."""
    value = f"plan__{path}" if path else "plan_id"
    rows = (
        PlanAdjustment.objects.filter(
            plan__year=year,
            plan__archived_at__isnull=True,
            plan__project__in=projects.values("pk"),
            effective_on__lte=at,
            **({"plan__source": source} if source else {}),
        )
        .order_by("effective_on", "id")
        .values_list(
            "plan_id", value, "plan__assigned_amount", "plan__allocated_amount", "denominator", "amount"
        )
    )
    in_force: dict[int, list] = {}
    for plan_id, key, assigned, allocated, denominator, amount in rows:
        in_force.setdefault(plan_id, [key if path else None, assigned, allocated, {}])[3][denominator] = (
            amount
        )
    return [
        (
            key,
            int(now.get(Denominator.ASSIGNED, assigned)) - assigned,
            int(now.get(Denominator.ALLOCATED, allocated)) - allocated,
        )
        for key, assigned, allocated, now in in_force.values()
    ]


def figures(
    projects: QuerySet,
    *,
    organization_id: int,
    at: dt.date,
    year: int | None = None,
    source=None,
    by_project: dict[int, Figures] | None = None,
) -> Figures:
    """The figures of a set of projects (already scoped to the reader) at `at`; from their figures by
    project when the page has them already (`by_project`, of the same projects, year, date and source)."""
    year = year or at.year
    if by_project is not None:
        kwargs = {"organization_id": organization_id, "at": at, "year": year}
        return fold(by_project, lambda pk: (None,), keep=(None,), **kwargs)[None]
    found = _figures_by(
        projects, None, organization_id=organization_id, at=at, year=year, source=source, keep=(None,)
    )
    return found[None]


def project_figures(
    projects: QuerySet,
    *,
    organization_id: int,
    at: dt.date,
    year: int | None = None,
    source=None,
    rates_only: bool = False,
) -> dict[int, Figures]:
    """The figures of each project among `projects` that has a plan or money in the year: one grouped read
    by project, from which a page folds its city, groups and investors (fold)."""
    year = year or at.year
    return _figures_by(
        projects,
        "pk",
        organization_id=organization_id,
        at=at,
        year=year,
        source=source,
        rates_only=rates_only,
    )


def figures_by(
    projects: QuerySet,
    key: str,
    *,
    organization_id: int,
    at: dt.date,
    year: int | None = None,
    source=None,
    keep=(),
    by_project: dict[int, Figures] | None = None,
) -> dict[object, Figures]:
    """The figures of each project ("pk"), investor ("investor"), working group ("group") or capital source
    ("source") among `projects`, for those with a plan or money in the year (and those in `keep`). Investors
    and groups are folded from the projects' figures (`by_project` when the page has them already)."""
    key = {"group_links__group": "group"}.get(key, key)
    year = year or at.year
    kwargs = {"organization_id": organization_id, "at": at, "year": year}
    if key == "group":
        groups = (
            GroupProject.objects.filter(project__in=projects.values("pk"))
            .order_by()
            .values_list("group_id", flat=True)
            .distinct()
        )
        return figures_by_group(projects, list(groups), source=source, by_project=by_project, **kwargs)
    if key == "investor":
        if by_project is None:
            by_project = project_figures(projects, source=source, **kwargs)
        investor_of = dict(projects.order_by().values_list("pk", "investor_id"))

        def investor(pk):
            return (investor_of[pk],) if pk in investor_of else ()

        return fold(by_project, investor, keep=keep, **kwargs)
    return _figures_by(projects, key, source=source, keep=keep, **kwargs)


def figures_by_group(
    projects: QuerySet,
    groups,
    *,
    organization_id: int,
    at: dt.date,
    year: int | None = None,
    source=None,
    rates_only: bool = False,
    by_project: dict[int, Figures] | None = None,
) -> dict[int, Figures]:
    """The figures of each working group over its resolved scope (GroupProject), within `projects`: folded
    from the projects' figures when the page has them already (`by_project`), else grouped by group in SQL
    (the same figures without a row per project in Python; `rates_only`: what a ranking needs, see
    _figures_by)."""
    year = year or at.year
    kwargs = {"organization_id": organization_id, "at": at, "year": year}
    group_ids = [g.pk if hasattr(g, "pk") else g for g in groups]
    if by_project is None:
        found = _figures_by(
            projects.filter(group_links__group__in=group_ids),
            "group",
            source=source,
            rates_only=rates_only,
            **kwargs,
        )
        return {pk: f for pk, f in found.items() if pk in group_ids}
    # The groups' links, whatever the projects' scope: only the projects among `by_project` count.
    groups_of: dict[int, list[int]] = {}
    links = GroupProject.objects.filter(group_id__in=group_ids).order_by()
    for project_id, group_id in links.values_list("project_id", "group_id"):
        groups_of.setdefault(project_id, []).append(group_id)
    return fold(by_project, lambda pk: groups_of.get(pk, ()), **kwargs)


def monthly_curve(
    projects: QuerySet, *, organization_id: int, year: int, source=None, at: dt.date | None = None
) -> dict:
    """The cumulative amount at the end of each of the 13 months (None for months after `at`'s), the plan
    at the year's end, the floor: one aggregate of the summary's month columns, and the plans."""
    money = DisbursementYear.objects.filter(plan_year=year, project__in=projects.values("pk"))
    if source:
        money = money.filter(source=source)
    sums = money.aggregate(**{name: Sum(name) for name in MONTH_FIELDS})
    monthly = [int(sums[name] or 0) for name in MONTH_FIELDS]
    months = plan_months(year)
    cumulative, running = [], 0
    for m, amount in zip(months, monthly, strict=True):
        running += amount
        cumulative.append(running if at is None or m <= month_start(at) else None)
    _first, last = disbursement_year_bounds(year)
    plans = CapitalPlan.objects.filter(year=year, archived_at__isnull=True, project__in=projects.values("pk"))
    if source:
        plans = plans.filter(source=source)
    plan = plans.aggregate(a=Sum("assigned_amount"), b=Sum("allocated_amount"))
    assigned, allocated = int(plan["a"] or 0), int(plan["b"] or 0)
    for _value, more_assigned, more_allocated in _adjustments(projects, year, source, None, last):
        assigned += more_assigned
        allocated += more_allocated
    return {
        "months": months,
        "monthly": monthly,
        "cumulative": cumulative,
        "assigned": assigned,
        "allocated": allocated,
        "target": target_curve(target_points(organization_id, year)),
    }


def group_project_ids(group) -> QuerySet:
    return GroupProject.objects.filter(group=group).values("project_id")
