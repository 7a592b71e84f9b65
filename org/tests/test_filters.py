"""One FilterSet per list: a query string gives the same rows in the page, the API list and the export."""

import datetime as dt

import pytest
from django.test import Client

from conftest import BA_DINH, HANOI, HOAN_KIEM, unit
from core.testing import assert_same_rows, count_queries
from org.models import AdministrativeUnit
from org.permissions import can_assign, can_change
from org.services import agency_create, person_archive, person_create

D = dt.date


@pytest.fixture
def client(office):
    client = Client()
    client.force_login(office)
    return client


def test_units_page_and_api_agree(client, hanoi):
    root = unit(HANOI, level=1)
    children = set(AdministrativeUnit.objects.active().filter(parent=root).values_list("pk", flat=True))
    assert len(children) > 20
    page, api = "/org/units/", "/api/v1/org/units/"
    assert assert_same_rows(client, "q=hoan+kiem", page=page, api=api) == {unit(HOAN_KIEM).pk}
    assert assert_same_rows(client, f"parent={root.pk}", page=page, api=api) == children
    assert assert_same_rows(client, "q=ba+dinh&level=2", page=page, api=api) == {unit(BA_DINH).pk}
    assert assert_same_rows(client, "q=ba+dinh&level=1", page=page, api=api) == set()


def test_agencies_page_and_api_agree(client, hanoi, hoan_kiem_agency):
    office_of = agency_create(actor=None, organization=hanoi, code="VP", name="Văn phòng", kind="department")
    page, api = "/org/agencies/", "/api/v1/org/agencies/"
    both = {hoan_kiem_agency.pk, office_of.pk}
    assert assert_same_rows(client, "", page=page, api=api) == both
    assert assert_same_rows(client, "kind=department", page=page, api=api) == {office_of.pk}
    assert assert_same_rows(client, f"locality={unit(HOAN_KIEM).pk}", page=page, api=api) == {
        hoan_kiem_agency.pk
    }
    assert assert_same_rows(client, "q=van+phong&kind=department", page=page, api=api) == {office_of.pk}


def test_leaders_and_people_pages_and_api_agree(client, hanoi, leader_user, assign):
    assign(leader_user.person, unit(HOAN_KIEM), D(2025, 7, 1))
    clerk = person_create(actor=None, organization=hanoi, full_name="Trần Thị Văn Thư")
    gone = person_create(actor=None, organization=hanoi, full_name="Lê Văn Nghỉ")
    person_archive(actor=None, person=gone, version=gone.version)
    leaders, people = "/org/leaders/", "/org/people/"
    api_leaders, api_people = "/api/v1/org/people/?leaders_only=true", "/api/v1/org/people/"
    me = leader_user.person.pk
    assert assert_same_rows(client, "", page=leaders, api=api_leaders) == {me}
    assert assert_same_rows(client, "q=lanh", page=leaders, api=api_leaders) == {me}
    assert assert_same_rows(client, "q=tran+thi", page=leaders, api=api_leaders) == set()
    assert assert_same_rows(client, "", page=people, api=api_people) == {me, clerk.pk}
    assert assert_same_rows(client, "q=tran+thi", page=people, api=api_people) == {clerk.pk}
    assert assert_same_rows(client, "archived=1", page=people, api=api_people) == {gone.pk}
    assert assert_same_rows(client, "archived=true", page=people, api=api_people) == {gone.pk}


def test_archived_people_stay_the_office_s(hanoi, viewer):
    gone = person_create(actor=None, organization=hanoi, full_name="Lê Văn Nghỉ")
    person_archive(actor=None, person=gone, version=gone.version)
    client = Client()
    client.force_login(viewer)
    rows = assert_same_rows(client, "archived=1", page="/org/people/", api="/api/v1/org/people/")
    assert gone.pk not in rows


def test_assignments_api_and_export_agree(client, hanoi, leader_user, hoan_kiem_agency, assign):
    other = person_create(actor=None, organization=hanoi, full_name="Phạm Văn Khác")
    old = assign(leader_user.person, unit(BA_DINH), D(2024, 1, 1), D(2024, 12, 31))
    hk = assign(leader_user.person, unit(HOAN_KIEM), D(2025, 7, 1))
    unit_hk = assign(other, hoan_kiem_agency, D(2025, 1, 1), role="monitor")
    api, export = "/api/v1/org/assignments/", "/org/assignments/export/"
    assert assert_same_rows(client, "", api=api, export=export) == {old.pk, hk.pk, unit_hk.pk}
    assert assert_same_rows(client, f"leader={other.pk}", api=api, export=export) == {unit_hk.pk}
    assert assert_same_rows(client, f"locality={HOAN_KIEM}", api=api, export=export) == {hk.pk}
    assert assert_same_rows(client, "at=01/06/2024", api=api, export=export) == {old.pk}
    assert assert_same_rows(client, "at=2025-08-01", api=api, export=export) == {hk.pk, unit_hk.pk}
    agency = f"agency={hoan_kiem_agency.pk}&at=01/08/2025"
    assert assert_same_rows(client, agency, api=api, export=export) == {unit_hk.pk}


def test_the_matrix_links_its_day_to_the_export(client, hanoi):
    response = client.get("/org/assignments/?at=01/08/2025")
    assert 'href="/org/assignments/export/?at=01/08/2025"' in response.content.decode()


def test_an_invalid_filter_is_a_422_naming_it_in_the_api_and_ignored_by_the_page(
    client, hanoi, hoan_kiem_agency
):
    response = client.get("/api/v1/org/agencies/?kind=bogus")
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["kind"]
    response = client.get("/api/v1/org/assignments/?at=31/02/2026")
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["at"]
    page = client.get("/org/agencies/?kind=bogus")
    assert page.status_code == 200
    assert [a.pk for a in page.context["page"].object_list] == [hoan_kiem_agency.pk]


def test_the_detail_page_s_buttons_ask_without_querying(office, viewer, hanoi, hoan_kiem_agency):
    def ask():
        return [
            check(user, hoan_kiem_agency) for user in (office, viewer) for check in (can_change, can_assign)
        ]

    assert count_queries(ask) == 0
    assert ask() == [True, True, False, False]


def test_the_agency_page_is_flat_in_the_number_of_assignments(client, hanoi, hoan_kiem_agency, assign):
    url = f"/org/agencies/{hoan_kiem_agency.pk}/"
    people = [person_create(actor=None, organization=hanoi, full_name=f"Cán bộ {i}") for i in range(12)]
    assign(people[0], hoan_kiem_agency, D(2025, 1, 1))
    client.get(url)  # warm the per-process caches (content types)
    before = count_queries(lambda: client.get(url))
    for i, p in enumerate(people[1:]):
        assign(p, hoan_kiem_agency, D(2000 + i, 1, 1), D(2000 + i, 12, 31), role="monitor")
    after = count_queries(lambda: client.get(url))
    assert before == after


def test_a_list_opens_its_more_filters_only_for_a_secondary_filter(client, hanoi, hoan_kiem_agency):
    assert client.get("/org/agencies/?q=hoan").context["more_filters"] is False
    assert client.get("/org/agencies/?kind=bogus").context["more_filters"] is False
    assert client.get("/org/agencies/?kind=department").context["more_filters"] is True
