"""Every registered import against every hostile file, through the paths users take.

The imports are read from core.imports' registry, and each one's page (an ObjectImportView of the URL conf,
whose blank template the content cases start from): an import registered later is tried too, and one
without a page and a template fails here. Each file of the corpus must be refused as a whole, with
messages in Vietnamese when Vietnamese is the language (not the English text of the catalogue), nothing
written besides the job's row and the refusal's audit event, and the process's memory bounded.
"""

import datetime as dt
import functools
import html
import io
import random
import re
import struct
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import translation
from openpyxl import Workbook, load_workbook

from core import imports
from core.models import AuditEvent, ImportJob, ImportStatus
from core.toolkit import ObjectImportView

# Letters only Vietnamese writes (a message in Vietnamese has some; the English catalogue's have none).
VIETNAMESE = re.compile("[ăâđêôơưàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ]", re.I)
EXPECTED_KINDS = {"incidents", "directives", "disbursements"}
MEMORY_BOUND_MB = 32  # growth of the peak resident size over the corpus (measured: about 1 MB)


# --- the imports and their pages ------------------------------------------------------------------


def import_pages() -> dict[str, tuple[type, str]]:
    """Each registered import's page in the URL conf: the ObjectImportView class and its URL name."""
    found: dict[str, tuple[type, str]] = {}

    def walk(patterns, namespace: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                walk(pattern.url_patterns, inner)
            elif isinstance(pattern, URLPattern):
                view = getattr(pattern.callback, "view_class", None)
                if view is not None and issubclass(view, ObjectImportView) and view.import_kind:
                    found.setdefault(view.import_kind, (view, f"{namespace}{pattern.name}"))

    walk(get_resolver().url_patterns, "")
    return found


@dataclass
class Kind:
    key: str
    params: dict
    page_url: str
    template: bytes
    user: object


@pytest.fixture
def kinds(office, hanoi) -> list[Kind]:
    """Every registered import, ready to be given a file as the office of the organisation."""
    from followup import services as followup_services

    notice = followup_services.notice_create(
        actor=office,
        organization=hanoi,
        number="12-TB/TU",
        issued_on=dt.date(2026, 1, 5),
        title="Kết luận về giải phóng mặt bằng",
    )
    # What each import's target needs to find what it imports into (its page's URL takes the same id). An
    # import registered later that needs one fails below (404) until it is given here.
    params = {"directives": {"notice": notice.pk}}
    pages = import_pages()
    found = []
    for kind in imports.registered():
        assert kind.key in pages, f"the import {kind.key!r} has no page (ObjectImportView) in the URL conf"
        view, url_name = pages[kind.key]
        assert view.template_workbook is not None, f"the import {kind.key!r} offers no template"
        kind_params = params.get(kind.key, {})
        with translation.override("vi"):
            template = view.template_workbook()
        found.append(
            Kind(
                kind.key,
                kind_params,
                reverse(url_name, args=list(kind_params.values())),
                template,
                office,
            )
        )
    return found


# --- the corpus -----------------------------------------------------------------------------------


@dataclass
class Case:
    name: str
    data: bytes
    file_name: str = "so-lieu.xlsx"
    # The cells (row, column letter) that must each have an error of their own.
    cells: tuple[tuple[int, str], ...] = ()


def saved(wb) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def edited(template: bytes, edit) -> tuple[bytes, tuple]:
    """The template with its first sheet edited: edit(sheet, heading row, [example row numbers])."""
    wb = load_workbook(io.BytesIO(template))
    ws = wb.worksheets[0]
    rows = [cells[0].row for cells in ws.iter_rows() if any(c.value is not None for c in cells)]
    result = edit(ws, rows[0], rows[1:])
    return saved(wb), result or ()


def number_cells(ws, rows) -> list:
    """The example rows' cells holding a number or a date: those an import reads as numbers or dates."""
    return [
        cell
        for row in rows
        for cell in ws[row]
        if isinstance(cell.value, int | float | dt.date) and not isinstance(cell.value, bool)
    ]


def text_in_number_cells(ws, heading, rows):
    cells = number_cells(ws, rows)
    assert cells, "the template's example rows hold no number or date"
    for cell in cells:
        cell.value = "khoảng hai mươi"
    return tuple((cell.row, cell.column_letter) for cell in cells)


def separators_as_text(ws, heading, rows):
    """Each example row twice: once with its numbers as "1.234.567", once as "1,5". A whole number read
    from either would be a misreading (1234567 or 15, 1.234 or 1): each such cell must be an error. A
    decimal (a coordinate) may read "1,5" as 1.5, so only its "1.234.567" is required to be an error."""
    last = ws.max_row
    required = []
    for offset, row in enumerate(rows):
        for copy, text in enumerate(("1.234.567", "1,5")):
            target = last + 1 + offset * 2 + copy
            for cell in ws[row]:
                value = cell.value
                new = ws.cell(row=target, column=cell.column, value=value)
                if isinstance(value, int | float) and not isinstance(value, bool):
                    new.value = text
                    if copy == 0 or isinstance(value, int) or float(value).is_integer():
                        required.append((target, cell.column_letter))
        for cell in ws[row]:
            cell.value = None
    assert required, "the template's example rows hold no number"
    return tuple(required)


def text_cells(ws, rows) -> list:
    return [cell for row in rows for cell in ws[row] if isinstance(cell.value, str) and cell.value.strip()]


def very_long_texts(ws, heading, rows):
    """Every text of the example rows 40,000 characters long (Excel's cell holds 32,767): each is an error,
    and no message repeats it."""
    cells = text_cells(ws, rows)
    words = [
        "đường",
        "phố",
        "hẻm",
        "ngõ",
        "phường",
        "xã",
        "quận",
        "huyện",
        "rác",
        "thải",
        "cháy",
        "kho",
        "hàng",
        "dân",
        "phản",
        "ánh",
        "xử",
        "lý",
        "gấp",
    ]
    pick = random.Random(12).choice
    for cell in cells:  # words in no order: the sheet compresses as text does, not as a repeated word
        cell.value = " ".join(pick(words) for _ in range(10_000))[:40_000]
    return tuple((cell.row, cell.column_letter) for cell in cells)


def extreme_numbers(ws, heading, rows):
    """The example rows' numbers and dates as the largest and the most negative numbers Excel stores."""
    cells = number_cells(ws, rows)
    for position, cell in enumerate(cells):
        cell.number_format = "General"
        cell.value = (9.99e307, -9.99e307, 10**30, -1)[position % 4]
    return tuple((cell.row, cell.column_letter) for cell in cells if cell.value != -1)


def merged(ws, heading, rows):
    first = rows[0]
    ws.merge_cells(start_row=first, start_column=1, end_row=first + 1, end_column=2)
    return ((first, "A"),)


def formulas(ws, heading, rows):
    """Formulas without a cached value (openpyxl writes none): in a text cell and in a number cell."""
    row = rows[0]
    ws.cell(row=row, column=1, value='=CONCATENATE("Dự án ", 1)')
    number = number_cells(ws, [row])
    target = number[0] if number else ws.cell(row=row, column=2)
    target.value = "=1+1"
    return ((row, "A"), (row, target.column_letter))


def wrong_headings(ws, heading, rows):
    for cell in ws[heading]:
        if cell.value is not None:
            cell.value = f"Cột {cell.column}"


def one_wrong_heading(ws, heading, rows):
    ws.cell(row=heading, column=1, value="Mã hồ sơ lưu trữ")
    return ((heading, "A"),)


def two_hundred_columns(ws, heading, rows):
    for column in range(1, 201):
        ws.cell(
            row=heading, column=column, value=ws.cell(row=heading, column=column).value or f"Cột {column}"
        )
        for row in rows:
            if ws.cell(row=row, column=column).value is None:
                ws.cell(row=row, column=column, value=column)


def far_cell(reference):
    def edit(ws, heading, rows):
        ws[reference] = "x"

    return edit


def png() -> bytes:
    """A real 1×1 PNG image."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


def with_sheet_xml(template: bytes, sheet_xml) -> bytes:
    """The template with its first sheet's XML replaced by what sheet_xml(old XML) writes to a zip."""
    source = zipfile.ZipFile(io.BytesIO(template))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for member in source.infolist():
            content = source.read(member.filename)
            if member.filename == "xl/worksheets/sheet1.xml":
                sheet_xml(target, member.filename, content.decode())
            else:
                target.writestr(member, content)
    return out.getvalue()


BOMB_MB = 32


def bomb_writer(target, name, xml):
    """The sheet's rows followed by BOMB_MB of blank space inside <sheetData>: 32 MB from about 32 KB."""
    head, tail = xml.split("</sheetData>", 1)
    with target.open(name, "w") as stream:
        stream.write(head.encode())
        block = b" " * (1 << 20)
        for _ in range(BOMB_MB):
            stream.write(block)
        stream.write(b"</sheetData>" + tail.encode())


def lying_bomb(template: bytes) -> bytes:
    """The zip bomb, its zip claiming 4 KB for the sheet (in its local header and its central directory):
    a reader that believes the sizes it checked must not inflate what the sheet really holds."""
    data = bytearray(with_sheet_xml(template, bomb_writer))
    archive = zipfile.ZipFile(io.BytesIO(bytes(data)))
    info = archive.getinfo("xl/worksheets/sheet1.xml")
    claimed = 4096
    local = info.header_offset
    assert data[local : local + 4] == b"PK\x03\x04"
    struct.pack_into("<I", data, local + 22, claimed)  # the local header's uncompressed size
    central = archive.start_dir
    while data[central : central + 4] == b"PK\x01\x02":
        name_length, extra_length, comment_length = struct.unpack("<HHH", data[central + 28 : central + 34])
        if data[central + 46 : central + 46 + name_length] == info.filename.encode():
            struct.pack_into("<I", data, central + 24, claimed)  # the central directory's
            break
        central += 46 + name_length + extra_length + comment_length
    lied = zipfile.ZipFile(io.BytesIO(bytes(data))).getinfo(info.filename)
    assert (lied.file_size, lied.compress_size) == (claimed, info.compress_size)
    return bytes(data)


def entities(target, name, xml):
    """An entity expansion ("billion laughs") declared before the sheet, used in a cell."""
    declarations = '<!ENTITY a0 "xxxxxxxxxx">' + "".join(
        f'<!ENTITY a{n} "{("&a" + str(n - 1) + ";") * 10}">' for n in range(1, 10)
    )
    head, body = xml.split("<worksheet", 1)
    cell = '<row r="999"><c r="A999" t="inlineStr"><is><t>&a9;</t></is></c></row>'
    xml = f"{head}<!DOCTYPE worksheet [{declarations}]><worksheet{body}".replace(
        "</sheetData>", cell + "</sheetData>"
    )
    target.writestr(name, xml)


TEMPLATE_EDITS = (
    ("wrong headings", wrong_headings),
    ("one unknown heading", one_wrong_heading),
    ("text in number cells", text_in_number_cells),
    ("separators written as text", separators_as_text),
    ("merged cells", merged),
    ("very long texts", very_long_texts),
    ("extreme numbers", extreme_numbers),
    ("formulas without cached values", formulas),
    ("200 columns", two_hundred_columns),
    ("a value at XFD200000", far_cell("XFD200000")),
    ("a value at A1048576", far_cell("A1048576")),
)


@functools.cache
def corpus(template: bytes) -> list[Case]:
    """The hostile files for one import, from its template where the case needs its headings (made once
    for the module's tests)."""
    cases = []
    for name, edit in TEMPLATE_EDITS:
        data, cells = edited(template, edit)
        cases.append(Case(name, data, cells=tuple(cells)))
    limit = settings.COSO_MAX_UPLOAD_MB * 1024 * 1024
    csv = "Tiêu đề,Nội dung,Mã địa bàn\r\nRác thải,Tồn đọng,70\r\n".encode()
    cases += [
        Case("an empty sheet", saved(Workbook())),
        Case("a zip bomb", with_sheet_xml(template, bomb_writer)),
        Case("a zip bomb whose zip lies about its size", lying_bomb(template)),
        Case("entities declared in the sheet", with_sheet_xml(template, entities)),
        Case("a renamed PNG image", png(), "anh-chup.xlsx"),
        Case("a CSV file renamed .xlsx", csv, "danh-sach.xlsx"),
        Case("an old .xls workbook", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4096), "so-lieu.xls"),
        Case("a file over the size limit", template + bytes(limit + 1 - len(template)), "lon.xlsx"),
    ]
    return cases


