"""Synthetic incidents for benchmarks: 50,000 at city scale, a year and a half of reports on the committee
and units `accounts.scale` seeded, each routed to the leader assigned to its commune. Bulk inserts,
deterministic."""

import datetime as dt
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from accounts.scale import BENCH_USER
from core.bench import Scenario, register_scenarios, register_seeder
from core.calendar import WorkingCalendar
from incidents import services
from incidents.choices import IncidentField, IncidentSource, IncidentStatus, Severity
from incidents.models import Incident
from org.models import AdministrativeUnit, Agency, Assignment, PartyCommittee, Person

SIZES = {"small": 500, "city": 50_000, "national": 1_700_000}
SEED = 20261128
BATCH = 5_000


@register_seeder
@transaction.atomic
def seed_incidents(scale: str, progress) -> None:
    committee = PartyCommittee.objects.filter(code="scale-1").first()
    if committee is None or Incident.objects.filter(organization=committee).exists():
        return
    rng = random.Random(SEED)  # noqa: S311 - deterministic synthetic data, not security
    # The workflow's times come from a generator of their own, so the other columns stay as they were.
    clock = random.Random(SEED + 1)  # noqa: S311
    calendar = WorkingCalendar.for_organization(committee)
    routes = list(
        Assignment.objects.filter(organization=committee, locality__isnull=False).values_list(
            "pk", "locality_id", "leader_id"
        )
    )
    # Positions near their commune (accounts.scale places the communes), from a generator of their own; one
    # report in eight comes without one, as in life.
    places = random.Random(SEED + 2)  # noqa: S311
    centres = {
        pk: (float(lat), float(lon))
        for pk, lat, lon in AdministrativeUnit.objects.filter(
            pk__in={route[1] for route in routes}, latitude__isnull=False
        ).values_list("pk", "latitude", "longitude")
    }
    now = timezone.now()
    fields, sources, statuses = IncidentField.values, IncidentSource.values, IncidentStatus.values
    severities = [Severity.NORMAL] * 7 + [Severity.COMPLEX] * 2 + [Severity.URGENT]
    batch: list[Incident] = []
    total = 0
    for i in range(SIZES[scale]):
        assignment, locality, leader = rng.choice(routes)
        reported = now - dt.timedelta(minutes=rng.randint(30, 60 * 24 * 540))
        incident = Incident(
            organization=committee,
            code=f"VV-{timezone.localtime(reported).year}-S{i + 1:07d}",
            title=f"Phản ánh số {i + 1}: lấn chiếm vỉa hè, tập kết vật liệu trên phố {rng.randint(1, 500)}",
            description="Người dân phản ánh qua đường dây nóng.",
            locality_id=locality,
            occurred_at=reported - dt.timedelta(minutes=rng.randint(0, 600)),
            reported_at=reported,
            source=rng.choice(sources),
            field=rng.choice(fields),
            severity=rng.choice(severities),
            is_public_concern=rng.random() < 0.1,
            responsible_leader_id=leader,
            responsible_assignment_id=assignment,
            routed_via="direct",
            status=rng.choice(statuses),
            ack_due_at=reported + dt.timedelta(hours=8),
            resolve_due_at=reported + dt.timedelta(hours=80),
        )
        centre = centres.get(locality)
        if centre is not None and places.random() >= 0.125:
            incident.latitude = Decimal(f"{centre[0] + places.uniform(-0.01, 0.01):.6f}")
            incident.longitude = Decimal(f"{centre[1] + places.uniform(-0.01, 0.01):.6f}")
        _walk(incident, clock, calendar, now)
        incident.refresh_derived()
        batch.append(incident)
        if len(batch) == BATCH:
            Incident.objects.bulk_create(batch)
            total += len(batch)
            batch = []
    Incident.objects.bulk_create(batch)
    total += len(batch)
    incident = seed_one_incident_s_life(committee)
    progress(f"{total:,} incidents; {incident.code} reassigned, handled, with two directives")


