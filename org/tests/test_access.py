"""Every organisation page and API operation, run as every kind of user (the permission matrix)."""

import datetime as dt

import pytest

from accounts.choices import Role
from conftest import HCMC, HOAN_KIEM, unit
from core.models import AuditEvent
from core.testing import Operation, permission_matrix
from org.models import Assignment
from org.services import agency_create, person_create

D = dt.date
READERS = ("office", "board", "leader", "focal", "viewer")


@pytest.fixture
def world(hanoi, hcmc, make_user, office, office_hcmc, leader_user, focal_user, viewer, assign):
    """Hanoi records every Hanoi user may read, and a Ho Chi Minh City record none of them may."""
    board = make_user(Role.STANDING_BOARD, hanoi, "bithu", person=True)
    no_role = make_user("", hanoi, "norole")
    hk = unit(HOAN_KIEM)
    assignment = assign(leader_user.person, hk, D(2025, 7, 1))
    agency = agency_create(actor=None, organization=hanoi, code="SXD", name="Sở Xây dựng", kind="department")
    other_person = person_create(actor=None, organization=hcmc, full_name="Người Thành phố")
    other_unit = unit(HCMC, level=1).children.first()
    other_agency = agency_create(
        actor=None, organization=hcmc, code="SXD", name="Sở Xây dựng TP", kind="department"
    )
    other_assignment = assign(other_person, other_unit, D(2025, 7, 1))
    users = {
        "anonymous": None,
        "no_role": no_role,
        "office": office,
        "board": board,
        "leader": leader_user,
        "focal": focal_user,
        "viewer": viewer,
        "other_org": office_hcmc,
    }
    return {
        "users": users,
        "hk": hk,
        "assignment": assignment,
        "agency": agency,
        "person": leader_user.person,
        "other_unit": other_unit,
        "other_agency": other_agency,
        "other_person": other_person,
        "other_assignment": other_assignment,
    }


def expect(anonymous, no_role, readers, other_org, **overrides):
    result = {"anonymous": anonymous, "no_role": no_role, "other_org": other_org}
    result.update({r: readers for r in READERS})
    result.update(overrides)
    return result


def test_pages_for_hanoi_records(world):
    w = world
    ops = [
        Operation("home", "get", "/", expect(302, 200, 200, 200)),
        Operation("unit tree", "get", "/org/units/", expect(302, 404, 200, 200)),
        Operation("unit search", "get", "/org/units/?q=hoan+kiem", expect(302, 404, 200, 200)),
        Operation("unit page", "get", f"/org/units/{w['hk'].pk}/", expect(302, 404, 200, 404)),
        Operation("agency list", "get", "/org/agencies/", expect(302, 200, 200, 200)),
        Operation("agency page", "get", f"/org/agencies/{w['agency'].pk}/", expect(302, 404, 200, 404)),
        Operation("leader list", "get", "/org/leaders/", expect(302, 200, 200, 200)),
        Operation("leader page", "get", f"/org/people/{w['person'].pk}/", expect(302, 404, 200, 404)),
        Operation("matrix", "get", "/org/assignments/", expect(302, 404, 200, 200)),
        Operation("who answers", "get", "/org/responsible/?q=hoan", expect(302, 200, 200, 200)),
        Operation("history", "get", f"/org/units/{w['hk'].pk}/", expect(302, 404, 200, 404)),
        Operation("new agency form", "get", "/org/agencies/new/", expect(302, 404, 404, 200, office=200)),
        Operation(
            "edit agency form",
            "get",
            f"/org/agencies/{w['agency'].pk}/edit/",
            expect(302, 404, 404, 404, office=200),
        ),
        Operation(
            "new assignment form", "get", "/org/assignments/new/", expect(302, 404, 404, 200, office=200)
        ),
        Operation(
            "edit assignment form",
            "get",
            f"/org/assignments/{w['assignment'].pk}/edit/",
            expect(302, 404, 404, 404, office=200),
        ),
        Operation(
            "edit agency",
            "post",
            f"/org/agencies/{w['agency'].pk}/edit/",
            expect(302, 404, 404, 404, office=302),
            data={"code": "SXD", "name": "Sở Xây dựng Hà Nội", "kind": "department", "version": 1},
        ),
        Operation(
            "edit assignment",
            "post",
            f"/org/assignments/{w['assignment'].pk}/edit/",
            expect(302, 404, 404, 404, office=302),
            data={
                "leader": w["person"].pk,
                "locality": w["hk"].pk,
                "role": "in_charge",
                "valid_from": "01/07/2025",
                "valid_to": "31/12/2026",
                "version": 1,
            },
        ),
        Operation(
            "archive assignment",
            "post",
            f"/org/assignments/{w['assignment'].pk}/archive/",
            expect(302, 404, 404, 404, office=302),
            data={"version": 1},
        ),
    ]
    assert permission_matrix(w["users"], ops) == []


