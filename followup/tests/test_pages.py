"""The follow-up pages through the Django test client: the whole loop as people click it, the workflow's
refusals, day-first dates, exports and imports, evidence files, and flat query counts."""

import datetime as dt

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from accounts.tests.helpers import inline_script_problems, template_names
from core.audit import history_for
from core.excel import ImportErrorRow, ImportResult
from core.models import Attachment, AuditEvent
from core.testing import count_queries
from followup import services, views
from followup.choices import ObstacleStatus, SourceKind, StatusBucket, Verdict
from followup.models import ConclusionNotice, Directive, Obstacle, ProgressReport, ReSupervision

D = dt.date
NOW = dt.datetime(2026, 3, 10, 9, 0, tzinfo=dt.UTC)  # 16:00 on 10 March 2026 in Hanoi
PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def files(monkeypatch):
    """Stand-ins for the workbooks and the importer the pages are configured with, recording what the pages
    pass them (the modules themselves are tested in test_excel.py, and through the pages below)."""
    calls = {"exports": [], "imports": [], "import_result": ImportResult()}

    def workbook(kind):
        def make(queryset):
            calls["exports"].append((kind, list(queryset)))
            return b"PK\x03\x04" + kind.encode()

        return make

    def import_directives(*, actor, notice, file):
        calls["imports"].append((actor, notice, file.name, file.read()))
        return calls["import_result"]

    for view, name, stand_in in [
        (views.ObstacleExport, "workbook", workbook("obstacles")),
        (views.DirectiveExport, "workbook", workbook("directives")),
        (views.ResupervisionExport, "workbook", workbook("resupervisions")),
        (views.NoticeImport, "template_workbook", lambda: b"PK\x03\x04template"),
    ]:
        monkeypatch.setattr(view, name, staticmethod(stand_in))
    monkeypatch.setattr("followup.importers.import_directives", import_directives)
    return calls


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def pdf(name="bien-ban-ban-giao.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


@pytest.fixture
def obstacle(hanoi, hk, in_charge, office):
    return services.obstacle_create(
        actor=office,
        organization=hanoi,
        title="Vướng mặt bằng tuyến phố Hàng Bài",
        description="Còn 12 hộ chưa nhận tiền bồi thường.",
        category="site_clearance",
        resolution_level="standing_committee",
        locality=hk,
        raised_by=in_charge.person,
        raised_on=D(2026, 3, 2),
    )


# --- the loop ---------------------------------------------------------------------------------------


@time_machine.travel(NOW, tick=False)
def test_the_whole_loop_through_the_pages(hk, office, in_charge, construction, finance, construction_focal):
    leader, desk, focal = signed_in(in_charge), signed_in(office), signed_in(construction_focal)
    # 1. the leader in charge raises an obstacle
    form = leader.get("/followup/obstacles/new/")
    assert form.status_code == 200 and 'name="raised_on"' in form.content.decode()
    response = leader.post(
        "/followup/obstacles/new/",
        {
            "title": "Vướng mặt bằng tuyến phố Hàng Bài",
            "description": "Còn 12 hộ chưa nhận tiền bồi thường.",
            "category": "site_clearance",
            "resolution_level": "standing_committee",
            "locality": hk.pk,
            "raised_by": in_charge.person.pk,
            "raised_in": "supervision_session",
            "raised_on": "02/03/2026",
        },
    )
    obstacle = Obstacle.objects.get()
    assert response.status_code == 302 and response["Location"] == obstacle.get_absolute_url()
    assert (obstacle.raised_on, obstacle.locality, obstacle.status) == (D(2026, 3, 2), hk, ObstacleStatus.NEW)
    status_url = f"/followup/obstacles/{obstacle.pk}/status/"
    # 2. the office escalates it to the Standing Committee
    page = desk.get(obstacle.get_absolute_url()).content.decode()
    assert 'data-testid="action-escalated"' in page and 'data-testid="action-verified"' not in page
    response = desk.post(status_url, {"status": "escalated", "version": obstacle.version}, follow=True)
    obstacle.refresh_from_db()
    assert (obstacle.status, obstacle.escalated_on) == (ObstacleStatus.ESCALATED, D(2026, 3, 10))
    assert response.status_code == 200 and messages_of(response)
    # 3. the Committee's decision: assigned to the Department of Construction, with a directive
    response = desk.post(
        status_url,
        {
            "status": "assigned",
            "version": obstacle.version,
            "responsible_agency": construction.pk,
            "deadline": "30/04/2026",
            "committee_decision": "Giao Sở Xây dựng chủ trì hoàn thành bồi thường.",
            "directive_content": "Hoàn thành bồi thường 12 hộ phố Hàng Bài trước 30/4/2026.",
            "issued_by": in_charge.person.pk,
            "cooperating_units": [finance.pk],
        },
    )
    assert response.status_code == 302
    obstacle.refresh_from_db()
    directive = Directive.objects.get(source_kind=SourceKind.OBSTACLE)
    assert obstacle.status == ObstacleStatus.ASSIGNED and obstacle.decided_on == D(2026, 3, 10)
    assert (directive.source, directive.lead_unit, directive.deadline) == (
        obstacle,
        construction,
        D(2026, 4, 30),
    )
    assert list(directive.cooperating_units.all()) == [finance]
    # 4. the focal point of the lead unit reports progress, with evidence, and claims completion
    page = focal.get(directive.get_absolute_url()).content.decode()
    assert 'data-testid="report-form"' in page and 'enctype="multipart/form-data"' in page
    response = focal.post(
        f"/followup/directives/{directive.pk}/report/",
        {
            "text": "Đã chi trả đủ 12 hộ, bàn giao mặt bằng.",
            "claims_done": "on",
            "version": directive.version,
            "files": [pdf(), pdf("anh-hien-truong.pdf")],
        },
    )
    assert response.status_code == 302
    directive.refresh_from_db()
    assert directive.completed_on == D(2026, 3, 10)
    report = ProgressReport.objects.get(directive=directive)
    assert report.claims_done and report.author == construction_focal
    attachments = Attachment.objects.filter(object_id=str(report.pk)).order_by("id")
    assert [a.name for a in attachments] == ["bien-ban-ban-giao.pdf", "anh-hien-truong.pdf"]
    page = desk.get(directive.get_absolute_url()).content.decode()
    assert (
        f"/followup/attachments/{attachments[0].pk}/" in page and StatusBucket.AWAITING_CONFIRMATION in page
    )
    download = desk.get(f"/followup/attachments/{attachments[0].pk}/")
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment;")
    assert download["X-Content-Type-Options"] == "nosniff"
    # 5. the leader re-supervises: only partly implemented
    check = ReSupervision.objects.get(directive=directive)
    page = leader.get(f"/followup/resupervisions/{check.pk}/")
    assert 'data-testid="record-link"' in page.content.decode()
    response = leader.post(
        f"/followup/resupervisions/{check.pk}/record/",
        {
            "verdict": "partly",
            "method": "on_site",
            "checked_on": "10/03/2026",
            "place": "Phố Hàng Bài",
            "evidence": "2 hộ chưa bàn giao mặt bằng.",
            "follow_up_content": "Hoàn thành bàn giao mặt bằng 2 hộ còn lại.",
            "follow_up_deadline": "15/04/2026",
        },
    )
    assert response.status_code == 302 and response["Location"] == check.get_absolute_url()
    check.refresh_from_db()
    follow_up = check.follow_up
    assert check.verdict == Verdict.PARTLY and check.recorded_by == in_charge
    assert (follow_up.parent, follow_up.deadline) == (directive, D(2026, 4, 15))
    assert follow_up.content == "Hoàn thành bàn giao mặt bằng 2 hộ còn lại."
    # 6. the follow-up directive is on the chain, everywhere the chain is shown
    page = desk.get(directive.get_absolute_url()).content.decode()
    assert follow_up.get_absolute_url() in page and "Hoàn thành bàn giao mặt bằng 2 hộ" in page
    page = desk.get(follow_up.get_absolute_url()).content.decode()
    assert directive.get_absolute_url() in page and obstacle.get_absolute_url() in page
    page = desk.get(obstacle.get_absolute_url()).content.decode()
    assert follow_up.get_absolute_url() in page and directive.get_absolute_url() in page
    page = desk.get(f"/followup/resupervisions/{check.pk}/").content.decode()
    assert 'data-testid="follow-up"' in page and follow_up.get_absolute_url() in page
    # every step is on the obstacle's timeline
    assert history_for(obstacle).filter(action="status").count() == 2


def test_an_illegal_move_gives_the_vietnamese_message_and_changes_nothing(client, obstacle, office):
    client.force_login(office)
    url = f"/followup/obstacles/{obstacle.pk}/status/"
    response = client.post(url, {"status": "verified", "version": obstacle.version}, follow=True)
    assert response.status_code == 200
    assert any("Không thể chuyển khó khăn, vướng mắc từ" in m for m in messages_of(response))
    html = response.content.decode()
    assert "alert-danger" in html and "Không thể chuyển khó khăn, vướng mắc từ" in html
    obstacle.refresh_from_db()
    assert (obstacle.status, obstacle.version, obstacle.verified_on) == (ObstacleStatus.NEW, 1, None)
    assert not history_for(obstacle).filter(action="status").exists()


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"status": "closed"}, "closed_reason"),  # a legal move without what it must record
        ({"status": "nonsense"}, "status"),  # not a status at all
        ({"status": "escalated", "version": 7}, "version"),  # someone else saved it first
    ],
)
def test_a_refused_move_changes_nothing(client, obstacle, office, data, expected):
    client.force_login(office)
    data = {"version": obstacle.version, **data}
    response = client.post(f"/followup/obstacles/{obstacle.pk}/status/", data, follow=True)
    assert response.status_code == 200 and messages_of(response), expected
    assert "alert-danger" in response.content.decode()
    obstacle.refresh_from_db()
    assert (obstacle.status, obstacle.version) == (ObstacleStatus.NEW, 1)


