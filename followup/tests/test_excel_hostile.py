"""Hostile sheets tried on the directive import, as an outside tester would: far cells, a claimed
dimension, numbers too large for a query. Each is refused quickly with a clear error, or read as it is."""

import datetime as dt
import io
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook

from core.excel import ImportErrorRow
from core.models import AuditEvent
from core.testing import rewrite_first_sheet
from followup import services
from followup.importers import import_directives
from followup.models import Directive

HEADINGS = ["Số hiệu", "Nội dung", "Đơn vị chủ trì", "Thời hạn", "Lãnh đạo chỉ đạo", "Mã địa bàn"]
LIMITS = "columns A to AN (40 columns) and rows 1 to 6,000"


@pytest.fixture
def notice(hanoi, office):
    return services.notice_create(
        actor=office, organization=hanoi, number="123-TB/TU", issued_on=dt.date(2026, 3, 2), title="GPMB"
    )


@pytest.fixture
def ready(notice, construction, in_charge):
    return notice


def sheet(*, locality=70, edit=None) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "Chỉ đạo"
    ws.append(HEADINGS)
    ws.append(
        ["1", "Hoàn thành bồi thường phố Hàng Bài.", "SXD", dt.date(2026, 4, 30), "Nguyễn Văn Lãnh", locality]
    )
    if edit is not None:
        edit(ws)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def run(office, notice, data: bytes):
    start = time.perf_counter()
    with translation.override("en"):
        result = import_directives(actor=office, notice=notice, file=SimpleUploadedFile("chi-dao.xlsx", data))
    return result, time.perf_counter() - start


@pytest.mark.parametrize("reference", ["XFD200000", "A1048576"])
def test_a_far_cell_is_refused_quickly_naming_the_limits_and_nothing_is_written(ready, office, reference):
    data = sheet(edit=lambda ws: ws.__setitem__(reference, "x"))
    assert len(data) < 10_000
    result, seconds = run(office, ready, data)
    assert seconds < 3
    assert result.created == []
    assert [(e.sheet, e.row, e.column) for e in result.errors] == [("Chỉ đạo", None, "")]
    assert result.errors[0].message.startswith(f"Cell {reference} holds a value outside what an import reads")
    assert LIMITS in result.errors[0].message
    assert not Directive.objects.exists()
    assert AuditEvent.objects.get(action="import", object_id=str(ready.pk)).changes["errors"] == 1


def test_the_page_shows_the_refusal_in_vietnamese(ready, office):
    client = Client()
    client.force_login(office)
    upload = SimpleUploadedFile("chi-dao.xlsx", sheet(edit=lambda ws: ws.__setitem__("XFD200000", "x")))
    response = client.post(reverse("followup:notice_import", args=[ready.pk]), {"file": upload}, follow=True)
    assert response.status_code == 200 and 'data-status="refused"' in response.content.decode()
    assert (
        "Ô XFD200000 có dữ liệu nằm ngoài phạm vi được nhập: cột A đến AN (40 cột) và dòng 1 đến 6.000."
        in (response.content.decode())
    )
    assert not Directive.objects.exists()


def test_a_claimed_dimension_and_a_far_empty_cell_do_not_stop_a_good_sheet(ready, office):
    data = rewrite_first_sheet(
        sheet(),
        dimension="A1:XFD1048576",
        append='<row r="1048576" s="1" customFormat="1"><c r="XFD1048576" s="1"/></row>',
    )
    result, seconds = run(office, ready, data)
    assert seconds < 3
    assert result.errors == []
    assert [d.lead_unit.code for d in result.created] == ["SXD"]


@pytest.mark.parametrize(
    ("value", "shown"), [(10**20, "100000000000000000000"), (1e20, "100000000000000000000")]
)
def test_a_locality_code_too_large_for_a_query_is_an_error_on_its_cell(ready, office, value, shown):
    result, _seconds = run(office, ready, sheet(locality=value))
    assert result.errors == [
        ImportErrorRow(
            "Chỉ đạo",
            2,
            "F (Mã địa bàn)",
            f"“{shown}” is not the official code of a locality of the organisation.",
        )
    ]
    assert not Directive.objects.exists()
