"""The incidents API: every operation as every kind of user, intake routed in working hours, the workflow,
errors, and flat query counts."""

import datetime as dt

import pytest
import time_machine
from django.test import Client
from django.utils import translation

from conftest import BA_DINH, HOAN_KIEM, unit
from core.models import AuditEvent
from core.testing import Operation, count_queries, permission_matrix
from followup.models import Directive
from incidents.choices import IncidentStatus
from incidents.models import Incident
from incidents.tests.conftest import at, report
from org.services import agency_create, assignment_reassign, person_create

API = "/api/v1/incidents"
LABELS = (
    "anonymous",
    "no_role",
    "office",
    "board",
    "leader",
    "focal",
    "other_leader",
    "viewer",
    "other_org",
)
# Friday 06/03/2026 15:30 in Hanoi: deadlines in working hours run over the weekend.
FRIDAY_AFTERNOON = at(2026, 3, 6, 15, 30)


def expect(default: int, **overrides) -> dict[str, int]:
    """`default` for every signed-in user, 401 for the anonymous caller, then the overrides."""
    result = {label: default for label in LABELS}
    result["anonymous"] = 401
    result.update(overrides)
    return result


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def new_incident(**extra) -> dict:
    body = {
        "title": "Rác thải tồn đọng phố Hàng Bạc",
        "description": "Rác để trên vỉa hè ba ngày chưa thu gom.",
        "unit": HOAN_KIEM,
        "severity": "normal",
        "occurred_at": "2026-03-06T14:00:00",
        "field": "environment",
        "flags": {"is_pressing": True},
    }
    body.update(extra)
    return body


@pytest.fixture
def world(
    hanoi,
    hcmc,
    routed,
    office,
    office_hcmc,
    board,
    leader_user,
    focal_user,
    other_leader,
    viewer,
    no_role,
    hoan_kiem_agency,
    hcmc_incident,
):
    """A Hanoi incident in Hoàn Kiếm, the users of the matrix, and an incident of Ho Chi Minh City."""
    incident = report(hanoi, focal_user)
    users = {
        "anonymous": None,
        "no_role": no_role,
        "office": office,
        "board": board,
        "leader": leader_user,
        "focal": focal_user,
        "other_leader": other_leader,
        "viewer": viewer,
        "other_org": office_hcmc,
    }
    return {
        "users": users,
        "incident": incident,
        "other": hcmc_incident,
        "unit": hoan_kiem_agency,
        "hanoi": hanoi,
    }


# --- the permission matrix --------------------------------------------------------------------------


def test_every_operation_as_every_user(world):
    w = world
    pk = w["incident"].pk
    unit_id = w["unit"].pk
    leader_id = w["users"]["leader"].person.pk
    readers_only = {"other_leader": 404, "no_role": 404, "other_org": 404}
    writers = {"no_role": 404, "viewer": 404, "other_leader": 404, "other_org": 404}
    with time_machine.travel(at(2026, 3, 10, 9, 0), tick=False):
        ops = [
            Operation("list", "get", f"{API}/", expect(200)),
            Operation("list filtered", "get", f"{API}/?status=received&overdue=true", expect(200)),
            Operation("mine", "get", f"{API}/mine", expect(200)),
            Operation("statistics", "get", f"{API}/statistics?by=leader", expect(200)),
            Operation("map", "get", f"{API}/map", expect(200)),
            Operation("detail", "get", f"{API}/{pk}", expect(200, **readers_only)),
            Operation(
                "create",
                "post",
                f"{API}/",
                # Anyone who writes may report anywhere in their organisation (as on the page); Hoàn Kiếm
                # is not in Ho Chi Minh City, so its office is told the code is not one of theirs.
                expect(201, no_role=404, viewer=404, other_org=422),
                json=new_incident(),
            ),
            Operation(
                "status",
                "post",
                f"{API}/{pk}/status",
                # The focal point may not accept an incident routed to the leader in charge.
                expect(200, focal=422, **writers),
                json={"status": "handling", "version": 1},
            ),
            Operation(
                "reassign",
                "post",
                f"{API}/{pk}/reassign",
                expect(200, focal=404, **writers),
                json={"leader_id": leader_id, "reason": "Giao lại cho đồng chí phụ trách.", "version": 1},
            ),
            Operation(
                "directive",
                "post",
                f"{API}/{pk}/directives",
                expect(201, focal=404, **writers),
                json={"content": "Thu gom dứt điểm.", "lead_unit_id": unit_id, "deadline": "2026-04-30"},
            ),
        ]
        assert permission_matrix(w["users"], ops) == []


