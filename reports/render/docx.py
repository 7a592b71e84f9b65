"""A report as a DOCX in the Party document format (Hướng dẫn 36-HD/VPTW), built with python-docx.

Times New Roman throughout. Top left, the superior body (14 pt) and the issuing body (14 pt bold) with a
star under it, then "Số …-BC/TU"; top right, "ĐẢNG CỘNG SẢN VIỆT NAM" (15 pt bold) with a rule under it and
the place and date in italics. The kind of document ("BÁO CÁO") in capitals, bold, centred, the subject
under it in bold; the body at 14 pt, justified; the page number at the top centre from the second page on;
numbered tables (Bảng 1, …) and charts (Biểu đồ 1, …) as PNG images; the recipients and the signature block
(T/M, K/T). The margins are configurable (`COSO_REPORT_MARGINS_MM`, docs/reports.md).
"""

import datetime as dt
import io
import re
from dataclasses import dataclass
from functools import lru_cache
from xml.sax.saxutils import escape

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as _
from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Mm, Pt

from reports.content import NUMERIC, Report, Table
from reports.render.charts import chart_png

FONT = "Times New Roman"
BODY_PT = 14


@dataclass(frozen=True)
class Margins:
    """Page margins in millimetres: Hướng dẫn 36-HD/VPTW asks for 20–25 top and bottom, 30–35 left, 15–20
    right."""

    top: float = 20
    right: float = 15
    bottom: float = 20
    left: float = 30

    @classmethod
    def configured(cls) -> "Margins":
        raw = getattr(settings, "COSO_REPORT_MARGINS_MM", "")
        if not raw:
            return cls()
        try:
            top, right, bottom, left = (float(part) for part in raw.split(","))
        except ValueError as exc:
            raise ImproperlyConfigured(
                "COSO_REPORT_MARGINS_MM: four numbers of mm, top, right, bottom, left (20,15,20,30)"
            ) from exc
        return cls(top, right, bottom, left)


@dataclass(frozen=True)
class Signature:
    """Who signs: on behalf of the Standing Committee (T/M), the Secretary, or a Deputy Secretary for the
    Secretary (K/T); the name under the space for the signature."""

    deputy: bool = False
    name: str = ""


def document_date(day: dt.date) -> str:
    """ "ngày 05 tháng 12 năm 2026": a day below 10, and January and February, with a leading zero."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return _("day {day} month {month} year {year}").format(day=f"{day.day:02d}", month=month, year=day.year)


def _fonts(run, size: float | None = None, *, bold=None, italic=None) -> None:
    run.font.name = FONT
    properties = run._element.get_or_add_rPr()
    fonts = properties.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        properties.insert(0, fonts)
    for attribute in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attribute), FONT)
    if size is not None:
        run.font.size = Pt(size)
    if bold is not None:
        run.font.bold = bold
    if italic is not None:
        run.font.italic = italic


def _paragraph(
    container,
    text: str = "",
    size: float = BODY_PT,
    *,
    bold=False,
    italic=False,
    align=None,
    indent: bool = False,
    after: float = 0,
    before: float = 0,
):
    paragraph = container.add_paragraph()
    if text:
        _fonts(paragraph.add_run(text), size, bold=bold, italic=italic)
    fmt = paragraph.paragraph_format
    fmt.space_after, fmt.space_before = Pt(after), Pt(before)
    if align is not None:
        paragraph.alignment = align
    if indent:
        fmt.first_line_indent = Cm(1.27)
    return paragraph


def _rule_under(paragraph) -> None:
    """A short rule under a line, as a bottom border of the paragraph."""
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for name, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(name), value)
    borders.append(bottom)
    paragraph._p.get_or_add_pPr().append(borders)


def _no_borders(table) -> None:
    properties = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    properties.append(borders)


TABLE_STYLE = "Coso Table Text"
TABLE_STYLE_ID = "CosoTableText"  # the id Word and python-docx give the style of that name
SMALL_TABLE_STYLE = "Coso Table Small"
SMALL_TABLE_STYLE_ID = "CosoTableSmall"


def _cell(cell, text: str = "", size: float = BODY_PT, **kwargs):
    """The cell's first paragraph, with `text`."""
    paragraph = cell.paragraphs[0]
    if text:
        _fonts(
            paragraph.add_run(text), size, bold=kwargs.get("bold", False), italic=kwargs.get("italic", False)
        )
    paragraph.alignment = kwargs.get("align", WD_ALIGN_PARAGRAPH.CENTER)
    paragraph.paragraph_format.space_after = Pt(0)
    return paragraph


