"""Incidents and hot issues, routed to the leader in charge of their locality and frozen there."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import ConfidentialMixin, CoreModel
from core.scoping import ScopeSpec
from core.text import fold
from incidents.choices import IncidentField, IncidentSource, IncidentStatus, RejectReason, RoutedVia, Severity


class Incident(ConfidentialMixin, CoreModel):
    """A new, prominent, complex, sudden or pressing issue of public concern (vụ việc) in a locality."""

    scope = ScopeSpec(locality="locality", agency="handling_unit", people=("responsible_leader",))

    organization = models.ForeignKey(
        "org.PartyCommittee", verbose_name=_("organisation"), on_delete=models.PROTECT
    )
    code = models.CharField(_("code"), max_length=30, editable=False)
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"))
    locality = models.ForeignKey(
        "org.AdministrativeUnit",
        verbose_name=_("locality"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="incidents",
    )
    agency = models.ForeignKey(
        "org.Agency",
        verbose_name=_("unit concerned"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="incidents",
    )
    place = models.CharField(_("place"), max_length=300, blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    occurred_at = models.DateTimeField(_("occurred at"))
    reported_at = models.DateTimeField(_("reported at"), default=timezone.now)
    source = models.CharField(_("source"), max_length=30, choices=IncidentSource.choices)
    field = models.CharField(_("field"), max_length=30, choices=IncidentField.choices)
    is_new = models.BooleanField(_("newly arising"), default=False)
    is_prominent = models.BooleanField(_("prominent"), default=False)
    is_complex = models.BooleanField(_("complex"), default=False)
    is_sudden = models.BooleanField(_("sudden"), default=False)
    is_pressing = models.BooleanField(_("pressing"), default=False)
    is_public_concern = models.BooleanField(_("of public concern"), default=False)
    severity = models.CharField(
        _("severity"), max_length=10, choices=Severity.choices, default=Severity.NORMAL
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reporter_name = models.CharField(_("reported by (name)"), max_length=200, blank=True)
    reporter_contact = models.CharField(_("reporter's contact"), max_length=200, blank=True)
    # Routing, frozen at intake: a later change of assignment does not move old incidents.
    responsible_leader = models.ForeignKey(
        "org.Person",
        verbose_name=_("leader in charge"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="incidents",
    )
    responsible_assignment = models.ForeignKey(
        "org.Assignment",
        verbose_name=_("assignment that routed it"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    routed_via = models.CharField(_("routed"), max_length=10, choices=RoutedVia.choices, blank=True)
    handling_unit = models.ForeignKey(
        "org.Agency",
        verbose_name=_("handling unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="incidents_handled",
    )
    focal_point = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("focal point"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="incidents_as_focal_point",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=IncidentStatus.choices, default=IncidentStatus.RECEIVED
    )
    status_changed_at = models.DateTimeField(_("status changed at"), default=timezone.now)
    ack_due_at = models.DateTimeField(_("acknowledge by"), null=True, blank=True)
    resolve_due_at = models.DateTimeField(_("resolve by"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    # Working hours on the organisation's calendar from the report to the acknowledgement and to the
    # resolution, written with the stamp they measure (services.working_hours_taken): the statistics take
    # their medians in SQL, in the unit the deadlines are counted in.
    ack_working_hours = models.DecimalField(
        _("working hours to acknowledge"),
        max_digits=9,
        decimal_places=2,
        null=True,
        blank=True,
        editable=False,
    )
    resolve_working_hours = models.DecimalField(
        _("working hours to resolve"), max_digits=9, decimal_places=2, null=True, blank=True, editable=False
    )
    resolution = models.TextField(_("resolution"), blank=True)
    reject_reason = models.CharField(
        _("rejected as"), max_length=20, choices=RejectReason.choices, blank=True
    )
    duplicate_of = models.ForeignKey(
        "self",
        verbose_name=_("duplicate of"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="duplicates",
    )
    # The code, a space, the title (300), a space and the place (300), folded: never more than 640.
    search_text = models.CharField(max_length=640, db_index=True, editable=False)

    class Meta:
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")
        ordering = ["-reported_at", "-id"]
        indexes = [
            models.Index(fields=["organization", "status"], name="incident_status_idx"),
            models.Index(fields=["organization", "-reported_at"], name="incident_reported_idx"),
            models.Index(fields=["locality", "occurred_at"], name="incident_locality_idx"),
            # A leader's incidents by status, with what makes one overdue: the leaders' table counts the open
            # and overdue ones of every leader from this index alone, in its order, never reading the rows.
            # It leads with the leader, not the organisation: SQLite would take an index led by the
            # organisation for any query of it, and read every row through it (docs/performance.md).
            models.Index(
                fields=[
                    "responsible_leader",
                    "status",
                    "resolve_due_at",
                    "ack_due_at",
                    "acknowledged_at",
                    "archived_at",
                    "organization",
                    "confidential",  # every reader's query asks whether it is marked (core.scoping)
                ],
                name="incident_work_idx",
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["organization", "code"], name="incident_code_unique"),
            models.CheckConstraint(
                condition=models.Q(locality__isnull=False) | models.Q(agency__isnull=False),
                name="incident_has_a_place",
            ),
        ]

    def __str__(self):
        return f"{self.code} {self.title}".strip()

    def save(self, *args, **kwargs):
        self.refresh_derived()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("incidents:detail", args=[self.pk])

    def refresh_derived(self):
        self.search_text = fold(f"{self.code} {self.title} {self.place}")

    def clean(self):
        if not (self.locality_id or self.agency_id):
            raise ValidationError(_("Name the locality or the unit where it happened."))
        if (
            self.occurred_at
            and self.reported_at
            and self.occurred_at > self.reported_at + timezone.timedelta(minutes=5)
        ):
            raise ValidationError({"occurred_at": _("It cannot have happened after it was reported.")})
        if (self.latitude is None) != (self.longitude is None):
            raise ValidationError({"latitude": _("Give both the latitude and the longitude, or neither.")})
        if self.latitude is not None and not (-90 <= self.latitude <= 90 and -180 <= self.longitude <= 180):
            raise ValidationError({"latitude": _("These coordinates are not on Earth.")})

    @property
    def flags(self) -> list[str]:
        from incidents.choices import FLAGS

        return [str(label) for name, label in FLAGS if getattr(self, name)]
