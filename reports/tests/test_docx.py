"""The briefing as a DOCX in the Party document format, read back with python-docx."""

import datetime as dt
import io

import pytest
from django.utils.translation import override
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt

from reports.content import NUMERIC
from reports.render.docx import Signature, document_date, render_docx
from reports.tests.factories import small_report


def mm(*lengths) -> tuple:
    return tuple(round(length.mm, 1) for length in lengths)


def margins(section) -> tuple:
    """Top, right, bottom, left, in mm."""
    return mm(section.top_margin, section.right_margin, section.bottom_margin, section.left_margin)


def read(data: bytes):
    return Document(io.BytesIO(data))


def runs_of(paragraph):
    return [run for run in paragraph.runs if run.text.strip()]


def find(document, text):
    """The paragraphs (in the body and in table cells) whose text is `text`."""
    found = [p for p in document.paragraphs if p.text == text]
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                found += [p for p in cell.paragraphs if p.text == text]
    return found


@pytest.fixture
def document():
    with override("vi"):
        return read(render_docx(small_report(), number="123"))


def test_the_party_header_reads_as_the_guide_asks(document):
    header = document.tables[0]
    left, right = header.rows[0].cells
    assert [p.text for p in left.paragraphs] == ["ĐẢNG BỘ THÀNH PHỐ HÀ NỘI", "THÀNH ỦY", "*", "Số 123-BC/TU"]
    superior, body = (runs_of(p)[0] for p in left.paragraphs[:2])
    assert (superior.font.size, bool(superior.font.bold)) == (Pt(14), False)
    assert (body.font.size, body.font.bold) == (Pt(14), True)
    party = right.paragraphs[0]
    assert party.text == "ĐẢNG CỘNG SẢN VIỆT NAM"
    assert (runs_of(party)[0].font.size, runs_of(party)[0].font.bold) == (Pt(15), True)
    assert party._p.pPr.find("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}pBdr") is not None
    place = right.paragraphs[1]
    assert place.text == "Hà Nội, ngày 05 tháng 12 năm 2026"
    assert runs_of(place)[0].font.italic is True
    assert ":" not in left.paragraphs[3].text


def font_of(run, paragraph) -> str:
    """The font a run is set in: its own, or its paragraph style's (up the styles it is based on)."""
    if run.font.name:
        return run.font.name
    style = paragraph.style
    while style is not None and not style.font.name:
        style = style.base_style
    return style.font.name if style is not None else None


def test_every_run_is_times_new_roman_and_the_body_is_14_pt(document):
    fonts = {font_of(run, p) for p in document.paragraphs for run in runs_of(p)}
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                fonts |= {font_of(run, p) for p in cell.paragraphs for run in runs_of(p)}
    assert fonts == {"Times New Roman"}
    assert document.styles["Coso Table Text"].font.size == Pt(11)
    body = find(document, "Đến ngày 30/11/2026, đã giải ngân 1.234,6 triệu đồng.")[0]
    assert runs_of(body)[0].font.size == Pt(14)
    title = find(document, "BÁO CÁO")[0]
    assert runs_of(title)[0].font.bold and title.text.isupper()
    assert runs_of(find(document, "1. Giải ngân vốn đầu tư công")[0])[0].font.bold


def test_tables_are_numbered_with_their_figures(document):
    assert find(document, "Bảng 1. Giải ngân theo tổ công tác")
    assert find(document, "Bảng 2. Vụ việc theo địa bàn")
    groups = document.tables[1]
    assert [c.text for c in groups.rows[0].cells] == ["Tổ công tác", "Đã giải ngân (triệu đồng)", "Tỷ lệ"]
    assert [c.text for c in groups.rows[1].cells] == ["Tổ công tác số 1", "1.234,6", "45,3%"]
    assert [c.text for c in groups.rows[2].cells] == ['=HYPERLINK("http://x")', "0", "—"]
    assert runs_of(groups.rows[0].cells[0].paragraphs[0])[0].bold
    localities = document.tables[2]
    assert len(localities.rows) == 1 + 3  # the first three printed
    assert find(document, "3 dòng đầu trong 5 dòng; phụ lục có đủ tất cả.")
    empty = document.tables[3]
    assert empty.rows[1].cells[0].text == "Không có số liệu trong kỳ."


