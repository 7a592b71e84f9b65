"""Reads of the issued reports: the organisation's archive, for the office and the Standing Board."""

from django.db.models import QuerySet
from django.http import Http404

from core.scoping import visible
from reports.models import IssuedReport
from reports.permissions import can_read_briefing

FILES = ("docx", "xlsx", "pdf")


def issued_list(*, user) -> QuerySet[IssuedReport]:
    """The organisation's issued reports, newest first, without their files (read when downloaded)."""
    if not can_read_briefing(user):
        return IssuedReport.objects.none()
    return (
        visible(IssuedReport.objects.all(), user)
        .select_related("issued_by")
        .defer(*FILES, "content")
        .order_by("-issued_at", "-id")
    )


def get_issued_for_user(*, user, pk: int) -> IssuedReport:
    """One issued report, files deferred; 404 for missing and for another organisation's alike."""
    issued = issued_list(user=user).filter(pk=pk).first()
    if issued is None:
        raise Http404
    return issued


def issued_file(issued: IssuedReport, fmt: str) -> bytes:
    """One stored file of an issued report, as it was issued (one query)."""
    if fmt not in FILES:
        raise Http404
    return bytes(IssuedReport.objects.values_list(fmt, flat=True).get(pk=issued.pk))