def test_a_focal_point_resolves_but_cannot_escalate_or_close(
    client, obstacle, office, construction, construction_focal
):
    obstacle, _ = services.obstacle_assign(
        actor=office, obstacle=obstacle, version=1, responsible_agency=construction, deadline=D(2030, 4, 30)
    )
    client.force_login(construction_focal)
    page = client.get(obstacle.get_absolute_url()).content.decode()
    assert 'data-testid="action-resolved"' in page and 'data-testid="action-closed"' not in page
    url = f"/followup/obstacles/{obstacle.pk}/status/"
    assert (
        client.post(url, {"status": "closed", "closed_reason": "x", "version": obstacle.version}).status_code
        == 404
    )
    response = client.post(
        url, {"status": "resolved", "resolution": "Đã chi trả.", "version": obstacle.version}
    )
    assert response.status_code == 302
    obstacle.refresh_from_db()
    assert obstacle.status == ObstacleStatus.RESOLVED and obstacle.resupervisions.count() == 1


# --- dates ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["vi", "en"])
def test_dates_are_read_and_shown_day_first(client, office, hk, language):
    client.force_login(office)
    response = client.post(
        "/followup/obstacles/new/",
        {
            "title": "Chậm giải ngân",
            "description": "…",
            "category": "capital",
            "resolution_level": "department",
            "locality": hk.pk,
            "raised_in": "report",
            "raised_on": "05/03/2026",
            "deadline": "01/04/2026",
        },
        HTTP_ACCEPT_LANGUAGE=language,
    )
    assert response.status_code == 302
    obstacle = Obstacle.objects.get()
    assert (obstacle.raised_on, obstacle.deadline) == (D(2026, 3, 5), D(2026, 4, 1))
    page = client.get(obstacle.get_absolute_url(), HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert "05/03/2026" in page and "01/04/2026" in page
    listed = client.get("/followup/obstacles/?date_from=04/03/2026&date_to=06/03/2026").content.decode()
    assert obstacle.get_absolute_url() in listed
    assert (
        obstacle.get_absolute_url()
        not in client.get("/followup/obstacles/?date_from=06/03/2026").content.decode()
    )


def test_a_date_that_is_not_day_first_is_refused(client, office, hk):
    client.force_login(office)
    response = client.post(
        "/followup/notices/new/", {"number": "1-TB/TU", "issued_on": "2026/13/05", "title": "Kết luận"}
    )
    assert response.status_code == 200 and response.context["form"].errors["issued_on"]
    assert not ConclusionNotice.objects.exists()


# --- directives, notices, imports and exports -----------------------------------------------------


def test_a_leader_issues_a_directive_of_a_notice_in_their_own_name(
    client, hanoi, office, in_charge, construction
):
    notice = services.notice_create(
        actor=office, organization=hanoi, number="12-TB/TU", issued_on=D(2026, 3, 1), title="Kết luận"
    )
    client.force_login(in_charge)
    form = client.get(f"/followup/directives/new/?notice={notice.pk}")
    assert 'name="issued_by"' not in form.content.decode()
    response = client.post(
        "/followup/directives/new/",
        {
            "content": "Rà soát hồ sơ bồi thường.",
            "notice": notice.pk,
            "issued_on": "02/03/2026",
            "lead_unit": construction.pk,
            "deadline": "31/03/2026",
            "issued_by": office.pk,  # ignored: a leader issues in their own name
        },
    )
    directive = Directive.objects.get()
    assert response.status_code == 302
    assert (directive.issued_by, directive.source, directive.deadline) == (
        in_charge.person,
        notice,
        D(2026, 3, 31),
    )
    page = client.get(notice.get_absolute_url()).content.decode()
    assert directive.get_absolute_url() in page and 'data-count="not_due"' in page


def test_a_directive_without_a_notice_comes_from_no_source(client, office, in_charge, construction):
    client.force_login(office)
    response = client.post(
        "/followup/directives/new/",
        {
            "content": "Rà soát.",
            "issued_by": in_charge.person.pk,
            "issued_on": "02/03/2026",
            "lead_unit": construction.pk,
            "deadline": "31/03/2026",
        },
    )
    directive = Directive.objects.get()
    assert response["Location"] == directive.get_absolute_url()
    assert (directive.source_kind, directive.source_id, directive.issued_by) == (
        "other",
        None,
        in_charge.person,
    )
    assert (directive.issued_on, directive.deadline) == (D(2026, 3, 2), D(2026, 3, 31))


@time_machine.travel(NOW, tick=False)
def test_bucket_chips_count_the_filtered_list_without_the_bucket(
    client, hanoi, office, in_charge, construction, finance
):
    for deadline, lead in (
        (D(2026, 3, 1), construction),
        (D(2026, 3, 31), construction),
        (D(2026, 3, 1), finance),
    ):
        services.directive_create(
            actor=office,
            organization=hanoi,
            content="Việc.",
            issued_by=in_charge.person,
            lead_unit=lead,
            issued_on=D(2026, 2, 1),
            deadline=deadline,
            source_kind=SourceKind.OTHER,
        )
    client.force_login(office)
    response = client.get(f"/followup/directives/?unit={construction.pk}&bucket=overdue")
    html = response.content.decode()
    assert response.context["page"].paginator.count == 1
    assert 'data-count="overdue">1<' in html and 'data-count="not_due">1<' in html
    assert f"unit={construction.pk}&amp;bucket=not_due" in html


def test_exports_send_the_filtered_list_and_are_audited(client, obstacle, office, files):
    services.obstacle_create(
        actor=office,
        organization=obstacle.organization,
        title="Khác",
        description="…",
        category="capital",
        resolution_level="department",
        locality=obstacle.locality,
    )
    client.force_login(office)
    response = client.get("/followup/obstacles/export.xlsx?category=site_clearance&page=3")
    assert response.status_code == 200 and response.content.startswith(b"PK")
    assert response["Content-Type"] == XLSX
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;") and ".xlsx" in disposition and "obstacles-20" in disposition
    assert files["exports"] == [("obstacles", [obstacle])]
    event = AuditEvent.objects.get(action="export")
    assert event.actor == office and "category=site_clearance" in event.note
    for url, kind in (
        ("/followup/directives/export.xlsx", "directives"),
        ("/followup/resupervisions/export.xlsx?state=pending", "resupervisions"),
    ):
        response = client.get(url)
        assert response.status_code == 200 and response["Content-Type"] == XLSX
        assert files["exports"][-1][0] == kind
    assert AuditEvent.objects.filter(action="export").count() == 3


def test_an_import_with_errors_shows_every_error_and_writes_nothing(client, hanoi, office, files):
    notice = services.notice_create(
        actor=office, organization=hanoi, number="12-TB/TU", issued_on=D(2026, 3, 1), title="Kết luận"
    )
    files["import_result"] = ImportResult(
        created=[],
        errors=[
            ImportErrorRow("Chỉ đạo", 3, "Thời hạn", "Ngày không hợp lệ: 31/02/2026"),
            ImportErrorRow("Chỉ đạo", 5, "Đơn vị chủ trì", "Không tìm thấy đơn vị “Sở XYZ”"),
        ],
        error_count=2,
    )
    client.force_login(office)
    page = client.get(f"/followup/notices/{notice.pk}/import/").content.decode()
    assert "?template=1" in page
    sheet = SimpleUploadedFile("chi-dao.xlsx", b"PK\x03\x04sheet", content_type=XLSX)
    response = client.post(f"/followup/notices/{notice.pk}/import/", {"file": sheet}, follow=True)
    html = response.content.decode()
    assert response.status_code == 200 and 'data-testid="import-errors"' in html
    assert "Ngày không hợp lệ: 31/02/2026" in html and "Không tìm thấy đơn vị “Sở XYZ”" in html
    assert "<td>3</td>" in html and "<td>Thời hạn</td>" in html
    assert files["imports"] == [(office, notice, "chi-dao.xlsx", b"PK\x03\x04sheet")]
    assert f'href="/followup/notices/{notice.pk}/import/"' in html  # upload a corrected sheet


def test_a_clean_import_ends_on_its_job_page_linking_back_to_the_notice(client, hanoi, office, files):
    notice = services.notice_create(
        actor=office, organization=hanoi, number="12-TB/TU", issued_on=D(2026, 3, 1), title="Kết luận"
    )
    files["import_result"] = ImportResult(created=[object(), object()])
    client.force_login(office)
    sheet = SimpleUploadedFile("chi-dao.xlsx", b"PK\x03\x04sheet", content_type=XLSX)
    response = client.post(f"/followup/notices/{notice.pk}/import/", {"file": sheet}, follow=True)
    assert response.redirect_chain[-1][0].startswith("/imports/")
    assert response.context["success"] == "Đã nhập 2 chỉ đạo."
    assert f'href="{notice.get_absolute_url()}"' in response.content.decode()
    template = client.get(f"/followup/notices/{notice.pk}/import/?template=1")
    assert template["Content-Type"] == XLSX and template.content == b"PK\x03\x04template"


def test_the_real_excel_modules_through_the_pages(client, obstacle, office):
    """With the real Excel modules: a real workbook comes out, a bad sheet is refused."""
    import io

    from openpyxl import load_workbook

    client.force_login(office)
    response = client.get("/followup/obstacles/export.xlsx")
    assert response.status_code == 200 and response["Content-Type"] == XLSX
    cells = [
        c
        for row in load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True)
        for c in row
    ]
    assert obstacle.title in cells
    notice = services.notice_create(
        actor=office,
        organization=obstacle.organization,
        number="12-TB/TU",
        issued_on=D(2026, 3, 1),
        title="KL",
    )
    template = client.get(f"/followup/notices/{notice.pk}/import/?template=1")
    assert template.status_code == 200 and template.content[:2] == b"PK"
    bad = SimpleUploadedFile("chi-dao.xlsx", b"not a workbook", content_type=XLSX)
    response = client.post(f"/followup/notices/{notice.pk}/import/", {"file": bad}, follow=True)
    assert response.status_code == 200 and 'data-testid="import-errors"' in response.content.decode()
    assert not Directive.objects.exists()