def test_another_organisations_incident_looks_missing(world):
    w = world
    pk = w["other"].pk
    missing = expect(404, other_org=200)
    ops = [
        Operation("detail", "get", f"{API}/{pk}", missing),
        Operation(
            "status",
            "post",
            f"{API}/{pk}/status",
            missing,
            json={"status": "handling", "version": 1},
        ),
        Operation(
            "reassign",
            "post",
            f"{API}/{pk}/reassign",
            # Their own office may reassign, but not to a Hanoi leader: that person is not theirs (422).
            expect(404, other_org=422),
            json={"leader_id": w["users"]["leader"].person.pk, "reason": "x", "version": 1},
        ),
        Operation(
            "directive",
            "post",
            f"{API}/{pk}/directives",
            expect(404, other_org=422),
            json={"content": "x", "lead_unit_id": w["unit"].pk, "deadline": "2099-01-01"},
        ),
    ]
    assert permission_matrix(w["users"], ops) == []
    for label in ("office", "board", "leader", "focal", "viewer"):
        client = client_for(w["users"][label])
        listed = [i["id"] for i in client.get(f"{API}/").json()["items"]]
        assert pk not in listed and w["incident"].pk in listed, label
        features = client.get(f"{API}/map").json()["features"]
        assert pk not in [f["properties"]["id"] for f in features]
    assert [i["id"] for i in client_for(w["users"]["other_org"]).get(f"{API}/").json()["items"]] == [pk]


# --- intake: routing, frozen, deadlines in working hours ------------------------------------------


def test_hoankiem_reports_in_hoan_kiem_and_it_lands_on_lanhdao_in_working_hours(
    hanoi, routed, focal_user, leader_user, hoan_kiem_agency
):
    hoankiem = client_for(focal_user)
    with time_machine.travel(FRIDAY_AFTERNOON, tick=False):
        r = hoankiem.post(f"{API}/", new_incident(), content_type="application/json")
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["responsible_leader"] == {
        "id": leader_user.person.pk,
        "full_name": "Nguyễn Văn Lãnh",
        "login": "lanhdao",
    }
    assert body["routed_via"] == "direct"
    assert body["handling_unit"]["id"] == hoan_kiem_agency.pk
    assert body["focal_point"]["login"] == "hoankiem"
    assert body["status"] == "received" and body["code"] == "VV-2026-00001"
    assert body["locality"]["code"] == HOAN_KIEM
    assert body["flags"]["is_pressing"] is True and body["flags"]["is_new"] is False
    # 8 working hours to acknowledge: 1.5 on Friday, the weekend skipped, 6.5 on Monday.
    assert body["ack_due_at"] == "2026-03-09T15:30:00+07:00"
    # 80 working hours (ten working days) to resolve.
    assert body["resolve_due_at"] == "2026-03-20T15:30:00+07:00"
    # A time without an offset is Hanoi time.
    assert body["occurred_at"] == "2026-03-06T14:00:00+07:00"
    assert body["duplicate_suspects"] == []
    incident = Incident.objects.get(pk=body["id"])
    assert incident.responsible_leader == leader_user.person and incident.reporter == focal_user
    assert incident.ack_due_at == at(2026, 3, 9, 15, 30)

    with time_machine.travel(FRIDAY_AFTERNOON, tick=False):
        urgent = hoankiem.post(
            f"{API}/",
            new_incident(title="Cây đổ đè xe máy phố Lý Thái Tổ", severity="urgent"),
            content_type="application/json",
        ).json()
    assert urgent["ack_due_at"] == "2026-03-06T16:30:00+07:00"
    assert urgent["resolve_due_at"] == "2026-03-09T10:30:00+07:00"  # 1.5 h Friday, 2.5 h Monday

    with time_machine.travel(at(2026, 3, 6, 16, 0), tick=False):
        mine = client_for(leader_user).get(f"{API}/mine").json()
    assert {i["id"] for i in mine["items"]} == {body["id"], urgent["id"]}
    assert not any(i["is_overdue"] for i in mine["items"])  # Friday 16:00: nothing is late yet
    with time_machine.travel(at(2026, 3, 9, 9, 0), tick=False):
        late = client_for(leader_user).get(f"{API}/mine?overdue=true").json()
    assert [i["id"] for i in late["items"]] == [urgent["id"]]  # not acknowledged by Friday 16:30


