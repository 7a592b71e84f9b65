"""Excel: the exports hold exactly what the user may see, and the directive import is all or nothing."""

import datetime as dt
import io
import zipfile

import pytest
import time_machine
from django.test import Client
from django.utils import translation
from openpyxl import Workbook, load_workbook

from accounts.choices import Role
from conftest import HOAN_KIEM
from core.models import AuditEvent, Notification
from followup import exports, services
from followup.choices import ObstacleStatus, SourceKind, StatusBucket, Verdict
from followup.importers import MAX_ROWS, ImportErrorRow, import_directives
from followup.models import Directive
from followup.selectors import directive_list, obstacle_list, resupervision_list
from org.services import agency_create

D = dt.date
HEADINGS = ["STT", "Số hiệu", "Nội dung", "Đơn vị chủ trì", "Đơn vị phối hợp", "Thời hạn", "Lãnh đạo chỉ đạo"]


def workbook_bytes(rows, headings=HEADINGS, *, title="Chỉ đạo", edit=None) -> bytes:
    """A workbook whose first sheet holds `headings` then `rows`; `edit(ws)` may change it further."""
    wb = Workbook()
    ws = wb.active
    ws.title = title
    if headings:
        ws.append(headings)
    for row in rows:
        ws.append(row)
    if edit is not None:
        edit(ws)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def open_xlsx(data: bytes):
    return load_workbook(io.BytesIO(data))


def data_rows(ws, first: int = 4) -> list[tuple]:
    return [row for row in ws.iter_rows(min_row=first, values_only=True) if any(v is not None for v in row)]


@pytest.fixture
def notice(hanoi, office):
    return services.notice_create(
        actor=office,
        organization=hanoi,
        number="123-TB/TU",
        issued_on=D(2026, 3, 2),
        title="Kết luận về GPMB",
    )


@pytest.fixture
def units(hanoi, construction, finance, hk):
    planning = agency_create(
        actor=None, organization=hanoi, code="SQHKT", name="Sở Quy hoạch - Kiến trúc", kind="department"
    )
    return {"SXD": construction, "STC": finance, "SQHKT": planning}


def good_rows():
    return [
        [
            1,
            "1",
            "Hoàn thành bồi thường 12 hộ phố Hàng Bài.",
            "SXD",
            "STC; SQHKT",
            D(2026, 4, 30),
            "Nguyễn Văn Lãnh",
        ],
        [2, "2", "Công khai phương án tái định cư.", "Sở Tài chính", "", "15/05/2026", "nguyen van lanh"],
        [3, "3a", "Rà soát quy hoạch khu vực.", "sqhkt", "SXD,STC", "2026-06-30", "Nguyễn Văn Lãnh"],
    ]


# --- exports --------------------------------------------------------------------------------------


@pytest.fixture
def loop(hanoi, hk, office, in_charge, construction, finance, units):
    """Directives of two lead units, an obstacle and checks, in Hanoi."""
    leader = in_charge.person
    sxd = services.directive_create(
        actor=office,
        organization=hanoi,
        content='=HYPERLINK("http://example.invalid") Hoàn thành bồi thường.',
        number="5",
        issued_by=leader,
        lead_unit=construction,
        cooperating_units=[finance],
        deadline=D(2026, 4, 30),
        issued_on=D(2026, 3, 1),
        locality=hk,
        source_kind=SourceKind.OTHER,
    )
    stc = services.directive_create(
        actor=office,
        organization=hanoi,
        content="Bố trí vốn bồi thường.",
        issued_by=leader,
        lead_unit=finance,
        deadline=D(2026, 3, 31),
        issued_on=D(2026, 3, 1),
        source_kind=SourceKind.OTHER,
    )
    obstacle = services.obstacle_create(
        actor=office,
        organization=hanoi,
        title="Vướng mặt bằng",
        description="Còn 12 hộ.",
        category="site_clearance",
        resolution_level="standing_committee",
        locality=hk,
        raised_by=leader,
        raised_on=D(2026, 3, 2),
        deadline=D(2026, 3, 20),
    )
    services.obstacle_escalate(actor=office, obstacle=obstacle, version=1, on=D(2026, 3, 5))
    return {"sxd": sxd, "stc": stc, "obstacle": obstacle}


