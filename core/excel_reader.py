"""The first worksheet of an uploaded workbook, read for an import: bounded, streamed and fast.

`open_sheet` reads a sheet in two passes over its XML, decompressed a piece at a time and never kept whole:

1. a survey: every value must lie within MAX_COLUMNS and `last_row` (else the file is refused, naming the
   cell), the non-empty rows are counted exactly, the merged ranges collected, and the sheet's shape
   decided;
2. the rows, a piece at a time (`SheetSource.rows`), for the import to validate and write as it goes.

Two readers give the same rows. The fast one reads the shape Excel, LibreOffice and openpyxl write (cells
with an `r` attribute in the default namespace, a `<v>` value, a shared string, an `<is><t>` inline string,
a plain `<f>` formula) with compiled regular expressions over the decompressed text, and expat only for
the texts that hold entities. Anything else (a namespace prefix, a cell without `r`, rich text, a shared or
array formula, CDATA, a comment, rows out of order, an encoding other than UTF-8...) is read by the strict
one: `scan_sheet` (expat) bounds the sheet, then openpyxl reads it in read-only mode, streaming. Both give
each cell's value as openpyxl gives it: text, a number (int or float), a date-time from a number in a date
format (the workbook's 1900 or 1904 date system), True or False; a formula as `Formula` ("=..."), an Excel
error as `ExcelError` ("#N/A"). What a sheet claims (its `<dimension>`, far empty or styled cells) costs
nothing: a value outside the limits refuses the file in the survey, before any row is read.
"""

import datetime as dt
import io
import re
import warnings
import zipfile
from collections.abc import Iterator
from xml.parsers import expat

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.reader.excel import ExcelReader
from openpyxl.styles.stylesheet import apply_stylesheet
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import from_excel
from openpyxl.xml.constants import SHARED_STRINGS

MAX_COLUMNS = 40  # columns read (A to AN); a value further right refuses the file
MAX_MERGED = 1_000  # merged ranges in a sheet
MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"

_READ = 1 << 20  # bytes of XML decompressed at a time
_HEAD_LIMIT = 16 << 20  # a sheet whose rows start further than this is read by the strict reader
_SCAN_CHUNK = 64 * 1024


class Refused(Exception):
    """The file as a whole cannot be read: one error says why."""

    def __init__(self, message: str, sheet: str = ""):
        super().__init__(message)
        self.message = message
        self.sheet = sheet


class Formula(str):
    """A cell holding a formula: its text, "=..." as openpyxl gives it."""


class ExcelError(str):
    """A cell holding an Excel error: "#N/A", "#REF!"..."""


class _Unusual(Exception):
    """The sheet is not of the shape the fast reader reads: the strict reader reads it."""


def damaged(sheet: str = "") -> Refused:
    return Refused(_("The file is damaged: it cannot be opened as an Excel workbook."), sheet)


def beyond_limits(reference: str, last_row: int, sheet: str) -> Refused:
    return Refused(
        _(
            "Cell {cell} holds a value outside what an import reads: columns A to {column} ({columns} "
            "columns) and rows 1 to {rows}. Delete what lies outside and upload the file again."
        ).format(
            cell=reference,
            column=get_column_letter(MAX_COLUMNS),
            columns=MAX_COLUMNS,
            rows=number_format(last_row, force_grouping=True),
        ),
        sheet,
    )


def blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


# --- the strict scan ------------------------------------------------------------------------------

_REFERENCE = re.compile(r"^\$?([A-Za-z]{1,3})\$?([0-9]{1,7})$")
_VALUE_TAGS = frozenset({"v", "is", "f"})  # a cell's value, inline text or formula


def _reference(text: str, sheet: str) -> tuple[int, int]:
    """(row, column) of a cell reference such as B7, counted from 1."""
    match = _REFERENCE.match(text.strip())
    if not match:
        raise damaged(sheet)
    column = 0
    for letter in match.group(1).upper():
        column = column * 26 + ord(letter) - 64
    return int(match.group(2)), column