def test_a_change_of_assignment_moves_new_incidents_only(hanoi, routed, focal_user, leader_user, office):
    # Sessions last 8 hours: each leap of the clock signs in again.
    with time_machine.travel(at(2026, 3, 10, 10, 0), tick=False):
        old = client_for(focal_user).post(f"{API}/", new_incident(), content_type="application/json").json()
    successor = person_create(actor=None, organization=hanoi, full_name="Đặng Văn Mới")
    assignment_reassign(
        actor=office, assignment=routed, version=routed.version, leader=successor, on=dt.date(2026, 4, 1)
    )
    with time_machine.travel(at(2026, 4, 2, 10, 0), tick=False):
        new = (
            client_for(focal_user)
            .post(
                f"{API}/",
                new_incident(title="Ngập úng phố Hàng Bài", occurred_at="2026-04-02T08:00:00+07:00"),
                content_type="application/json",
            )
            .json()
        )
        again = client_for(office).get(f"{API}/{old['id']}").json()
    assert new["responsible_leader"] == {"id": successor.pk, "full_name": "Đặng Văn Mới", "login": None}
    assert again["responsible_leader"]["login"] == "lanhdao"
    assert Incident.objects.get(pk=old["id"]).responsible_leader == leader_user.person
    # lanhdao keeps the old incident in "my incidents", not the new one
    with time_machine.travel(at(2026, 4, 2, 11, 0), tick=False):
        mine = client_for(leader_user).get(f"{API}/mine").json()
    assert [i["id"] for i in mine["items"]] == [old["id"]]


def test_a_similar_report_comes_back_with_its_duplicate_suspects(hanoi, routed, focal_user, office):
    client = client_for(focal_user)
    with time_machine.travel(at(2026, 3, 10, 10, 0), tick=False):
        first = client.post(
            f"{API}/", new_incident(title="Sụt lún mặt đường phố Tràng Tiền"), content_type="application/json"
        ).json()
        second = client.post(
            f"{API}/",
            new_incident(title="sut lun mat duong pho Trang Tien", reporter_name="Nguyễn Văn B"),
            content_type="application/json",
        ).json()
    assert second["duplicate_suspects"] == [
        {"id": first["id"], "code": first["code"], "title": "Sụt lún mặt đường phố Tràng Tiền"}
    ]
    with time_machine.travel(at(2026, 3, 10, 11, 0), tick=False):
        r = client_for(office).post(
            f"{API}/{second['id']}/status",
            {
                "status": "rejected",
                "version": 1,
                "reject_reason": "duplicate",
                "duplicate_of_id": first["id"],
            },
            content_type="application/json",
        )
    assert r.status_code == 200, r.content
    assert (r.json()["status"], r.json()["duplicate_of_id"]) == ("rejected", first["id"])


# --- the workflow -----------------------------------------------------------------------------------


