"""Synthetic organisations for benchmarks: committees on the real units, leaders and their assignments."""

import datetime as dt
import random
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.db import transaction
from faker import Faker

from accounts.choices import Role
from accounts.models import User
from core.bench import Scenario, register_scenarios, register_seeder
from org.models import AdministrativeUnit, Agency, Assignment, PartyCommittee, Person
from org.services import units_import

SIZES = {
    "small": {"provinces": [1], "leaders": 80, "agencies": 300},  # the city's organisation, for tests
    "city": {"provinces": [1], "leaders": 80, "agencies": 300},
    "national": {"provinces": None, "leaders": 2700, "agencies": 10_000},
}
BENCH_USER = "bench"
# A login of each other role in the first committee, for the home page each lands on ("page: home, ...").
ROLE_USERS = {
    "bench-secretary": Role.STANDING_BOARD,  # the committee's default leader
    "bench-leader": Role.STANDING_MEMBER,  # a leader in charge of localities
    "bench-focal": Role.FOCAL_POINT,  # the focal point of the first agency
    "bench-viewer": Role.VIEWER,
}
BENCH_PASSWORD = "bench-only-password-2026"  # synthetic benchmark data, never a real account
SEED = 20260701


# Where the communes lie (the official units carry no coordinates, the maps need some): Hanoi's around its
# centre, another province's around a point of Vietnam drawn from its code; each commune at a fixed point.
HANOI = (21.0285, 105.8542)
SPREAD = 0.25


def _place_communes(province: AdministrativeUnit, communes: list[AdministrativeUnit]) -> None:
    if not communes or communes[0].latitude is not None:
        return
    where = random.Random(province.code)  # noqa: S311 - deterministic synthetic data, not security
    lat0, lon0 = HANOI if province.code == 1 else (where.uniform(9.5, 22.0), where.uniform(103.5, 108.5))
    for commune in communes:
        place = random.Random(commune.code)  # noqa: S311
        commune.latitude = Decimal(f"{lat0 + place.uniform(-SPREAD, SPREAD):.6f}")
        commune.longitude = Decimal(f"{lon0 + place.uniform(-SPREAD, SPREAD):.6f}")
    AdministrativeUnit.objects.bulk_update(communes, ["latitude", "longitude"], batch_size=1000)


@register_seeder
@transaction.atomic
def seed_organisations(scale: str, progress) -> None:
    """One committee per province of the scale, its leaders, agencies and an assignment for every commune."""
    size = SIZES[scale]
    fake = Faker("vi_VN")
    fake.seed_instance(SEED)
    rng = random.Random(SEED)  # noqa: S311 - deterministic synthetic data, not security
    counts = units_import(actor=None, province_codes=size["provinces"])
    progress(f"administrative units: {counts}")
    provinces = list(AdministrativeUnit.objects.filter(level=1).order_by("code"))
    if size["provinces"]:
        provinces = [p for p in provinces if p.code in size["provinces"]]
    communes = {p.pk: list(AdministrativeUnit.objects.filter(parent=p).order_by("code")) for p in provinces}
    for province in provinces:
        _place_communes(province, communes[province.pk])
    total_communes = sum(len(c) for c in communes.values())
    password = make_password(BENCH_PASSWORD)
    for index, province in enumerate(provinces):
        code = f"scale-{province.code}"
        if PartyCommittee.objects.filter(code=code).exists():
            continue
        committee = PartyCommittee.objects.create(
            code=code, name=f"Tỉnh ủy {province.name}", root_unit=province
        )
        username = BENCH_USER if index == 0 else f"{BENCH_USER}-{province.code}"
        User.objects.create(
            username=username,
            password=password,
            organization=committee,
            role=Role.OFFICE,
            last_name="Văn phòng",
            first_name=province.name,
        )
        share = max(3, round(size["leaders"] * len(communes[province.pk]) / max(total_communes, 1)))
        people = []
        for _ in range(share):
            person = Person(organization=committee, full_name=fake.name(), position="Ủy viên Ban Thường vụ")
            person.refresh_derived()
            people.append(person)
        people = Person.objects.bulk_create(people, batch_size=1000)
        committee.default_leader = people[0]
        committee.save(update_fields=["default_leader"])
        agencies = []
        for i in range(max(5, round(size["agencies"] / len(provinces)))):
            agency = Agency(
                organization=committee,
                code=f"A{i:05d}",
                name=f"{fake.company()} {i}",
                kind=rng.choice(["department", "investor", "enterprise", "mass_organisation"]),
                locality=rng.choice(communes[province.pk]) if communes[province.pk] else None,
            )
            agency.refresh_derived()
            agencies.append(agency)
        Agency.objects.bulk_create(agencies, batch_size=1000)
        if index == 0:
            _role_users(committee, people, agencies[0], password)
        start = dt.date(2025, 7, 1)
        Assignment.objects.bulk_create(
            [
                Assignment(
                    organization=committee,
                    leader=people[1 + i % (len(people) - 1)],
                    locality=unit,
                    role="in_charge",
                    valid_from=start,
                )
                for i, unit in enumerate(communes[province.pk])
            ],
            batch_size=1000,
        )
        progress(
            f"{committee.name}: {len(people)} leaders, {len(agencies)} agencies, "
            f"{len(communes[province.pk])} assignments"
        )