def test_charts_are_images_with_a_numbered_caption(document):
    assert len(document.inline_shapes) == 1
    assert find(document, "Biểu đồ 1. Giải ngân lũy kế")


def test_the_signature_block(document):
    recipients, signature = document.tables[-1].rows[0].cells
    assert recipients.paragraphs[0].text == "Nơi nhận:"
    assert [p.text for p in signature.paragraphs if p.text] == ["T/M BAN THƯỜNG VỤ", "BÍ THƯ"]
    with override("vi"):
        deputy = read(render_docx(small_report(), signature=Signature(deputy=True, name="Nguyễn Văn A")))
    lines = [p.text for p in deputy.tables[-1].rows[0].cells[1].paragraphs if p.text]
    assert lines == ["T/M BAN THƯỜNG VỤ", "K/T BÍ THƯ", "PHÓ BÍ THƯ", "Nguyễn Văn A"]


def test_a_draft_leaves_room_for_the_number():
    with override("vi"):
        draft = read(render_docx(small_report()))
    number = draft.tables[0].rows[0].cells[0].paragraphs[3].text
    assert number.startswith("Số ") and number.endswith("-BC/TU") and not any(ch.isdigit() for ch in number)


def test_margins_are_configurable(settings):
    default = read(render_docx(small_report())).sections[0]
    assert mm(default.top_margin, default.right_margin, default.bottom_margin, default.left_margin) == (
        20,
        15,
        20,
        30,
    )
    settings.COSO_REPORT_MARGINS_MM = "25,20,25,35"
    section = read(render_docx(small_report())).sections[0]
    assert mm(section.top_margin, section.right_margin, section.bottom_margin, section.left_margin) == (
        25,
        20,
        25,
        35,
    )
    assert mm(section.page_width, section.page_height) == (210, 297)


@pytest.mark.parametrize(
    ("day", "words"),
    [
        (dt.date(2026, 12, 5), "ngày 05 tháng 12 năm 2026"),
        (dt.date(2027, 2, 14), "ngày 14 tháng 02 năm 2027"),
        (dt.date(2027, 3, 1), "ngày 01 tháng 3 năm 2027"),
    ],
)
def test_the_date_is_written_as_the_guide_asks(day, words):
    with override("vi"):
        assert document_date(day) == words


def test_a_signer_typed_with_control_characters_is_written_clean():
    from reports.formats import options

    signature = options("docx", deputy=False, signer="\x08 Nguye\u0302\u0303n Văn A\x00 ")["signature"]
    assert signature.name == "Nguyễn Văn A"
    with override("vi"):
        document = read(render_docx(small_report(), signature=signature))
    assert document.tables[-1].rows[0].cells[1].paragraphs[-1].text == "Nguyễn Văn A"


W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def test_the_page_number_is_at_the_top_centre_from_the_second_page_on(document):
    """Hướng dẫn 36-HD/VPTW: the page number at the top centre, Times New Roman 14 pt, not on the first page.
    Read from the XML: "different first page" (w:titlePg) on the section, a PAGE field in the default
    header, and a first-page header with no field."""
    section = document.sections[0]
    properties = section._sectPr
    assert properties.find(f"{W}titlePg") is not None
    assert section.different_first_page_header_footer
    references = {ref.get(f"{W}type") for ref in properties.findall(f"{W}headerReference")}
    assert references == {"default", "first"}
    header = section.header
    assert not header.is_linked_to_previous
    [paragraph] = header.paragraphs
    assert paragraph.alignment == WD_ALIGN_PARAGRAPH.CENTER
    [field] = paragraph._p.findall(f"{W}fldSimple")
    assert field.get(f"{W}instr").strip() == "PAGE"
    [run] = field.findall(f"{W}r")
    fonts = run.find(f"{W}rPr/{W}rFonts")
    assert {fonts.get(f"{W}{slot}") for slot in ("ascii", "hAnsi", "cs", "eastAsia")} == {"Times New Roman"}
    assert run.find(f"{W}rPr/{W}sz").get(f"{W}val") == "28"  # half-points: 14 pt
    first = section.first_page_header
    assert not first.is_linked_to_previous
    assert first._element.findall(f".//{W}fldSimple") == []
    assert first._element.findall(f".//{W}instrText") == []
    assert "".join(p.text for p in first.paragraphs) == ""