class _Scanner:
    """An expat pass over a worksheet's XML keeping two numbers a cell: the last row holding a value, and
    the merged ranges. A value outside MAX_COLUMNS and `last_row` refuses the file there; a document type
    declaration (entities) is refused as damage: a worksheet never has one."""

    def __init__(self, last_row: int, sheet: str):
        self.limit = last_row
        self.sheet = sheet
        self.last = 0
        self.merged: list[tuple[int, int, int, int]] = []
        self.sheet_data_ns = None  # the namespace of <sheetData>, for the fast reader
        self._row = self._column = 0
        self._in_cell = False
        parser = expat.ParserCreate(namespace_separator="}")
        parser.StartElementHandler = self._start
        parser.EndElementHandler = self._end
        parser.StartDoctypeDeclHandler = self._doctype
        parser.EntityDeclHandler = self._doctype
        self._parser = parser

    def _doctype(self, *_args) -> None:
        raise damaged(self.sheet)

    def _start(self, name: str, attrs: dict) -> None:
        namespace, _sep, local = name.rpartition("}")
        if local == "c":
            if reference := attrs.get("r"):
                self._row, self._column = _reference(reference, self.sheet)
            else:
                self._column += 1
            self._in_cell = True
        elif local in _VALUE_TAGS and self._in_cell:
            row, column = self._row, self._column
            if row > self.limit or column > MAX_COLUMNS:
                raise beyond_limits(f"{get_column_letter(min(column, 18_278))}{row}", self.limit, self.sheet)
            self.last = max(self.last, row)
        elif local == "row":
            reference = attrs.get("r")
            if reference is not None and not reference.strip().isdigit():
                raise damaged(self.sheet)
            self._row = int(reference) if reference is not None else self._row + 1
            self._column = 0
        elif local == "mergeCell":
            if len(self.merged) >= MAX_MERGED:
                raise Refused(
                    _("The sheet has more than {limit} merged ranges: unmerge its cells.").format(
                        limit=MAX_MERGED
                    ),
                    self.sheet,
                )
            first, _colon, end = attrs.get("ref", "").partition(":")
            (r0, c0), (r1, c1) = _reference(first, self.sheet), _reference(end or first, self.sheet)
            self.merged.append((r0, c0, r1, c1))
        elif local == "sheetData":
            self.sheet_data_ns = namespace

    def _end(self, name: str) -> None:
        if name.rpartition("}")[2] == "c":
            self._in_cell = False

    def feed(self, data: bytes, final: bool = False) -> None:
        try:
            self._parser.Parse(data, final)
        except expat.ExpatError:
            raise damaged(self.sheet) from None


def scan_sheet(stream, last_row: int, sheet: str) -> tuple[int, list[tuple[int, int, int, int]]]:
    """Stream a worksheet's XML once with expat, keeping nothing but two numbers per cell: the last row
    holding a value, and the merged ranges (first row, first column, last row, last column, from 1).

    A value outside MAX_COLUMNS and `last_row` refuses the file there, without reading further: what the
    sheet's `<dimension>` or a far empty cell claims allocates nothing.
    """
    scanner = _Scanner(last_row, sheet)
    while chunk := stream.read(_SCAN_CHUNK):
        scanner.feed(chunk)
    scanner.feed(b"", True)
    return scanner.last, scanner.merged


# --- the fast reader's patterns -------------------------------------------------------------------