# --- what a refusal must leave behind ---------------------------------------------------------------

# Rows a refused import writes by design: its job, the refusal on the audit trail (checked below), and a
# signed-in client's session.
ALLOWED_WRITES = {ImportJob, AuditEvent, Session}


def row_counts() -> dict:
    return {
        model: model._default_manager.count()
        for model in apps.get_models()
        if model not in ALLOWED_WRITES and not model._meta.proxy and model._meta.managed
    }


def rss_mb(field: str) -> float:
    """VmRSS (now) or VmHWM (the peak since reset_peak_rss) of this process, in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    raise AssertionError(f"no {field}")


def reset_peak_rss() -> None:
    Path("/proc/self/clear_refs").write_text("5")


def vietnamese(message: str) -> bool:
    return bool(VIETNAMESE.search(message))


def refusal_by_service(kind: Kind, case: Case, language: str) -> tuple[ImportJob | None, list[dict]]:
    """The import started as the page and the API start it; the task runs at once (immediate backend).
    A file refused before a job is made (over the size limit) gives no job and its message."""
    upload = SimpleUploadedFile(case.file_name, case.data)
    with translation.override(language):
        try:
            job = imports.import_start(
                actor=kind.user, kind=kind.key, file=upload, params=dict(kind.params), language=language
            )
        except ValidationError as exc:
            return None, [{"row": None, "column": "", "message": str(m)} for m in exc.messages]
    return job, list(job.errors)


def check_refused(kind: Kind, case: Case, job, errors: list[dict]) -> None:
    where = f"{kind.key}, {case.name}"
    if job is not None:
        job.refresh_from_db()
        assert job.status == ImportStatus.REFUSED, (where, job.status, job.failure)
        assert job.created_count == 0, where
    assert errors, where
    for error in errors:
        assert vietnamese(error["message"]), (where, error["message"])
        # A message quotes a cell in a few words: never a whole long text, never a number of 300 digits.
        assert len(error["message"]) <= 500, (where, error["message"][:200])
        assert not re.search(r"\d{25}", error["message"].replace(".", "")), (where, error["message"][:200])
    for row, letter in case.cells:
        named = [e for e in errors if e["row"] == row and e["column"].split(" ")[0] == letter]
        assert named, (where, f"no error on {letter}{row}", errors)


# --- the tests ------------------------------------------------------------------------------------


def test_every_import_refuses_every_hostile_file(kinds):
    """Every file of the corpus through every registered import's service, in Vietnamese and in English:
    refused with its cells named, nothing written but the job and the refusal, memory bounded."""
    keys = {kind.key for kind in kinds}
    assert keys >= EXPECTED_KINDS, keys
    corpora = {kind.key: corpus(kind.template) for kind in kinds}
    assert all(len(cases) == len(TEMPLATE_EDITS) + 8 for cases in corpora.values())
    before = row_counts()
    events = AuditEvent.objects.count()
    jobs = ImportJob.objects.count()
    reset_peak_rss()
    baseline = rss_mb("VmRSS")
    runs = 0
    for kind in kinds:
        for case in corpora[kind.key]:
            job, errors = refusal_by_service(kind, case, "vi")
            check_refused(kind, case, job, errors)
            # The same refusal in English is another text: no Vietnamese message is a msgid left as it was.
            _job, english = refusal_by_service(kind, case, "en")
            assert len(english) == len(errors), (kind.key, case.name)
            for vi, en in zip(errors, english, strict=True):
                assert vi["message"] != en["message"], (kind.key, case.name, en["message"])
            runs += 2
    growth = rss_mb("VmHWM") - baseline
    assert row_counts() == before
    made = ImportJob.objects.count() - jobs
    sized = sum(1 for kind in kinds for case in corpora[kind.key] if case.name.startswith("a file over"))
    assert made == runs - 2 * sized  # a job for every refusal but those of a file too large to start
    refused = AuditEvent.objects.order_by("pk")[events:]
    assert {event.kind for event in refused} == {"import.refused"}
    assert len(refused) == made
    print(f"corpus of {runs} imports: the peak resident size grew by {growth:.1f} MB")
    assert growth < MEMORY_BOUND_MB, f"the peak resident size grew by {growth:.0f} MB"


def messages_of(page: str) -> str:
    """A page's text, its HTML entities decoded, for looking for a message in it."""
    return html.unescape(page)