def test_tables_fit_the_text_width_and_never_break_a_number(document):
    """What LibreOffice showed: every column the same width, amounts cut after their fifth digit, captions
    left at the foot of a page. Now each table has a fixed layout whose columns fill the width between the
    margins (165 mm), a number's column holds its widest value on one line, the heading row repeats on each
    page, no row is cut across two pages, and a caption keeps with its table."""
    from reports.render.docx import CELL_PADDING_MM, text_mm

    report = small_report()
    data_tables = document.tables[1:-1]  # between the header and the signature
    assert len(data_tables) == sum(len(s.tables) for s in report.sections)
    for grid, table in zip(data_tables, [t for s in report.sections for t in s.tables], strict=True):
        assert grid._tbl.tblPr.find(f"{W}tblLayout").get(f"{W}type") == "fixed"
        widths = [int(col.get(f"{W}w")) / 56.7 for col in grid._tbl.tblGrid.findall(f"{W}gridCol")]  # mm
        assert abs(sum(widths) - 165) < 0.5
        for index, column in enumerate(table.columns):
            if column.kind in NUMERIC:
                widest = max(text_mm(cells[index]) for cells in map(table.cells, table.printed_rows))
                assert widths[index] >= widest + CELL_PADDING_MM - 0.1, (table.title, column.label)
            first_cell = grid.rows[1].cells[index]._tc.tcPr.find(f"{W}tcW")
            assert abs(int(first_cell.get(f"{W}w")) / 56.7 - widths[index]) < 0.1  # Word reads the cells
        heading = grid.rows[0]
        assert heading._tr.trPr.find(f"{W}tblHeader") is not None
        assert all(row._tr.trPr.find(f"{W}cantSplit") is not None for row in grid.rows)
        caption = grid._tbl.getprevious()
        assert caption.pPr.find(f"{W}keepNext") is not None


def test_a_wide_table_keeps_its_numbers_whole_in_a_smaller_size():
    """Twelve amounts do not fit across 165 mm at 11 pt: the table is set at 9.5 pt, and when even then the
    numbers do not fit, the columns shrink alike (the words wrap, the page's width is kept)."""
    from reports.content import MONEY, Column, Table
    from reports.render.docx import SMALL_TABLE_PT, column_widths

    columns = [Column("name", "Đơn vị")] + [Column(f"m{n}", f"Tháng {n}", MONEY) for n in range(1, 9)]
    table = Table(
        "wide",
        "Rộng",
        columns,
        [{"name": "Ban Quản lý dự án", **{f"m{n}": 12_677_419 * 10**6 for n in range(1, 9)}}],
    )
    texts = [table.cells(row) for row in table.rows]
    widths, size = column_widths(table, texts, 165)
    assert size == SMALL_TABLE_PT and abs(sum(widths) - 165) < 0.01
    narrow = [Column("name", "Đơn vị"), Column("amount", "Số tiền", MONEY)]
    small = Table("narrow", "Hẹp", narrow, [{"name": "A", "amount": 1_000_000}])
    widths, size = column_widths(small, [small.cells(r) for r in small.rows], 165)
    assert size == 11 and abs(sum(widths) - 165) < 0.01
