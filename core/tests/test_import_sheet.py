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
