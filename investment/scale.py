"""Synthetic public investment for benchmarks: working groups, projects, capital plans, monthly disbursement.

On the committee and units `accounts.scale` seeded. City scale: 13 working groups and 3,000 projects, with
capital plans for the last three years by source, and the monthly disbursement of every plan up to the
last full month, about 300,000 rows. (QUALITY.md's table also says 15,000 plan rows; a plan is disbursed in
at most 13 months, so 300,000 monthly rows need about 24,000 plans: the rows of disbursement, which the
figures add up, are the size honoured.) Bulk inserts (core.bulk), deterministic, with a progress bar.
"""

import datetime as dt
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from core import bulk
from core.bench import register_seeder
from investment.choices import CapitalSource, GroupRole, ProjectGroup, ProjectStatus, ScopeVia, Sector
from investment.models import (
    CapitalPlan,
    Disbursement,
    GroupMember,
    GroupProject,
    Project,
    ProjectLocality,
    TargetPoint,
    WorkingGroup,
)
from investment.periods import month_start, plan_months
from org.models import AdministrativeUnit, Agency, PartyCommittee, Person

SIZES = {
    "small": {"groups": 13, "projects": 100, "disbursements": 10_000},
    "city": {"groups": 13, "projects": 3_000, "disbursements": 300_000},
    "national": {"groups": 440, "projects": 100_000, "disbursements": 10_000_000},
}
SEED = 20261202
BATCH = 20_000
BILLION = 10**9
MILLION = 10**6
TARGET_CURVE = {3: Decimal("7.5"), 6: Decimal("25"), 9: Decimal("50"), 12: Decimal("95")}
CURVE = [0.025, 0.05, 0.075, 0.133, 0.192, 0.25, 0.333, 0.417, 0.5, 0.65, 0.8, 0.95, 1.0]  # by month 1..13
SOURCES = [CapitalSource.LOCAL, CapitalSource.CENTRAL, CapitalSource.FOREIGN]
NAMES = (
    "Xây dựng đường",
    "Mở rộng đường",
    "Cầu",
    "Nút giao",
    "Trường tiểu học",
    "Trường trung học cơ sở",
    "Bệnh viện đa khoa",
    "Trạm y tế",
    "Kè chống sạt lở",
    "Nạo vét kênh",
    "Hệ thống thoát nước",
    "Nhà văn hóa",
    "Công viên",
    "Trụ sở Ủy ban nhân dân",
)