ACKNOWLEDGED = {IncidentStatus.HANDLING, IncidentStatus.RESOLVED, IncidentStatus.CLOSED}
RESOLVED = {IncidentStatus.RESOLVED, IncidentStatus.CLOSED}


def _walk(incident: Incident, clock: random.Random, calendar: WorkingCalendar, now: dt.datetime) -> None:
    """The times an incident of its status went through, in working hours from the report (as the
    services stamp them): acknowledged within 0.1 to 16 working hours, resolved within 1 to 160; a moment
    past `now` is brought back to it."""
    if incident.status not in ACKNOWLEDGED:
        return
    taken = [Decimal(str(round(clock.uniform(0.1, 16), 2)))]
    if incident.status in RESOLVED:
        taken.append(taken[0] + Decimal(str(round(clock.uniform(1, 160), 2))))
    moments = []
    for hours in taken:
        moment = calendar.add_working_hours(incident.reported_at, hours)
        if moment > now:
            moment, hours = (
                now,
                calendar.working_hours_between(incident.reported_at, now).quantize(Decimal("0.01")),
            )
        moments.append((moment, hours))
    incident.acknowledged_at, incident.ack_working_hours = moments[0]
    if len(moments) > 1:
        incident.resolved_at, incident.resolve_working_hours = moments[1]


def seed_one_incident_s_life(committee) -> Incident:
    """The first incident received goes through what a real one does, through the services: reassigned to
    another leader and a handling unit, acknowledged, two directives issued with cooperating units. The
    benchmark times its page, which then shows a timeline, directives and the pickers' chosen units."""
    actor = User.objects.get(username=BENCH_USER)
    incident = (
        Incident.objects.filter(organization=committee, status=IncidentStatus.RECEIVED).order_by("pk").first()
    )
    units = list(Agency.objects.filter(organization=committee).order_by("pk")[:4])
    leader = (
        Person.objects.filter(organization=committee, assignments__isnull=False)
        .exclude(pk=incident.responsible_leader_id)
        .order_by("pk")
        .first()
    )
    incident = services.incident_reassign(
        actor=actor,
        incident=incident,
        version=incident.version,
        leader=leader,
        handling_unit=units[0],
        reason="Thuộc lĩnh vực đồng chí phụ trách.",
    )
    incident = services.incident_set_status(
        actor=actor,
        incident=incident,
        version=incident.version,
        status=IncidentStatus.HANDLING,
        note="Đã tiếp nhận, giao đơn vị kiểm tra hiện trường.",
    )
    for n, lead in enumerate(units[:2]):
        services.incident_issue_directive(
            actor=actor,
            incident=incident,
            content=f"Chỉ đạo {n + 1}: kiểm tra, xử lý dứt điểm, báo cáo Thường trực.",
            lead_unit=lead,
            deadline=timezone.localdate() + dt.timedelta(days=30 + n),
            issued_by=leader,
            cooperating_units=units[2:4],
        )
    return incident


@register_scenarios
def incident_scenarios() -> list[Scenario]:
    committee = PartyCommittee.objects.filter(code="scale-1").first()
    if committee is None:
        return []
    count = Incident.objects.filter(organization=committee).count()
    if not count:
        return []
    # The incident with a life of its own (seed_one_incident_s_life): the only one with a handling unit.
    incidents = Incident.objects.filter(organization=committee).order_by("pk")
    incident = incidents.filter(handling_unit__isnull=False).first() or incidents.first()
    return [
        Scenario("page: incidents", BENCH_USER, "/incidents/", count),
        Scenario("page: incidents urgent", BENCH_USER, "/incidents/?severity=urgent", count),
        Scenario("page: incident", BENCH_USER, f"/incidents/{incident.pk}/", count),
        Scenario("page: incident statistics", BENCH_USER, "/incidents/statistics/", count),
        Scenario("api: incidents", BENCH_USER, "/api/v1/incidents/", count),
        Scenario("api: incident map", BENCH_USER, "/incidents/map.json", count),
    ]