@time_machine.travel(dt.datetime(2026, 4, 10, 9, 0, tzinfo=dt.UTC), tick=False)
def test_directive_export_has_the_filtered_rows_with_real_dates_and_bucket_labels(loop, office):
    qs = directive_list(user=office, filters={"date_to": "30/04/2026"}).order_by("deadline", "id")
    with translation.override("vi"):
        wb = open_xlsx(exports.directive_workbook(qs))
        overdue, not_due = str(StatusBucket.OVERDUE.label), str(StatusBucket.NOT_DUE.label)
    ws = wb.worksheets[0]
    assert "Thành ủy Hà Nội" in ws["A1"].value
    headings = [c.value for c in ws[3]]
    assert headings[1:5] == ["Số hiệu", "Nội dung", "Trạng thái", "Đơn vị chủ trì"]
    rows = data_rows(ws)
    assert [r[2] for r in rows] == [loop["stc"].content, loop["sxd"].content]
    assert [r[3] for r in rows] == [overdue, not_due]
    assert rows[1][5] == "Sở Tài chính"
    deadline = ws.cell(row=5, column=headings.index("Thời hạn") + 1)
    assert deadline.is_date and deadline.value.date() == D(2026, 4, 30)
    assert deadline.number_format.lower() == "dd/mm/yyyy"
    # a user's "=…" stays text, never a live formula
    content = ws.cell(row=5, column=3)
    assert content.data_type == "s" and content.value.startswith("=HYPERLINK")
    # a filter narrows the export exactly as it narrows the list
    only = directive_list(user=office, filters={"bucket": "overdue"})
    assert [r[2] for r in data_rows(open_xlsx(exports.directive_workbook(only)).worksheets[0])] == [
        loop["stc"].content
    ]


def test_a_focal_points_export_holds_only_their_units_directives(loop, make_user, hanoi, construction):
    focal = make_user(Role.FOCAL_POINT, hanoi, "dauMoiSXD", agency=construction)
    rows = data_rows(open_xlsx(exports.directive_workbook(directive_list(user=focal))).worksheets[0])
    assert [r[2] for r in rows] == [loop["sxd"].content]
    checks = resupervision_list(user=focal)
    rows = data_rows(open_xlsx(exports.resupervision_workbook(checks)).worksheets[0])
    assert [r[-1] for r in rows] == [loop["sxd"].resupervisions.get().pk]


def test_obstacle_export(loop, office):
    qs = obstacle_list(user=office, filters={"escalated": "1"}, today=D(2026, 4, 1))
    with translation.override("vi"):
        ws = open_xlsx(exports.obstacle_workbook(qs)).worksheets[0]
        escalated = str(ObstacleStatus.ESCALATED.label)
    headings = [c.value for c in ws[3]]
    [row] = data_rows(ws)
    assert row[1] == "Vướng mặt bằng" and row[headings.index("Trạng thái")] == escalated
    raised = ws.cell(row=4, column=headings.index("Ngày nêu") + 1)
    assert raised.is_date and raised.number_format.lower() == "dd/mm/yyyy"
    assert raised.value.date() == D(2026, 3, 2)
    assert (
        data_rows(
            open_xlsx(
                exports.obstacle_workbook(obstacle_list(user=office, filters={"status": "new"}))
            ).worksheets[0]
        )
        == []
    )


@time_machine.travel(dt.datetime(2026, 5, 20, 9, 0, tzinfo=dt.UTC), tick=False)
def test_resupervision_export(loop, office):
    check = loop["stc"].resupervisions.get()
    services.resupervision_record(
        actor=office,
        check=check,
        verdict=Verdict.PARTLY,
        method="documents",
        checked_on=D(2026, 5, 2),
        evidence="Mới bố trí 60% vốn.",
        follow_up_content="Bố trí đủ vốn còn lại.",
    )
    qs = resupervision_list(user=office, filters={"state": "recorded"})
    with translation.override("vi"):
        ws = open_xlsx(exports.resupervision_workbook(qs)).worksheets[0]
        partly = str(Verdict.PARTLY.label)
    headings = [c.value for c in ws[3]]
    [row] = data_rows(ws)
    assert row[headings.index("Kết quả đánh giá")] == partly
    assert row[headings.index("Căn cứ, minh chứng")] == "Mới bố trí 60% vốn."
    checked = ws.cell(row=4, column=headings.index("Ngày kiểm tra") + 1)
    assert checked.is_date and checked.value.date() == D(2026, 5, 2)
    check.refresh_from_db()
    assert row[-1] == check.pk and check.follow_up_id in row


