"""Excel: the export is scoped and readable (labels, real date-times), the template imports as it is, and
the import is all or nothing with every error by sheet, row and column."""

import datetime as dt
import io
import os
import time
import zipfile

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from django.utils.translation import gettext
from openpyxl import Workbook, load_workbook

from conftest import BA_DINH, HOAN_KIEM, unit
from core.models import AuditEvent
from incidents.exports import columns, incident_import_template, incident_workbook
from incidents.importers import import_incidents
from incidents.models import Incident
from incidents.selectors import incident_list
from incidents.tests.conftest import at, report

NOW = at(2026, 3, 10, 10, 0)  # a Tuesday
HEADINGS = [
    "Tiêu đề",
    "Nội dung",
    "Mã địa bàn",
    "Địa điểm",
    "Thời điểm xảy ra",
    "Mức độ",
    "Nguồn",
    "Lĩnh vực",
    "Tính chất",
]


def row(title="Rác thải tồn đọng phố Hàng Bạc", **overrides) -> list:
    values = {
        "Tiêu đề": title,
        "Nội dung": "Rác để trên vỉa hè ba ngày chưa thu gom.",
        "Mã địa bàn": HOAN_KIEM,
        "Địa điểm": "Trước số 20 phố Hàng Bạc",
        "Thời điểm xảy ra": dt.datetime(2026, 3, 9, 8, 30),
        "Mức độ": "Thông thường",
        "Nguồn": "Đường dây nóng",
        "Lĩnh vực": "Môi trường",
        "Tính chất": "Bức xúc; dư luận quan tâm",
    }
    values.update(overrides)
    return [values[h] for h in HEADINGS]


def sheet(rows: list[list], headings=None, title="Vụ việc", setup=None) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = title
    ws.append(headings or HEADINGS)
    for r in rows:
        ws.append(r)
    if setup is not None:
        setup(ws)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


class Upload(io.BytesIO):
    """An uploaded file as the page gives it: a name and the bytes."""

    def __init__(self, data: bytes, name: str = "vu-viec.xlsx"):
        super().__init__(data)
        self.name = name


def run(actor, organization, data: bytes, name: str = "vu-viec.xlsx"):
    with time_machine.travel(NOW, tick=False):
        return import_incidents(actor=actor, organization=organization, file=Upload(data, name))


# --- the export -------------------------------------------------------------------------------------


def test_the_export_is_scoped_with_labels_and_real_date_times(
    hanoi, routed, office, focal_user, other_leader, hcmc_incident
):
    first = report(
        hanoi,
        focal_user,
        severity="urgent",
        flags={"is_sudden": True, "is_public_concern": True},
        latitude="21.028500",
        longitude="105.854200",
        reporter_name="=cmd|' /C calc'!A0",
    )
    second = report(hanoi, focal_user, title="Ngập úng phố Hàng Bài", reported=at(2026, 3, 6, 11, 0))
    report(hanoi, office, title="Ngập úng phố Quán Thánh", locality=unit(BA_DINH))
    second.duplicate_of = first
    Incident.objects.filter(pk=second.pk).update(duplicate_of=first)
    with translation.override("vi"), time_machine.travel(NOW, tick=False):
        data = incident_workbook(incident_list(user=focal_user))
        everything = incident_workbook(incident_list(user=office))
    ws = load_workbook(io.BytesIO(data)).active
    assert ws.title == "Vụ việc"
    assert ws["A1"].value == "Thành ủy Hà Nội — Vụ việc"
    with translation.override("en"):
        english = [c.heading for c in columns()]
    with translation.override("vi"):
        assert [c.value for c in ws[3]] == [gettext(h) for h in english]  # the headings, translated
    assert [c.value for c in ws[3]][:4] == ["STT", "Mã", "Tiêu đề", "Trạng thái"]
    column = {h: i for i, h in enumerate(english)}
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=4)]
    assert [r[column["Code"]] for r in rows] == [second.code, first.code]  # newest first, Hoàn Kiếm only
    top = rows[1]
    assert top[column["No."]] == 2
    assert top[column["Severity"]] == "Khẩn cấp"
    assert top[column["Status"]] == "Đã tiếp nhận"
    assert top[column["Field"]] == "Trật tự đô thị"
    assert top[column["Characteristics"]] == "Đột xuất, Dư luận quan tâm"
    assert top[column["Locality"]] == "Phường Hoàn Kiếm"
    assert top[column["Leader in charge"]] == "Nguyễn Văn Lãnh"
    assert top[column["Focal point"]] == focal_user.get_full_name()
    assert top[column["Latitude"]] == pytest.approx(21.0285)
    # Real Excel date-times, in Hanoi time, shown dd/mm/yyyy hh:mm
    assert top[column["Reported at"]] == dt.datetime(2026, 3, 6, 9, 30)
    reported_cell = ws.cell(row=5, column=column["Reported at"] + 1)
    assert reported_cell.is_date and reported_cell.number_format == "dd/mm/yyyy hh:mm"
    assert top[column["Acknowledge by"]] == dt.datetime(2026, 3, 6, 10, 30)
    assert top[column["Overdue"]] == "Có"  # Tuesday 10/03: never acknowledged
    assert rows[0][column["Duplicate of"]] == first.code
    # A formula typed by a reporter stays text
    formula_cell = ws.cell(row=5, column=column["Reported by (name)"] + 1)
    assert formula_cell.data_type == "s" and formula_cell.value.startswith("=cmd")
    assert load_workbook(io.BytesIO(everything)).active.max_row == 3 + 3  # the office sees all of Hanoi
    assert [r[column["ID"]] for r in rows] == [second.pk, first.pk]  # not Ho Chi Minh City's


