"""The sheet reader: the fast reader gives the rows the strict one gives (openpyxl's values), for the shapes
Excel, LibreOffice and openpyxl write; any other shape is read by the strict reader; the survey counts the
non-empty rows exactly, bounds the values and refuses damage."""

import datetime as dt
import io
import re
import time
import zipfile

import pytest
from django.utils import translation
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils.datetime import CALENDAR_MAC_1904

from core import excel_reader
from core.excel_reader import ExcelError, Formula, Refused

LAST_ROW = 6_000
SHEET = "xl/worksheets/sheet1.xml"
SHARED_STRINGS_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
SHARED_STRINGS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"


def save(wb) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def rewrite(data: bytes, sheet=None, parts: dict | None = None) -> bytes:
    """The workbook with its first sheet's XML passed through sheet(xml) and `parts` replaced or added."""
    parts = dict(parts or {})
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for member in source.infolist():
            content = source.read(member.filename)
            if member.filename == SHEET and sheet is not None:
                content = sheet(content.decode()).encode()
            target.writestr(member.filename, parts.pop(member.filename, content))
        for name, content in parts.items():
            target.writestr(name, content)
    return out.getvalue()


def with_shared_strings(data: bytes, extra: tuple[str, ...] = ()) -> bytes:
    """The workbook as Excel writes it: its inline strings moved to a shared strings part (each text once),
    with `extra` <si> elements after them (for cells to refer to)."""
    texts: dict[str, int] = {}

    def shared(match: re.Match) -> str:
        index = texts.setdefault(match.group(3), len(texts))
        return f'<c r="{match.group(1)}"{match.group(2)} t="s"><v>{index}</v></c>'

    source = zipfile.ZipFile(io.BytesIO(data))
    xml = source.read(SHEET).decode()
    inline = r'<c r="([A-Z]+\d+)"((?: s="\d+")?) t="inlineStr"><is><t(?: xml:space="preserve")?>([^<]*)</t>'
    xml = re.sub(inline + "</is></c>", shared, xml)
    items = "".join(f'<si><t xml:space="preserve">{t}</t></si>' for t in texts) + "".join(extra)
    sst = (
        '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        f'count="{len(texts)}" uniqueCount="{len(texts)}">{items}</sst>'
    )
    types = (
        source.read("[Content_Types].xml")
        .decode()
        .replace(
            "</Types>",
            f'<Override PartName="/xl/sharedStrings.xml" ContentType="{SHARED_STRINGS_TYPE}"/></Types>',
        )
    )
    relationship = f'<Relationship Id="rIdStrings" Type="{SHARED_STRINGS_REL}" Target="sharedStrings.xml"/>'
    rels = (
        source.read("xl/_rels/workbook.xml.rels")
        .decode()
        .replace("</Relationships>", relationship + "</Relationships>")
    )
    return rewrite(
        data,
        sheet=lambda _xml: xml,
        parts={"xl/sharedStrings.xml": sst, "[Content_Types].xml": types, "xl/_rels/workbook.xml.rels": rels},
    )


def typed(rows) -> list:
    """Rows with each value's type, so that a Formula is not taken for the same text."""
    return [(number, [(type(v).__name__, v) for v in values], marked) for number, values, marked in rows]


def both(data: bytes):
    """The fast reader's sheet and rows, checked equal to the strict reader's."""
    fast = excel_reader.open_sheet(data, last_row=LAST_ROW, count_limit=10**6)
    strict = excel_reader.open_sheet(data, last_row=LAST_ROW, count_limit=10**6, strict=True)
    rows = list(fast.rows())
    assert typed(rows) == typed(strict.rows())
    assert (fast.name, fast.merged, fast.count) == (strict.name, strict.merged, strict.count)
    assert fast.count == len(rows)
    return fast, rows