def test_an_export_streams_a_large_list(loop, office, hanoi, in_charge, construction):
    Directive.objects.bulk_create(
        Directive(
            organization=hanoi,
            content=f"Việc {i}",
            issued_by=in_charge.person,
            lead_unit=construction,
            deadline=D(2026, 6, 1),
            issued_on=D(2026, 3, 1),
            source_kind=SourceKind.OTHER,
        )
        for i in range(2500)
    )
    ws = open_xlsx(exports.directive_workbook(directive_list(user=office))).worksheets[0]
    assert len(data_rows(ws)) == 2502


# --- the import template --------------------------------------------------------------------------


def test_the_template_has_the_headings_an_example_and_instructions():
    with translation.override("vi"):
        wb = open_xlsx(exports.directive_import_template())
    ws = wb.worksheets[0]
    assert [c.value for c in ws[1]] == [
        "Số hiệu",
        "Nội dung",
        "Đơn vị chủ trì",
        "Đơn vị phối hợp",
        "Thời hạn",
        "Lãnh đạo chỉ đạo",
        ws["G1"].value,
    ]
    assert ws["E2"].is_date and ws["E2"].number_format.lower() == "dd/mm/yyyy"
    assert len(wb.worksheets) == 2 and wb.worksheets[1].max_row >= 8


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_template_round_trips(notice, units, in_charge, office, language):
    with translation.override(language):
        wb = open_xlsx(exports.directive_import_template())
    ws = wb.worksheets[0]
    ws["A2"], ws["B2"], ws["C2"], ws["D2"] = "1", "Hoàn thành kiểm đếm.", "SXD", "STC"
    ws["E2"].value = dt.datetime(2026, 6, 30)
    ws["F2"], ws["G2"] = "Nguyễn Văn Lãnh", HOAN_KIEM
    ws.append(["2", "Bố trí vốn.", "STC", "", "31/07/2026", "Nguyễn Văn Lãnh", None])
    out = io.BytesIO()
    wb.save(out)
    result = import_directives(actor=office, notice=notice, file=out.getvalue())
    assert result.errors == []
    first, second = result.created
    assert (first.lead_unit.code, first.deadline, first.locality.code) == ("SXD", D(2026, 6, 30), HOAN_KIEM)
    assert list(first.cooperating_units.values_list("code", flat=True)) == ["STC"]
    assert (second.lead_unit.code, second.deadline, second.locality) == ("STC", D(2026, 7, 31), None)


# --- importing ------------------------------------------------------------------------------------


