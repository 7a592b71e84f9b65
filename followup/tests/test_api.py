"""The follow-up API: every operation as every kind of user, the whole loop, buckets, errors, query counts."""

import datetime as dt
import io

import pytest
import time_machine
from django.test import Client
from django.utils import translation
from openpyxl import Workbook

from accounts.choices import Role
from conftest import HCMC, HOAN_KIEM, unit
from core.models import AuditEvent
from core.testing import Operation, count_queries, permission_matrix
from followup import services
from followup.choices import ObstacleCategory, ObstacleStatus, SourceKind, StatusBucket, Verdict
from followup.models import ConclusionNotice, Directive, Obstacle, ProgressReport, ReSupervision
from org.models import Agency
from org.services import agency_create, person_create

D = dt.date
API = "/api/v1/followup"
LABELS = ("anonymous", "no_role", "office", "board", "leader", "focal", "other_focal", "viewer", "other_org")


def expect(default: int, **overrides) -> dict[str, int]:
    """`default` for every signed-in Hanoi user, 401 for the anonymous caller, then the overrides."""
    result = {label: default for label in LABELS}
    result["anonymous"] = 401
    result.update(overrides)
    return result


class Upload:
    """A file the test client can post again and again (a permission matrix posts it 9 times)."""

    def __init__(self, name: str, data: bytes):
        self.name = name
        self._data = data

    def read(self, *args):
        return self._data


def sheet_bytes(rows: list[list], headings=None) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "Chỉ đạo"
    ws.append(
        headings
        or ["Số hiệu", "Nội dung", "Đơn vị chủ trì", "Đơn vị phối hợp", "Thời hạn", "Lãnh đạo chỉ đạo"]
    )
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


@pytest.fixture
def world(hanoi, hcmc, hk, make_user, office, office_hcmc, in_charge, viewer, construction, finance):
    """Hanoi's loop records, the users of the matrix, and a Ho Chi Minh City loop nobody in Hanoi may see."""
    board = make_user(Role.STANDING_BOARD, hanoi, "bithu", person=True)
    no_role = make_user("", hanoi, "norole")
    focal = make_user(Role.FOCAL_POINT, hanoi, "dauMoiSXD", agency=construction)
    health = agency_create(actor=None, organization=hanoi, code="SYT", name="Sở Y tế", kind="department")
    other_focal = make_user(Role.FOCAL_POINT, hanoi, "dauMoiSYT", agency=health)
    leader = in_charge.person
    obstacle = services.obstacle_create(
        actor=office,
        organization=hanoi,
        title="Vướng mặt bằng phố Hàng Bài",
        description="Còn 12 hộ chưa nhận bồi thường.",
        category="site_clearance",
        resolution_level="standing_committee",
        locality=hk,
        raised_by=leader,
        responsible_agency=construction,
        raised_on=D(2026, 3, 2),
    )
    directive = services.directive_create(
        actor=office,
        organization=hanoi,
        content="Hoàn thành bồi thường 12 hộ.",
        issued_by=leader,
        lead_unit=construction,
        cooperating_units=[finance],
        deadline=D(2026, 4, 30),
        issued_on=D(2026, 3, 3),
        locality=hk,
        source_kind=SourceKind.OTHER,
    )
    check = directive.resupervisions.get()
    recorded_directive = services.directive_create(
        actor=office,
        organization=hanoi,
        content="Báo cáo kết quả rà soát.",
        issued_by=leader,
        lead_unit=construction,
        deadline=D(2026, 1, 31),
        issued_on=D(2026, 1, 2),
        locality=hk,
        source_kind=SourceKind.OTHER,
    )
    recorded = services.resupervision_record(
        actor=office,
        check=recorded_directive.resupervisions.get(),
        verdict=Verdict.IMPLEMENTED,
        method="documents",
        checked_on=D(2026, 2, 2),
        evidence="Báo cáo số 12/BC-SXD.",
    )
    notice = services.notice_create(
        actor=office,
        organization=hanoi,
        number="12-TB/TU",
        issued_on=D(2026, 3, 1),
        title="Kết luận Hàng Bài",
    )
    # Ho Chi Minh City's own loop
    hcmc_unit = unit(HCMC, level=1).children.order_by("id").first()
    hcmc_agency = agency_create(
        actor=None, organization=hcmc, code="SXD", name="Sở Xây dựng TP", kind="department"
    )
    hcmc_leader = person_create(actor=None, organization=hcmc, full_name="Trần Văn Thành")
    other = {
        "obstacle": services.obstacle_create(
            actor=office_hcmc,
            organization=hcmc,
            title="Vướng thủ tục",
            description="Chưa có quyết định.",
            category="investment_procedures",
            resolution_level="city_peoples_committee",
            locality=hcmc_unit,
            responsible_agency=hcmc_agency,
        ),
        "directive": services.directive_create(
            actor=office_hcmc,
            organization=hcmc,
            content="Hoàn thiện hồ sơ.",
            issued_by=hcmc_leader,
            lead_unit=hcmc_agency,
            deadline=D(2026, 6, 30),
            issued_on=D(2026, 3, 1),
            source_kind=SourceKind.OTHER,
        ),
        "notice": services.notice_create(
            actor=office_hcmc, organization=hcmc, number="5-TB/TU", issued_on=D(2026, 3, 1), title="Kết luận"
        ),
        "agency": hcmc_agency,
        "leader": hcmc_leader,
    }
    other["check"] = other["directive"].resupervisions.get()
    users = {
        "anonymous": None,
        "no_role": no_role,
        "office": office,
        "board": board,
        "leader": in_charge,
        "focal": focal,
        "other_focal": other_focal,
        "viewer": viewer,
        "other_org": office_hcmc,
    }
    return {
        "users": users,
        "hk": hk,
        "leader": leader,
        "construction": construction,
        "finance": finance,
        "obstacle": obstacle,
        "directive": directive,
        "check": check,
        "recorded": recorded,
        "notice": notice,
        "other": other,
    }


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