def test_pages_for_another_organisations_records_look_missing(world):
    w = world
    not_found = expect(302, 404, 404, 200)  # the other organisation's own office sees them
    ops = [
        Operation("unit page", "get", f"/org/units/{w['other_unit'].pk}/", not_found),
        Operation("agency page", "get", f"/org/agencies/{w['other_agency'].pk}/", not_found),
        Operation("leader page", "get", f"/org/people/{w['other_person'].pk}/", not_found),
        Operation("edit agency form", "get", f"/org/agencies/{w['other_agency'].pk}/edit/", not_found),
        Operation(
            "edit assignment form", "get", f"/org/assignments/{w['other_assignment'].pk}/edit/", not_found
        ),
        Operation(
            "archive assignment",
            "post",
            f"/org/assignments/{w['other_assignment'].pk}/archive/",
            expect(302, 404, 404, 302),
            data={"version": 1},
        ),
    ]
    assert permission_matrix(w["users"], ops) == []


def test_api_operations(world):
    w = world
    hk_code = w["hk"].code
    ops = [
        Operation("units", "get", "/api/v1/org/units/", expect(401, 200, 200, 200)),
        Operation("unit", "get", f"/api/v1/org/units/{w['hk'].pk}", expect(401, 404, 200, 404)),
        Operation("other unit", "get", f"/api/v1/org/units/{w['other_unit'].pk}", expect(401, 404, 404, 200)),
        Operation(
            "responsible", "get", f"/api/v1/org/responsible?unit={hk_code}", expect(401, 404, 200, 404)
        ),
        Operation("agencies", "get", "/api/v1/org/agencies/", expect(401, 200, 200, 200)),
        Operation("agency", "get", f"/api/v1/org/agencies/{w['agency'].pk}", expect(401, 404, 200, 404)),
        Operation(
            "other agency", "get", f"/api/v1/org/agencies/{w['other_agency'].pk}", expect(401, 404, 404, 200)
        ),
        Operation("people", "get", "/api/v1/org/people/?leaders_only=true", expect(401, 200, 200, 200)),
        Operation("person", "get", f"/api/v1/org/people/{w['person'].pk}", expect(401, 404, 200, 404)),
        Operation("assignments", "get", "/api/v1/org/assignments/", expect(401, 200, 200, 200)),
        Operation(
            "assignment", "get", f"/api/v1/org/assignments/{w['assignment'].pk}", expect(401, 404, 200, 404)
        ),
        Operation(
            "other assignment",
            "get",
            f"/api/v1/org/assignments/{w['other_assignment'].pk}",
            expect(401, 404, 404, 200),
        ),
        Operation(
            "create agency",
            "post",
            "/api/v1/org/agencies/",
            expect(401, 404, 404, 201, office=201),
            json={"code": "SYT", "name": "Sở Y tế", "kind": "department"},
        ),
        Operation(
            "patch agency",
            "patch",
            f"/api/v1/org/agencies/{w['agency'].pk}",
            expect(401, 404, 404, 404, office=200),
            json={"version": 1, "name": "Sở Xây dựng HN"},
        ),
        Operation(
            "archive agency",
            "post",
            f"/api/v1/org/agencies/{w['agency'].pk}/archive",
            expect(401, 404, 404, 404, office=200),
            json={"version": 1},
        ),
        Operation(
            "create assignment",
            "post",
            "/api/v1/org/assignments/",
            expect(401, 404, 404, 422, office=201),
            json={"leader_id": w["person"].pk, "locality_code": 4, "valid_from": "2025-07-01"},
        ),
        Operation(
            "create assignment with a foreign leader",
            "post",
            "/api/v1/org/assignments/",
            expect(401, 404, 404, 422, office=422),
            json={"leader_id": w["other_person"].pk, "locality_code": 4, "valid_from": "2025-07-01"},
        ),
        Operation(
            "patch assignment",
            "patch",
            f"/api/v1/org/assignments/{w['assignment'].pk}",
            expect(401, 404, 404, 404, office=200),
            json={"version": 1, "note": "Theo Quyết định 09"},
        ),
        Operation(
            "patch other assignment",
            "patch",
            f"/api/v1/org/assignments/{w['other_assignment'].pk}",
            expect(401, 404, 404, 200),
            json={"version": 1, "note": "x"},
        ),
        Operation(
            "archive assignment",
            "post",
            f"/api/v1/org/assignments/{w['assignment'].pk}/archive",
            expect(401, 404, 404, 404, office=200),
            json={"version": 1},
        ),
    ]
    assert permission_matrix(w["users"], ops) == []