def test_the_workflow_through_the_api(world):
    w = world
    incident = w["incident"]
    # Sessions end after 8 idle hours: each leap of the clock signs in again.
    url = f"{API}/{incident.pk}"
    with time_machine.travel(at(2026, 3, 6, 10, 0), tick=False):
        r = client_for(w["users"]["leader"]).post(
            f"{url}/status", {"status": "handling", "version": 1}, content_type="application/json"
        )
    assert r.status_code == 200, r.content
    assert r.json()["acknowledged_at"] == "2026-03-06T10:00:00+07:00" and r.json()["version"] == 2
    assert r.json()["allowed_statuses"] == ["resolved", "rejected"]
    with time_machine.travel(at(2026, 3, 6, 11, 0), tick=False):
        r = client_for(w["users"]["leader"]).post(
            f"{url}/directives",
            {
                "content": "Kiểm tra toàn tuyến phố, báo cáo kết quả.",
                "lead_unit_id": w["unit"].pk,
                "deadline": "2026-04-30",
            },
            content_type="application/json",
        )
    assert r.status_code == 201, r.content
    directive = Directive.objects.get(pk=r.json()["directive_id"])
    assert directive.source == incident and directive.issued_by == w["users"]["leader"].person
    with time_machine.travel(at(2026, 3, 9, 9, 0), tick=False):
        r = client_for(w["users"]["leader"]).post(
            f"{url}/status",
            {"status": "resolved", "version": 2, "resolution": "Đã vá mặt đường."},
            content_type="application/json",
        )
        assert r.status_code == 200, r.content
        assert r.json()["resolved_at"] == "2026-03-09T09:00:00+07:00"
        r = client_for(w["users"]["board"]).post(
            f"{url}/status",
            {"status": "closed", "version": 3, "note": "Đã kiểm tra."},
            content_type="application/json",
        )
        assert r.status_code == 200 and r.json()["status"] == "closed"
        detail = client_for(w["users"]["viewer"]).get(url).json()
        board_detail = client_for(w["users"]["board"]).get(url).json()
    assert detail["directive_ids"] == [directive.pk]
    assert detail["allowed_statuses"] == [] and board_detail["allowed_statuses"] == ["reopened"]
    assert AuditEvent.objects.filter(action="status", object_id=str(incident.pk)).count() == 3


def test_reassignment_goes_to_the_new_leader_with_its_reason(world, hanoi):
    w = world
    other = w["users"]["other_leader"]
    r = client_for(w["users"]["leader"]).post(
        f"{API}/{w['incident'].pk}/reassign",
        {"leader_id": other.person.pk, "reason": "Thuộc lĩnh vực đồng chí Khác phụ trách.", "version": 1},
        content_type="application/json",
    )
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["responsible_leader"]["login"] == other.username and body["routed_via"] == "manual"
    assert w["incident"].pk in [i["id"] for i in client_for(other).get(f"{API}/mine").json()["items"]]
    # lanhdao still sees it (the ward is theirs) but may no longer reassign it
    r = client_for(w["users"]["leader"]).post(
        f"{API}/{w['incident'].pk}/reassign",
        {"leader_id": w["users"]["leader"].person.pk, "reason": "Lấy lại.", "version": 2},
        content_type="application/json",
    )
    assert r.status_code == 404


def test_an_illegal_move_is_422_in_vietnamese_and_changes_nothing(world):
    incident = world["incident"]
    with translation.override("vi"):
        r = client_for(world["users"]["office"]).post(
            f"{API}/{incident.pk}/status",
            {"status": "closed", "version": 1},
            content_type="application/json",
            headers={"accept-language": "vi"},
        )
    assert r.status_code == 422
    assert r.json()["detail"] == "Không thể chuyển vụ việc từ “Đã tiếp nhận” sang “Đã đóng”."
    incident.refresh_from_db()
    assert (incident.status, incident.version) == (IncidentStatus.RECEIVED, 1)
    assert not AuditEvent.objects.filter(action="status", object_id=str(incident.pk)).exists()


def test_a_stale_version_is_409_and_the_first_write_stays(world):
    incident = world["incident"]
    office = client_for(world["users"]["office"])
    first = office.post(
        f"{API}/{incident.pk}/status", {"status": "assigned", "version": 1}, content_type="application/json"
    )
    assert first.status_code == 200 and first.json()["version"] == 2
    second = client_for(world["users"]["leader"]).post(
        f"{API}/{incident.pk}/status", {"status": "handling", "version": 1}, content_type="application/json"
    )
    assert second.status_code == 409 and second.json()["detail"]
    third = office.post(
        f"{API}/{incident.pk}/reassign",
        {"leader_id": world["users"]["other_leader"].person.pk, "reason": "x", "version": 1},
        content_type="application/json",
    )
    assert third.status_code == 409
    incident.refresh_from_db()
    assert (incident.status, incident.version) == (IncidentStatus.ASSIGNED, 2)
    assert incident.responsible_leader == world["users"]["leader"].person