# --- the permission matrix ------------------------------------------------------------------------

MARCH_10 = dt.datetime(2026, 3, 10, 9, 0, tzinfo=dt.UTC)


@time_machine.travel(MARCH_10, tick=False)
def test_obstacle_operations_as_every_user(world):
    w = world
    o, other = w["obstacle"].pk, w["other"]["obstacle"].pk
    raise_on_hk = {
        "title": "Thiếu vật liệu",
        "description": "Giá cát tăng.",
        "category": "materials_prices",
        "resolution_level": "department",
        "locality_code": HOAN_KIEM,
    }
    raise_on_unit = {**raise_on_hk, "locality_code": None, "agency_id": w["construction"].pk}
    changers = {"office": 200, "board": 200, "leader": 200}
    ops = [
        Operation("list", "get", f"{API}/obstacles/", expect(200)),
        Operation("list filtered", "get", f"{API}/obstacles/?open=true&date_from=01/03/2026", expect(200)),
        Operation("summary", "get", f"{API}/obstacles/summary?by=agency", expect(200)),
        Operation(
            "detail",
            "get",
            f"{API}/obstacles/{o}",
            expect(200, no_role=404, other_focal=404, other_org=404),
        ),
        Operation("someone else's", "get", f"{API}/obstacles/{other}", expect(404, other_org=200)),
        Operation(
            "raise on a ward",
            "post",
            f"{API}/obstacles/",
            # focal points reach their units, not the ward; another organisation cannot see the ward (a
            # reference in a body that the caller cannot see is a 422 naming the field)
            expect(201, no_role=404, viewer=404, focal=422, other_focal=422, other_org=422),
            json=raise_on_hk,
        ),
        Operation(
            "raise on a unit",
            "post",
            f"{API}/obstacles/",
            expect(201, no_role=404, viewer=404, leader=422, other_focal=422, other_org=422),
            json=raise_on_unit,
        ),
        Operation(
            "correct",
            "patch",
            f"{API}/obstacles/{o}",
            expect(404, **changers),
            json={"version": 1, "title": "Vướng mặt bằng phố Hàng Bài (cập nhật)"},
        ),
        Operation(
            "escalate",
            "post",
            f"{API}/obstacles/{o}/status",
            expect(404, **changers),
            json={"status": "escalated", "version": 1},
        ),
        Operation(
            "start resolving (the resolving agency's focal point too)",
            "post",
            f"{API}/obstacles/{o}/status",
            expect(404, focal=200, **changers),
            json={"status": "resolving", "version": 1},
        ),
        Operation(
            "assign with a directive",
            "post",
            f"{API}/obstacles/{o}/assign",
            # The board may assign, but a leader issues a directive only in their own name.
            expect(404, **{**changers, "board": 422}),
            json={
                "version": 1,
                "responsible_agency_id": w["construction"].pk,
                "deadline": "2026-04-30",
                "on": "2026-03-10",
                "directive_content": "Hoàn thành bồi thường.",
                "issued_by_id": w["leader"].pk,
                "cooperating_unit_ids": [w["finance"].pk],
            },
        ),
        Operation(
            "escalate someone else's",
            "post",
            f"{API}/obstacles/{other}/status",
            expect(404, other_org=200),
            json={"status": "escalated", "version": 1},
        ),
        Operation(
            "correct someone else's",
            "patch",
            f"{API}/obstacles/{other}",
            expect(404, other_org=200),
            json={"version": 1, "title": "Đổi tên"},
        ),
    ]
    assert permission_matrix(w["users"], ops) == []
    assert Obstacle.objects.count() == 2  # every call was rolled back