def _header(document, report: Report, number: str, issued_on: dt.date) -> None:
    org = report.organisation
    table = document.add_table(rows=1, cols=2)
    _no_borders(table)
    left, right = table.rows[0].cells
    left.width, right.width = Cm(7.5), Cm(9)
    _cell(left, org.superior_body.upper(), 14)
    _paragraph(left, org.issuing_body, 14, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    _paragraph(left, "*", 14, align=WD_ALIGN_PARAGRAPH.CENTER)
    _paragraph(left, f"Số {number}-BC/{org.symbol}", 14, align=WD_ALIGN_PARAGRAPH.CENTER)
    party = _cell(right, "ĐẢNG CỘNG SẢN VIỆT NAM", 15, bold=True)
    _rule_under(party)
    place = f"{org.place}, {document_date(issued_on)}" if org.place else document_date(issued_on).capitalize()
    _paragraph(right, place, 14, italic=True, align=WD_ALIGN_PARAGRAPH.CENTER, before=6)


def _page_numbers(section) -> None:
    """The page number at the top centre from the second page on, in Times New Roman 14 pt (Hướng dẫn
    36-HD/VPTW): a PAGE field in the header, and an empty header for the first page ("different first
    page")."""
    section.different_first_page_header_footer = True
    section.header_distance = Mm(10)
    section.first_page_header.is_linked_to_previous = False
    paragraph = section.header.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.paragraph_format.space_after = Pt(0)
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), " PAGE ")
    run = paragraph.add_run("2")  # the field's last value, shown until the reader updates it
    _fonts(run, BODY_PT)
    paragraph._p.remove(run._r)
    field.append(run._r)
    paragraph._p.append(field)


TABLE_PT = 11  # the table style's size
SMALL_TABLE_PT = 9.5  # a table whose numbers do not fit at 11 pt is set smaller rather than broken
CELL_PADDING_MM = 4.1  # a cell's left and right margins in "Table Grid" (0.08 in each) and a little air
TEXT_COLUMN_MM = 70  # a text column asks for no more than this; longer names wrap
TEXT_WORD_MM = 25  # nor, at least, for more than this to hold its longest word
MEASURE_FONTS = ("Liberation Serif", "DejaVu Serif")  # what the widths are measured in (text_mm)


@lru_cache(maxsize=8)
def _font(family: str, bold: bool):
    """A font file of the system as matplotlib finds it, opened by Pillow at 10 times the table's size (for
    precision) and by FreeType (to ask which letters it has)."""
    from matplotlib import font_manager
    from matplotlib.ft2font import FT2Font
    from PIL import ImageFont

    properties = font_manager.FontProperties(family=family, weight="bold" if bold else "normal")
    path = font_manager.findfont(properties)
    return ImageFont.truetype(path, size=10 * TABLE_PT), FT2Font(path)


@lru_cache(maxsize=4096)
def _has(bold: bool, letter: str) -> bool:
    return _font(MEASURE_FONTS[0], bold)[1].get_char_index(ord(letter)) != 0


def text_mm(text: str, *, bold: bool = False, size: float = TABLE_PT) -> float:
    """The width of a line of text as LibreOffice and the PDF set it, in mm: in Liberation Serif (the metric
    twin of Times New Roman), and the letters it lacks (ạ, ứ, ể, …: most Vietnamese letters with a mark
    below or two marks) in DejaVu Serif, which is wider, as LibreOffice falls back to it."""
    return _points(text, bold) / 10 * (size / TABLE_PT) * 25.4 / 72