def test_bad_input_is_422_with_a_message_naming_the_field(world):
    w = world
    office = client_for(w["users"]["office"])
    pk = w["incident"].pk
    cases = [
        ("post", f"{API}/", new_incident(unit=None), "unit"),
        ("post", f"{API}/", new_incident(unit=79), "unit"),  # Ho Chi Minh City's code, not Hanoi's
        ("post", f"{API}/", new_incident(unit=999999), "unit"),
        ("post", f"{API}/", new_incident(occurred_at="2099-01-01T00:00:00"), "occurred_at"),
        ("post", f"{API}/", new_incident(occurred_at="0001-01-01T00:00:00-23:59"), "occurred_at"),
        ("post", f"{API}/", new_incident(occurred_at="06/03/2026"), "occurred_at"),
        ("post", f"{API}/", new_incident(latitude=21.03), "latitude"),
        ("post", f"{API}/", new_incident(latitude=91, longitude=105), "latitude"),
        ("post", f"{API}/", new_incident(title="x\x00"), "title"),
        ("post", f"{API}/", new_incident(title="   "), "title"),
        ("post", f"{API}/", new_incident(severity="panic"), "severity"),
        ("post", f"{API}/", new_incident(agency_id=10**12, unit=None), "agency_id"),
        ("get", f"{API}/?date_from=31/02/2026", None, "date_from"),
        ("get", f"{API}/?page=99999999999999999999", None, "page"),
        ("get", f"{API}/statistics?by=weather", None, "by"),
        ("post", f"{API}/{pk}/status", {"status": "resolved", "version": 1}, "status"),
        ("post", f"{API}/{pk}/status", {"status": "rejected", "version": 1}, "reject_reason"),
        (
            "post",
            f"{API}/{pk}/status",
            {
                "status": "rejected",
                "version": 1,
                "reject_reason": "duplicate",
                "duplicate_of_id": w["other"].pk,
            },
            "duplicate_of_id",
        ),
        ("post", f"{API}/{pk}/reassign", {"leader_id": 10**9, "reason": "x", "version": 1}, "leader_id"),
        ("post", f"{API}/{pk}/reassign", {"leader_id": 1, "reason": "", "version": 1}, "reason"),
        (
            "post",
            f"{API}/{pk}/directives",
            {"content": "x", "lead_unit_id": w["unit"].pk, "deadline": "9999-12-31"},
            "deadline",
        ),
    ]
    for method, url, body, field in cases:
        if body is None:
            r = getattr(office, method)(url)
        else:
            r = getattr(office, method)(url, body, content_type="application/json")
        assert r.status_code == 422, (url, body, r.status_code, r.content)
        payload = r.json()
        assert payload["detail"], url
        errors = payload.get("errors", {})
        # The service's "cannot move" refusal names no field; every other error names its field.
        assert field == "status" or any(field in key for key in errors), (url, body, payload)
    assert Incident.objects.filter(organization=w["hanoi"]).count() == 1
    assert Incident.objects.get(pk=pk).status == IncidentStatus.RECEIVED


def test_an_agency_is_enough_to_report(world, hanoi):
    department = agency_create(
        actor=None, organization=hanoi, code="SXD", name="Sở Xây dựng", kind="department"
    )
    with time_machine.travel(at(2026, 3, 10, 10, 0), tick=False):
        r = client_for(world["users"]["office"]).post(
            f"{API}/", new_incident(unit=None, agency_id=department.pk), content_type="application/json"
        )
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["agency"]["id"] == department.pk and body["locality"] is None
    assert body["handling_unit"]["id"] == department.pk
    assert body["routed_via"] == "default"  # nobody is assigned the department; the default leader answers


# --- lists, filters, statistics and the map ---------------------------------------------------------