@time_machine.travel(MARCH_10, tick=False)
def test_directive_operations_as_every_user(world):
    w = world
    d, other = w["directive"].pk, w["other"]["directive"].pk
    body = {
        "content": "Rà soát hồ sơ bồi thường.",
        "lead_unit_id": w["construction"].pk,
        "deadline": "2026-05-31",
        "issued_on": "2026-03-10",
    }
    not_a_writer = {"no_role": 404, "focal": 404, "other_focal": 404, "viewer": 404}
    ops = [
        Operation("list", "get", f"{API}/directives/", expect(200)),
        Operation("list by bucket", "get", f"{API}/directives/?bucket=overdue&open=1", expect(200)),
        Operation("buckets", "get", f"{API}/directives/buckets?unit={w['construction'].pk}", expect(200)),
        Operation(
            "detail",
            "get",
            f"{API}/directives/{d}",
            expect(200, no_role=404, other_focal=404, other_org=404),
        ),
        Operation("someone else's", "get", f"{API}/directives/{other}", expect(404, other_org=200)),
        Operation(
            "issue in one's own name",
            "post",
            f"{API}/directives/",
            # the office must name the leader; another organisation cannot see the lead unit
            expect(201, office=422, other_org=422, **not_a_writer),
            json=body,
        ),
        Operation(
            "issue naming the leader",
            "post",
            f"{API}/directives/",
            # only the office names someone else; the leader may name themselves
            expect(201, board=422, other_org=422, **not_a_writer),
            json={**body, "issued_by_id": w["leader"].pk},
        ),
        Operation(
            "correct",
            "patch",
            f"{API}/directives/{d}",
            expect(404, office=200, leader=200),
            json={"version": 1, "deadline": "2026-05-15"},
        ),
        Operation(
            "report progress",
            "post",
            f"{API}/directives/{d}/progress",
            expect(404, office=201, focal=201),
            json={"text": "Đã chi trả 8/12 hộ.", "version": 1},
        ),
        Operation(
            "report on someone else's",
            "post",
            f"{API}/directives/{other}/progress",
            expect(404, other_org=201),
            json={"text": "Đang làm.", "version": 1},
        ),
    ]
    assert permission_matrix(w["users"], ops) == []
    assert not ProgressReport.objects.exists()