# --- re-supervision -------------------------------------------------------------------------------


def test_a_recorded_verdict_is_shown_read_only_and_never_changed(
    client, hanoi, office, in_charge, construction
):
    directive = services.directive_create(
        actor=office,
        organization=hanoi,
        content="Rà soát hồ sơ.",
        issued_by=in_charge.person,
        lead_unit=construction,
        issued_on=D(2026, 1, 2),
        deadline=D(2026, 1, 31),
        source_kind=SourceKind.OTHER,
    )
    check = services.resupervision_record(
        actor=office,
        check=directive.resupervisions.get(),
        verdict=Verdict.NOT_IMPLEMENTED,
        method="documents",
        checked_on=D(2026, 2, 2),
        evidence="Chưa có báo cáo.",
        follow_up_content="Báo cáo kết quả thực hiện.",
    )
    client.force_login(office)
    page = client.get(f"/followup/resupervisions/{check.pk}/record/").content.decode()
    assert 'data-testid="recorded"' in page and 'name="verdict"' not in page
    response = client.post(
        f"/followup/resupervisions/{check.pk}/record/",
        {"verdict": "implemented", "method": "on_site", "checked_on": "03/02/2026", "evidence": "Đã có."},
        follow=True,
    )
    assert messages_of(response)
    check.refresh_from_db()
    assert check.verdict == Verdict.NOT_IMPLEMENTED
    # a new check supersedes it; both stay
    detail = client.get(check.get_absolute_url()).content.decode()
    assert 'data-testid="recheck-form"' in detail
    response = client.post(f"/followup/resupervisions/{check.pk}/recheck/", {"due_on": "01/03/2026"})
    again = ReSupervision.objects.get(supersedes=check)
    assert response["Location"] == again.get_absolute_url() and again.due_on == D(2026, 3, 1)
    assert 'data-testid="recheck-form"' not in client.get(check.get_absolute_url()).content.decode()