def test_a_good_sheet_creates_every_directive_linked_to_the_notice(
    notice, units, in_charge, office, make_user, hanoi
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    # A focal point of the Department of Finance: the lead unit of one directive, cooperating on the others.
    finance_focal = make_user(Role.FOCAL_POINT, hanoi, "dauMoiSTC", agency=units["STC"])

    upload = SimpleUploadedFile("ket-luan-123.xlsx", workbook_bytes(good_rows()))
    result = import_directives(actor=office, notice=notice, file=upload)
    assert result.errors == [] and len(result.created) == 3
    created = Directive.objects.filter(source_kind=SourceKind.CONCLUSION_NOTICE, source_id=notice.pk)
    assert {d.pk for d in created} == {d.pk for d in result.created}
    first, second, third = sorted(created, key=lambda d: d.number)
    assert first.source == notice and first.issued_on == notice.issued_on
    assert first.issued_by == in_charge.person and first.deadline == D(2026, 4, 30)
    assert sorted(first.cooperating_units.values_list("code", flat=True)) == ["SQHKT", "STC"]
    assert (second.lead_unit.code, second.deadline) == ("STC", D(2026, 5, 15))
    assert (third.number, third.lead_unit.code, third.deadline) == ("3a", "SQHKT", D(2026, 6, 30))
    assert sorted(third.cooperating_units.values_list("code", flat=True)) == ["STC", "SXD"]
    assert all(d.resupervisions.count() == 1 for d in created)
    event = AuditEvent.objects.get(action="import", object_id=str(notice.pk))
    assert sorted(event.changes["directives"]) == sorted(d.pk for d in created)
    # one notification per person told, not one per directive: the units' focal points, who carry them
    # out (lead or cooperating); the leader who issued them is not told of his own directives, nor the
    # office of its own import.
    unit_notes = Notification.objects.filter(user=finance_focal, kind="directive_assigned")
    assert unit_notes.count() == 1
    assert unit_notes.get().title == f"3 chỉ đạo mới theo thông báo {notice.number}"
    assert not Notification.objects.filter(user__in=[in_charge, office]).exists()
    # the same sheet again is refused: nothing is imported twice
    again = import_directives(actor=office, notice=notice, file=upload)
    assert len(again.errors) == 3 and not again.created
    assert created.count() == 3


def test_bad_rows_are_all_reported_and_nothing_is_created(notice, units, in_charge, office, make_user, hanoi):
    make_user(Role.STANDING_MEMBER, hanoi, "an1", person=True, full_name="Trần Văn An")
    make_user(Role.STANDING_MEMBER, hanoi, "an2", person=True, full_name="Trần Văn An")
    rows = [
        *good_rows(),
        [4, "4", "", "SXD", "", "30/04/2026", "Nguyễn Văn Lãnh"],  # no content
        [5, "5", "Việc năm.", "KHONGCO", "STC; XYZ", "30/04/2026", "Nguyễn Văn Lãnh"],  # unknown units
        [6, "6", "Việc sáu.", "SXD", "", "ngày mai", "Trần Văn An"],  # text date, ambiguous leader
        [7, "7", "Việc bảy.", "SXD", "", D(2026, 2, 1), "Lê Thị Không"],  # before the notice, nobody
        [8, "8", "Việc tám.", "SXD", "", 45000, ""],  # a number in the date, no leader
        [9, "9", "Việc chín.", "SXD", "", "31/12/2999", "Nguyễn Văn Lãnh"],  # an absurd year
        [10, "10", "Hoàn thành bồi thường 12 hộ phố Hàng Bài.", "SXD", "", "30/04/2026", "Nguyễn Văn Lãnh"],
    ]
    with translation.override("vi"):
        result = import_directives(actor=office, notice=notice, file=workbook_bytes(rows))
    assert not result.created
    found = {(e.row, e.column.split(" ")[0]) for e in result.errors}
    assert found == {
        (5, "C"),
        (6, "D"),
        (6, "E"),
        (7, "F"),
        (7, "G"),
        (8, "F"),
        (8, "G"),
        (9, "F"),
        (9, "G"),
        (10, "F"),
        (11, "C"),  # the same directive to the same unit as row 2
    }
    for error in result.errors:
        assert error.sheet == "Chỉ đạo" and error.message and "(" in error.column
    unknown = next(e for e in result.errors if e.row == 6 and e.column.startswith("E"))
    assert "XYZ" in unknown.message and "STC" not in unknown.message
    assert "Đơn vị phối hợp" in unknown.column
    assert not Directive.objects.filter(source_kind=SourceKind.CONCLUSION_NOTICE).exists()
    assert not AuditEvent.objects.filter(action="import", changes__has_key="directives").exists()


def _zip_bomb() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<workbook/>")
        z.writestr("xl/worksheets/sheet1.xml", b"\0" * (60 * 1024 * 1024))
    return out.getvalue()


def _merged(ws):
    ws.merge_cells("C3:C4")


def _formula(ws):
    ws["F3"] = "=DATE(2026,4,30)"


def _title_rows():
    wb = Workbook()
    ws = wb.active
    ws.append(["DANH MỤC NHIỆM VỤ THEO THÔNG BÁO KẾT LUẬN 123-TB/TU"])
    ws.merge_cells("A1:G1")
    ws.append([])
    ws.append(HEADINGS)
    ws.append(good_rows()[0])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


MALFORMED = {
    "not a spreadsheet": (b"STT;Noi dung\n1;abc\n", "Excel"),
    "an old .xls": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, ".xls"),
    "a corrupt zip": (b"PK\x03\x04" + b"\x00garbage" * 50, "damaged"),
    "a zip bomb": (None, "MB"),
    "wrong columns": (workbook_bytes([["1", "x"]], headings=["Mã", "Tên"]), "heading"),
    "a missing column": (
        workbook_bytes([[1, "1", "Việc", "SXD", "", "30/04/2026"]], headings=HEADINGS[:-1]),
        "Issued by (leader)",
    ),
    "an unknown column": (
        workbook_bytes([[*good_rows()[0], "x"]], headings=[*HEADINGS, "Ghi chú riêng"]),
        "Ghi chú riêng",
    ),
    "an empty sheet": (workbook_bytes([], headings=None), "empty"),
    "headings only": (workbook_bytes([]), "no directive"),
    "merged cells": (workbook_bytes(good_rows(), edit=_merged), "C3:C4"),
    "a formula": (workbook_bytes(good_rows(), edit=_formula), "formula"),
    "too many rows": (None, "5000"),
}


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_a_malformed_file_is_refused_with_one_clear_error(case, notice, units, in_charge, office):
    data, words = MALFORMED[case]
    if case == "a zip bomb":
        data = _zip_bomb()
    if case == "too many rows":
        row = good_rows()[1]
        data = workbook_bytes([[i, str(i), f"Việc {i}", *row[3:]] for i in range(MAX_ROWS + 1)])
    with translation.override("en"):
        result = import_directives(actor=office, notice=notice, file=data)
    assert not result.created
    assert len(result.errors) == 1, result.errors
    [error] = result.errors
    assert isinstance(error, ImportErrorRow)
    assert words.lower() in error.message.lower()
    assert not Directive.objects.filter(source_kind=SourceKind.CONCLUSION_NOTICE).exists()
    refused = AuditEvent.objects.get(action="import", object_id=str(notice.pk))
    assert refused.changes["errors"] == 1