def test_the_export_streams_in_a_fixed_number_of_queries(hanoi, routed, office, focal_user):
    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            incident_workbook(incident_list(user=office))
        return len(ctx.captured_queries)

    report(hanoi, focal_user)
    few = queries()
    for n in range(12):
        report(hanoi, focal_user, title=f"Vụ việc số {n}", reported=at(2026, 3, 6, 10, n))
    assert queries() == few


# --- the template -----------------------------------------------------------------------------------


def test_the_template_imports_as_it_is(hanoi, routed, office):
    with translation.override("vi"), time_machine.travel(NOW, tick=False):
        data = incident_import_template()
    wb = load_workbook(io.BytesIO(data))
    ws = wb.worksheets[0]
    with translation.override("vi"):
        assert [c.value for c in ws[1]][:3] == [
            gettext("Title"),
            gettext("Description"),
            gettext("Locality code"),
        ]
    assert len(wb.sheetnames) == 3
    assert ws.data_validations.dataValidation  # drop-down lists of the labels
    result = run(office, hanoi, data)
    assert result.errors == []
    assert [i.severity for i in result.created] == ["normal", "urgent"]
    assert all(i.responsible_leader.user.username == "lanhdao" for i in result.created)
    with translation.override("en"):
        english = incident_import_template()
    assert load_workbook(io.BytesIO(english)).worksheets[0]["A1"].value == "Title"


# --- the import -------------------------------------------------------------------------------------


def test_a_good_sheet_creates_every_incident_routed_with_its_deadlines(hanoi, routed, office, leader_user):
    data = sheet(
        [
            row(),
            row(
                "Cây đổ đè xe máy phố Lý Thái Tổ",
                **{"Mức độ": "Khẩn cấp", "Nguồn": "social media", "Lĩnh vực": "other", "Tính chất": ""},
            ),
            row(
                "Lấn chiếm vỉa hè phố Hàng Đào",
                **{"Mức độ": "normal", "Thời điểm xảy ra": "09/03/2026 07:15"},
            ),
        ]
    )
    result = run(office, hanoi, data)
    assert result.errors == []
    assert len(result.created) == 3
    first, urgent, third = result.created
    assert first.responsible_leader == leader_user.person and first.routed_via == "direct"
    assert (first.source, first.field, first.is_pressing, first.is_public_concern) == (
        "hotline",
        "environment",
        True,
        True,
    )
    assert first.occurred_at == at(2026, 3, 9, 8, 30) and first.reported_at == NOW
    assert first.ack_due_at == at(2026, 3, 11, 10, 0)  # 8 working hours: 6 on Tuesday, lunch skipped
    assert (urgent.severity, urgent.source, urgent.field) == ("urgent", "social_media", "other")
    assert third.occurred_at == at(2026, 3, 9, 7, 15)
    assert Incident.objects.filter(organization=hanoi).count() == 3
    event = AuditEvent.objects.filter(action="import").latest("id")
    # The count and the first and last codes, not one id a row: an import may hold 100,000.
    assert {k: event.params[k] for k in ("count", "first", "last")} == {
        "count": 3,
        "first": first.code,
        "last": third.code,
    }
    assert "incidents" not in event.changes