def test_office_sees_nothing_of_the_other_city(world, client):
    client.force_login(world["users"]["office"])
    units = client.get("/api/v1/org/units/?page_size=100").json()
    assert units["count"] == 127  # the city and its 126 communes and wards
    other_root = unit(HCMC, level=1)
    assert all(u["parent_id"] != other_root.pk for u in units["items"])
    assert client.get("/api/v1/org/units/?q=sai+gon").json()["count"] == 0
    page = client.get("/org/units/?q=sai+gon")
    assert "Sài Gòn" not in page.content.decode()
    agencies = client.get("/api/v1/org/agencies/").json()
    assert sorted(a["name"] for a in agencies["items"]) == ["Sở Xây dựng", "Đảng ủy Phường Hoàn Kiếm"]


def test_search_ignores_diacritics_and_d(world, client, office_hcmc):
    client.force_login(world["users"]["office"])
    names = [u["name"] for u in client.get("/api/v1/org/units/?q=hoan+kiem").json()["items"]]
    assert names == ["Phường Hoàn Kiếm"]
    names = [u["name"] for u in client.get("/api/v1/org/units/?q=ba+dinh").json()["items"]]
    assert "Phường Ba Đình" in names
    assert client.get("/api/v1/org/units/?q=HOÀN KIẾM").json()["count"] == 1
    client.force_login(office_hcmc)
    assert client.get("/api/v1/org/units/?q=hoan+kiem").json()["count"] == 0


def test_office_edits_an_assignment_in_the_browser_and_the_history_shows_it(world, client):
    w = world
    client.force_login(w["users"]["office"])
    response = client.post(
        f"/org/assignments/{w['assignment'].pk}/edit/",
        {
            "leader": w["person"].pk,
            "locality": w["hk"].pk,
            "role": "direct",
            "valid_from": "01/07/2025",
            "valid_to": "",
            "decision": "Quyết định 123-QĐ/TU",
            "version": 1,
        },
    )
    assert response.status_code == 302
    w["assignment"].refresh_from_db()
    assert (w["assignment"].role, w["assignment"].version) == ("direct", 2)
    event = AuditEvent.objects.get(object_id=str(w["assignment"].pk), action="update")
    assert event.changes["role"] == ["in_charge", "direct"]
    page = client.get(f"/org/assignments/{w['assignment'].pk}/edit/")
    assert "Quyết định 123-QĐ/TU" in page.content.decode()
    unit_page = client.get(f"/org/units/{w['hk'].pk}/")
    rows = unit_page.context["events"]
    change = next(r for r in rows if r.event.action == "update")
    assert change.event.actor == w["users"]["office"]
    from org.choices import AssignmentRole

    assert [(c.before, c.after) for c in change.changes if c.field == "role"] == [
        (str(AssignmentRole.IN_CHARGE.label), str(AssignmentRole.DIRECT.label))
    ]