def test_a_title_above_the_headings_is_fine(notice, units, in_charge, office):
    result = import_directives(actor=office, notice=notice, file=_title_rows())
    assert result.errors == [] and len(result.created) == 1


def test_a_file_over_the_size_limit_is_refused_before_reading(notice, office, settings):
    settings.COSO_MAX_UPLOAD_MB = 1
    with translation.override("en"):
        result = import_directives(
            actor=office, notice=notice, file=b"PK\x03\x04" + b"\0" * (1024 * 1024 + 10)
        )
    assert [e.message for e in result.errors] == ["The file is larger than 1 MB."]


def test_headings_are_matched_without_diacritics_and_in_english(notice, units, in_charge, office):
    headings = [
        "stt",
        "SO HIEU",
        "noi dung",
        "Don vi chu tri",
        "Cooperating units",
        "Deadline (dd/mm/yyyy)",
        "Issued by",
    ]
    result = import_directives(
        actor=office, notice=notice, file=workbook_bytes(good_rows(), headings=headings)
    )
    assert result.errors == [] and len(result.created) == 3


def test_a_long_sheet_is_imported_through_the_api(notice, units, in_charge, office):
    rows = [
        [
            i,
            str(i),
            f"Nhiệm vụ số {i} theo kết luận.",
            ("SXD", "STC", "SQHKT")[i % 3],
            "STC",
            D(2026, 6, 30),
            "Nguyễn Văn Lãnh",
        ]
        for i in range(1, 201)
    ]
    client = Client()
    client.force_login(office)
    upload = io.BytesIO(workbook_bytes(rows))
    upload.name = "200.xlsx"
    response = client.post(f"/api/v1/followup/notices/{notice.pk}/import", {"file": upload})
    assert response.status_code == 201, response.content[:500]
    assert response.json()["created"] == 200
    assert (
        Directive.objects.filter(source_kind=SourceKind.CONCLUSION_NOTICE, source_id=notice.pk).count() == 200
    )