class _Bar:
    """A text progress bar, one line each tenth of the way."""

    def __init__(self, progress, label: str, total: int):
        self.progress, self.label, self.total, self.shown = progress, label, max(total, 1), -1

    def update(self, done: int) -> None:
        tenth = min(10, done * 10 // self.total)
        if tenth > self.shown:
            self.shown = tenth
            self.progress(f"{self.label} [{'#' * tenth}{'.' * (10 - tenth)}] {done:,}/{self.total:,}")


@register_seeder
@transaction.atomic
def seed_investment(scale: str, progress) -> None:
    committee = PartyCommittee.objects.filter(code="scale-1").first()
    if committee is None or Project.objects.filter(organization=committee).exists():
        return
    size = SIZES[scale]
    rng = random.Random(SEED)  # noqa: S311 - deterministic synthetic data, not security
    today = timezone.localdate()
    last = month_start(month_start(today) - dt.timedelta(days=1))  # the last full month
    years = [today.year - 2, today.year - 1, today.year]
    months = {y: [m for m in plan_months(y) if m <= last] for y in years}
    communes = list(
        AdministrativeUnit.objects.filter(parent=committee.root_unit).values_list("pk", flat=True)
    )
    investors = list(
        Agency.objects.filter(organization=committee).order_by("pk").values_list("pk", flat=True)
    )
    people = list(Person.objects.filter(organization=committee).order_by("pk").values_list("pk", flat=True))
    groups_of = {ProjectGroup.NATIONAL: 1, ProjectGroup.A: 3, ProjectGroup.B: 8, ProjectGroup.C: 12}
    classes = [k for k, w in groups_of.items() for _ in range(w)]
    sectors = Sector.values

    TargetPoint.objects.bulk_create(
        TargetPoint(organization=committee, year=y, month=m, percent=p)
        for y in years
        for m, p in TARGET_CURVE.items()
    )

    # Projects, their sites, and the groups that follow them.
    projects = []
    for i in range(size["projects"]):
        klass = rng.choice(classes)
        started = today.year - rng.randint(0, 4)
        status = rng.choices(
            [ProjectStatus.IMPLEMENTATION, ProjectStatus.PREPARATION, ProjectStatus.COMPLETED], [8, 1, 1]
        )[0]
        project = Project(
            organization=committee,
            code=f"DA-{i + 1:06d}",
            name=f"{rng.choice(NAMES)} số {i + 1}",
            group=klass,
            is_key=klass in (ProjectGroup.NATIONAL, ProjectGroup.A) or rng.random() < 0.1,
            sector=rng.choice(sectors),
            investor_id=rng.choice(investors),
            total_investment=rng.randint(20, 20_000) * BILLION,
            planned_start=dt.date(started, 1, 1),
            planned_end=dt.date(started + rng.randint(2, 5), 12, 31),
            status=status,
            progress_percent=Decimal(rng.randint(0, 100)) if status != ProjectStatus.PREPARATION else None,
            progress_on=last if status != ProjectStatus.PREPARATION else None,
        )
        project.refresh_derived()
        projects.append(project)
    projects = Project.objects.bulk_create(projects, batch_size=5_000)
    ProjectLocality.objects.bulk_create(
        (
            ProjectLocality(
                project=p,
                locality_id=rng.choice(communes),
                latitude=Decimal(f"{21.0285 + rng.uniform(-0.25, 0.25):.6f}"),
                longitude=Decimal(f"{105.8542 + rng.uniform(-0.25, 0.25):.6f}"),
            )
            for p in projects
        ),
        batch_size=5_000,
    )
    progress(f"{len(projects):,} projects with their sites")

    start = dt.date(today.year - 1, 10, 15)
    groups = WorkingGroup.objects.bulk_create(
        [
            WorkingGroup(
                organization=committee,
                number=n,
                name=f"Tổ công tác số {n}",
                term_start=start,
                search_text=f"{n}",
            )
            for n in range(1, size["groups"] + 1)
        ]
    )
    for group in groups:
        group.refresh_derived()
    WorkingGroup.objects.bulk_update(groups, ["search_text"])
    GroupMember.objects.bulk_create(
        GroupMember(group=g, person_id=people[(i * 3 + k) % len(people)], role=role, valid_from=start)
        for i, g in enumerate(groups)
        for k, role in enumerate((GroupRole.LEADER, GroupRole.DEPUTY, GroupRole.MEMBER))
    )
    GroupProject.objects.bulk_create(
        (
            GroupProject(group=groups[i % len(groups)], project=p, via=ScopeVia.PROJECT)
            for i, p in enumerate(projects)
        ),
        batch_size=5_000,
    )
    progress(f"{len(groups):,} working groups")

    # Plans and monthly disbursement: three years by one to three sources, as many as the rows need.
    per_plan = sum(len(m) for m in months.values()) / len(years)
    sources_each = min(3.0, size["disbursements"] / per_plan / len(years) / len(projects))
    now = timezone.now()
    plan_fields = [
        "organization",
        "project",
        "year",
        "source",
        "assigned_amount",
        "allocated_amount",
        "version",
        "created_at",
        "updated_at",
    ]
    money_fields = ["organization", "project", "source", "plan_year", "month", "amount", "updated_at"]
    plans, rows, written, planned = [], [], 0, 0
    bar = _Bar(progress, "disbursement rows", size["disbursements"])
    for project in projects:
        count = int(sources_each) + (1 if rng.random() < sources_each % 1 else 0)
        pace = rng.choice((1.1, 1.05, 1.0, 0.9, 0.7, 0.4))
        for source in SOURCES[: max(1, count)]:
            for year in years:
                assigned = rng.randint(5, 2_000) * BILLION
                allocated = (
                    assigned if source != CapitalSource.LOCAL else assigned + rng.randint(0, 200) * BILLION
                )
                plans.append([committee.pk, project.pk, year, source, assigned, allocated, 1, now, now])
                previous = 0
                for index, month in enumerate(months[year]):
                    share = min(1.0, pace * CURVE[index] * rng.uniform(0.95, 1.05))
                    cumulative = max(previous, round(assigned * share / MILLION) * MILLION)
                    if cumulative > previous:
                        rows.append(
                            [committee.pk, project.pk, source, year, month, cumulative - previous, now]
                        )
                    previous = cumulative
        if len(rows) >= BATCH:
            bulk.insert(Disbursement, money_fields, rows)
            bulk.insert(CapitalPlan, plan_fields, plans)
            written, planned = written + len(rows), planned + len(plans)
            rows, plans = [], []
            bar.update(written)
    bulk.insert(Disbursement, money_fields, rows)
    bulk.insert(CapitalPlan, plan_fields, plans)
    written, planned = written + len(rows), planned + len(plans)
    bar.update(written)
    progress(f"{planned:,} capital plans, {written:,} disbursement rows")