_ATTRS = r'(?: (?!xmlns)[A-Za-z_][\w.:-]*="[^"<]*")*'
_NEAR = r"(?:[A-Z]|A[A-N])"  # the columns a value may lie in: A to AN
_EMPTY_CELL = r'<c r="[A-Z]{1,3}\d+"(?: s="\d+")?(?: t="[A-Za-z]+")?(?:/>|></c>)'
_NO_VALUE = r'(?: t="[A-Za-z]+")?(?:/>|></c>)'
_VALUE = (
    r'(?: t="inlineStr"><is><t(?: xml:space="preserve")?>[^<]*</t></is>'
    r'|(?: t="[nbe]")?>(?:<v>[^<&]+</v>|<f>[^<]+</f>(?:<v>[^<&]*</v>)?)'
    r'| t="s"><v>\d+</v>'
    r'| t="str"><f>[^<]+</f>(?:<v>[^<]*</v>)?'
    r")</c>"
)
# A cell of a row: within the columns read, its row's (a value, or none), or further right, empty.
_ROW_CELL = (
    r'<c r="(?:' + _NEAR + r'(?P=row)"(?: s="\d+")?(?:' + _VALUE + "|" + _NO_VALUE + r")"
    r'|[A-Z]{1,3}\d+"(?: s="\d+")?' + _NO_VALUE + ")"
)
# One match a row of the shape the fast reader reads: its number, whether it holds a value (a cell with a
# <v>, <f> or <is>), and, for anything else, the text that is not of that shape.
_ROW = re.compile(
    r'\s*(?:<row r="(?P<row>\d+)"' + _ATTRS + ">"
    r"(?:(?=(?:\s*" + _EMPTY_CELL + r")*\s*<c [^>]*(?<!/)>(<)[vfi])|)"
    r"(?:\s*" + _ROW_CELL + r")*\s*</row>"
    r'|<row r="\d+"' + _ATTRS + "/>"
    r"|(\S[^<]*|<))"
)
# A value cell, for the rows: column, row, style, the type's first letter, formula, value or inline text;
# without the formula (always empty) for a piece that holds none.
_CELL = re.compile(
    r'<c r="([A-Z]{1,3})(\d+)"(?: s="(\d+)")?(?: t="(\w)\w*")?>'
    r"(?:<f>([^<]*)</f>)?(?:(?:<v>|<is><t[^>]*>)([^<]*))?"
)
_CELL_NO_FORMULA = re.compile(
    r'<c r="([A-Z]{1,3})(\d+)"(?: s="(\d+)")?(?: t="(\w)\w*")?>()(?:(?:<v>|<is><t[^>]*>)([^<]*))?'
)
# What may be a blank value (text of spaces only, perhaps written as character references): the rows of
# a piece holding one are counted value by value.
_MAYBE_BLANK = r"<t[^>]*>(?:\s|&#\w+;)*</t>"
# What an XML text may not hold: control characters, U+FFFE and U+FFFF (in UTF-8, \xef\xbf\xbe and
# \xef\xbf\xbf), "]]>". In one pass in C, the control bytes, \xef and "]" become NUL (which no XML holds
# either); only a piece where one is found is looked at further.
_SUSPECT = bytes(0 if (b < 32 and b not in (9, 10, 13)) or b in b"\xef]" else b for b in range(256))
_CONTROL_BYTES = re.compile(b"[\x00-\x08\x0b\x0c\x0e-\x1f]|\xef\xbf[\xbe\xbf]|]]>")
_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*encoding=["']([A-Za-z0-9._-]+)["']""")
_SEPARATOR = "\ue000"
_COLUMNS = {get_column_letter(n): n - 1 for n in range(1, MAX_COLUMNS + 1)}


def _from_excel(number, epoch: dt.datetime, duration: bool):
    """openpyxl's from_excel (a serial number in a date format), the same arithmetic with one timedelta
    for a date on or after 1 March 1900; ExcelError("#VALUE!") out of range, as openpyxl reads it."""
    try:
        if not duration and number >= 61:
            day, fraction = divmod(number, 1)
            return epoch + dt.timedelta(days=day, milliseconds=round(fraction * 86_400 * 1000))
        return from_excel(number, epoch, timedelta=duration)
    except (OverflowError, ValueError):
        return ExcelError("#VALUE!")


def _parse_text(text: str, sheet: str) -> str:
    out: list[str] = []
    parser = expat.ParserCreate()
    parser.buffer_text = True
    parser.buffer_size = 1 << 16
    parser.CharacterDataHandler = out.append
    try:
        parser.Parse("<x>" + text + "</x>", True)
    except expat.ExpatError:
        raise damaged(sheet) from None
    return "".join(out)


def _unescape(texts: list[str], sheet: str) -> list[str]:
    """The texts as an XML parser reads them (entities and character references decoded, line ends
    normalised), all in one expat pass."""
    values = _parse_text(_SEPARATOR.join(texts), sheet).split(_SEPARATOR)
    if len(values) == len(texts):
        return values
    return [_parse_text(text, sheet) for text in texts]  # a text holds the separator itself


_SI = f"{MAIN_NS}}}si"


def _shared_strings(stream, sheet: str) -> list[str]:
    """The shared strings as openpyxl reads them: each <si>'s text followed by the texts of its rich-text
    runs (a <t>'s text up to its first child element, the last <t> of each), "x005F_" removed."""
    strings: list[str] = []
    stack: list[str] = []
    si: dict = {"plain": None, "runs": [], "run": None}
    text: dict = {"depth": 0, "parts": None, "open": False, "in_run": False}

    def start(name: str, _attrs) -> None:
        text["open"] = False  # a child element ends the text openpyxl keeps
        local = name.rpartition("}")[2]
        parent = stack[-1] if stack else ""
        if name == _SI:
            si.update(plain=None, runs=[], run=None)
        elif local == "t" and parent == _SI:
            text.update(depth=len(stack) + 1, parts=[], open=True, in_run=False)
        elif local == "t" and parent.rpartition("}")[2] == "r" and len(stack) > 1 and stack[-2] == _SI:
            text.update(depth=len(stack) + 1, parts=[], open=True, in_run=True)
        elif local == "r" and parent == _SI:
            si["run"] = None
        stack.append(name)

    def end(name: str) -> None:
        depth = len(stack)
        stack.pop()
        text["open"] = False
        if text["parts"] is not None and depth == text["depth"]:
            value = "".join(text["parts"]) if text["parts"] else None
            si["run" if text["in_run"] else "plain"] = value
            text["parts"] = None
        elif name.rpartition("}")[2] == "r" and stack and stack[-1] == _SI:
            if si["run"] is not None:
                si["runs"].append(si["run"])
            si["run"] = None
        elif name == _SI:
            strings.append(((si["plain"] or "") + "".join(si["runs"])).replace("x005F_", ""))

    def data(value: str) -> None:
        if text["open"]:
            text["parts"].append(value)

    def doctype(*_args) -> None:
        raise damaged(sheet)

    parser = expat.ParserCreate(namespace_separator="}")
    parser.buffer_text = True
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = data
    parser.StartDoctypeDeclHandler = doctype
    parser.EntityDeclHandler = doctype
    try:
        while chunk := stream.read(_READ):
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except expat.ExpatError:
        raise damaged(sheet) from None
    return strings


_SST_START = re.compile(
    rb'^(?:\xef\xbb\xbf)?\s*(?:<\?xml[^>]*\?>)?\s*<sst xmlns="'
    + MAIN_NS.encode()
    + rb'"(?: [\w:]+="[^"<]*")*>'
)
_UTF8 = re.compile(rb"""encoding=["']utf-?8["']""", re.IGNORECASE)
_PLAIN_SI = re.compile(r'\s*<si><t(?: xml:space="preserve")?>([^<]*)</t></si>|(\S[^<]*|<)')


def _plain_shared_strings(stream, sheet: str) -> list[str] | None:
    """The shared strings when each is a plain <si><t> (as Excel and LibreOffice write them), read with a
    regular expression a piece at a time, their texts decoded together by expat; None for any other shape
    (rich text, a prefix, a comment, another encoding...), which _shared_strings reads."""
    strings: list[str] = []
    buffer = stream.read(_READ)
    head = _SST_START.match(buffer)
    if head is None or (b"encoding=" in head.group() and not _UTF8.search(head.group())):
        return None
    buffer = buffer[head.end() :]
    while True:
        block = stream.read(_READ)
        buffer += block
        if block:
            end = buffer.rfind(b"</si>")
            if end < 0:
                continue
            piece, buffer = buffer[: end + len(b"</si>")], buffer[end + len(b"</si>") :]
        else:
            piece = buffer.rstrip()
            if not piece.endswith(b"</sst>"):
                return None
            piece = piece[: -len(b"</sst>")]
        if b"\0" in piece.translate(_SUSPECT) and _CONTROL_BYTES.search(piece):
            return None
        try:
            text = piece.decode("utf-8")
        except UnicodeDecodeError:
            return None
        found = _PLAIN_SI.findall(text)
        if any(junk for _text, junk in found):
            return None
        texts = [t for t, _junk in found]
        if "&" in text or "\r" in text:
            texts = _unescape(texts, sheet)
        strings += [t.replace("x005F_", "") if "x005F_" in t else t for t in texts]
        if not block:
            return strings


def _pieces(stream) -> Iterator[tuple[str, bytes]]:
    """The worksheet's XML as ("head", bytes before <sheetData>), then ("rows", whole rows) pieces, then
    ("tail", bytes) pieces: decompressed a megabyte at a time, rows never cut."""
    buffer = b""
    while True:  # the head
        block = stream.read(_READ)
        buffer += block
        start = buffer.find(b"<sheetData>")
        empty = buffer.find(b"<sheetData/>")
        if empty >= 0 and (start < 0 or empty < start):
            yield "head", buffer[:empty]
            yield "tail", buffer[empty + len(b"<sheetData/>") :]
            break
        if start >= 0:
            yield "head", buffer[:start]
            buffer = buffer[start + len(b"<sheetData>") :]
            break
        if not block or len(buffer) > _HEAD_LIMIT:
            raise _Unusual()
    seen = 0  # how much of the buffer was searched for </sheetData>
    while True:  # the rows
        end = buffer.find(b"</sheetData>", max(seen - 12, 0))
        seen = len(buffer)
        if end >= 0:
            if end:
                yield "rows", buffer[:end]
            yield "tail", buffer[end + len(b"</sheetData>") :]
            break
        cut = buffer.rfind(b"<row ")
        if cut > 0:
            yield "rows", buffer[:cut]
            buffer = buffer[cut:]
            seen -= cut
        block = stream.read(_READ)
        if not block:
            raise _Unusual()  # no </sheetData>: damaged, and the strict reader says so
        buffer += block
    while block := stream.read(_READ):
        yield "tail", block


class _FastSheet:
    """The fast reader (see the module's docstring). Raises _Unusual for a sheet of another shape."""

    def __init__(self, parts: "_Parts", limit: int):
        archive, name, wb, strings_path = parts.archive, parts.name, parts.wb, parts.strings_path
        self.archive = archive
        self.path = parts.path
        self.name = name
        self.limit = limit
        self.epoch = wb.epoch
        self.date_styles = frozenset(wb._date_formats)
        self.timedelta_styles = frozenset(wb._timedelta_formats)
        self.strings: list[str] = []
        if strings_path is not None:
            with archive.open(strings_path) as stream:
                strings = _plain_shared_strings(stream, name)
            if strings is None:  # rich text, or another shape: expat reads it
                with archive.open(strings_path) as stream:
                    strings = _shared_strings(stream, name)
            self.strings = strings
        blanks = [index for index, text in enumerate(self.strings) if not text.strip()]
        # A piece holding a value that may be blank has its rows counted value by value.
        maybe = _MAYBE_BLANK
        if len(blanks) > 200:
            maybe += r'|<c [^>]* t="s"><v>'
        elif blanks:
            maybe += r'| t="s"><v>(?:' + "|".join(map(str, blanks)) + ")</v>"
        self._maybe_blank = re.compile(maybe)
        self.merged: list[tuple[int, int, int, int]] = []
        self.count = 0

    # The survey: bounds, merged ranges, shape, the number of non-empty rows.
    def survey(self) -> None:
        scanner = _Scanner(self.limit, self.name)
        previous = 0
        with self.archive.open(self.path) as stream:
            for kind, piece in _pieces(stream):
                if kind == "rows":
                    previous = self._survey_rows(piece, previous)
                elif kind == "head":
                    self._check_head(piece)
                    scanner.feed(piece)
                    scanner.feed(b"<sheetData/>")
                else:
                    scanner.feed(piece)
        scanner.feed(b"", True)
        if scanner.sheet_data_ns != MAIN_NS:
            raise _Unusual()
        self.merged = scanner.merged

    def _check_head(self, head: bytes) -> None:
        match = _ENCODING.match(head)
        if match and match.group(1).lower() not in (b"utf-8", b"utf8"):
            raise _Unusual()
        try:
            text = head.decode("utf-8")
        except UnicodeDecodeError:
            raise _Unusual() from None
        if "<!" in text or "<?" in text.lstrip("\ufeff")[5:]:
            raise _Unusual()

    def _decode(self, piece: bytes) -> str:
        if b"\0" in piece.translate(_SUSPECT) and _CONTROL_BYTES.search(piece):
            raise _Unusual()
        try:
            return piece.decode("utf-8")
        except UnicodeDecodeError:
            raise _Unusual() from None

    def _survey_rows(self, piece: bytes, previous: int) -> int:
        text = self._decode(piece)
        found = _ROW.findall(text)
        count = 0
        for number, value, junk in found:
            if junk:
                raise _Unusual()
            if number:  # a row with cells; an empty row (<row/>) gives ""
                row = int(number)
                if row <= previous:
                    raise _Unusual()  # rows out of order
                previous = row
                if value:
                    if row > self.limit:
                        raise _Unusual()  # the strict scan names the cell
                    count += 1
        if self._maybe_blank.search(text):
            count = len(self._rows_of(text))
        self.count += count
        return previous

    # The rows.
    def rows(self) -> Iterator[tuple[int, list]]:
        with self.archive.open(self.path) as stream:
            for kind, piece in _pieces(stream):
                if kind == "rows":  # the survey checked the bytes
                    yield from self._rows_of(piece.decode("utf-8"))
                elif kind == "tail":
                    return

    def _rows_of(self, text: str) -> list[tuple[int, list, bool]]:
        """The non-empty rows of a piece of <sheetData> (see SheetSource.rows)."""
        rows: list[tuple[int, list]] = []
        solid: list[bool] = []  # whether the row holds a value that cannot be blank
        marked: set[int] = set()  # the rows (by position) holding a formula or an Excel error
        strings, dates, durations, epoch = self.strings, self.date_styles, self.timedelta_styles, self.epoch
        columns = _COLUMNS
        cells = _CELL.findall(text) if "<f>" in text else _CELL_NO_FORMULA.findall(text)
        raws = [cell[5] for cell in cells]
        if "&" in text or "\r" in text:  # entities and line ends, as an XML parser reads them: in one pass
            raws = _unescape(raws, self.name)
        current = None
        values: list = []
        sure = False
        for (column, row, style, kind, formula, _raw), raw in zip(cells, raws, strict=True):
            if row != current:
                if current is not None:
                    solid.append(sure)
                current, values, sure = row, [None] * MAX_COLUMNS, False
                rows.append((int(row), values))
            index = columns.get(column)
            if index is None:
                continue  # an empty cell beyond the last column: the survey refused any value there
            if formula:
                if "&" in formula or "\r" in formula:
                    formula = _unescape([formula], self.name)[0]
                values[index] = Formula("=" + formula)
                marked.add(len(rows))
                sure = True
            elif kind == "i":  # inlineStr
                values[index] = raw
                if not sure and raw.strip():
                    sure = True
            elif not raw:
                continue
            elif kind == "s":
                try:
                    value = strings[int(raw)]
                except (IndexError, ValueError):
                    raise damaged(self.name) from None
                values[index] = value
                if not sure and value.strip():
                    sure = True
            elif kind == "" or kind == "n":
                try:  # as openpyxl reads a number: a float with a point or an exponent, else an int
                    number = float(raw) if "." in raw or "E" in raw or "e" in raw else int(raw)
                except ValueError:
                    raise damaged(self.name) from None
                style_id = int(style) if style else 0
                if style_id in dates:
                    number = _from_excel(number, epoch, style_id in durations)
                    if number.__class__ is ExcelError:
                        marked.add(len(rows))
                values[index] = number
                sure = True
            elif kind == "b":
                try:
                    values[index] = bool(int(raw))
                except ValueError:
                    raise damaged(self.name) from None
                sure = True
            elif kind == "e":
                values[index] = ExcelError(raw)
                marked.add(len(rows))
                sure = True
            else:
                raise _Unusual()
        if current is not None:
            solid.append(sure)
        return [
            (number, values, position + 1 in marked)
            for position, ((number, values), sure) in enumerate(zip(rows, solid, strict=True))
            if sure or not all(map(blank, values))
        ]


class _StrictSheet:
    """The strict reader: scan_sheet bounds the sheet, openpyxl reads it in read-only mode, streaming."""

    def __init__(self, data: bytes, limit: int, count_limit: int):
        self.data = data
        self.limit = limit
        self.count_limit = count_limit
        parts = _Parts(data)
        self.name, self.path = parts.name, parts.path
        self.merged: list[tuple[int, int, int, int]] = []
        self.last = 0
        self.count = 0

    def survey(self) -> None:
        with zipfile.ZipFile(io.BytesIO(self.data)) as archive, archive.open(self.path) as stream:
            self.last, self.merged = scan_sheet(stream, self.limit, self.name)
        # Stop counting once there are more rows than an import may hold: the import says so.
        for count, _row in enumerate(self.rows(), start=1):
            self.count = count
            if count > self.count_limit:
                break

    def rows(self) -> Iterator[tuple[int, list]]:
        if not self.last:
            return
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            wb = load_workbook(io.BytesIO(self.data), read_only=True, data_only=False)
            try:
                ws = wb.worksheets[0]
                # The dimension an application wrote may be wrong: read the rows that are really there.
                ws.reset_dimensions()
                for number, cells in enumerate(
                    ws.iter_rows(min_row=1, max_row=self.last, max_col=MAX_COLUMNS), start=1
                ):
                    values = [_strict_value(cell) for cell in cells]
                    if not all(map(blank, values)):
                        yield number, values, any(isinstance(v, Formula | ExcelError) for v in values)
            finally:
                wb.close()


def _strict_value(cell):
    value = cell.value
    if cell.data_type == "f":
        return Formula(value if isinstance(value, str) else getattr(value, "text", None) or "=")
    if cell.data_type == "e" and value is not None:
        return ExcelError(value)
    return value


class SheetSource:
    """The first worksheet of a workbook, surveyed: its name, merged ranges and number of non-empty rows;
    `rows()` streams its non-empty rows: (row number as Excel numbers it, its MAX_COLUMNS values by column
    from 0, whether one of them is a Formula or an ExcelError)."""

    def __init__(self, reader, fast: bool):
        self._reader = reader
        self.fast = fast
        self.name: str = reader.name
        self.merged: list[tuple[int, int, int, int]] = reader.merged
        self.count: int = reader.count

    def rows(self) -> Iterator[tuple[int, list, bool]]:
        try:
            yield from self._reader.rows()
        except Refused:
            raise
        except _Unusual:
            raise damaged(self.name) from None
        except Exception:  # openpyxl raises many kinds of errors on a damaged part
            raise damaged(self.name) from None


def open_sheet(data: bytes, *, last_row: int, count_limit: int, strict: bool = False) -> SheetSource:
    """Survey the first worksheet of `data` (a checked .xlsx: see core.excel.check_package) and return it
    ready to stream. `last_row` is the last row a value may lie in; `count_limit`, the number of non-empty
    rows past which the strict reader stops counting (the fast one counts them all). `strict` forces the
    strict reader. Refused for a value out of bounds, too many merged ranges or a damaged file."""
    try:
        if not strict:
            try:
                reader = _open_fast(data, last_row)
                reader.survey()
                return SheetSource(reader, fast=True)
            except _Unusual:
                pass
        reader = _StrictSheet(data, last_row, count_limit)
        reader.survey()
        return SheetSource(reader, fast=False)
    except Refused:
        raise
    except Exception:  # openpyxl raises many kinds of errors on a damaged part
        raise damaged() from None


class _Parts:
    """The parts openpyxl would read, found as openpyxl finds them (without reading any worksheet): the first
    worksheet's name and path, the workbook's date system, its styles' date formats, its shared strings."""

    def __init__(self, data: bytes):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reader = ExcelReader(io.BytesIO(data), read_only=True, data_only=False)
            reader.read_manifest()
            reader.read_workbook()
            apply_stylesheet(reader.archive, reader.wb)
        self.archive = reader.archive
        self.wb = reader.wb
        strings = reader.package.find(SHARED_STRINGS)
        self.strings_path = strings.PartName[1:] if strings is not None else None
        # As openpyxl's read_worksheets: a sheet whose part is missing is left out; a chart sheet is none.
        for sheet, rel in reader.parser.find_sheets():
            if rel.target in reader.valid_files and "chartsheet" not in rel.Type:
                self.name, self.path = sheet.name, rel.target
                break
        else:
            raise Refused(_("The workbook has no worksheet."))


def _open_fast(data: bytes, limit: int) -> _FastSheet:
    return _FastSheet(_Parts(data), limit)
