"""Writes of the reports: issuing a briefing (its number in the term, its files stored for good), as a task
with its progress, and the drafts the schedule prepares."""

import datetime as dt
import logging

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.http import Http404
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.selectors import office_users
from core import audit
from core.errors import ConflictError
from core.models import AuditAction
from core.periods import Period
from core.services import notify
from core.text import nfc
from reports import formats
from reports.models import BriefingDraft, IssuedReport, IssueJob, IssueStatus
from reports.periods import briefing_period
from reports.permissions import can_issue
from reports.selectors.briefing import BRIEFING
from reports.terms import term_of

logger = logging.getLogger(__name__)


# Issuing's steps, as a job's page shows them: the figures, the DOCX, the PDF, the XLSX annex, storing.
ISSUE_STEPS = 5


def _taken(symbol: str) -> ConflictError:
    return ConflictError(
        _(
            "Number {symbol} is already taken in this term; nothing was overwritten. Leave the number out "
            "to take the next one."
        ).format(symbol=symbol)
    )


def next_number(*, organization_id: int, kind: str, term: str) -> int:
    found = IssuedReport.objects.filter(organization_id=organization_id, kind=kind, term=term).aggregate(
        n=Max("number")
    )
    return (found["n"] or 0) + 1


def issue_briefing(
    *,
    actor,
    period: Period,
    number: int | None = None,
    deputy: bool = False,
    signer: str = "",
    today: dt.date | None = None,
    progress=None,
) -> IssuedReport:
    """Issue the briefing of `period`: the next number of its kind in the term (or `number`, refused with a
    conflict when taken), its DOCX, XLSX, PDF and JSON produced once and stored as they are, who issued it
    and when, on the audit trail. The files are produced before the row is written; a number taken in the
    meantime by someone else is a conflict too, and nothing is written. `progress(step, steps)`, when given,
    is told as each step begins (ISSUE_STEPS)."""
    if not can_issue(actor):
        raise Http404
    issued_on = today or timezone.localdate()
    term = term_of(issued_on)
    org_id = actor.organization_id
    tell = progress or (lambda step, steps: None)
    tell(1, ISSUE_STEPS)
    report = formats.build(user=actor, period=period, fmt="docx")
    symbol_of = f"{{number}}-BC/{report.organisation.symbol}"
    if number is None:
        number = next_number(organization_id=org_id, kind=BRIEFING, term=term)
    elif IssuedReport.objects.filter(
        organization_id=org_id, kind=BRIEFING, term=term, number=number
    ).exists():
        raise _taken(symbol_of.format(number=number))
    symbol = symbol_of.format(number=number)
    options = formats.options("docx", deputy=deputy, signer=signer)
    files = {}
    for step, fmt in enumerate(("docx", "pdf"), start=2):
        tell(step, ISSUE_STEPS)
        files[fmt] = formats.render(report, fmt, number=str(number), issued_on=issued_on, **options)
    tell(4, ISSUE_STEPS)
    files["xlsx"] = formats.render(report, "xlsx")
    tell(5, ISSUE_STEPS)
    try:
        with transaction.atomic():
            issued = IssuedReport.objects.create(
                organization_id=org_id,
                kind=BRIEFING,
                term=term,
                number=number,
                symbol=symbol,
                period_code=period.code,
                first_day=period.first,
                last_day=period.last,
                title=report.title[:300],
                issued_on=issued_on,
                issued_at=timezone.now(),
                issued_by=actor,
                content=formats.json_of(report),
                **files,
            )
            audit.record(
                actor=actor,
                action=AuditAction.CREATE,
                instance=issued,
                kind="report.issued",
                params={"symbol": symbol, "period": period.code, "term": term},
            )
    except IntegrityError as exc:
        raise _taken(symbol) from exc
    return issued


# --- issuing as a background task -------------------------------------------------------------------


def issue_start(
    *,
    actor,
    period: Period,
    number: int | None = None,
    deputy: bool = False,
    signer: str = "",
    language: str = "",
) -> IssueJob:
    """Queue the issuing of `period`'s briefing as `actor` (404 when they may not issue): a number given and
    already taken in the term is refused at once, as a conflict; otherwise the job is recorded and its task
    queued in one transaction (the worker never sees a task whose job is not there yet). Under the immediate
    backend (the tests) the task runs at once and the job comes back finished."""
    from reports.tasks import issue_briefing_task

    if not can_issue(actor):
        raise Http404
    if number is not None:
        taken = (
            IssuedReport.objects.filter(
                organization_id=actor.organization_id,
                kind=BRIEFING,
                term=term_of(timezone.localdate()),
                number=number,
            )
            .values_list("symbol", flat=True)
            .first()
        )
        if taken:
            raise _taken(taken)
    job = IssueJob(
        organization_id=actor.organization_id,
        requested_by=actor,
        period_code=period.code,
        number=number,
        deputy=deputy,
        signer=nfc(signer)[:100],
        language=language or translation.get_language() or settings.LANGUAGE_CODE,
        steps=ISSUE_STEPS,
    )
    with transaction.atomic():
        job.save()
        issue_briefing_task.enqueue(job.pk)
    job.refresh_from_db()
    return job