def test_a_verdict_needs_its_evidence(client, hanoi, office, in_charge, construction):
    directive = services.directive_create(
        actor=office,
        organization=hanoi,
        content="Rà soát hồ sơ.",
        issued_by=in_charge.person,
        lead_unit=construction,
        issued_on=D(2026, 1, 2),
        deadline=D(2026, 1, 31),
        source_kind=SourceKind.OTHER,
    )
    check = directive.resupervisions.get()
    client.force_login(office)
    response = client.post(
        f"/followup/resupervisions/{check.pk}/record/",
        {"verdict": "partly", "method": "on_site", "checked_on": "03/02/2026", "evidence": ""},
    )
    assert response.status_code == 200 and response.context["form"].errors["evidence"]
    check.refresh_from_db()
    assert not check.is_recorded and not Directive.objects.filter(parent=directive).exists()


# --- pages as pages ---------------------------------------------------------------------------------


def test_pages_have_no_inline_script_or_style(client, obstacle, office, in_charge, construction):
    _obstacle, directive = services.obstacle_assign(
        actor=office,
        obstacle=obstacle,
        version=1,
        responsible_agency=construction,
        deadline=D(2030, 4, 30),
        issued_by=in_charge.person,
        directive_content="Hoàn thành bồi thường.",
    )
    check = directive.resupervisions.get()
    client.force_login(office)
    for url in (
        "/followup/",
        "/followup/obstacles/",
        "/followup/obstacles/new/",
        obstacle.get_absolute_url(),
        f"/followup/obstacles/{obstacle.pk}/edit/",
        "/followup/directives/",
        "/followup/directives/new/",
        directive.get_absolute_url(),
        f"/followup/directives/{directive.pk}/edit/",
        "/followup/resupervisions/",
        check.get_absolute_url(),
        f"/followup/resupervisions/{check.pk}/record/",
        "/followup/notices/",
        "/followup/notices/new/",
    ):
        response = client.get(url)
        html = response.content.decode()
        assert response.status_code == 200, url
        assert inline_script_problems(html) == [], url
        assert " style=" not in html, url