@time_machine.travel(MARCH_10, tick=False)
def test_resupervision_and_notice_operations_as_every_user(world):
    w = world
    c, recorded, other = w["check"].pk, w["recorded"].pk, w["other"]["check"].pk
    notice = w["notice"]
    good_sheet = Upload(
        "chi-dao.xlsx", sheet_bytes([["1", "Rà soát hồ sơ.", "SXD", "STC", "30/06/2026", "Nguyễn Văn Lãnh"]])
    )
    record = {
        "verdict": "partly",
        "method": "on_site",
        "checked_on": "2026-03-05",
        "evidence": "Còn 2 hộ.",
        "follow_up_content": "Bàn giao nốt 2 hộ.",
    }
    recorders = {"office": 200, "board": 200, "leader": 200}
    ops = [
        Operation("list", "get", f"{API}/resupervisions/", expect(200)),
        Operation("list due", "get", f"{API}/resupervisions/?state=due&date_to=2026-12-31", expect(200)),
        Operation(
            "detail",
            "get",
            f"{API}/resupervisions/{c}",
            expect(200, no_role=404, other_focal=404, other_org=404),
        ),
        Operation("someone else's", "get", f"{API}/resupervisions/{other}", expect(404, other_org=200)),
        Operation(
            "record", "post", f"{API}/resupervisions/{c}/record", expect(404, **recorders), json=record
        ),
        Operation(
            "record someone else's",
            "post",
            f"{API}/resupervisions/{other}/record",
            expect(404, other_org=200),
            json=record,
        ),
        Operation(
            "recheck",
            "post",
            f"{API}/resupervisions/{recorded}/recheck",
            expect(404, office=201, board=201, leader=201),
            json={"due_on": "2026-06-30"},
        ),
        Operation("notices", "get", f"{API}/notices/?q=hang+bai", expect(200)),
        Operation("notice", "get", f"{API}/notices/{notice.pk}", expect(200, no_role=404, other_org=404)),
        Operation(
            "someone else's notice",
            "get",
            f"{API}/notices/{w['other']['notice'].pk}",
            expect(404, other_org=200),
        ),
        Operation(
            "enter a notice",
            "post",
            f"{API}/notices/",
            expect(404, office=201, other_org=201),
            json={"number": "15-TB/TU", "issued_on": "2026-03-02", "title": "Kết luận về đầu tư công"},
        ),
        Operation(
            "import into the notice",
            "post",
            f"{API}/notices/{notice.pk}/import",
            expect(404, office=201),
            data={"file": good_sheet},
        ),
        Operation(
            "import into someone else's notice",
            "post",
            f"{API}/notices/{w['other']['notice'].pk}/import",
            # their own office gets through the gate; Hanoi's units are not theirs: every row is refused
            expect(404, other_org=422),
            data={"file": good_sheet},
        ),
    ]
    assert permission_matrix(w["users"], ops) == []
    assert not Directive.objects.filter(source_kind=SourceKind.CONCLUSION_NOTICE).exists()
    assert ConclusionNotice.objects.count() == 2


# --- the whole loop through the API ---------------------------------------------------------------


