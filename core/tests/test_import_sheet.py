"""core.excel.import_sheet: all or nothing whatever the handler wrote, and the refusal kept on the trail."""

import io

from django.utils import translation
from openpyxl import Workbook

from core import audit, excel
from core.models import AuditAction, AuditEvent

SPEC = excel.SheetSpec(
    columns=tuple(
        excel.SheetColumn(
            key=key, label=key.title(), vietnamese=vi, aliases=(), required=True, width=20, guide=""
        )
        for key, vi in (("title", "Tiêu đề"), ("place", "Địa điểm"))
    ),
    max_rows=10,
    max_members=50,
    max_compression_ratio=100,
    no_rows="No rows.",
)


def _workbook() -> bytes:
    wb = Workbook()
    wb.active.append(["Title", "Place"])
    wb.active.append(["Một dòng", "Hà Nội"])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_what_the_handler_wrote_is_rolled_back_and_the_refusal_is_recorded(hanoi, office):
    before = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0

    def handle(sheet, rows, name):
        # A handler that writes, then finds an error in a later row.
        audit.record(actor=office, action=AuditAction.UPDATE, organization=hanoi, note="written by handle")
        sheet.add(2, "Dòng 2 sai.")
        return ["created"]

    with translation.override("vi"):
        result = excel.import_sheet(
            SPEC, actor=office, file=_workbook(), audit_on={"organization": hanoi}, handle=handle
        )
    assert result.created == [] and [e.message for e in result.errors] == ["Dòng 2 sai."]
    events = AuditEvent.objects.filter(pk__gt=before)
    assert [(e.action, e.kind, e.params) for e in events] == [
        (AuditAction.IMPORT, "import.refused", {"errors": 1, "file": ""})
    ]


def _sheet(rows) -> bytes:
    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_the_rows_come_in_batches_with_the_exact_total(hanoi, office, monkeypatch):
    """Title rows and blank rows are not data rows; a row whose imported cell holds a formula is reported
    there and left out of its batch, but counted as read (the last batch may hold no row); a formula in a
    column not imported (STT) is no error, and makes its row a data row."""
    monkeypatch.setattr(excel, "BATCH_ROWS", 3)
    rows = [["DANH SÁCH"], [], ["Title", "Place", "STT"]]
    rows += [[f"Việc {n}", "Hà Nội", n] for n in range(1, 5)]
    rows += [[], ["=A4", "Hà Nội", 5], [None, None, "=ROW()"], ["Việc 7", "Huế", 7], ["#N/A", "Huế", 8]]
    seen = {}

    def handle(sheet, rows, name):
        seen["total"] = rows.total
        seen["batches"] = [([number for number, _values in batch], done) for batch, done in rows]
        return []

    with translation.override("en"):
        result = excel.import_sheet(
            SPEC, actor=office, file=_sheet(rows), audit_on={"organization": hanoi}, handle=handle
        )
    assert seen == {"total": 8, "batches": [([4, 5, 6], 3), ([7, 10, 11], 7), ([], 8)]}
    assert [(e.row, e.column, e.message) for e in result.errors] == [
        (9, "A (Title)", "The cell holds a formula: copy it and paste it as a value."),
        (12, "A (Title)", "The cell holds an Excel error (#N/A)."),
    ]


def test_errors_past_the_limit_are_counted_not_kept(hanoi, office, monkeypatch):
    monkeypatch.setattr(excel, "MAX_ERRORS", 5)

    def handle(sheet, rows, name):
        for number in range(2, 14):
            sheet.add(number, f"Dòng {number} sai.")
        return []

    with translation.override("vi"):
        result = excel.import_sheet(
            SPEC, actor=office, file=_workbook(), audit_on={"organization": hanoi}, handle=handle
        )
    assert [e.row for e in result.errors] == [2, 3, 4, 5, 6, None]
    assert result.errors[-1].message == "… và 7 lỗi khác."
    assert AuditEvent.objects.filter(kind="import.refused").latest("pk").params["errors"] == 12