def test_bad_rows_are_all_reported_and_nothing_is_created(hanoi, routed, office):
    data = sheet(
        [
            row(),  # a good row: still not created
            row("", **{"Mã địa bàn": 999999}),  # B3? no: title in A, unit in C
            row(**{"Thời điểm xảy ra": "hôm qua", "Mức độ": "rất gấp"}),
            row(**{"Thời điểm xảy ra": dt.datetime(2026, 4, 1, 8, 0), "Lĩnh vực": "thời tiết"}),
            row("Ngập úng", **{"Mã địa bàn": 79, "Tính chất": "nóng; bức xúc"}),
            row(),  # the same as row 2
        ]
    )
    result = run(office, hanoi, data)
    assert result.created == []
    found = {(e.row, e.column.split(" ")[0]) for e in result.errors}
    assert found == {
        (3, "A"),
        (3, "C"),
        (4, "E"),
        (4, "F"),
        (5, "E"),
        (5, "H"),
        (6, "C"),
        (6, "I"),
        (7, "A"),
    }, result.errors
    assert all(e.sheet == "Vụ việc" and e.message for e in result.errors)
    by_cell = {(e.row, e.column.split(" ")[0]): e for e in result.errors}
    assert by_cell[4, "E"].column == "E (Thời điểm xảy ra)"
    with translation.override("vi"):
        again = run(office, hanoi, data)
    messages = {(e.row, e.column.split(" ")[0]): e.message for e in again.errors}
    assert "hôm qua" in messages[4, "E"] and "dd/mm/yyyy" in messages[4, "E"]
    assert "999999" in messages[3, "C"]
    assert "Khẩn cấp" in messages[4, "F"]  # the message lists the labels it accepts
    assert "2" in messages[7, "A"]
    assert not Incident.objects.exists()
    assert AuditEvent.objects.filter(action="import", changes__errors=9).count() == 2


def test_english_headings_and_labels_are_accepted_and_a_sheet_imported_twice_is_refused(
    hanoi, routed, office
):
    headings = ["No.", "Title", "Description", "Locality code", "Occurred at", "Severity", "Characteristics"]
    data = sheet(
        [[1, "Fallen tree", "A tree fell.", "70", "09/03/2026 10:00", "Urgent", "sudden, of public concern"]],
        headings=headings,
    )
    result = run(office, hanoi, data)
    assert result.errors == [] and result.created[0].is_public_concern and result.created[0].is_sudden
    second = run(office, hanoi, data)
    assert second.created == [] and len(second.errors) == 1
    assert second.errors[0].row == 2 and result.created[0].code in second.errors[0].message
    assert Incident.objects.count() == 1


def merged(ws):
    ws.merge_cells("F2:F3")


def formula(ws):
    ws["F3"] = '=IF(1,"normal","urgent")'


def bomb() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<workbook/>")
        z.writestr("xl/worksheets/sheet1.xml", b"\0" * (60 * 1024 * 1024))
    return out.getvalue()