def test_htmx_gets_only_the_rows(client, obstacle, office):
    client.force_login(office)
    for url, partial in (
        ("/followup/obstacles/", "followup/_obstacle_rows.html"),
        ("/followup/directives/", "followup/_directive_rows.html"),
        ("/followup/resupervisions/", "followup/_resupervision_rows.html"),
        ("/followup/notices/", "followup/_notice_rows.html"),
    ):
        response = client.get(url, HTTP_HX_REQUEST="true")
        assert template_names(response)[0] == partial and "<html" not in response.content.decode()


# --- flat query counts ------------------------------------------------------------------------------


def _obstacles(organization, locality, person, count, offset=0):
    rows = []
    for i in range(offset, offset + count):
        o = Obstacle(
            organization=organization,
            title=f"Vướng mắc thử {i}",
            description="…",
            category=["site_clearance", "capital", "planning"][i % 3],
            resolution_level="department",
            locality=locality,
            raised_by=person,
            raised_on=D(2026, 1, 1) + dt.timedelta(days=i % 60),
            status=["new", "escalated", "assigned"][i % 3],
            escalated_on=D(2026, 2, 1) if i % 3 else None,
            deadline=D(2026, 2, 1) if i % 2 else None,
        )
        o.refresh_derived()
        rows.append(o)
    Obstacle.objects.bulk_create(rows)


