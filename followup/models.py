"""Obstacles, directives with their progress reports, re-supervision checks and conclusion notices."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey, GenericRelation
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import ConfidentialMixin, CoreModel
from core.scoping import ScopeSpec
from core.text import fold, sort_key
from followup.choices import (
    CheckMethod,
    ObstacleCategory,
    ObstacleStatus,
    RaisedIn,
    ResolutionLevel,
    SourceKind,
    Verdict,
)


class ConclusionNotice(CoreModel):
    """A Standing Committee conclusion notice (thông báo kết luận), entered by the office."""

    scope = ScopeSpec(reference=True)

    organization = models.ForeignKey(
        "org.PartyCommittee", verbose_name=_("organisation"), on_delete=models.PROTECT
    )
    number = models.CharField(_("number and symbol"), max_length=60, help_text=_("For example 123-TB/TU."))
    issued_on = models.DateField(_("issued on"))
    title = models.CharField(_("title"), max_length=500)
    summary = models.TextField(_("summary"), blank=True)
    search_text = models.CharField(max_length=600, db_index=True, editable=False)
    directives = GenericRelation(
        "followup.Directive", content_type_field="source_type", object_id_field="source_id"
    )

    class Meta:
        verbose_name = _("conclusion notice")
        verbose_name_plural = _("conclusion notices")
        ordering = ["-issued_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "number"], name="conclusion_notice_number_unique")
        ]

    def __str__(self):
        return f"{self.number}: {self.title}"

    def save(self, *args, **kwargs):
        self.refresh_derived()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("followup:notice_detail", args=[self.pk])

    def refresh_derived(self):
        self.search_text = fold(f"{self.number} {self.title}")


class Obstacle(ConfidentialMixin, CoreModel):
    """A difficulty or obstacle (khó khăn, vướng mắc): raised, escalated, assigned, resolved, verified."""

    scope = ScopeSpec(
        locality="locality",
        agency="agency",
        more_agencies=("responsible_agency",),
        people=("raised_by",),
        links=(("subject_type", "subject_id"), ("origin_type", "origin_id")),
    )

    organization = models.ForeignKey(
        "org.PartyCommittee", verbose_name=_("organisation"), on_delete=models.PROTECT
    )
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"))
    category = models.CharField(_("category"), max_length=40, choices=ObstacleCategory.choices)
    # The subject: a locality or a unit, and optionally any other record (a project) by a typed link.
    locality = models.ForeignKey(
        "org.AdministrativeUnit",
        verbose_name=_("locality"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="obstacles",
    )
    agency = models.ForeignKey(
        "org.Agency",
        verbose_name=_("unit concerned"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="obstacles",
    )
    subject_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    subject_id = models.PositiveBigIntegerField(null=True, blank=True)
    subject = GenericForeignKey("subject_type", "subject_id")
    subject_label = models.CharField(_("subject"), max_length=300, blank=True)
    # Who raised it, where and when.
    raised_by = models.ForeignKey(
        "org.Person",
        verbose_name=_("raised by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="obstacles_raised",
    )
    raised_in = models.CharField(
        _("raised in"), max_length=30, choices=RaisedIn.choices, default=RaisedIn.REPORT
    )
    origin_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    origin_id = models.PositiveBigIntegerField(null=True, blank=True)
    origin = GenericForeignKey("origin_type", "origin_id")
    raised_on = models.DateField(_("raised on"), default=timezone.localdate)
    # Who can resolve it, who must, by when.
    resolution_level = models.CharField(
        _("level that can resolve it"), max_length=30, choices=ResolutionLevel.choices
    )
    responsible_agency = models.ForeignKey(
        "org.Agency",
        verbose_name=_("agency that must resolve it"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="obstacles_to_resolve",
    )
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=ObstacleStatus.choices, default=ObstacleStatus.NEW
    )
    status_changed_at = models.DateTimeField(_("status changed at"), default=timezone.now)
    escalated_on = models.DateField(_("escalated on"), null=True, blank=True)
    committee_decision = models.TextField(_("Standing Committee decision"), blank=True)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    resolution = models.TextField(_("resolution"), blank=True)
    resolved_on = models.DateField(_("resolved on"), null=True, blank=True)
    verification = models.TextField(_("verification"), blank=True)
    verified_on = models.DateField(_("verified on"), null=True, blank=True)
    closed_reason = models.CharField(_("reason for closing"), max_length=500, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    search_text = models.CharField(max_length=600, db_index=True, editable=False)

    class Meta:
        verbose_name = _("obstacle")
        verbose_name_plural = _("obstacles")
        ordering = ["-raised_on", "-id"]
        indexes = [
            models.Index(fields=["organization", "status"], name="obstacle_status_idx"),
            # The lists' order (newest raised first): a page of them without sorting every obstacle.
            models.Index(fields=["organization", "raised_on"], name="obstacle_raised_idx"),
            models.Index(fields=["organization", "category"], name="obstacle_category_idx"),
            models.Index(fields=["subject_type", "subject_id"], name="obstacle_subject_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(locality__isnull=False)
                | models.Q(agency__isnull=False)
                | models.Q(subject_id__isnull=False),
                name="obstacle_has_a_subject",
            )
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.refresh_derived()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("followup:obstacle_detail", args=[self.pk])

    def refresh_derived(self):
        self.search_text = fold(f"{self.title} {self.subject_label}")

    def clean(self):
        if not (self.locality_id or self.agency_id or self.subject_id):
            raise ValidationError(_("Name the locality, the unit or the record the obstacle concerns."))
        if self.deadline and self.raised_on and self.deadline < self.raised_on:
            raise ValidationError({"deadline": _("The deadline is before the day the obstacle was raised.")})


class Directive(ConfidentialMixin, CoreModel):
    """A directive or conclusion (kết luận, chỉ đạo): a lead unit must carry it out by a deadline."""

    scope = ScopeSpec(
        locality="locality",
        agency="lead_unit",
        more_agencies=("cooperating_units",),
        people=("issued_by",),
        links=(("source_type", "source_id"),),
    )

    organization = models.ForeignKey(
        "org.PartyCommittee", verbose_name=_("organisation"), on_delete=models.PROTECT
    )
    number = models.CharField(_("reference"), max_length=60, blank=True)
    content = models.TextField(_("content"))
    issued_by = models.ForeignKey(
        "org.Person", verbose_name=_("issued by"), on_delete=models.PROTECT, related_name="directives_issued"
    )
    issued_on = models.DateField(_("issued on"), default=timezone.localdate)
    # The source: a single typed link (kind + record). Conclusion notices and obstacles live here; visits,
    # supervision sessions and incidents live in later apps and are linked the same way.
    source_kind = models.CharField(_("source"), max_length=30, choices=SourceKind.choices)
    source_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    source_id = models.PositiveBigIntegerField(null=True, blank=True)
    source = GenericForeignKey("source_type", "source_id")
    source_label = models.CharField(_("source"), max_length=300, blank=True)
    locality = models.ForeignKey(
        "org.AdministrativeUnit",
        verbose_name=_("locality"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="directives",
    )
    lead_unit = models.ForeignKey(
        "org.Agency", verbose_name=_("lead unit"), on_delete=models.PROTECT, related_name="directives_led"
    )
    cooperating_units = models.ManyToManyField(
        "org.Agency", verbose_name=_("cooperating units"), blank=True, related_name="directives_cooperating"
    )
    deadline = models.DateField(_("deadline"))
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    completion_note = models.TextField(_("completion report"), blank=True)
    # A completion the lead unit reports (completed_on, the day of its report) awaits confirmation by the
    # issuing leader, the office or a re-supervision; until then it is not counted as done.
    completion_confirmed_on = models.DateField(_("completion confirmed on"), null=True, blank=True)
    completion_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("completion confirmed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("follows up"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="follow_ups",
    )
    search_text = models.CharField(max_length=600, db_index=True, editable=False)
    # The reference's natural order ("mục 2" before "mục 10"): a notice lists its items by it.
    sort_key = models.CharField(max_length=255, editable=False, default="")

    class Meta:
        verbose_name = _("directive")
        verbose_name_plural = _("directives")
        ordering = ["deadline", "id"]
        indexes = [
            models.Index(fields=["organization", "deadline"], name="directive_deadline_idx"),
            models.Index(fields=["source_type", "source_id"], name="directive_source_idx"),
            models.Index(fields=["organization", "source_kind"], name="directive_kind_idx"),
            # The directives not reported done, by issuer and deadline: overdue by issuer (the leaders'
            # table, in the index's order) and the overdue and due-this-week counts of the home pages are
            # read from this index alone, never from the rows. Its condition keeps it to the queries that
            # ask for those directives: SQLite would take it for any query of the organisation and read
            # every row through it (docs/performance.md).
            models.Index(
                fields=[
                    "organization",
                    "issued_by",
                    "deadline",
                    "closed_on",
                    "completed_on",
                    "archived_at",
                    "confidential",  # every reader's query asks whether it is marked (core.scoping)
                ],
                condition=models.Q(completed_on__isnull=True, archived_at__isnull=True),
                name="directive_open_issuer_idx",
            ),
        ]

    def __str__(self):
        text = self.content if len(self.content) <= 80 else self.content[:77] + "…"
        return f"{self.number}: {text}" if self.number else text

    def save(self, *args, **kwargs):
        self.refresh_derived()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("followup:directive_detail", args=[self.pk])

    def refresh_derived(self):
        self.search_text = fold(f"{self.number} {self.content[:500]}")
        self.sort_key = sort_key(self.number)

    def clean(self):
        if self.deadline and self.issued_on and self.deadline < self.issued_on:
            raise ValidationError({"deadline": _("The deadline is before the day the directive was issued.")})
        if self.completed_on and self.issued_on and self.completed_on < self.issued_on:
            raise ValidationError({"completed_on": _("The completion date is before the day it was issued.")})


class ProgressReport(models.Model):
    """A progress report from the lead unit's focal point, with evidence; it may claim completion."""

    directive = models.ForeignKey(
        Directive, verbose_name=_("directive"), on_delete=models.PROTECT, related_name="progress_reports"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("reported by"), on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField(_("progress"))
    claims_done = models.BooleanField(_("claims completion"), default=False)
    reported_at = models.DateTimeField(_("reported at"), default=timezone.now)

    class Meta:
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        ordering = ["reported_at", "id"]

    def __str__(self):
        return f"{self.directive_id}: {self.text[:60]}"

    @property
    def organization_id(self):
        return self.directive.organization_id


class ReSupervision(models.Model):
    """A re-supervision check (tái giám sát) of a directive or a resolved obstacle; append-only.

    A check is scheduled with a due date; its verdict is recorded once and never edited. A later check
    supersedes it, keeping both in the history.
    """

    scope = ScopeSpec(
        locality="locality",
        agency="agency",
        people=("assigned_to",),
        confidential_via=("directive", "obstacle"),
    )

    organization = models.ForeignKey(
        "org.PartyCommittee", verbose_name=_("organisation"), on_delete=models.PROTECT
    )
    directive = models.ForeignKey(
        Directive,
        verbose_name=_("directive"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="resupervisions",
    )
    obstacle = models.ForeignKey(
        Obstacle,
        verbose_name=_("obstacle"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="resupervisions",
    )
    # Copied from the item when the check is scheduled, so checks are scoped like the item they check.
    locality = models.ForeignKey(
        "org.AdministrativeUnit",
        verbose_name=_("locality"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    agency = models.ForeignKey(
        "org.Agency",
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    due_on = models.DateField(_("due on"))
    assigned_to = models.ForeignKey(
        "org.Person",
        verbose_name=_("checked by (leader)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="resupervisions",
    )
    checked_group = models.CharField(_("checked by (working group)"), max_length=200, blank=True)
    scheduled_at = models.DateTimeField(_("scheduled at"), default=timezone.now)
    verdict = models.CharField(_("verdict"), max_length=20, choices=Verdict.choices, blank=True)
    method = models.CharField(_("how it was checked"), max_length=20, choices=CheckMethod.choices, blank=True)
    checked_on = models.DateField(_("checked on"), null=True, blank=True)
    place = models.CharField(_("where"), max_length=300, blank=True)
    evidence = models.TextField(_("evidence"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), null=True, blank=True)
    supersedes = models.OneToOneField(
        "self",
        verbose_name=_("supersedes"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="superseded_by",
    )
    follow_up = models.OneToOneField(
        Directive,
        verbose_name=_("follow-up directive"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="spawned_by",
    )

    class Meta:
        verbose_name = _("re-supervision")
        verbose_name_plural = _("re-supervisions")
        ordering = ["due_on", "id"]
        indexes = [
            models.Index(fields=["organization", "due_on"], name="resupervision_due_idx"),
            # The checks not yet recorded (verdict ""), by due date: "my items" counts them from the index,
            # with what the confidential mark of their directive or obstacle is looked up by (core.scoping).
            models.Index(
                fields=["organization", "verdict", "due_on", "directive", "obstacle"],
                name="resupervision_pending_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(directive__isnull=False, obstacle__isnull=True)
                    | models.Q(directive__isnull=True, obstacle__isnull=False)
                ),
                name="resupervision_checks_one_item",
            )
        ]

    def __str__(self):
        return str(_("Re-supervision of {item}")).format(item=self.item)

    def get_absolute_url(self):
        return reverse("followup:resupervision_detail", args=[self.pk])

    @property
    def item(self):
        return self.directive or self.obstacle

    @property
    def is_recorded(self) -> bool:
        return bool(self.verdict)
