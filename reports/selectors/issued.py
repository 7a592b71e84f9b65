"""Reads of the issued reports: the organisation's archive and the drafts the schedule prepared, for the
office and the Standing Board."""

from django.db.models import QuerySet
from django.http import Http404

from core.scoping import visible
from reports.models import BriefingDraft, IssuedReport
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


def draft_list(*, user) -> QuerySet[BriefingDraft]:
    """The organisation's drafts prepared by the schedule, the latest period first, without their files."""
    if not can_read_briefing(user):
        return BriefingDraft.objects.none()
    return visible(BriefingDraft.objects.all(), user).defer(*FILES, "content").order_by("-last_day", "-id")


def get_draft_for_user(*, user, pk: int) -> BriefingDraft:
    """One draft, files deferred; 404 for missing and for another organisation's alike."""
    draft = draft_list(user=user).filter(pk=pk).first()
    if draft is None:
        raise Http404
    return draft


def draft_file(draft: BriefingDraft, fmt: str) -> bytes:
    if fmt not in FILES:
        raise Http404
    return bytes(BriefingDraft.objects.values_list(fmt, flat=True).get(pk=draft.pk))