def test_filters_statistics_and_the_map(world, hanoi, focal_user, office):
    w = world
    ba_dinh = unit(BA_DINH)
    urgent = report(
        hanoi,
        office,
        title="Cháy nhà dân phố Hàng Bạc",
        severity="urgent",
        field="security",
        flags={"is_public_concern": True, "is_sudden": True},
        latitude="21.033800",
        longitude="105.852000",
    )
    elsewhere = report(hanoi, office, title="Ngập úng phố Quán Thánh", locality=ba_dinh, field="environment")
    client = client_for(office)
    with time_machine.travel(at(2026, 3, 10, 10, 0), tick=False):

        def ids(query: str) -> set[int]:
            r = client.get(f"{API}/?{query}")
            assert r.status_code == 200, (query, r.content)
            return {i["id"] for i in r.json()["items"]}

        assert ids("") == {w["incident"].pk, urgent.pk, elsewhere.pk}
        assert ids("severity=urgent") == {urgent.pk}
        assert ids("flag=is_public_concern") == {urgent.pk}
        assert ids("q=chay hang bac") == {urgent.pk}
        assert ids(f"locality={ba_dinh.pk}") == {elsewhere.pk}
        assert ids(f"leader={w['users']['leader'].person.pk}") == {w["incident"].pk, urgent.pk}
        assert ids("overdue=true") == {w["incident"].pk, urgent.pk, elsewhere.pk}  # nobody acknowledged
        assert ids("date_from=07/03/2026") == set()
        stats = client.get(f"{API}/statistics?by=field").json()
        by_key = {row["key"]: row for row in stats}
        assert by_key["security"]["total"] == 1 and by_key["security"]["open"] == 1
        with translation.override("vi"):
            labels = client.get(f"{API}/statistics?by=field", headers={"accept-language": "vi"}).json()
        assert {row["label"] for row in labels} >= {"An ninh, trật tự", "Môi trường"}
        by_locality = {row["key"]: row["total"] for row in client.get(f"{API}/statistics").json()}
        assert by_locality == {"Phường Hoàn Kiếm": 2, "Phường Ba Đình": 1}
        geo = client.get(f"{API}/map").json()
    assert geo["type"] == "FeatureCollection" and geo["truncated"] is False
    assert geo["features"] == [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [105.852, 21.0338]},
            "properties": {
                "id": urgent.pk,
                "code": urgent.code,
                "title": "Cháy nhà dân phố Hàng Bạc",
                "status": "received",
                "severity": "urgent",
                "overdue": True,
            },
        }
    ]


# --- flat query counts ------------------------------------------------------------------------------


def grow(world, size: int, offset: int = 0) -> None:
    """Add `size` incidents in bulk, spread over two leaders, units, statuses and coordinates."""
    w = world
    hanoi = w["hanoi"]
    leader = w["users"]["leader"].person
    other = w["users"]["other_leader"].person
    statuses = list(IncidentStatus.values)
    rows = []
    for i in range(offset, offset + size):
        reported = at(2026, 1, 5, 9, 0) + dt.timedelta(hours=7 * i)
        incident = Incident(
            organization=hanoi,
            code=f"VV-2025-{i:05d}",
            title=f"Vụ việc thử số {i}",
            description="…",
            locality=unit(HOAN_KIEM) if i % 2 else unit(BA_DINH),
            occurred_at=reported - dt.timedelta(hours=1),
            reported_at=reported,
            source="citizen",
            field=["land", "environment", "traffic"][i % 3],
            severity=["urgent", "complex", "normal"][i % 3],
            is_public_concern=bool(i % 4 == 0),
            responsible_leader=leader if i % 2 else other,
            routed_via="direct",
            handling_unit=w["unit"] if i % 2 else None,
            focal_point=w["users"]["focal"] if i % 2 else None,
            status=statuses[i % len(statuses)],
            ack_due_at=reported + dt.timedelta(hours=8),
            resolve_due_at=reported + dt.timedelta(days=10),
            acknowledged_at=reported + dt.timedelta(hours=2) if i % 3 else None,
            resolved_at=reported + dt.timedelta(days=3) if i % 5 == 0 else None,
            latitude="21.030000" if i % 2 else None,
            longitude="105.850000" if i % 2 else None,
        )
        incident.refresh_derived()
        rows.append(incident)
    Incident.objects.bulk_create(rows)


LIST_URLS = [
    f"{API}/",
    f"{API}/?overdue=true&severity=urgent",
    f"{API}/?page=2",
    f"{API}/mine",
    f"{API}/statistics?by=leader",
    f"{API}/statistics?by=locality",
    f"{API}/map",
]


@pytest.mark.parametrize("role", ["office", "leader", "focal"])
def test_api_lists_run_the_same_queries_at_5_and_at_200_rows(world, role):
    client = client_for(world["users"][role])
    grow(world, 5)
    before = {}
    for url in LIST_URLS:
        response = client.get(url)
        assert response.status_code == 200, (url, response.content)
        before[url] = count_queries(lambda url=url: client.get(url))
    grow(world, 210, offset=5)
    after = {url: count_queries(lambda url=url: client.get(url)) for url in LIST_URLS}
    assert before == after
    items = client.get(f"{API}/").json()
    assert items["count"] >= 100 and len(items["items"]) == 50