def styled_workbook(epoch=None) -> bytes:
    """What an office writes: a title above the headings, number formats, dates, date-times and times,
    escaped text, spaces kept, a formula, an Excel error, booleans, a merged title, blank rows."""
    wb = Workbook()
    if epoch is not None:
        wb.epoch = epoch
    ws = wb.active
    ws.title = "Vụ việc"
    ws.append(["DANH SÁCH VỤ VIỆC"])
    ws.merge_cells("A1:D1")
    ws["A1"].font = Font(bold=True)
    ws.append([])
    ws.append(["Tiêu đề", "Nội dung", "Mã địa bàn", "Thời điểm", "Ngày", "Giờ", "Tỷ lệ", "Cờ"])
    ws.append(["A & B <c>", ' "trích" ', 70, dt.datetime(2026, 3, 9, 8, 30, 15), dt.date(2026, 3, 9)])
    ws.append(["Dòng\r\nhai", "x\ty", 70.5, dt.datetime(1990, 1, 1), dt.date(2100, 12, 31), dt.time(8, 30)])
    ws.append([None, None, -1.25e-7, dt.datetime(2026, 12, 31, 23, 59, 59, 999000), None, None, 0.25, True])
    ws.append(["   "])
    ws.append([])
    ws.append(["=SUM(1,2)", '=IF(A1="x","<",">")', None, None, None, None, None, False])
    ws["C9"] = "#N/A"
    ws["C9"].data_type = "e"
    ws["F5"].number_format = "hh:mm"
    ws["G6"].number_format = "0.00%"
    ws["C5"].number_format = "#,##0.00"
    ws["H10"] = "Đ"
    ws["AN12"] = "cột cuối"
    ws["A6000"] = "dòng cuối"
    return save(wb)