def _directives(
    organization, person, author, lead, cooperating, locality, count, *, source=None, kind="other"
):
    """`count` directives across every bucket, with cooperating units, reports and re-supervision checks."""
    source_type = ContentType.objects.get_for_model(source) if source is not None else None
    rows = []
    for i in range(count):
        d = Directive(
            organization=organization,
            content=f"Chỉ đạo thử {i}: rà soát, báo cáo.",
            issued_by=person,
            issued_on=D(2026, 1, 1),
            source_kind=kind,
            source_type=source_type,
            source_id=source.pk if source is not None else None,
            lead_unit=lead,
            locality=locality,
            deadline=D(2026, 3, 8) + dt.timedelta(days=i % 200),  # overdue, due this week, later
            completed_on=D(2026, 2, 1) if i % 4 == 0 else None,
        )
        d.refresh_derived()
        rows.append(d)
    created = Directive.objects.bulk_create(rows)
    Directive.cooperating_units.through.objects.bulk_create(
        Directive.cooperating_units.through(directive_id=d.pk, agency_id=cooperating.pk) for d in created
    )
    ProgressReport.objects.bulk_create(
        ProgressReport(directive=d, author=author, text="Đang làm.") for d in created[1::2]
    )
    ReSupervision.objects.bulk_create(
        ReSupervision(
            organization=organization,
            directive=d,
            locality=locality,
            agency=lead,
            due_on=d.deadline + dt.timedelta(days=30),
            assigned_to=person,
        )
        for d in created
    )
    return created