@time_machine.travel(MARCH_10, tick=False)
def test_the_whole_loop_through_the_api(world):
    w = world
    office = client_for(w["users"]["office"])
    leader = client_for(w["users"]["leader"])
    focal = client_for(w["users"]["focal"])
    # 1. the leader in charge raises an obstacle on their ward
    r = leader.post(
        f"{API}/obstacles/",
        {
            "title": "Vướng di dời hạ tầng kỹ thuật",
            "description": "Cột điện chưa được di dời.",
            "category": "infrastructure_relocation",
            "resolution_level": "standing_committee",
            "locality_code": HOAN_KIEM,
            "raised_by_id": w["leader"].pk,
            "raised_in": "visit",
        },
        content_type="application/json",
    )
    assert r.status_code == 201, r.json()
    obstacle = r.json()
    assert obstacle["status"] == "new" and obstacle["raised_on"] == "2026-03-10"
    assert obstacle["locality"]["code"] == HOAN_KIEM and obstacle["age_days"] == 0
    assert set(obstacle["allowed_statuses"]) == {"escalated", "assigned", "resolving", "closed"}
    # 2. the office escalates it to the Standing Committee
    r = office.post(
        f"{API}/obstacles/{obstacle['id']}/status",
        {"status": "escalated", "version": obstacle["version"], "note": "Báo cáo BTV phiên 10/3"},
        content_type="application/json",
    )
    assert r.status_code == 200, r.json()
    obstacle = r.json()
    assert obstacle["status"] == "escalated" and obstacle["escalated_on"] == "2026-03-10"
    assert obstacle["days_since_escalation"] == 0 and obstacle["allowed_statuses"] == ["assigned", "closed"]
    # 3. the Committee assigns it to the Department of Construction, and a directive is issued
    r = office.post(
        f"{API}/obstacles/{obstacle['id']}/assign",
        {
            "version": obstacle["version"],
            "responsible_agency_id": w["construction"].pk,
            "deadline": "2026-04-30",
            "committee_decision": "Giao Sở Xây dựng chủ trì di dời.",
            "directive_content": "Hoàn thành di dời cột điện trước 30/4/2026.",
            "issued_by_id": w["leader"].pk,
            "cooperating_unit_ids": [w["finance"].pk],
        },
        content_type="application/json",
    )
    assert r.status_code == 200, r.json()
    assigned = r.json()
    assert assigned["obstacle"]["status"] == "assigned"
    assert assigned["obstacle"]["responsible_agency"]["code"] == "SXD"
    directive_id = assigned["directive_id"]
    assert assigned["obstacle"]["directive_ids"] == [directive_id]
    # 4. the focal point of the lead unit sees it, reports progress, then claims completion
    listed = focal.get(f"{API}/directives/?unit={w['construction'].pk}").json()
    assert directive_id in [item["id"] for item in listed["items"]]
    directive = focal.get(f"{API}/directives/{directive_id}").json()
    assert directive["source"]["kind"] == "obstacle" and directive["source"]["id"] == obstacle["id"]
    assert (
        directive["source"]["label"] == "Vướng di dời hạ tầng kỹ thuật" and directive["source"]["kind_label"]
    )
    assert directive["status_bucket"] == StatusBucket.NOT_DUE
    assert [u["code"] for u in directive["cooperating_units"]] == ["STC"]
    r = focal.post(
        f"{API}/directives/{directive_id}/progress",
        {"text": "Đã di dời 3/5 cột.", "version": directive["version"]},
        content_type="application/json",
    )
    assert r.status_code == 201, r.json()
    directive = r.json()
    assert directive["status_bucket"] == StatusBucket.IN_PROGRESS and directive["report_count"] == 1
    r = focal.post(
        f"{API}/directives/{directive_id}/progress",
        {"text": "Đã di dời đủ 5 cột.", "claims_done": True, "version": directive["version"]},
        content_type="application/json",
    )
    directive = r.json()
    assert directive["status_bucket"] == StatusBucket.AWAITING_CONFIRMATION
    assert (directive["completed_on"], directive["completion_confirmed_on"]) == ("2026-03-10", None)
    assert [p["claims_done"] for p in directive["progress_reports"]] == [False, True]
    # 5. the re-supervision finds it only partly done
    [check_id] = directive["resupervision_ids"]
    r = leader.post(
        f"{API}/resupervisions/{check_id}/record",
        {
            "verdict": "partly",
            "method": "on_site",
            "checked_on": "2026-03-10",
            "evidence": "Còn 1 cột chưa đấu nối.",
            "place": "Phố Hàng Bài",
            "follow_up_content": "Đấu nối cột còn lại.",
        },
        content_type="application/json",
    )
    assert r.status_code == 200, r.json()
    check = r.json()
    assert check["verdict"] == "partly" and check["recorded_by"] == "Nguyễn Văn Lãnh"
    # 6. a follow-up directive is spawned, linked to the first, and listed with its parent
    follow_up_id = check["follow_up_id"]
    assert follow_up_id
    follow_up = focal.get(f"{API}/directives/{follow_up_id}").json()
    assert follow_up["parent_id"] == directive_id
    assert follow_up["source"]["kind"] == "resupervision" and follow_up["source"]["id"] == check_id
    children = focal.get(f"{API}/directives/?parent={directive_id}").json()
    assert [item["id"] for item in children["items"]] == [follow_up_id]
    assert [i["parent_id"] for i in children["items"]] == [directive_id]
    assert focal.get(f"{API}/directives/{directive_id}").json()["follow_up_ids"] == [follow_up_id]
    # every step is audited
    assert AuditEvent.objects.filter(action="status", object_id=str(obstacle["id"])).count() == 2
    assert AuditEvent.objects.filter(action="status", object_id=str(check_id)).exists()


# --- status buckets, errors, conflicts ------------------------------------------------------------


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (dt.datetime(2026, 4, 30, 23, 30), StatusBucket.NOT_DUE),  # the deadline day itself, late evening
        (dt.datetime(2026, 5, 1, 0, 30), StatusBucket.OVERDUE),  # half an hour into the next day
    ],
)
def test_buckets_in_the_api_list_follow_the_local_date(world, now, expected):
    office = client_for(world["users"]["office"])
    d = world["directive"].pk
    local = now.replace(tzinfo=dt.timezone(dt.timedelta(hours=7)))
    with time_machine.travel(local, tick=False):
        items = office.get(f"{API}/directives/?date_from=30/04/2026&date_to=30/04/2026").json()["items"]
        assert [(i["id"], i["status_bucket"]) for i in items] == [(d, expected)]
        counts = office.get(f"{API}/directives/buckets").json()
        by_bucket = {b["bucket"]: b["count"] for b in counts["buckets"]}
        assert by_bucket[expected] >= 1 and counts["total"] == sum(by_bucket.values())
        only = office.get(f"{API}/directives/?bucket={expected}").json()["items"]
        assert d in [i["id"] for i in only]


