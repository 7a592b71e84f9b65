"""Every follow-up page, run as every kind of user (the permission matrix), on our records and on another
organisation's: someone else's record, like a missing one, answers 404; a write the user may not make too."""

import datetime as dt
import types

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.choices import Role
from conftest import HCMC, unit
from core.testing import Operation, permission_matrix
from followup import services
from followup.choices import SourceKind
from followup.models import ProgressReport
from org.services import agency_create, person_create

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
LABELS = (
    "anonymous",
    "no_role",
    "office",
    "board",
    "leader",
    "focal_lead",
    "focal_other",
    "viewer",
    "other_org",
)


def expect(default=200, *, anonymous=302, no_role=404, other_org=None, **overrides) -> dict:
    """Statuses by user: `default` for every Hanoi user with a role unless overridden."""
    result = {label: default for label in LABELS}
    result.update(anonymous=anonymous, no_role=no_role, other_org=default if other_org is None else other_org)
    result.update(overrides)
    return result


def only(status, who: tuple, *, other_org=404, otherwise=404, **overrides) -> dict:
    """`status` for the users in `who`, `otherwise` (404) for every other Hanoi user."""
    result = expect(otherwise, other_org=other_org)
    result.update({label: status for label in who})
    result.update(overrides)
    return result


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def fake_files(monkeypatch):
    """Stand-ins for the Excel exports and the importer, with their interface: these tests are of access."""
    for name, stand_in in {
        "followup.exports.obstacle_workbook": lambda qs: b"PK\x03\x04obstacles",
        "followup.exports.directive_workbook": lambda qs: b"PK\x03\x04directives",
        "followup.exports.resupervision_workbook": lambda qs: b"PK\x03\x04checks",
        "followup.exports.directive_import_template": lambda: b"PK\x03\x04template",
        "followup.importers.import_directives": lambda *, actor, notice, file: types.SimpleNamespace(
            created=[], errors=[]
        ),
    }.items():
        monkeypatch.setattr(name, stand_in)


