"""Issued reports: a briefing given its number in the term, stored as it was issued and never changed."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.scoping import ScopeSpec


class IssuedReport(models.Model):
    """A report as issued: its number of its kind in the term, who issued it and when, and the files
    (DOCX, XLSX annex, PDF, JSON) exactly as they were produced. Nothing updates or deletes it; a correction
    is a new report with a number of its own."""

    scope = ScopeSpec()

    organization = models.ForeignKey(
        "org.PartyCommittee", verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind of report"), max_length=40)
    term = models.CharField(_("term"), max_length=9)  # "2025-2030"
    number = models.PositiveIntegerField(_("number"))
    symbol = models.CharField(_("number and symbol"), max_length=40)  # "12-BC/TU"
    period_code = models.CharField(_("period"), max_length=30)
    first_day = models.DateField(_("from"))
    last_day = models.DateField(_("to"))
    title = models.CharField(_("title"), max_length=300)
    issued_on = models.DateField(_("issued on"))
    issued_at = models.DateTimeField(_("issued at"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("issued by"), on_delete=models.PROTECT, related_name="+"
    )
    docx = models.BinaryField(editable=False)
    xlsx = models.BinaryField(editable=False)
    pdf = models.BinaryField(editable=False)
    content = models.JSONField(editable=False)  # every number the documents print (reports.content.as_json)

    class Meta:
        verbose_name = _("issued report")
        ordering = ["-issued_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "kind", "term", "number"], name="reports_issued_number_unique"
            )
        ]
        indexes = [models.Index(fields=["organization", "-issued_at"], name="reports_issued_recent")]

    def __str__(self):
        return f"Số {self.symbol}"


class BriefingDraft(models.Model):
    """The briefing of a period that has ended, prepared by the schedule (`COSO_BRIEFING_SCHEDULE`, run with
    the reminders) for the office to read, correct and issue: its files as a draft, without a number. One per
    organisation, kind and period: a second run of the schedule finds it and makes no other."""

    scope = ScopeSpec()

    organization = models.ForeignKey(
        "org.PartyCommittee", verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind of report"), max_length=40)
    period_code = models.CharField(_("period"), max_length=30)
    first_day = models.DateField(_("from"))
    last_day = models.DateField(_("to"))
    title = models.CharField(_("title"), max_length=300)
    prepared_at = models.DateTimeField(_("prepared at"))
    docx = models.BinaryField(editable=False)
    xlsx = models.BinaryField(editable=False)
    pdf = models.BinaryField(editable=False)
    content = models.JSONField(editable=False)

    class Meta:
        verbose_name = _("draft report")
        ordering = ["-last_day", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "kind", "period_code"], name="reports_draft_once_per_period"
            )
        ]
        indexes = [models.Index(fields=["organization", "-last_day"], name="reports_draft_recent")]

    def __str__(self):
        return self.title


class IssueStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting")
    RUNNING = "running", _("Issuing")
    DONE = "done", _("Issued")
    REFUSED = "refused", _("Refused")
    FAILED = "failed", _("Failed")


class IssueJob(models.Model):
    """Issuing a briefing, run as a background task (reports.tasks.issue_briefing_task): what was asked (the
    period, the number or the next one, who signs), how far the task got (step of steps, written on the row:
    issuing holds no transaction while it produces the files) and how it ended (the issued report, or the
    reason it was refused or failed)."""

    scope = ScopeSpec()

    organization = models.ForeignKey(
        "org.PartyCommittee", verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="+"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )
    period_code = models.CharField(_("period"), max_length=30)
    number = models.PositiveIntegerField(_("number"), null=True, blank=True)  # None: the next in the term
    deputy = models.BooleanField(default=False)
    signer = models.CharField(max_length=100, blank=True)
    language = models.CharField(_("language"), max_length=10, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=IssueStatus.choices, default=IssueStatus.QUEUED
    )
    step = models.PositiveSmallIntegerField(default=0)
    steps = models.PositiveSmallIntegerField(default=0)
    message = models.CharField(max_length=500, blank=True)  # a refusal in words (the number taken)
    failure = models.CharField(max_length=20, blank=True)  # why a failed job failed: a code
    issued = models.ForeignKey(
        IssuedReport, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("issuing")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["requested_by", "-created_at"], name="reports_issue_job_user")]

    def __str__(self):
        return f"{self.period_code} ({self.status})"

    def get_absolute_url(self) -> str:
        return reverse("reports:issue_job", args=[self.pk])

    @property
    def finished(self) -> bool:
        return self.status in (IssueStatus.DONE, IssueStatus.REFUSED, IssueStatus.FAILED)
