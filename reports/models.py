"""Issued reports: a briefing given its number in the term, stored as it was issued and never changed."""

from django.conf import settings
from django.db import models
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