def empty_sheet() -> bytes:
    out = io.BytesIO()
    Workbook().save(out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("case", "make", "name", "words"),
    [
        ("not an xlsx", lambda: b"%PDF-1.7 not a workbook", "vu-viec.pdf", "xlsx"),
        ("an old xls", lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "vu-viec.xls", ".xls"),
        ("a docx", lambda: sheet([row()]), "vu-viec.docx", "xlsx"),
        ("corrupt", lambda: sheet([row()])[:300], "vu-viec.xlsx", "damaged"),
        ("empty file", lambda: b"", "vu-viec.xlsx", "empty"),
        ("zip bomb", bomb, "vu-viec.xlsx", "compressed"),
        ("empty sheet", empty_sheet, "vu-viec.xlsx", "empty"),
        ("no heading row", lambda: sheet([row()], headings=["a", "b", "c"]), "vu-viec.xlsx", "heading"),
        ("missing columns", lambda: sheet([row()[:2]], headings=HEADINGS[:2]), "vu-viec.xlsx", "Missing"),
        ("unknown column", lambda: sheet([[*row(), "x"]], headings=[*HEADINGS, "Thời tiết"]), "", "Unknown"),
        ("only headings", lambda: sheet([]), "vu-viec.xlsx", "no incident"),
        ("merged cells", lambda: sheet([row(), row("Khác")], setup=merged), "vu-viec.xlsx", "merged"),
        ("a formula", lambda: sheet([row(), row("Khác")], setup=formula), "vu-viec.xlsx", "formula"),
    ],
)
def test_a_malformed_file_is_refused_with_one_clear_error(hanoi, routed, office, case, make, name, words):
    with translation.override("en"):
        result = run(office, hanoi, make(), name or "vu-viec.xlsx")
    assert result.created == []
    assert len(result.errors) == 1, (case, result.errors)
    assert words.lower() in result.errors[0].message.lower(), (case, result.errors[0])
    assert not Incident.objects.exists()


def test_the_refusals_read_in_vietnamese(hanoi, routed, office):
    with translation.override("vi"):
        result = run(office, hanoi, b"%PDF-1.7", "x.pdf")
    assert result.errors[0].message == "Chỉ nhập được tệp Excel (.xlsx)."


def thousand_rows(last=None) -> bytes:
    rows = [
        row(
            f"Vụ việc số {n}", **{"Thời điểm xảy ra": dt.datetime(2026, 3, 9, 8, 0) - dt.timedelta(minutes=n)}
        )
        for n in range(1000)
    ]
    if last is not None:
        rows[-1] = last
    return sheet(rows)


def test_a_thousand_rows_are_all_validated_before_anything_is_written(hanoi, routed, office, capsys):
    data = thousand_rows(last=row("Cuối", **{"Mức độ": "?"}))
    started = time.perf_counter()
    result = run(office, hanoi, data)
    seconds = time.perf_counter() - started
    assert [(e.row, e.column[0]) for e in result.errors] == [(1001, "F")]
    assert not Incident.objects.exists()
    with capsys.disabled():
        print(f"\n1,000 rows read and validated: {seconds:.2f} s")


@pytest.mark.skipif(not os.environ.get("COSO_MEASURE"), reason="a measurement: COSO_MEASURE=1 to run it")
def test_measure_the_import_of_a_thousand_rows(hanoi, routed, office, capsys):
    """Not a timed test (the figure depends on the machine): prints how long 1,000 rows take, parsed,
    validated, routed and created through the service, with the share of the time spent in SQL."""
    data = thousand_rows()
    sql = {"count": 0, "seconds": 0.0}

    def timed(execute, query, params, many, context):
        started = time.perf_counter()
        try:
            return execute(query, params, many, context)
        finally:
            sql["count"] += 1
            sql["seconds"] += time.perf_counter() - started

    started, cpu = time.perf_counter(), time.process_time()
    with connection.execute_wrapper(timed):
        result = run(office, hanoi, data)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    assert result.errors == [] and len(result.created) == 1000
    with capsys.disabled():
        print(
            f"\nimport of 1,000 incidents: {seconds:.1f} s ({1000 / seconds:.0f} rows/s), "
            f"{cpu:.1f} s of CPU, {sql['count']} queries, {sql['seconds']:.1f} s in the database"
        )