def written_only() -> bytes:
    """What openpyxl writes in write-only mode: inline strings only, characters written as references."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Chỉ đạo")
    ws.append(["Nội dung", "Thời hạn", "Số"])
    for n in range(30):
        ws.append([f"Việc số {n}: đường “Hàng Bạc”", dt.date(2026, 4, 1) + dt.timedelta(days=n), n * 1.5])
    ws.append(["Đ", None, None])
    return save(wb)


@pytest.mark.parametrize(
    "make",
    [
        styled_workbook,
        written_only,
        lambda: styled_workbook(epoch=CALENDAR_MAC_1904),
        lambda: with_shared_strings(styled_workbook()),
        lambda: with_shared_strings(written_only()),
    ],
    ids=["styles and dates", "write-only", "1904 dates", "shared strings", "write-only shared strings"],
)
def test_the_fast_reader_gives_the_rows_openpyxl_gives(make):
    fast, _rows = both(make())
    assert fast.fast


def test_what_the_values_read_as():
    _fast, rows = both(styled_workbook())
    values = {number: [v for v in values if v is not None] for number, values, _marked in rows}
    assert values[1] == ["DANH SÁCH VỤ VIỆC"]
    assert values[4] == [
        "A & B <c>",
        ' "trích" ',
        70,
        dt.datetime(2026, 3, 9, 8, 30, 15),
        dt.datetime(2026, 3, 9),
    ]
    assert values[5] == [
        "Dòng\r\nhai",
        "x\ty",
        70.5,
        dt.datetime(1990, 1, 1),
        dt.datetime(2100, 12, 31),
        dt.time(8, 30),
    ]
    assert values[9][:2] == [Formula("=SUM(1,2)"), Formula('=IF(A1="x","<",">")')]
    assert [type(v) for v in values[9][:3]] == [Formula, Formula, ExcelError]
    assert [marked for _number, _values, marked in rows] == [n == 9 for n, _v, _m in rows]
    assert 7 not in values and 8 not in values  # a row of spaces, an empty row: not rows
    assert values[12] == ["cột cuối"] and values[6000] == ["dòng cuối"]


def test_a_1904_workbook_dates_from_1904():
    _fast, rows = both(styled_workbook(epoch=CALENDAR_MAC_1904))
    assert rows[2][1][3] == dt.datetime(2026, 3, 9, 8, 30, 15)


def test_shared_strings_rich_text_and_blank_strings():
    rich = '<si><r><t>Phường </t></r><r><rPr><b/></rPr><t>Hoàn Kiếm</t></r><phoneticPr fontId="1"/></si>'
    data = with_shared_strings(written_only(), extra=(rich, '<si><t xml:space="preserve">  </t></si>'))
    source = zipfile.ZipFile(io.BytesIO(data))
    count = source.read("xl/sharedStrings.xml").decode().count("<si>")
    rows = (
        f'<row r="40"><c r="A40" t="s"><v>{count - 2}</v></c></row>'
        f'<row r="41"><c r="A41" t="s"><v>{count - 1}</v></c></row>'
    )
    data = rewrite(data, sheet=lambda xml: xml.replace("</sheetData>", rows + "</sheetData>"))
    fast, rows = both(data)
    assert fast.fast
    assert rows[-1][:2] == (40, ["Phường Hoàn Kiếm", *[None] * 39])  # row 41 holds two spaces: no row


@pytest.mark.parametrize(
    "change",
    [
        # A namespace prefix on every element.
        lambda xml: re.sub(r"<(/?)(?!\?)([A-Za-z])", r"<\1x:\2", xml).replace(
            'xmlns="http://schemas', 'xmlns:x="http://schemas', 1
        ),
        # Cells without their reference.
        lambda xml: re.sub(r'(<c) r="[A-Z]+\d+"', r"\1", xml),
        # Rich text in an inline string.
        lambda xml: xml.replace(
            "<is><t>A &amp; B &lt;c&gt;</t></is>", "<is><r><t>A &amp; </t></r><r><t>B</t></r></is>"
        ),
        # A shared formula.
        lambda xml: xml.replace("<f>SUM(1,2)</f>", '<f t="shared" ref="A9" si="0">SUM(1,2)</f>'),
        # A comment among the rows.
        lambda xml: xml.replace('<row r="4"', '<!-- a note --><row r="4"', 1),
        # An attribute the fast reader does not expect.
        lambda xml: xml.replace('<c r="A4"', '<c r="A4" cm="1"', 1),
    ],
    ids=["prefixed", "no reference", "rich inline text", "shared formula", "comment", "unknown attribute"],
)
def test_any_other_shape_is_read_by_the_strict_reader(change):
    data = rewrite(styled_workbook(), sheet=change)
    fast = excel_reader.open_sheet(data, last_row=LAST_ROW, count_limit=10**6)
    assert not fast.fast
    assert fast.count == len(list(fast.rows()))


def test_a_value_that_may_be_blank_is_counted_as_openpyxl_reads_it():
    """A text of spaces, perhaps written as character references, makes no row; the survey counts the
    rows value by value then."""
    wb = Workbook()
    ws = wb.active
    ws.append(["Tiêu đề", "Nội dung"])
    ws.append(["Có", "x"])
    ws.append(["\u00a0", " "])  # no-break space, space: blank
    ws.append(["\u3000Đ"])  # ideographic space, then a letter written as a reference: not blank
    data = save(wb)
    fast, rows = both(data)
    assert fast.fast and fast.count == 3 and [number for number, *_rest in rows] == [1, 2, 4]


def test_a_far_value_in_a_large_fast_sheet_is_refused_naming_it():
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Vụ việc")
    for n in range(3000):
        ws.append([f"Dòng {n}", n])
    data = rewrite(
        save(wb),
        sheet=lambda xml: xml.replace(
            "</sheetData>", '<row r="5999"><c r="AO5999"><v>1</v></c></row></sheetData>'
        ),
    )
    with translation.override("en"), pytest.raises(Refused) as refused:
        excel_reader.open_sheet(data, last_row=LAST_ROW, count_limit=10**6)
    assert refused.value.message.startswith("Cell AO5999 holds a value outside what an import reads")


def test_a_far_value_below_the_rows_is_refused_quickly():
    wb = Workbook()
    wb.active.append(["a", "b"])
    wb.active["C200000"] = "x"
    started = time.perf_counter()
    with translation.override("en"), pytest.raises(Refused) as refused:
        excel_reader.open_sheet(save(wb), last_row=LAST_ROW, count_limit=10**6)
    assert time.perf_counter() - started < 1
    assert refused.value.message.startswith("Cell C200000 holds a value")


@pytest.mark.parametrize(
    "change",
    [
        lambda xml: xml.replace("A &amp; B", "A &nbsp; B"),  # an entity XML does not have
        lambda xml: xml.replace(
            '<c r="B4" t="inlineStr">', '<c r="B4" t="s"><v>99</v></c><c r="Z4" t="inlineStr">'
        ),
        lambda xml: xml.replace("<v>70</v>", "<v>7O</v>", 1),  # not a number
    ],
    ids=["undefined entity", "no such shared string", "not a number"],
)
def test_damage_is_refused(change):
    data = rewrite(styled_workbook(), sheet=change)
    with translation.override("en"), pytest.raises(Refused) as refused:
        source = excel_reader.open_sheet(data, last_row=LAST_ROW, count_limit=10**6)
        list(source.rows())
    assert "damaged" in refused.value.message


def test_the_entities_of_many_texts_are_decoded_together_even_with_the_separator_in_one():
    texts = ["A &amp; B", "&#7889;", "\ue000 tách &#57344;", "dòng\r\nhai", ""]
    assert excel_reader._unescape(texts, "") == ["A & B", "ố", "\ue000 tách \ue000", "dòng\nhai", ""]


def test_plain_shared_strings_are_read_by_the_fast_reader(monkeypatch):
    """Shared strings as Excel writes them (<si><t>, one text each) are read with a regular expression;
    expat reads the rest (rich text above)."""

    def refuse(*_args):
        raise AssertionError("read by expat")

    monkeypatch.setattr(excel_reader, "_shared_strings", refuse)
    fast, _rows = both(with_shared_strings(styled_workbook()))
    assert fast.fast