@time_machine.travel(dt.datetime(2026, 5, 5, 9, 0, tzinfo=dt.UTC), tick=False)
def test_every_bucket_through_the_api(world, office):
    w = world
    focal = w["users"]["focal"]

    def make(deadline, completed=None, reported=False, awaiting=False):
        directive = services.directive_create(
            actor=office,
            organization=w["directive"].organization,
            content=f"Việc hạn {deadline}",
            issued_by=w["leader"],
            lead_unit=w["construction"],
            deadline=deadline,
            issued_on=D(2026, 3, 1),
            source_kind=SourceKind.OTHER,
        )
        if reported:
            services.directive_report_progress(actor=focal, directive=directive, version=1, text="Đang làm.")
        if completed:
            Directive.objects.filter(pk=directive.pk).update(
                completed_on=completed, completion_confirmed_on=None if awaiting else completed
            )
        return directive.pk

    ids = {
        StatusBucket.NOT_DUE: make(D(2026, 6, 30)),
        StatusBucket.IN_PROGRESS: make(D(2026, 6, 30), reported=True),
        StatusBucket.DONE_ON_TIME: make(D(2026, 5, 5), completed=D(2026, 5, 5)),
        StatusBucket.DONE_LATE: make(D(2026, 5, 1), completed=D(2026, 5, 2)),
        StatusBucket.AWAITING_CONFIRMATION: make(D(2026, 5, 1), completed=D(2026, 4, 30), awaiting=True),
        StatusBucket.OVERDUE: make(D(2026, 5, 4)),
    }
    client = client_for(office)
    for bucket, pk in ids.items():
        items = client.get(f"{API}/directives/?bucket={bucket}").json()["items"]
        assert pk in [i["id"] for i in items], bucket
        assert {i["status_bucket"] for i in items} == {bucket}
        with translation.override("vi"):
            assert {i["status_bucket_label"] for i in items} == {str(StatusBucket(bucket).label)}


def test_an_illegal_move_is_422_in_vietnamese_and_changes_nothing(world):
    office = client_for(world["users"]["office"])
    o = world["obstacle"]
    with translation.override("vi"):
        r = office.post(
            f"{API}/obstacles/{o.pk}/status",
            {"status": "verified", "version": 1},
            content_type="application/json",
            headers={"accept-language": "vi"},
        )
    assert r.status_code == 422
    assert r.json()["detail"].startswith("Không thể chuyển")
    o.refresh_from_db()
    assert (o.status, o.version) == (ObstacleStatus.NEW, 1)
    assert not AuditEvent.objects.filter(action="status", object_id=str(o.pk)).exists()


def test_a_stale_version_is_409_and_the_first_write_stays(world):
    office = client_for(world["users"]["office"])
    leader = client_for(world["users"]["leader"])
    o = world["obstacle"]
    first = office.patch(
        f"{API}/obstacles/{o.pk}", {"version": 1, "title": "A"}, content_type="application/json"
    )
    assert first.status_code == 200 and first.json()["version"] == 2
    second = leader.patch(
        f"{API}/obstacles/{o.pk}", {"version": 1, "title": "B"}, content_type="application/json"
    )
    assert second.status_code == 409 and second.json()["detail"]
    o.refresh_from_db()
    assert (o.title, o.version) == ("A", 2)
    d = world["directive"]
    r = client_for(world["users"]["focal"]).post(
        f"{API}/directives/{d.pk}/progress", {"text": "x", "version": 7}, content_type="application/json"
    )
    assert r.status_code == 409
    assert not ProgressReport.objects.exists()


