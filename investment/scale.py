"""Synthetic public investment for benchmarks: working groups, projects, capital plans with adjustments,
monthly disbursement, and supervision sessions with the obstacles and directives they raised.

On the committee and units `accounts.scale` seeded. City scale: 13 working groups and 3,000 projects, with
capital plans for the last three years by source, and the monthly disbursement of every plan up to the
last full month, about 300,000 rows. (QUALITY.md's table also says 15,000 plan rows; a plan is disbursed in
at most 13 months, so 300,000 monthly rows need about 24,000 plans: the rows of disbursement, which the
figures add up, are the size honoured.) About one plan in ten of the current year
has a denominator adjusted mid-year; about 1,500 supervision sessions over the groups' terms so far each
visit one to three of their group's projects, and raise obstacles and directives in followup with the
session as their origin or source (the same typed links `investment.services` writes). Bulk inserts
(core.bulk), deterministic, with a progress bar.
"""

import datetime as dt
import random
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone

from core import bulk
from core.bench import register_seeder
from followup.choices import ObstacleCategory, ObstacleStatus, RaisedIn, ResolutionLevel, SourceKind
from followup.models import Directive, Obstacle
from investment.choices import (
    CapitalSource,
    Denominator,
    GroupRole,
    ProjectGroup,
    ProjectStatus,
    ScopeVia,
    Sector,
)
from investment.models import (
    CapitalPlan,
    Disbursement,
    GroupMember,
    GroupProject,
    PlanAdjustment,
    Project,
    ProjectLocality,
    SupervisionSession,
    TargetPoint,
    WorkingGroup,
)
from investment.periods import month_start, plan_months
from investment.services import disbursement_totals_refresh
from org.models import AdministrativeUnit, Agency, PartyCommittee, Person

