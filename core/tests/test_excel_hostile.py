"""The sheet scan that runs before any reader: a far value refuses the file, what a file claims allocates
nothing. The imports of both apps are tried with these files in their own tests (test_excel_hostile)."""

import io
import time
import zipfile

import pytest
from django.utils import translation
from openpyxl import Workbook

from core import excel
from core.testing import rewrite_first_sheet

SPEC = excel.SheetSpec(columns=(), max_rows=5_000, max_members=100, max_compression_ratio=100, no_rows="")


def xlsx(edit) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(["Tiêu đề", "Nội dung"])
    ws.append(["a", "b"])
    edit(ws)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def scan(data: bytes):
    with zipfile.ZipFile(io.BytesIO(data)) as archive, archive.open("xl/worksheets/sheet1.xml") as stream:
        return excel.scan_sheet(stream, SPEC, "Sheet")


@pytest.mark.parametrize(
    "reference",
    ["XFD200000", "A1048576", "AO1", "A6001"],
)
def test_a_value_outside_the_limits_is_refused_naming_the_cell_and_the_limits(reference):
    data = xlsx(lambda ws: ws.__setitem__(reference, "x"))
    with translation.override("vi"), pytest.raises(excel.Refused) as refused:
        scan(data)
    assert refused.value.message == (
        f"Ô {reference} có dữ liệu nằm ngoài phạm vi được nhập: cột A đến AN (40 cột) và dòng 1 đến 6.000. "
        "Hãy xóa phần nằm ngoài rồi tải tệp lên lại."
    )


def test_the_last_cells_inside_the_limits_are_read():
    data = xlsx(lambda ws: (ws.__setitem__("AN3", "x"), ws.__setitem__("A6000", "y")))
    last, merged = scan(data)
    assert (last, merged) == (6000, [])


def test_a_claimed_dimension_and_far_empty_cells_cost_nothing():
    data = rewrite_first_sheet(
        xlsx(lambda ws: ws.merge_cells("A5:B6")),
        dimension="A1:XFD1048576",
        append='<row r="1048576" s="1" customFormat="1"><c r="XFD1048576" s="1"/></row>',
    )
    start = time.perf_counter()
    last, merged = scan(data)
    assert time.perf_counter() - start < 1
    assert (last, merged) == (2, [(5, 1, 6, 2)])


def test_an_entity_declaration_is_refused_as_damage():
    data = rewrite_first_sheet(xlsx(lambda ws: None))
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml").decode()
    xml = xml.replace("<worksheet", '<!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa">]><worksheet', 1)
    with pytest.raises(excel.Refused):
        excel.scan_sheet(io.BytesIO(xml.encode()), SPEC, "Sheet")


@pytest.mark.parametrize(
    ("value", "code"),
    [
        (70, 70),
        (70.0, 70),
        (" 70 ", 70),
        (99_999, 99_999),
        (100_000, None),
        (10**20, None),
        (1e20, None),
        ("100000000000000000000", None),
        (-1, None),
        (float("inf"), None),
        (True, None),
        ("7a", None),
    ],
)
def test_a_unit_code_is_a_whole_number_of_at_most_five_digits(value, code):
    assert excel.unit_code(value) == code
