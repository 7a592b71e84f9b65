"""Reads of an issuing run as a task: the job, to the person who asked for it only, and where it stands."""

import datetime as dt
from dataclasses import dataclass

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.imports import STALLED_AFTER, WAITING_HINT_AFTER
from reports.models import IssueJob, IssueStatus

FAILURES = {
    "crashed": _(
        "Issuing stopped on an unexpected error and nothing was issued: no number was taken. Try again; if "
        "it happens again, tell the system administrator."
    ),
    "not_allowed": _("You may no longer issue reports (your role changed), so nothing was issued."),
    "interrupted": _(
        "Issuing was interrupted: the background worker stopped while it ran, and nothing was issued. Issue "
        "the report again."
    ),
}

STEP_LABELS = {
    0: _("Waiting for its turn…"),
    1: _("Reading the figures…"),
    2: _("Writing the DOCX…"),
    3: _("Writing the PDF…"),
    4: _("Writing the XLSX annex…"),
    5: _("Taking the number and storing the files…"),
}


def get_issue_job_for_user(*, user, pk: int) -> IssueJob:
    """A job, to the person who asked for it; anyone else is told it does not exist (404)."""
    job = IssueJob.objects.select_related("issued").defer(
        "issued__docx", "issued__xlsx", "issued__pdf", "issued__content"
    )
    job = job.filter(pk=pk, requested_by_id=user.pk).first()
    if job is None:
        raise Http404
    return job


@dataclass(frozen=True)
class IssueState:
    """Where a job stands, as the page and the API show it."""

    status: str
    step: int
    steps: int
    step_label: str
    message: str = ""  # a refusal (the number taken) or a failure, in words
    waiting_long: bool = False  # queued for a while: is the tasks worker running?

    @property
    def finished(self) -> bool:
        return self.status in (IssueStatus.DONE, IssueStatus.REFUSED, IssueStatus.FAILED)

    @property
    def percent(self) -> int:
        if self.status == IssueStatus.DONE:
            return 100
        if not self.steps or not self.step:
            return 0
        return min(99, (self.step - 1) * 100 // self.steps)

    @property
    def label(self) -> str:
        return str(IssueStatus(self.status).label)


def issue_state(job: IssueJob, *, now: dt.datetime | None = None) -> IssueState:
    now = now or timezone.now()
    steps = job.steps
    if job.status == IssueStatus.QUEUED:
        waiting = now - job.created_at > WAITING_HINT_AFTER
        return IssueState(job.status, 0, steps, str(STEP_LABELS[0]), waiting_long=waiting)
    if job.status == IssueStatus.RUNNING:
        if now - (job.started_at or job.created_at) > STALLED_AFTER:
            return IssueState(IssueStatus.FAILED, job.step, steps, "", str(FAILURES["interrupted"]))
        return IssueState(job.status, job.step, steps, str(STEP_LABELS.get(job.step, "")))
    if job.status == IssueStatus.FAILED:
        failure = FAILURES.get(job.failure, FAILURES["crashed"])
        return IssueState(job.status, job.step, steps, "", str(failure))
    return IssueState(job.status, job.step, steps, "", job.message)