def issue_run(job_id: int) -> str:
    """Run a queued issuing once (a second run of the same task finds it taken and does nothing), as the
    person who asked, whose right to issue is checked again. Each step is written on the job's row as it
    begins; the outcome at the end: the issued report, a conflict in words (refused), or a failure (the
    traceback in the log). Whatever fails, no report is half issued: the row and its audit event are written
    in one transaction after the files are made."""
    claimed = IssueJob.objects.filter(pk=job_id, status=IssueStatus.QUEUED).update(
        status=IssueStatus.RUNNING, started_at=timezone.now()
    )
    job = IssueJob.objects.select_related("requested_by").filter(pk=job_id).first()
    if job is None or not claimed:
        return job.status if job is not None else "missing"

    def progress(step: int, steps: int) -> None:
        IssueJob.objects.filter(pk=job.pk).update(step=step, steps=steps)

    outcome: dict = {"status": IssueStatus.FAILED, "failure": "crashed"}
    user = job.requested_by
    try:
        with translation.override(job.language or settings.LANGUAGE_CODE):
            if not (user.is_active and can_issue(user) and user.organization_id == job.organization_id):
                outcome = {"status": IssueStatus.FAILED, "failure": "not_allowed"}
            else:
                issued = issue_briefing(
                    actor=user,
                    period=briefing_period(job.period_code),
                    number=job.number,
                    deputy=job.deputy,
                    signer=job.signer,
                    progress=progress,
                )
                outcome = {"status": IssueStatus.DONE, "issued": issued, "step": ISSUE_STEPS}
    except ConflictError as exc:
        outcome = {"status": IssueStatus.REFUSED, "message": str(exc.message)[:500]}
    except Exception:
        logger.exception("Issuing job %s (%s) failed", job.pk, job.period_code)
    finally:
        IssueJob.objects.filter(pk=job.pk).update(finished_at=timezone.now(), **outcome)
    return str(outcome["status"])


# --- drafts prepared by the schedule ----------------------------------------------------------------


def prepare_draft(*, reader, period: Period) -> BriefingDraft | None:
    """The briefing of `period` as a draft (no number) for `reader`'s organisation, read as `reader` (an
    office login), stored with its DOCX, XLSX annex, PDF and JSON; the office is told it is ready. None when
    the draft of that period was there already (also when another run made it in the meantime)."""
    org_id = reader.organization_id
    if BriefingDraft.objects.filter(organization_id=org_id, kind=BRIEFING, period_code=period.code).exists():
        return None
    report = formats.build(user=reader, period=period, fmt="docx")
    options = formats.options("docx")
    files = {fmt: formats.render(report, fmt, **options) for fmt in ("docx", "pdf")}
    files["xlsx"] = formats.render(report, "xlsx")
    try:
        with transaction.atomic():
            draft = BriefingDraft.objects.create(
                organization_id=org_id,
                kind=BRIEFING,
                period_code=period.code,
                first_day=period.first,
                last_day=period.last,
                title=report.title[:300],
                prepared_at=timezone.now(),
                content=formats.json_of(report),
                **files,
            )
            audit.record(
                actor=None,
                action=AuditAction.CREATE,
                instance=draft,
                kind="report.draft_prepared",
                params={"period": period.code},
            )
            with translation.override(settings.LANGUAGE_CODE):
                title = _("The draft briefing for {period} is ready").format(period=period.code)
                body = _(
                    "The briefing to the Standing Committee for {period} has been prepared as a draft. "
                    "Download it from the issued reports, check it, then issue it from the briefing's page."
                ).format(period=period.code)
            for user in office_users(org_id):
                notify(
                    user=user,
                    kind="report_draft",
                    key=f"report-draft:{draft.pk}",
                    title=title,
                    body=body,
                    url=reverse("reports:issued"),
                )
    except IntegrityError:  # the same period's draft, made by another run at the same moment
        return None
    return draft
