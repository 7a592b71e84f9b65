"""Lists, detail pages and the API run the same number of queries at 10 rows as at 3,000."""

import datetime as dt

import pytest
from django.test import Client

from conftest import HANOI, HOAN_KIEM, unit
from core.testing import count_queries
from org.models import AdministrativeUnit, Agency, Assignment, Person

D = dt.date


def grow(organization, size: int, offset: int = 0):
    """Add `size` synthetic communes, leaders, agencies and assignments to Hanoi, in bulk."""
    province = unit(HANOI, level=1)
    units = []
    for i in range(offset, offset + size):
        u = AdministrativeUnit(
            level=2, code=900_000 + i, name=f"Xã Thử Nghiệm {i}", division_type="commune", parent=province
        )
        u.refresh_derived()
        units.append(u)
    AdministrativeUnit.objects.bulk_create(units)
    units = list(
        AdministrativeUnit.objects.filter(code__gte=900_000 + offset, code__lt=900_000 + offset + size)
    )
    people = []
    for i in range(offset, offset + size):
        p = Person(organization=organization, full_name=f"Cán bộ Thử {i}", position="Ủy viên")
        p.refresh_derived()
        people.append(p)
    Person.objects.bulk_create(people)
    people = list(Person.objects.filter(full_name__startswith="Cán bộ Thử").order_by("id"))[offset:]
    agencies = []
    for i in range(offset, offset + size):
        a = Agency(organization=organization, code=f"T{i}", name=f"Đơn vị Thử {i}", kind="department")
        a.refresh_derived()
        agencies.append(a)
    Agency.objects.bulk_create(agencies)
    Assignment.objects.bulk_create(
        Assignment(
            organization=organization, leader=p, locality=u, role="in_charge", valid_from=D(2025, 1, 1)
        )
        for p, u in zip(people, units, strict=True)
    )
    return people


@pytest.fixture
def office_client(office, leader_user, assign):
    assign(leader_user.person, unit(HOAN_KIEM), D(2025, 7, 1))
    client = Client()
    client.force_login(office)
    return client


LIST_URLS = [
    "/org/units/",
    "/org/units/?q=xa",
    "/org/units/?sort=-code",
    "/org/units/?page=2",
    "/org/assignments/",
    "/org/assignments/?page=3",
    "/org/leaders/",
    "/org/agencies/",
    "/org/responsible/?q=thu",
    "/api/v1/org/units/",
    "/api/v1/org/agencies/",
    "/api/v1/org/people/?leaders_only=true",
    "/api/v1/org/people/",
    "/api/v1/org/assignments/",
    "/org/assignments/export/",
    "/org/assignments/export/?at=01/08/2025",
]


def test_every_list_runs_the_same_queries_at_10_and_at_3000_rows(office_client, hanoi):
    """One growth for all lists (inserting 3,000 of everything is the slow part)."""
    grow(hanoi, 10)
    for url in LIST_URLS:
        assert office_client.get(url).status_code == 200, url
    small = {url: count_queries(lambda url=url: office_client.get(url)) for url in LIST_URLS}
    grow(hanoi, 2990, offset=10)
    large = {url: count_queries(lambda url=url: office_client.get(url)) for url in LIST_URLS}
    grown = {url: (small[url], large[url]) for url in LIST_URLS if small[url] != large[url]}
    assert grown == {}, f"query counts grew with the data (10 rows, 3,000 rows): {grown}"
    assert all(count > 0 for count in small.values())


def test_leader_page_is_flat_in_the_number_of_assignments(office_client, hanoi, leader_user, assign):
    url = f"/org/people/{leader_user.person.pk}/"
    grow(hanoi, 10)
    for u in AdministrativeUnit.objects.filter(code__gte=900_000)[:5]:
        assign(leader_user.person, u, D(2025, 1, 1), role="monitor")
    office_client.get(url)  # warm the per-process caches (content types)
    before = count_queries(lambda: office_client.get(url))
    grow(hanoi, 200, offset=10)
    for u in AdministrativeUnit.objects.filter(code__gte=900_010)[:60]:
        assign(leader_user.person, u, D(2025, 1, 1), role="monitor")
    after = count_queries(lambda: office_client.get(url))
    assert before == after


def test_unit_page_is_flat_in_the_number_of_assignments(office_client, hanoi, assign):
    hk = unit(HOAN_KIEM)
    url = f"/org/units/{hk.pk}/"
    people = grow(hanoi, 40)
    for i, p in enumerate(people[:2]):
        assign(p, hk, D(2020 + i, 1, 1), D(2020 + i, 12, 31), role="direct")
    office_client.get(url)  # warm the per-process caches (content types)
    before = count_queries(lambda: office_client.get(url))
    for i, p in enumerate(people[2:30]):
        assign(p, hk, D(1980 + i, 1, 1), D(1980 + i, 12, 31), role="direct")
    after = count_queries(lambda: office_client.get(url))
    assert before == after