def _role_users(committee, people, agency, password) -> None:
    for username, role in ROLE_USERS.items():
        user = User.objects.create(
            username=username,
            password=password,
            organization=committee,
            role=role,
            agency=agency if role == Role.FOCAL_POINT else None,
            last_name=str(role.label),
        )
        person = {Role.STANDING_BOARD: people[0], Role.STANDING_MEMBER: people[1]}.get(role)
        if person is not None:
            person.user = user
            person.save(update_fields=["user"])


@register_scenarios
def organisation_scenarios() -> list[Scenario]:
    user = User.objects.filter(username=BENCH_USER).select_related("organization").first()
    if user is None:
        return []
    committee = user.organization
    units = AdministrativeUnit.objects.filter(path__startswith=committee.root_unit.path).count()
    leaders = Person.objects.filter(organization=committee).count()
    agencies = Agency.objects.filter(organization=committee).count()
    assignments = Assignment.objects.filter(organization=committee).count()
    commune = AdministrativeUnit.objects.filter(parent=committee.root_unit).order_by("code").first()
    leader = Person.objects.filter(organization=committee, assignments__isnull=False).first()
    homes = [
        Scenario(f"page: home, {name.removeprefix('bench-')}", name, "/")
        for name in User.objects.filter(username__in=ROLE_USERS).values_list("username", flat=True)
    ]
    return [
        Scenario("page: home, office", BENCH_USER, "/"),
        *sorted(homes, key=lambda s: list(ROLE_USERS).index(s.username)),
        Scenario("page: unit tree", BENCH_USER, "/org/units/", units),
        Scenario("page: unit search 'phuong'", BENCH_USER, "/org/units/?q=phuong", units),
        Scenario("page: locality", BENCH_USER, f"/org/units/{commune.pk}/", assignments),
        Scenario("page: assignment matrix", BENCH_USER, "/org/assignments/", assignments),
        Scenario("page: leaders", BENCH_USER, "/org/leaders/", leaders),
        Scenario("page: leader profile", BENCH_USER, f"/org/people/{leader.pk}/", assignments),
        Scenario("page: agencies", BENCH_USER, "/org/agencies/", agencies),
        Scenario("api: units ?q=", BENCH_USER, "/api/v1/org/units/?q=xa", units),
        Scenario("api: responsible", BENCH_USER, f"/api/v1/org/responsible?unit={commune.code}", assignments),
        Scenario("api: assignments", BENCH_USER, "/api/v1/org/assignments/", assignments),
        Scenario("api: leaders", BENCH_USER, "/api/v1/org/people/?leaders_only=true", leaders),
        # What the remote selects ask as the user types (core.forms.RemoteSelect), without diacritics.
        Scenario(
            "api: unit picker 'tap doan'",
            BENCH_USER,
            "/api/v1/org/agencies/?page_size=20&q=tap+doan",
            agencies,
        ),
        Scenario(
            "api: leader picker 'nguyen'",
            BENCH_USER,
            "/api/v1/org/people/?leaders_only=true&page_size=20&q=nguyen",
            leaders,
        ),
    ]
