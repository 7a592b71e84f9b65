"""The formats a report is served in, by the page, the API and the command alike."""

from dataclasses import dataclass

from django.http import HttpResponse
from django.utils.http import content_disposition_header
from django.utils.translation import override

from core import audit
from core.models import AuditAction
from core.periods import Period
from core.text import nfc
from reports.content import Report, as_json
from reports.selectors.briefing import briefing


@dataclass(frozen=True)
class Format:
    extension: str
    content_type: str


FORMATS = {
    "json": Format("json", "application/json"),
    "docx": Format("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "xlsx": Format("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "pdf": Format("pdf", "application/pdf"),
}
DOCUMENTS = tuple(name for name in FORMATS if name != "json")


def build(*, user, period: Period, fmt: str) -> Report:
    """The briefing's content. The documents are Party documents, in Vietnamese whatever the reader's
    language; the page and the JSON follow the reader's language."""
    if fmt in DOCUMENTS:
        with override("vi"):
            return briefing(user=user, period=period)
    return briefing(user=user, period=period)


def render(report: Report, fmt: str, **options) -> bytes:
    """The report's bytes in a document format: docx, xlsx (the annex) or pdf."""
    with override("vi"):
        if fmt == "docx":
            from reports.render.docx import render_docx

            return render_docx(report, **options)
        if fmt == "xlsx":
            from reports.render.xlsx import render_xlsx

            return render_xlsx(report)
        if fmt == "pdf":
            from reports.render.pdf import render_pdf

            return render_pdf(report, **options)
    raise ValueError(fmt)


def options(fmt: str, *, deputy: bool = False, signer: str = "") -> dict:
    """The options of a format from the request or the command: who signs the DOCX."""
    if fmt in ("docx", "pdf"):
        from reports.render.docx import Signature

        return {"signature": Signature(deputy=deputy, name=nfc(signer)[:100])}
    return {}


def filename(report: Report, fmt: str) -> str:
    return f"bao-cao-ban-thuong-vu-{report.organisation.code}-{report.period_code.replace('..', '_')}.{fmt}"


def download(request, report: Report, fmt: str, data: bytes) -> HttpResponse:
    """A document as a download, with an audit event saying who took which report (as the exports do)."""
    return send(request, filename(report, fmt), fmt, data)


def issued_filename(issued, fmt: str) -> str:
    number = issued.symbol.replace("/", "-").lower()
    return f"bao-cao-so-{number}-{issued.period_code.replace('..', '_')}.{fmt}"


def draft_filename(draft, fmt: str) -> str:
    return f"du-thao-bao-cao-ban-thuong-vu-{draft.period_code.replace('..', '_')}.{fmt}"


def send(request, name: str, fmt: str, data: bytes) -> HttpResponse:
    audit.record(actor=request.user, action=AuditAction.EXPORT, note=name)
    response = HttpResponse(data, content_type=FORMATS[fmt].content_type)
    response["Content-Disposition"] = content_disposition_header(True, name)
    response["X-Content-Type-Options"] = "nosniff"
    return response


def json_of(report: Report) -> dict:
    return as_json(report)