def test_the_upload_page_and_the_api_refuse_the_corpus_too(kinds):
    """Every hostile file through an import's page (the form, then the job's page) and through the API
    (POST /api/v1/imports/, then the job), the imports taken in turn, in Vietnamese: refused, and nothing
    written. (The memory is
    measured on the service's path above: here the test client's own copies of a 20 MB upload would be
    counted.)"""
    from accounts.services import token_create

    office = kinds[0].user
    browser = Client(HTTP_ACCEPT_LANGUAGE="vi")
    browser.force_login(office)
    _token, raw = token_create(actor=office, user=office, name="nhập thử")
    api = Client(HTTP_ACCEPT_LANGUAGE="vi", HTTP_AUTHORIZATION=f"Bearer {raw}")
    before = row_counts()
    events = AuditEvent.objects.count()
    # Each case through one import's page and the API, the imports taken in turn: every import and every
    # case is tried this way, the service's path above tried them all with all.
    names = [case.name for case in corpus(kinds[0].template)]
    for n, name in enumerate(names):
        kind = kinds[n % len(kinds)]
        [case] = [case for case in corpus(kind.template) if case.name == name]
        where = (kind.key, case.name)
        # The page: the job's page shows the refusal; a file the import cannot start with is on the form.
        answer = browser.post(kind.page_url, {"file": SimpleUploadedFile(case.file_name, case.data)})
        if answer.status_code == 302:
            job = ImportJob.objects.latest("pk")
            assert answer["Location"] == job.get_absolute_url(), where
            check_refused(kind, case, job, job.errors)
            page = messages_of(browser.get(answer["Location"]).content.decode())
            assert job.errors[0]["message"] in page, where
        else:
            assert answer.status_code == 200, where
            form = answer.context["form"]
            assert form.errors.get("file"), where
            assert all(vietnamese(m) for m in form.errors["file"]), (where, form.errors)
        # The API: 202 and the job's address, the job refused; 422 for a file it cannot start with.
        upload = SimpleUploadedFile(case.file_name, case.data)
        answer = api.post("/api/v1/imports/", {"kind": kind.key, "file": upload, **kind.params})
        if answer.status_code == 202:
            state = api.get(answer.json()["url"])
            assert state.status_code == 200, where
            body = state.json()
            assert body["status"] == ImportStatus.REFUSED, (where, body)
            check_refused(kind, case, None, body["errors"])
            assert body["error_count"] >= len(body["errors"]) > 0, where
        else:
            assert answer.status_code == 422, (where, answer.status_code, answer.content[:300])
            assert vietnamese(answer.json()["detail"]), (where, answer.json())
    assert row_counts() == before
    assert set(AuditEvent.objects.order_by("pk")[events:].values_list("kind", flat=True)) == {
        "import.refused"
    }
    # The process still serves: the pages answer as before.
    for kind in kinds:
        assert browser.get(kind.page_url).status_code == 200