def test_bad_input_is_422_with_a_message(world):
    office = client_for(world["users"]["office"])
    w = world
    cases = [
        ("get", f"{API}/obstacles/?date_from=31/02/2026", None, "date_from"),
        ("get", f"{API}/directives/?date_to=yesterday", None, "date_to"),
        ("get", f"{API}/obstacles/?page=99999999999999999999", None, "page"),
        (
            "post",
            f"{API}/directives/",
            {"content": "x", "lead_unit_id": w["construction"].pk, "deadline": "9999-12-31"},
            "deadline",
        ),
        (
            "post",
            f"{API}/directives/",
            {
                "content": "x",
                "lead_unit_id": w["construction"].pk,
                "deadline": "2026-02-01",
                "issued_on": "2026-03-01",
                "issued_by_id": w["leader"].pk,
            },
            "deadline",
        ),
        (
            "post",
            f"{API}/directives/",
            {
                "content": "x",
                "lead_unit_id": w["construction"].pk,
                "deadline": "2026-06-01",
                "issued_by_id": w["leader"].pk,
                "source_kind": "conclusion_notice",
            },
            "notice_id",
        ),
        (
            "post",
            f"{API}/obstacles/",
            {"title": "x", "description": "y", "category": "other", "resolution_level": "commune"},
            "__all__",
        ),
        ("post", f"{API}/obstacles/", {"title": "x\x00", "description": "y", "category": "other"}, "title"),
        (
            "post",
            f"{API}/obstacles/{w['obstacle'].pk}/status",
            {"status": "closed", "version": 1},
            "closed_reason",
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
        assert any(field in key for key in payload.get("errors", {"__all__": []})), (url, payload)
    assert Obstacle.objects.count() == 2
    assert Obstacle.objects.get(pk=w["obstacle"].pk).status == ObstacleStatus.NEW


def test_a_refused_import_lists_every_error_with_its_cell(world):
    office = client_for(world["users"]["office"])
    notice = world["notice"]
    data = sheet_bytes(
        [
            ["1", "Rà soát hồ sơ.", "KHONGCO", "", "30/06/2026", "Nguyễn Văn Lãnh"],
            ["2", "", "SXD", "", "31/02/2026", "Không Có Ai"],
        ]
    )
    r = office.post(f"{API}/notices/{notice.pk}/import", {"file": Upload("x.xlsx", data)})
    assert r.status_code == 422
    errors = r.json()["errors"]
    assert {(e["row"], e["column"][0]) for e in errors} == {(2, "C"), (3, "B"), (3, "E"), (3, "F")}
    assert all(e["sheet"] == "Chỉ đạo" and e["message"] for e in errors)
    assert not Directive.objects.filter(source_kind=SourceKind.CONCLUSION_NOTICE).exists()
    r = office.post(f"{API}/notices/{notice.pk}/import", {"file": Upload("x.docx", b"PK\x03\x04junk")})
    assert r.status_code == 422 and len(r.json()["errors"]) == 1


def test_detail_pages_carry_the_chain(world):
    office = client_for(world["users"]["office"])
    o = office.get(f"{API}/obstacles/{world['obstacle'].pk}").json()
    assert o["allowed_statuses"] == ["escalated", "assigned", "resolving", "closed"]
    assert o["age_days"] >= 0 and o["days_since_escalation"] is None
    d = office.get(f"{API}/directives/{world['directive'].pk}").json()
    assert d["resupervision_ids"] == [world["check"].pk] and d["follow_up_ids"] == []
    assert d["lead_unit"]["code"] == "SXD" and d["issued_by"]["full_name"] == "Nguyễn Văn Lãnh"
    c = office.get(f"{API}/resupervisions/{world['recorded'].pk}").json()
    assert c["item_kind"] == "directive" and c["verdict"] == "implemented" and c["superseded_by_id"] is None
    [row] = office.get(f"{API}/obstacles/summary?by=category").json()
    assert {k: v for k, v in row.items() if k != "label"} == {
        "key": "site_clearance",
        "total": 1,
        "open": 1,
        "overdue": 0,
        "escalated": 0,
    }
    with translation.override("vi"):
        assert row["label"] == str(ObstacleCategory.SITE_CLEARANCE.label)


# --- flat query counts ----------------------------------------------------------------------------


def grow(world, size: int, offset: int = 0):
    """Add `size` obstacles, directives (with cooperating units and a report) and checks, in bulk."""
    w = world
    organization = w["directive"].organization
    units = [
        Agency(
            organization=organization,
            code=f"T{offset + i}",
            name=f"Đơn vị thử {offset + i}",
            kind="department",
        )
        for i in range(size)
    ]
    for u in units:
        u.refresh_derived()
    units = Agency.objects.bulk_create(units)
    obstacles = []
    for i in range(size):
        o = Obstacle(
            organization=organization,
            title=f"Vướng mắc {offset + i}",
            description="…",
            category="capital",
            resolution_level="department",
            locality=w["hk"],
            agency=units[i],
            responsible_agency=w["construction"],
            raised_by=w["leader"],
            raised_on=D(2026, 1, 1) + dt.timedelta(days=i % 60),
            deadline=D(2026, 2, 1),
            status=ObstacleStatus.ESCALATED if i % 2 else ObstacleStatus.NEW,
            escalated_on=D(2026, 2, 1) if i % 2 else None,
        )
        o.refresh_derived()
        obstacles.append(o)
    Obstacle.objects.bulk_create(obstacles)
    directives = []
    for i in range(size):
        d = Directive(
            organization=organization,
            content=f"Chỉ đạo số {offset + i}",
            issued_by=w["leader"],
            lead_unit=w["construction"],
            locality=w["hk"],
            deadline=D(2026, 1, 1) + dt.timedelta(days=i % 200),
            issued_on=D(2026, 1, 1),
            source_kind=SourceKind.OTHER,
            parent=w["directive"],
        )
        d.refresh_derived()
        directives.append(d)
    directives = Directive.objects.bulk_create(directives)
    Through = Directive.cooperating_units.through
    Through.objects.bulk_create(
        Through(directive_id=d.pk, agency_id=units[i].pk) for i, d in enumerate(directives)
    )
    ProgressReport.objects.bulk_create(
        ProgressReport(directive=d, author=w["users"]["focal"], text="Đang làm.") for d in directives
    )
    ReSupervision.objects.bulk_create(
        ReSupervision(
            organization=organization,
            directive=d,
            locality=w["hk"],
            agency=w["construction"],
            due_on=d.deadline + dt.timedelta(days=30),
            assigned_to=w["leader"],
        )
        for d in directives
    )


LIST_URLS = [
    f"{API}/obstacles/",
    f"{API}/obstacles/?open=1&overdue=1",
    f"{API}/obstacles/summary?by=locality",
    f"{API}/directives/",
    f"{API}/directives/?bucket=overdue&open=1&q=chi+dao",
    f"{API}/directives/buckets",
    f"{API}/resupervisions/",
    f"{API}/resupervisions/?state=pending",
    f"{API}/notices/",
]


@pytest.mark.parametrize("role", ["office", "leader", "focal"])
def test_api_lists_run_the_same_queries_at_5_and_at_200_rows(world, role):
    client = client_for(world["users"][role])
    grow(world, 5)
    before = {}
    for url in LIST_URLS:
        response = client.get(url)
        assert response.status_code == 200, url
        before[url] = count_queries(lambda url=url: client.get(url))
    grow(world, 210, offset=5)
    after = {url: count_queries(lambda url=url: client.get(url)) for url in LIST_URLS}
    assert before == after
    items = client.get(f"{API}/directives/").json()
    assert items["count"] >= 215 and len(items["items"]) == 50


# --- fuzzing the operations on real records -------------------------------------------------------


def test_generated_input_on_real_records_never_breaks_the_server(world):
    """Schemathesis feeds generated input to every follow-up operation, its path pointing at real records:
    never a 5xx, and every success matches the OpenAPI description."""
    import schemathesis
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    from coso.wsgi import application

    # Requests through the WSGI application would close the test's connection, and with it the test's
    # transaction, on PostgreSQL: the test client disconnects this handler too.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        _fuzz(world, schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application))
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _fuzz(world, schema):
    from hypothesis import HealthCheck, given, settings
    from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

    from accounts.services import token_create

    _token, raw = token_create(actor=world["users"]["office"], user=world["users"]["office"], name="fuzz")
    headers = {"Authorization": f"Bearer {raw}"}
    real = {
        "obstacle_id": world["obstacle"].pk,
        "directive_id": world["directive"].pk,
        "check_id": world["check"].pk,
        "notice_id": world["notice"].pk,
        # The confidential mark's operations, on obstacles and on directives, name their record `record_id`.
        "record_id": world["obstacle"].pk,
    }
    operations = [r.ok() for r in schema.get_all_operations()]
    operations = [op for op in operations if op.path.startswith("/api/v1/followup/")]
    assert len(operations) == 27
    for operation in operations:

        @settings(
            max_examples=15,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy())
        def run(case):
            if case.path_parameters:
                case.path_parameters = {k: real.get(k, v) for k, v in case.path_parameters.items()}
            response = case.call(headers=headers)
            where = f"{case.method} {case.formatted_path} {case.query or ''} {case.body!r}"
            assert response.status_code < 500, f"{where}: {response.status_code} {response.text[:300]}"
            if response.status_code < 300:
                case.validate_response(
                    response, checks=[response_schema_conformance, content_type_conformance]
                )
            else:
                assert response.json().get("detail"), where

        run()
