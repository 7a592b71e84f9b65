"""Synthetic follow-up records for benchmarks: obstacles, directives with progress, and re-supervisions.

City scale follows docs' scale table: 20,000 obstacles, 100,000 directives, 60,000 re-supervisions, on the
committee and units `accounts.scale` seeded. Bulk inserts, deterministic.
"""

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from accounts.scale import BENCH_USER
from core.bench import Scenario, register_scenarios, register_seeder
from followup.choices import ObstacleCategory, ObstacleStatus, ResolutionLevel, SourceKind
from followup.models import Directive, Obstacle, ProgressReport, ReSupervision
from org.models import AdministrativeUnit, Agency, PartyCommittee, Person

SIZES = {
    "small": {"obstacles": 200, "directives": 1_000, "resupervisions": 600},
    "city": {"obstacles": 20_000, "directives": 100_000, "resupervisions": 60_000},
    "national": {"obstacles": 100_000, "directives": 500_000, "resupervisions": 300_000},
}
SEED = 20261127
BATCH = 5_000


@register_seeder
@transaction.atomic
def seed_followup(scale: str, progress) -> None:
    committee = PartyCommittee.objects.filter(code="scale-1").first()
    if committee is None or Directive.objects.filter(organization=committee).exists():
        return
    size = SIZES[scale]
    rng = random.Random(SEED)  # noqa: S311 - deterministic synthetic data, not security
    units = AdministrativeUnit.objects.filter(parent=committee.root_unit)
    communes = list(units.values_list("pk", flat=True))
    leaders = list(Person.objects.filter(organization=committee).values_list("pk", flat=True))
    agencies = list(Agency.objects.filter(organization=committee).values_list("pk", flat=True))
    today = timezone.localdate()
    statuses, categories, levels = ObstacleStatus.values, ObstacleCategory.values, ResolutionLevel.values

    def day(back: int) -> dt.date:
        return today - dt.timedelta(days=rng.randint(0, back))

    obstacles = []
    for i in range(size["obstacles"]):
        obstacle = Obstacle(
            organization=committee,
            title=f"Vướng mắc số {i + 1}: giải phóng mặt bằng tuyến đường {rng.randint(1, 400)}",
            description="Còn hộ dân chưa nhận tiền bồi thường, hỗ trợ.",
            category=rng.choice(categories),
            locality_id=rng.choice(communes),
            raised_on=day(700),
            resolution_level=rng.choice(levels),
            responsible_agency_id=rng.choice(agencies),
            deadline=day(300) + dt.timedelta(days=rng.randint(0, 400)),
            status=rng.choice(statuses),
        )
        obstacle.refresh_derived()
        obstacles.append(obstacle)
    Obstacle.objects.bulk_create(obstacles, batch_size=BATCH)
    progress(f"{len(obstacles):,} obstacles")

    directives = []
    for i in range(size["directives"]):
        issued = day(700)
        deadline = issued + dt.timedelta(days=rng.randint(15, 180))
        done = rng.random() < 0.45
        completed_on = min(today, deadline + dt.timedelta(days=rng.randint(-30, 30))) if done else None
        directive = Directive(
            organization=committee,
            number=f"{i + 1}",
            content=f"Chỉ đạo số {i + 1}: hoàn thành thủ tục đầu tư, báo cáo Thường trực.",
            issued_by_id=rng.choice(leaders),
            issued_on=issued,
            source_kind=SourceKind.OTHER,
            lead_unit_id=rng.choice(agencies),
            locality_id=rng.choice(communes),
            deadline=deadline,
            completed_on=completed_on,
            # Most reported completions are confirmed; the rest await confirmation.
            completion_confirmed_on=completed_on if done and rng.random() < 0.8 else None,
        )
        directive.refresh_derived()
        directives.append(directive)
    directives = Directive.objects.bulk_create(directives, batch_size=BATCH)
    progress(f"{len(directives):,} directives")

    author = User.objects.get(username=BENCH_USER)
    reports = [
        ProgressReport(directive=d, author=author, text="Đã triển khai, đạt khoảng 60% khối lượng.")
        for d in directives
        if rng.random() < 0.3
    ]
    ProgressReport.objects.bulk_create(reports, batch_size=BATCH)
    checks = [
        ReSupervision(
            organization=committee,
            directive=d,
            locality_id=d.locality_id,
            agency_id=d.lead_unit_id,
            due_on=d.deadline + dt.timedelta(days=30),
            assigned_to_id=d.issued_by_id,
        )
        for d in directives[: size["resupervisions"]]
    ]
    ReSupervision.objects.bulk_create(checks, batch_size=BATCH)
    progress(f"{len(reports):,} progress reports, {len(checks):,} re-supervisions")


@register_scenarios
def followup_scenarios() -> list[Scenario]:
    committee = PartyCommittee.objects.filter(code="scale-1").first()
    if committee is None:
        return []
    obstacles = Obstacle.objects.filter(organization=committee).count()
    directives = Directive.objects.filter(organization=committee).count()
    checks = ReSupervision.objects.filter(organization=committee).count()
    if not directives:
        return []
    directive = Directive.objects.filter(organization=committee).order_by("pk").first()
    return [
        Scenario("page: obstacles", BENCH_USER, "/followup/obstacles/", obstacles),
        Scenario("page: obstacles overdue", BENCH_USER, "/followup/obstacles/?overdue=1", obstacles),
        Scenario("page: directives", BENCH_USER, "/followup/directives/", directives),
        Scenario("page: directives overdue", BENCH_USER, "/followup/directives/?bucket=overdue", directives),
        Scenario("page: directive", BENCH_USER, f"/followup/directives/{directive.pk}/", directives),
        Scenario("page: re-supervisions", BENCH_USER, "/followup/resupervisions/", checks),
        Scenario("page: my items", BENCH_USER, "/followup/", directives),
        Scenario("api: directives", BENCH_USER, "/api/v1/followup/directives/", directives),
        Scenario("api: obstacles", BENCH_USER, "/api/v1/followup/obstacles/", obstacles),
    ]