SIZES = {
    "small": {"groups": 13, "projects": 100, "disbursements": 10_000, "sessions": 100},
    "city": {"groups": 13, "projects": 3_000, "disbursements": 300_000, "sessions": 1_500},
    "national": {"groups": 440, "projects": 100_000, "disbursements": 10_000_000, "sessions": 50_000},
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
    summary = disbursement_totals_refresh(organization_id=committee.pk, years=years)
    progress(f"{summary:,} yearly disbursement summaries")

    adjusted = seed_plan_adjustments(committee, today, rng)
    progress(f"{adjusted:,} plan adjustments")
    sessions, obstacles, directives = seed_sessions(committee, groups, size["sessions"], today, rng)
    progress(f"{sessions:,} supervision sessions, {obstacles:,} obstacles, {directives:,} directives")


ADJUSTED_SHARE = 0.1
OBSTACLE_SHARE = 0.4
DIRECTIVE_SHARE = 0.5


def seed_plan_adjustments(committee, today: dt.date, rng: random.Random) -> int:
    """About one plan in ten of the current year adjusted on a day of its first half: the assigned plan (or,
    for the local budget, the allocated one) raised or cut by up to a fifth."""
    plans = CapitalPlan.objects.filter(organization=committee, year=today.year).order_by("pk")
    rows = []
    for pk, source, assigned, allocated in plans.values_list(
        "pk", "source", "assigned_amount", "allocated_amount"
    ):
        if rng.random() >= ADJUSTED_SHARE:
            continue
        local = source == CapitalSource.LOCAL
        denominator, amount = (
            (Denominator.ALLOCATED, allocated) if local else (Denominator.ASSIGNED, assigned)
        )
        new_amount = round(amount * rng.uniform(0.8, 1.2) / MILLION) * MILLION
        effective = dt.date(today.year, rng.randint(2, 6), rng.randint(1, 28))
        rows.append(
            [
                pk,
                denominator,
                min(effective, today),
                new_amount,
                f"{rng.randint(100, 999)}/QĐ-UBND",
                timezone.now(),
            ]
        )
    bulk.insert(
        PlanAdjustment, ["plan", "denominator", "effective_on", "amount", "decision", "recorded_at"], rows
    )
    return len(rows)


def seed_sessions(committee, groups, count: int, today: dt.date, rng: random.Random) -> tuple[int, int, int]:
    """`count` supervision sessions spread over the groups and their terms so far, each visiting one to three
    of its group's projects with two of its members; some raise an obstacle about a project visited, some
    issue a directive, both linked to the session as followup's typed links do."""
    in_group: dict[int, list[tuple[int, int, int, str]]] = {g.pk: [] for g in groups}
    links = GroupProject.objects.filter(group__in=groups).order_by("pk")
    for group_id, pk, investor_id, code, name in links.values_list(
        "group_id", "project_id", "project__investor_id", "project__code", "project__name"
    ):
        in_group[group_id].append((pk, investor_id, code, name))
    site_of = dict(
        ProjectLocality.objects.filter(project__organization=committee)
        .order_by("project_id", "-id")
        .values_list("project_id", "locality_id")
    )
    members: dict[int, list[int]] = {g.pk: [] for g in groups}
    for group_id, person_id in GroupMember.objects.filter(group__in=groups).values_list(
        "group_id", "person_id"
    ):
        members[group_id].append(person_id)
    sessions, visits = [], []
    for i in range(count):
        group = groups[i % len(groups)]
        visited = rng.sample(in_group[group.pk], k=min(len(in_group[group.pk]), rng.randint(1, 3)))
        if not visited:
            continue
        session = SupervisionSession(
            group=group,
            held_on=today - dt.timedelta(days=rng.randint(0, (today - group.term_start).days)),
            title=f"Kiểm tra tiến độ giải ngân {visited[0][2]}",
            place=f"Công trường dự án {visited[0][2]}",
            findings="Vướng mắc giải phóng mặt bằng; chậm thanh toán khối lượng hoàn thành.",
        )
        session.refresh_derived()
        sessions.append(session)
        visits.append(visited)
    sessions = SupervisionSession.objects.bulk_create(sessions, batch_size=2_000)
    Visit = SupervisionSession.projects.through
    Visit.objects.bulk_create(
        (
            Visit(supervisionsession_id=s.pk, project_id=p[0])
            for s, v in zip(sessions, visits, strict=True)
            for p in v
        ),
        batch_size=5_000,
    )
    Participant = SupervisionSession.participants.through
    Participant.objects.bulk_create(
        (
            Participant(supervisionsession_id=s.pk, person_id=person)
            for s in sessions
            for person in members[s.group_id][:2]
        ),
        batch_size=5_000,
    )
    session_type = ContentType.objects.get_for_model(SupervisionSession)
    project_type = ContentType.objects.get_for_model(Project)
    leaders = {g.pk: (members[g.pk] or [None])[0] for g in groups}
    obstacles, directives = [], []
    for session, visited in zip(sessions, visits, strict=True):
        project_id, investor_id, code, name = visited[0]
        if rng.random() < OBSTACLE_SHARE:
            obstacle = Obstacle(
                organization=committee,
                title=f"Vướng mặt bằng tại dự án {code}",
                description="Còn hộ dân chưa bàn giao mặt bằng; cần Thường trực chỉ đạo tháo gỡ.",
                category=rng.choice(ObstacleCategory.values),
                locality_id=site_of.get(project_id),
                agency_id=investor_id,
                subject_type=project_type,
                subject_id=project_id,
                subject_label=f"{code} — {name}"[:300],
                raised_by_id=leaders[session.group_id],
                raised_in=RaisedIn.SUPERVISION_SESSION,
                origin_type=session_type,
                origin_id=session.pk,
                raised_on=session.held_on,
                resolution_level=rng.choice(ResolutionLevel.values),
                responsible_agency_id=investor_id,
                deadline=session.held_on + dt.timedelta(days=rng.randint(15, 90)),
                status=rng.choice(ObstacleStatus.values),
            )
            obstacle.refresh_derived()
            obstacles.append(obstacle)
        if rng.random() < DIRECTIVE_SHARE and leaders[session.group_id]:
            directive = Directive(
                organization=committee,
                number=f"TCT-{session.pk}",
                content=f"Chủ đầu tư dự án {code} đẩy nhanh giải ngân, báo cáo Tổ công tác trước hạn.",
                issued_by_id=leaders[session.group_id],
                issued_on=session.held_on,
                source_kind=SourceKind.SUPERVISION_SESSION,
                source_type=session_type,
                source_id=session.pk,
                source_label=str(session)[:300],
                lead_unit_id=investor_id,
                locality_id=site_of.get(project_id),
                deadline=session.held_on + dt.timedelta(days=rng.randint(15, 60)),
            )
            directive.refresh_derived()
            directives.append(directive)
    Obstacle.objects.bulk_create(obstacles, batch_size=2_000)
    Directive.objects.bulk_create(directives, batch_size=2_000)
    return len(sessions), len(obstacles), len(directives)
