"""Request and response helpers the apps' views share: the posted version, the filters as a query string,
a gate as a yes or no, and downloads (Excel workbooks, attached files)."""

from django.http import FileResponse, Http404, HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header

from core import audit
from core.converters import MAX_ID
from core.errors import ConflictError
from core.listing import query_string_without
from core.models import AuditAction

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def posted_version(request) -> int:
    """The `version` an action posted for optimistic locking; missing or malformed is a conflict, so that
    an action never overwrites a change its page did not show."""
    raw = request.POST.get("version", "").strip()
    if not (raw.isascii() and raw.isdigit() and 1 <= int(raw) <= MAX_ID):
        raise ConflictError()
    return int(raw)


def filter_query(request, *drop: str) -> str:
    """The current filters as a query string, without paging (and without `drop`), with no trailing "&"."""
    return query_string_without(request, "page", *drop).removesuffix("&")


def allowed(gate, **kwargs) -> bool:
    """Whether a get_*_for_user gate lets the user through for an action (the gate answers 404 if not)."""
    try:
        gate(**kwargs)
    except Http404:
        return False
    return True


def xlsx_response(data: bytes, filename: str) -> HttpResponse:
    """An Excel workbook as a download under `filename`."""
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["X-Content-Type-Options"] = "nosniff"
    return response


def xlsx_export(request, data: bytes, stem: str) -> HttpResponse:
    """An export: the workbook under a dated file name, and an audit event saying who took what."""
    filename = f"{stem}-{timezone.localdate():%Y-%m-%d}.xlsx"
    query = filter_query(request)
    audit.record(
        actor=request.user,
        action=AuditAction.EXPORT,
        note=f"{filename}{'?' + query if query else ''}",
    )
    return xlsx_response(data, filename)


def attachment_response(attachment) -> FileResponse:
    """An attached file, always as a download (404 when the stored file is gone); the caller checks that
    the user may see the record it is attached to."""
    try:
        handle = attachment.file.open("rb")
    except OSError as exc:
        raise Http404 from exc
    response = FileResponse(
        handle, as_attachment=True, filename=attachment.name, content_type=attachment.mime_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    # Whatever the file holds, a browser never runs it as a page of this site.
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