@lru_cache(maxsize=16384)
def _points(text: str, bold: bool) -> float:
    points = 0.0
    run, run_font = "", MEASURE_FONTS[0]
    for letter in text:
        family = MEASURE_FONTS[0] if _has(bold, letter) else MEASURE_FONTS[1]
        if family != run_font and run:
            points += _font(run_font, bold)[0].getlength(run)
            run = ""
        run += letter
        run_font = family
    if run:
        points += _font(run_font, bold)[0].getlength(run)
    return points


def _widest(texts, size: float) -> float:
    """The widest of many texts, measuring only the longest by their letters (within a fifth of the longest,
    and at least two letters): a text much shorter is never the widest in one font and size."""
    longest = max((len(text) for text in texts), default=0)
    if not longest:
        return 0.0
    floor = min(longest - 2, longest * 0.8)
    return max(text_mm(text, size=size) for text in texts if len(text) >= floor)


def _needs(table: Table, texts: list[list[str]], size: float) -> tuple[list[float], list[float], list[bool]]:
    """Each column's wish (its widest value or heading word, in mm with the cell's margins), the least it can
    do with (a number: its widest value; a text: its longest word), and whether it is a text column."""
    need, least, is_text = [], [], []
    for index, column in enumerate(table.columns):
        values = [row[index] for row in texts]
        widest = _widest(values, size)
        heading_word = max((text_mm(w, bold=True, size=size) for w in column.label.split()), default=0)
        if column.kind in NUMERIC:
            width = max(widest, heading_word) + CELL_PADDING_MM
            need.append(width)
            least.append(max(widest, min(heading_word, TEXT_WORD_MM)) + CELL_PADDING_MM)
            is_text.append(False)
        else:
            words = {w for value in values for w in value.split()}
            word = min(max(heading_word, _widest(words, size)), TEXT_WORD_MM) + CELL_PADDING_MM
            need.append(max(min(widest + CELL_PADDING_MM, TEXT_COLUMN_MM), word))
            least.append(word)
            is_text.append(True)
    return need, least, is_text


def column_widths(table: Table, texts: list[list[str]], available_mm: float) -> tuple[list[float], float]:
    """Each column's width in mm, filling `available_mm`, and the size of the table's text. A number's column
    is as wide as its widest value, so that an amount or a rate never breaks across lines (LibreOffice and
    Word otherwise give every column the same width, and cut "12.677.419" after its fifth digit, "73,4%"
    before its %); the text columns share the rest, each at least as wide as its longest word. Room to spare
    goes to every column in proportion; when the numbers and the words do not fit at 11 pt, the table is set
    at 9.5 pt; when they still do not, every column shrinks in proportion."""
    size = TABLE_PT
    need, least, is_text = _needs(table, texts, size)
    if sum(least) > available_mm:
        size = SMALL_TABLE_PT
        need, least, is_text = _needs(table, texts, size)
    widths = list(need)
    total = sum(widths)
    if total <= available_mm:
        return [width * available_mm / total for width in widths], size
    # Too wide: the text columns give up their width down to their longest word, then all shrink alike.
    text_columns = [i for i, text in enumerate(is_text) if text]
    spare = sum(widths[i] - least[i] for i in text_columns)
    cut = min(spare, total - available_mm)
    if spare > 0:
        for i in text_columns:
            widths[i] -= cut * (widths[i] - least[i]) / spare
    total = sum(widths)
    if total > available_mm:
        widths = [width * available_mm / total for width in widths]
    return widths, size


# What XML 1.0 cannot hold (control characters a pasted name may carry): left out of a cell's text.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_ALIGN = {WD_ALIGN_PARAGRAPH.CENTER: "center", WD_ALIGN_PARAGRAPH.RIGHT: "right"}