def pdf(name="bien-ban.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


@pytest.fixture
def world(
    hanoi,
    hcmc,
    hk,
    make_user,
    office,
    office_hcmc,
    in_charge,
    viewer,
    construction,
    finance,
    construction_focal,
):
    """An obstacle escalated and assigned with a directive to the Department of Construction in Hoàn Kiếm,
    its re-supervision, a recorded check, a notice and an attachment; the same in Ho Chi Minh City."""
    today = timezone.localdate()
    board = make_user(Role.STANDING_BOARD, hanoi, "bithu", person=True)
    no_role = make_user("", hanoi, "norole")
    focal_other = make_user(Role.FOCAL_POINT, hanoi, "dauMoiSTC", agency=finance)
    obstacle = services.obstacle_create(
        actor=office,
        organization=hanoi,
        title="Vướng mặt bằng phố Hàng Bài",
        description="Còn 12 hộ chưa nhận tiền bồi thường.",
        category="site_clearance",
        resolution_level="standing_committee",
        locality=hk,
        raised_by=in_charge.person,
        raised_on=today - dt.timedelta(days=20),
    )
    obstacle = services.obstacle_escalate(actor=office, obstacle=obstacle, version=obstacle.version)
    obstacle, directive = services.obstacle_assign(
        actor=office,
        obstacle=obstacle,
        version=obstacle.version,
        responsible_agency=construction,
        deadline=today + dt.timedelta(days=30),
        committee_decision="Giao Sở Xây dựng chủ trì.",
        issued_by=in_charge.person,
        directive_content="Hoàn thành bồi thường 12 hộ.",
    )
    report = services.directive_report_progress(
        actor=construction_focal,
        directive=directive,
        version=directive.version,
        text="Đã chi trả 8/12 hộ.",
        files=[pdf()],
    )
    directive.refresh_from_db()  # the report moved its version on
    check = directive.resupervisions.get()
    done = services.directive_create(
        actor=office,
        organization=hanoi,
        content="Báo cáo rà soát hồ sơ.",
        issued_by=in_charge.person,
        lead_unit=construction,
        locality=hk,
        issued_on=today - dt.timedelta(days=40),
        deadline=today - dt.timedelta(days=10),
        source_kind=SourceKind.OTHER,
    )
    recorded = services.resupervision_record(
        actor=office,
        check=done.resupervisions.get(),
        verdict="implemented",
        method="documents",
        checked_on=today,
        evidence="Báo cáo số 12/BC-SXD.",
    )
    notice = services.notice_create(
        actor=office, organization=hanoi, number="12-TB/TU", issued_on=today, title="Kết luận về GPMB"
    )
    # Ho Chi Minh City: the same kinds of record, none of them visible to Hanoi.
    hcm_unit = unit(HCMC, level=1).children.order_by("code").first()
    hcm_agency = agency_create(
        actor=None, organization=hcmc, code="SXD", name="Sở Xây dựng TP", kind="department"
    )
    hcm_leader = person_create(actor=None, organization=hcmc, full_name="Lãnh đạo Thành phố")
    other_obstacle = services.obstacle_create(
        actor=office_hcmc,
        organization=hcmc,
        title="Vướng mắc ở Thành phố",
        description="…",
        category="capital",
        resolution_level="department",
        locality=hcm_unit,
    )
    other_directive = services.directive_create(
        actor=office_hcmc,
        organization=hcmc,
        content="Chỉ đạo của Thành phố.",
        issued_by=hcm_leader,
        lead_unit=hcm_agency,
        locality=hcm_unit,
        deadline=today + dt.timedelta(days=10),
        source_kind=SourceKind.OTHER,
    )
    other_report = services.directive_report_progress(
        actor=office_hcmc, directive=other_directive, version=other_directive.version, text="x", files=[pdf()]
    )
    other_directive.refresh_from_db()
    other_notice = services.notice_create(
        actor=office_hcmc, organization=hcmc, number="1-TB/TU", issued_on=today, title="Kết luận TP"
    )
    return {
        "users": {
            "anonymous": None,
            "no_role": no_role,
            "office": office,
            "board": board,
            "leader": in_charge,
            "focal_lead": construction_focal,
            "focal_other": focal_other,
            "viewer": viewer,
            "other_org": office_hcmc,
        },
        "today": today,
        "obstacle": obstacle,
        "directive": directive,
        "attachment": _attachment_of(report),
        "check": check,
        "recorded": recorded,
        "notice": notice,
        "hk": hk,
        "construction": construction,
        "leader": in_charge,
        "other_obstacle": other_obstacle,
        "other_directive": other_directive,
        "other_check": other_directive.resupervisions.get(),
        "other_attachment": _attachment_of(other_report),
        "other_notice": other_notice,
    }


def _attachment_of(report: ProgressReport):
    from core.models import Attachment

    return Attachment.objects.get(object_id=str(report.pk), content_type__model="progressreport")


def test_lists_and_forms(world):
    w = world
    writers = ("office", "board", "leader", "focal_lead", "focal_other")
    ops = [
        Operation("my items", "get", "/followup/", expect()),
        Operation("obstacles", "get", "/followup/obstacles/", expect()),
        Operation(
            "obstacles filtered",
            "get",
            f"/followup/obstacles/?status=assigned&category=site_clearance&locality={w['hk'].pk}"
            "&overdue=1&escalated=1&open=1&date_from=01/01/2026&date_to=31/12/2030&q=hang+bai&by=agency",
            expect(),
        ),
        Operation("obstacles export", "get", "/followup/obstacles/export.xlsx?status=new", expect()),
        Operation("new obstacle form", "get", "/followup/obstacles/new/", only(200, writers, other_org=200)),
        Operation("directives", "get", "/followup/directives/", expect()),
        Operation(
            "directives filtered",
            "get",
            f"/followup/directives/?bucket=in_progress&unit={w['construction'].pk}&leader={w['leader'].person.pk}"
            f"&locality={w['hk'].pk}&source_kind=obstacle&open=1&date_from=01/01/2026&q=boi+thuong",
            expect(),
        ),
        Operation("directives export", "get", "/followup/directives/export.xlsx?bucket=overdue", expect()),
        Operation(
            "new directive form",
            "get",
            "/followup/directives/new/",
            only(200, ("office", "board", "leader"), other_org=200),
        ),
        Operation("re-supervisions", "get", "/followup/resupervisions/", expect()),
        Operation(
            "re-supervisions filtered",
            "get",
            f"/followup/resupervisions/?state=due&verdict=partly&leader={w['leader'].person.pk}&locality={w['hk'].pk}",
            expect(),
        ),
        Operation("re-supervisions export", "get", "/followup/resupervisions/export.xlsx", expect()),
        Operation("notices", "get", "/followup/notices/?q=gpmb", expect()),
        Operation("new notice form", "get", "/followup/notices/new/", only(200, ("office",), other_org=200)),
        Operation(
            "new notice",
            "post",
            "/followup/notices/new/",
            only(302, ("office",), other_org=302),
            data={"number": "99-TB/TU", "issued_on": "05/03/2026", "title": "Kết luận mới"},
        ),
    ]
    assert permission_matrix(w["users"], ops) == []


def test_obstacle_pages(world):
    w = world
    pk = w["obstacle"].pk
    readers = expect(focal_other=404, other_org=404)
    changers = ("office", "board", "leader")
    ops = [
        Operation("detail", "get", f"/followup/obstacles/{pk}/", readers),
        Operation("edit form", "get", f"/followup/obstacles/{pk}/edit/", only(200, changers)),
        Operation(
            "edit",
            "post",
            f"/followup/obstacles/{pk}/edit/",
            only(302, changers),
            data={
                "title": "Vướng mặt bằng phố Hàng Bài (sửa)",
                "description": "Còn 10 hộ.",
                "category": "site_clearance",
                "resolution_level": "standing_committee",
                "locality": w["hk"].pk,
                "raised_in": "report",
                "raised_on": "01/01/2026",
                "version": w["obstacle"].version,
            },
        ),
        Operation(
            "status by GET",
            "get",
            f"/followup/obstacles/{pk}/status/",
            expect(405, no_role=405, other_org=405),
        ),
        Operation(
            "close (a change)",
            "post",
            f"/followup/obstacles/{pk}/status/",
            only(302, changers),
            data={
                "status": "closed",
                "closed_reason": "Không còn phù hợp.",
                "version": w["obstacle"].version,
            },
        ),
        Operation(
            "start resolving (the resolving agency may)",
            "post",
            f"/followup/obstacles/{pk}/status/",
            only(302, (*changers, "focal_lead")),
            data={"status": "resolving", "version": w["obstacle"].version},
        ),
    ]
    assert permission_matrix(w["users"], ops) == []


def test_directive_pages(world):
    w = world
    pk = w["directive"].pk
    readers = expect(focal_other=404, other_org=404)
    ops = [
        Operation("detail", "get", f"/followup/directives/{pk}/", readers),
        Operation(
            "edit form (office or the issuing leader)",
            "get",
            f"/followup/directives/{pk}/edit/",
            only(200, ("office", "leader")),
        ),
        Operation(
            "edit",
            "post",
            f"/followup/directives/{pk}/edit/",
            only(302, ("office", "leader")),
            data={
                "content": "Hoàn thành bồi thường 12 hộ trước 30/4.",
                "issued_on": w["today"].strftime("%d/%m/%Y"),
                "issued_by": w["leader"].person.pk,
                "lead_unit": w["construction"].pk,
                "deadline": (w["today"] + dt.timedelta(days=40)).strftime("%d/%m/%Y"),
                "version": w["directive"].version,
            },
        ),
        Operation(
            "report by GET",
            "get",
            f"/followup/directives/{pk}/report/",
            expect(405, no_role=405, other_org=405),
        ),
        Operation(
            "report (the lead unit's focal point or the office)",
            "post",
            f"/followup/directives/{pk}/report/",
            only(302, ("office", "focal_lead")),
            data={"text": "Đã chi trả thêm 2 hộ.", "version": w["directive"].version},
        ),
        Operation("attachment", "get", f"/followup/attachments/{w['attachment'].pk}/", readers),
    ]
    assert permission_matrix(w["users"], ops) == []


def test_resupervision_and_notice_pages(world):
    w = world
    check, recorded, notice = w["check"].pk, w["recorded"].pk, w["notice"].pk
    readers = expect(focal_other=404, other_org=404)
    checkers = ("office", "board", "leader")
    ops = [
        Operation("detail", "get", f"/followup/resupervisions/{check}/", readers),
        Operation("record form", "get", f"/followup/resupervisions/{check}/record/", only(200, checkers)),
        Operation(
            "record",
            "post",
            f"/followup/resupervisions/{check}/record/",
            only(302, checkers),
            data={
                "verdict": "implemented",
                "method": "on_site",
                "checked_on": w["today"].strftime("%d/%m/%Y"),
                "evidence": "Đã kiểm tra thực địa.",
            },
        ),
        Operation(
            "recorded check, read-only",
            "get",
            f"/followup/resupervisions/{recorded}/record/",
            only(200, checkers),
        ),
        Operation(
            "recheck",
            "post",
            f"/followup/resupervisions/{recorded}/recheck/",
            only(302, checkers),
            data={"due_on": (w["today"] + dt.timedelta(days=30)).strftime("%d/%m/%Y")},
        ),
        Operation(
            "recheck by GET",
            "get",
            f"/followup/resupervisions/{recorded}/recheck/",
            expect(405, no_role=405, other_org=405),
        ),
        # Notices are the Standing Committee's published decisions: every member reads them.
        Operation("notice", "get", f"/followup/notices/{notice}/", expect(other_org=404)),
        Operation("import form", "get", f"/followup/notices/{notice}/import/", only(200, ("office",))),
        Operation(
            "import template", "get", f"/followup/notices/{notice}/import/?template=1", only(200, ("office",))
        ),
    ]
    assert permission_matrix(w["users"], ops) == []


def test_another_organisations_records_look_missing(world):
    """Every Hanoi user gets 404 on Ho Chi Minh City's records; that city's own office reaches them."""
    w = world
    missing = expect(404, other_org=200)
    moved = expect(404, other_org=302)
    o, d, c, n = w["other_obstacle"], w["other_directive"], w["other_check"], w["other_notice"]
    ops = [
        Operation("obstacle", "get", f"/followup/obstacles/{o.pk}/", missing),
        Operation("obstacle edit form", "get", f"/followup/obstacles/{o.pk}/edit/", missing),
        Operation(
            "obstacle escalate",
            "post",
            f"/followup/obstacles/{o.pk}/status/",
            moved,
            data={"status": "escalated", "version": o.version},
        ),
        Operation("directive", "get", f"/followup/directives/{d.pk}/", missing),
        Operation("directive edit form", "get", f"/followup/directives/{d.pk}/edit/", missing),
        Operation(
            "directive report",
            "post",
            f"/followup/directives/{d.pk}/report/",
            moved,
            data={"text": "Báo cáo.", "version": d.version},
        ),
        Operation("attachment", "get", f"/followup/attachments/{w['other_attachment'].pk}/", missing),
        Operation("check", "get", f"/followup/resupervisions/{c.pk}/", missing),
        Operation("check record form", "get", f"/followup/resupervisions/{c.pk}/record/", missing),
        Operation("notice", "get", f"/followup/notices/{n.pk}/", missing),
        Operation("notice import", "get", f"/followup/notices/{n.pk}/import/", missing),
        Operation("missing obstacle", "get", "/followup/obstacles/999999/", expect(404, other_org=404)),
        Operation("missing attachment", "get", "/followup/attachments/999999/", expect(404, other_org=404)),
    ]
    assert permission_matrix(w["users"], ops) == []


def test_the_menu_shows_the_follow_up_pages_to_users_with_a_role(world, client):
    w = world
    client.force_login(w["users"]["focal_other"])
    html = client.get("/").content.decode()
    for url in ("/followup/", "/followup/obstacles/", "/followup/directives/", "/followup/resupervisions/"):
        assert f'href="{url}"' in html
    client.force_login(w["users"]["no_role"])
    assert 'href="/followup/obstacles/"' not in client.get("/").content.decode()
