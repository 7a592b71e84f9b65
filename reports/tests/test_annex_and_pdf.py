"""The XLSX annex (every table, all its rows, numbers as numbers, text never a formula) and the PDF
(WeasyPrint, Liberation Serif embedded), from the same content as the DOCX."""

import io
import re
import zlib

from django.utils.translation import override
from openpyxl import load_workbook

from reports.render.docx import Signature
from reports.render.pdf import briefing_html, render_pdf
from reports.render.xlsx import render_xlsx
from reports.tests.factories import small_report


def test_the_annex_has_a_contents_sheet_and_every_table_with_all_its_rows():
    with override("vi"):
        workbook = load_workbook(io.BytesIO(render_xlsx(small_report())))
    assert workbook.sheetnames == ["Mục lục", "Bảng 1", "Bảng 2", "Bảng 3"]
    contents = [[c.value for c in row] for row in workbook["Mục lục"].iter_rows()]
    assert ["Bảng 2", "Vụ việc theo địa bàn"] in contents
    localities = workbook["Bảng 2"]
    assert localities["A1"].value == "Bảng 2. Vụ việc theo địa bàn"
    assert [c.value for c in localities[4]] == ["Địa bàn", "Tiếp nhận"]
    assert [localities.cell(row=r, column=2).value for r in range(5, 10)] == [1000, 1001, 1002, 1003, 1004]


def test_numbers_stay_numbers_and_text_stays_text():
    with override("vi"):
        groups = load_workbook(io.BytesIO(render_xlsx(small_report())))["Bảng 1"]
    name, money, rate = (groups.cell(row=5, column=n) for n in (1, 2, 3))
    assert (name.value, money.value, rate.value) == ("Tổ công tác số 1", 1234.6, 45.25)
    assert money.number_format == "#,##0.0" and rate.number_format == '0.0"%"'
    formula = groups.cell(row=6, column=1)
    assert formula.value == '=HYPERLINK("http://x")' and formula.data_type == "s" and formula.quotePrefix
    assert groups.cell(row=6, column=3).value is None


def _fonts(pdf: bytes) -> set[str]:
    """The base fonts a PDF names, its compressed streams opened."""
    names = set(re.findall(rb"/BaseFont\s*/([\w+\-]+)", pdf))
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            names |= set(re.findall(rb"/BaseFont\s*/([\w+\-]+)", zlib.decompress(stream)))
        except zlib.error:
            continue
    return {name.decode().split("+", 1)[-1] for name in names}


def test_the_pdf_embeds_liberation_serif_and_prints_the_party_header():
    with override("vi"):
        report = small_report()
        html = briefing_html(report, number="45", signature=Signature(deputy=True, name="Nguyễn Văn A"))
        pdf = render_pdf(small_report(), number="45")
    assert pdf.startswith(b"%PDF")
    assert "Liberation-Serif" in _fonts(pdf)
    for text in (
        "ĐẢNG BỘ THÀNH PHỐ HÀ NỘI",
        "THÀNH ỦY",
        "ĐẢNG CỘNG SẢN VIỆT NAM",
        "Số 45-BC/TU",
        "Hà Nội, ngày 05 tháng 12 năm 2026",
        "BÁO CÁO",
        "Bảng 1. Giải ngân theo tổ công tác",
        "Biểu đồ 1. Giải ngân lũy kế",
        "K/T BÍ THƯ",
        "Nguyễn Văn A",
        "1.234,6",
        "45,3%",
    ):
        assert text in html
    assert "data:image/png;base64," in html
    assert "http" not in html.replace('=HYPERLINK("http://x")', "").replace(
        "HYPERLINK(&quot;http://x&quot;)", ""
    )


def _margin_texts(box) -> list[str]:
    found = [box.text] if hasattr(box, "text") else []
    for child in getattr(box, "children", []):
        found += _margin_texts(child)
    return found


def test_the_pdf_numbers_its_pages_at_the_top_centre_from_the_second_on():
    """The page boxes WeasyPrint lays out: no number on the first page; "2" at the top centre of the second,
    at 14 pt (18.67 px) in Liberation Serif, the metric twin of Times New Roman."""
    from weasyprint import HTML

    with override("vi"):
        pages = HTML(string=briefing_html(small_report(), number="45")).render().pages
    assert len(pages) >= 2
    numbers = []
    for page in pages:
        boxes = [box for box in page._page_box.children if type(box).__name__ == "MarginBox"]
        numbers.append({box.at_keyword: "".join(_margin_texts(box)) for box in boxes})
    assert numbers[0] == {}
    assert numbers[1] == {"@top-center": "2"}
    [box] = [b for b in pages[1]._page_box.children if type(b).__name__ == "MarginBox"]
    assert round(box.style["font_size"], 2) == round(14 * 96 / 72, 2)
    assert box.style["font_family"][0] == "Liberation Serif"