def _tc_xml(text: str, twips: str, *, style: str, align=None, bold=False, italic=False, span: int = 1) -> str:
    """One cell: its width (Word reads each cell's, LibreOffice the grid's), one paragraph in the table
    style, aligned, with one run."""
    span_xml = f'<w:gridSpan w:val="{span}"/>' if span > 1 else ""
    jc = f'<w:jc w:val="{_ALIGN[align]}"/>' if align in _ALIGN else ""
    marks = ("<w:b/>" if bold else "") + ("<w:i/>" if italic else "")
    run = ""
    if text:
        text = escape(_NOT_XML.sub("", text))
        run = f'<w:r>{f"<w:rPr>{marks}</w:rPr>" if marks else ""}<w:t xml:space="preserve">{text}</w:t></w:r>'
    return (
        f'<w:tc><w:tcPr><w:tcW w:w="{twips}" w:type="dxa"/>{span_xml}</w:tcPr>'
        f'<w:p><w:pPr><w:pStyle w:val="{style}"/>{jc}</w:pPr>{run}</w:p></w:tc>'
    )


def _table(document, table: Table, available_mm: float) -> None:
    """A numbered table: its caption kept with it, then the grid, written as XML in one piece (through
    python-docx's cells, the city's 2,450 cells took most of the briefing's time). A fixed layout whose
    widths are measured (column_widths); no row is cut across two pages (a long name would leave its last
    line alone at the top of the next), and the heading row is printed again on each page the table runs
    onto."""
    caption = _("Table {number}. {title}").format(number=table.number, title=table.title)
    heading = _paragraph(document, caption, 13, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, before=6, after=3)
    heading.paragraph_format.keep_with_next = True  # a caption never ends a page without its table
    rows = table.printed_rows
    texts = [table.cells(row) for row in rows]
    measured, size = column_widths(table, texts, available_mm)
    twips = [str(Mm(width).twips) for width in measured]
    style = TABLE_STYLE_ID if size == TABLE_PT else SMALL_TABLE_STYLE_ID
    centre, right = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.RIGHT
    keep = '<w:cantSplit w:val="true"/>'
    heading_row = "".join(
        _tc_xml(column.label, width, style=style, align=centre, bold=True)
        for column, width in zip(table.columns, twips, strict=True)
    )
    body = []
    if not rows:
        total = str(sum(int(width) for width in twips))
        empty = _("Nothing in this period.")
        cell = _tc_xml(empty, total, style=style, align=centre, italic=True, span=len(twips))
        body.append(f"<w:tr><w:trPr>{keep}</w:trPr>{cell}</w:tr>")
    aligns = [right if column.kind in NUMERIC else None for column in table.columns]
    for cells in texts:
        row = "".join(
            _tc_xml(text, width, style=style, align=align)
            for text, width, align in zip(cells, twips, aligns, strict=True)
        )
        body.append(f"<w:tr><w:trPr>{keep}</w:trPr>{row}</w:tr>")
    grid = "".join(f'<w:gridCol w:w="{width}"/>' for width in twips)
    document.element.body._insert_tbl(
        parse_xml(
            f"<w:tbl {nsdecls('w')}><w:tblPr>"
            '<w:tblStyle w:val="TableGrid"/><w:tblW w:w="0" w:type="auto"/><w:jc w:val="center"/>'
            '<w:tblLayout w:type="fixed"/><w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" '
            'w:firstColumn="1" w:lastColumn="0" w:noHBand="0" w:noVBand="1"/>'
            f"</w:tblPr><w:tblGrid>{grid}</w:tblGrid>"
            f'<w:tr><w:trPr>{keep}<w:tblHeader w:val="true"/></w:trPr>{heading_row}</w:tr>'
            f"{''.join(body)}</w:tbl>"
        )
    )
    if table.cut:
        note = _("The first {shown} of {rows} rows; the annex holds them all.").format(
            shown=table.shown, rows=table.data_count
        )
        _paragraph(document, note, 12, italic=True, before=3)