def _reports(directive, author, count):
    reports = ProgressReport.objects.bulk_create(
        ProgressReport(directive=directive, author=author, text=f"Báo cáo {i}.") for i in range(count)
    )
    ct = ContentType.objects.get_for_model(ProgressReport)
    Attachment.objects.bulk_create(
        Attachment(
            organization_id=directive.organization_id,
            content_type=ct,
            object_id=str(r.pk),
            file=f"attachments/test/{r.pk}",
            name=f"bao-cao-{r.pk}.pdf",
            mime_type="application/pdf",
            size=1234,
            uploaded_by=author,
        )
        for r in reports
    )


@time_machine.travel(NOW, tick=False)
def test_pages_run_the_same_queries_at_5_rows_and_at_200(
    hanoi, hk, office, in_charge, construction, finance, construction_focal
):
    notice = services.notice_create(
        actor=office, organization=hanoi, number="12-TB/TU", issued_on=D(2026, 1, 1), title="Kết luận"
    )
    obstacle = services.obstacle_create(
        actor=office,
        organization=hanoi,
        title="Vướng mặt bằng",
        description="…",
        category="site_clearance",
        resolution_level="standing_committee",
        locality=hk,
        raised_by=in_charge.person,
        raised_on=D(2026, 1, 1),
    )
    obstacle = services.obstacle_escalate(actor=office, obstacle=obstacle, version=1)
    obstacle, directive = services.obstacle_assign(
        actor=office,
        obstacle=obstacle,
        version=obstacle.version,
        responsible_agency=construction,
        deadline=D(2026, 4, 30),
        committee_decision="Giao Sở Xây dựng.",
        issued_by=in_charge.person,
        directive_content="Hoàn thành bồi thường.",
        cooperating_units=[finance],
    )
    services.directive_report_progress(
        actor=construction_focal, directive=directive, version=directive.version, text="Đã chi trả 8/12 hộ."
    )

    def grow(count):
        person = in_charge.person
        _obstacles(hanoi, hk, person, count)
        args = (hanoi, person, construction_focal, construction, finance, hk, count)
        _directives(*args)
        _directives(*args, source=notice, kind="conclusion_notice")
        _directives(*args, source=obstacle, kind="obstacle")
        _reports(directive, construction_focal, count)

    urls = [
        "/followup/",
        "/followup/obstacles/",
        "/followup/obstacles/?by=agency&open=1",
        "/followup/obstacles/?by=locality&overdue=1",
        "/followup/directives/",
        "/followup/directives/?bucket=overdue&open=1",
        f"/followup/directives/?unit={finance.pk}",
        "/followup/resupervisions/",
        "/followup/resupervisions/?state=due",
        "/followup/notices/",
        notice.get_absolute_url(),
        directive.get_absolute_url(),
        obstacle.get_absolute_url(),
        directive.resupervisions.get().get_absolute_url(),
    ]
    clients = {
        "office": signed_in(office),
        "leader": signed_in(in_charge),
        "focal": signed_in(construction_focal),
    }
    grow(5)

    def counts():
        result = {}
        for who, client in clients.items():
            for url in urls:
                result[(who, url)] = count_queries(lambda c=client, u=url: c.get(u))
        return result

    for who, client in clients.items():
        for url in urls:
            assert client.get(url).status_code == 200, (who, url)
    small = counts()
    grow(200)
    large = counts()
    assert (
        Directive.objects.count() > 600 and ProgressReport.objects.filter(directive=directive).count() > 200
    )
    grown = {key: (small[key], large[key]) for key in small if small[key] != large[key]}
    assert grown == {}, f"query counts grew with the data (5 rows, 200 rows): {grown}"