def test_a_stale_form_is_refused_with_a_clear_message(world, client):
    w = world
    client.force_login(w["users"]["office"])
    data = {
        "leader": w["person"].pk,
        "locality": w["hk"].pk,
        "role": "in_charge",
        "valid_from": "01/07/2025",
        "version": 1,
    }
    assert (
        client.post(f"/org/assignments/{w['assignment'].pk}/edit/", {**data, "note": "a"}).status_code == 302
    )
    response = client.post(f"/org/assignments/{w['assignment'].pk}/edit/", {**data, "note": "b"})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert Assignment.objects.get(pk=w["assignment"].pk).note == "a"


def test_date_fields_read_day_first(world, client):
    w = world
    client.force_login(w["users"]["office"])
    response = client.post(
        "/org/assignments/new/",
        {"leader": w["person"].pk, "locality": unit(4).pk, "role": "in_charge", "valid_from": "05/03/2026"},
    )
    assert response.status_code == 302
    assert Assignment.objects.get(locality=unit(4)).valid_from == D(2026, 3, 5)


def test_api_responsible_before_and_after_a_change(world, client):
    w = world
    client.force_login(w["users"]["office"])
    new_leader = person_create(
        actor=None,
        organization=w["hk"].committees.first() or w["person"].organization,
        full_name="Đặng Văn Mới",
    )
    r = client.patch(
        f"/api/v1/org/assignments/{w['assignment'].pk}",
        {"version": 1, "valid_to": "2026-02-28"},
        content_type="application/json",
    )
    assert r.status_code == 200
    r = client.post(
        "/api/v1/org/assignments/",
        {"leader_id": new_leader.pk, "locality_code": HOAN_KIEM, "valid_from": "2026-03-01"},
        content_type="application/json",
    )
    assert r.status_code == 201, r.json()
    before = client.get(f"/api/v1/org/responsible?unit={HOAN_KIEM}&at=2026-02-28").json()
    after = client.get(f"/api/v1/org/responsible?unit={HOAN_KIEM}&at=01/03/2026").json()
    assert before["leader"] == {"id": w["person"].pk, "full_name": "Nguyễn Văn Lãnh", "login": "lanhdao"}
    assert after["leader"] == {"id": new_leader.pk, "full_name": "Đặng Văn Mới", "login": None}
    assert after["via"] == "direct"


def test_api_errors_are_clear(world, client):
    w = world
    client.force_login(w["users"]["office"])
    r = client.get("/api/v1/org/responsible?unit=70&at=31-02-2026")
    assert r.status_code == 422 and "dd/mm/yyyy" in r.json()["detail"]
    r = client.post(
        "/api/v1/org/assignments/",
        {"leader_id": w["person"].pk, "locality_code": HOAN_KIEM, "valid_from": "2026-01-01"},
        content_type="application/json",
    )
    assert r.status_code == 422
    assert "Nguyễn Văn Lãnh" in r.json()["detail"]
    r = client.patch(
        f"/api/v1/org/assignments/{w['assignment'].pk}",
        {"version": 9, "note": "x"},
        content_type="application/json",
    )
    assert r.status_code == 409
    r = client.get("/api/v1/org/responsible?unit=99999")
    assert r.status_code == 404