def _signature(document, report: Report, signature: Signature) -> None:
    table = document.add_table(rows=1, cols=2)
    _no_borders(table)
    left, right = table.rows[0].cells
    _cell(left, _("Recipients:"), 12, bold=True, italic=True, align=WD_ALIGN_PARAGRAPH.LEFT)
    for line in (
        _("- The members of the Standing Committee,"),
        _("- Filed at the office."),
    ):
        _paragraph(left, line, 11)
    _cell(right, "T/M BAN THƯỜNG VỤ", 14, bold=True)
    if signature.deputy:
        _paragraph(right, "K/T BÍ THƯ", 14, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
        _paragraph(right, "PHÓ BÍ THƯ", 14, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    else:
        _paragraph(right, "BÍ THƯ", 14, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    for _blank in range(3):
        _paragraph(right, "", 14)
    _paragraph(right, signature.name, 14, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)


def render_docx(
    report: Report,
    *,
    number: str = "",
    issued_on: dt.date | None = None,
    margins: Margins | None = None,
    signature: Signature | None = None,
) -> bytes:
    """The report as DOCX bytes. `number` empty leaves room for it ("Số      -BC/TU"), as on a draft."""
    document = Document()
    margins = margins or Margins.configured()
    for section in document.sections:
        section.page_height, section.page_width = Mm(297), Mm(210)
        section.top_margin, section.bottom_margin = Mm(margins.top), Mm(margins.bottom)
        section.left_margin, section.right_margin = Mm(margins.left), Mm(margins.right)
        _page_numbers(section)
    normal = document.styles["Normal"]
    normal.font.name, normal.font.size = FONT, Pt(BODY_PT)
    fonts = normal.element.get_or_add_rPr().get_or_add_rFonts()
    for attribute in ("w:eastAsia", "w:cs"):
        fonts.set(qn(attribute), FONT)
    table_text = document.styles.add_style(TABLE_STYLE, WD_STYLE_TYPE.PARAGRAPH)
    if table_text.style_id != TABLE_STYLE_ID:  # python-docx would have named it otherwise
        raise RuntimeError(f"the table style's id is {table_text.style_id}")
    table_text.base_style = normal
    table_text.font.name, table_text.font.size = FONT, Pt(TABLE_PT)
    table_text.paragraph_format.space_after = Pt(0)
    small = document.styles.add_style(SMALL_TABLE_STYLE, WD_STYLE_TYPE.PARAGRAPH)
    if small.style_id != SMALL_TABLE_STYLE_ID:
        raise RuntimeError(f"the small table style's id is {small.style_id}")
    small.base_style = table_text
    small.font.size = Pt(SMALL_TABLE_PT)

    available = 210 - margins.left - margins.right  # the width of the text on an A4 page, in mm
    _header(document, report, number or "\u00a0" * 6, issued_on or report.generated_at.date())
    _paragraph(document, "BÁO CÁO", 16, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, before=18)
    _paragraph(document, report.subject, 14, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, after=3)
    _paragraph(document, "-----", 14, align=WD_ALIGN_PARAGRAPH.CENTER, after=12)
    for section in report.sections:
        title = _paragraph(
            document, f"{section.number}. {section.title}", BODY_PT, bold=True, before=6, after=3, indent=True
        )
        title.paragraph_format.keep_with_next = True
        for text in section.paragraphs:
            _paragraph(document, text, BODY_PT, align=WD_ALIGN_PARAGRAPH.JUSTIFY, indent=True, after=6)
        for table in section.tables:
            _table(document, table, available)
        for chart in section.charts:
            picture = document.add_paragraph()
            picture.alignment = WD_ALIGN_PARAGRAPH.CENTER
            picture.paragraph_format.keep_with_next = True  # with its caption
            picture.add_run().add_picture(io.BytesIO(chart_png(chart)), width=Cm(15))
            caption = _("Chart {number}. {title}").format(number=chart.number, title=chart.title)
            _paragraph(document, caption, 13, italic=True, align=WD_ALIGN_PARAGRAPH.CENTER, after=6)
    _paragraph(document, "", BODY_PT, after=6)
    _signature(document, report, signature or Signature())
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
