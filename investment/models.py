"""Public investment: key projects, capital plans, monthly disbursements, working groups, sessions.

Money is integer VND (đồng) everywhere. A capital plan keeps both denominators (the amount the Prime
Minister assigned and the amount the locality allocated), each with dated adjustments; disbursements are
monthly amounts that cumulate over the disbursement year, which runs to 31 January of the next year.
"""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import ConfidentialMixin, CoreModel
from core.scoping import ScopeSpec
from core.text import fold, sort_key
from investment.choices import (
    CapitalSource,
    Denominator,
    GroupRole,
    ProjectGroup,
    ProjectStatus,
    ScopeVia,
    Sector,
)

# The largest amount a single figure may hold: 10 million billion đồng (10^16), far above any project,
# and within a 64-bit integer when summed over a country's rows.
MAX_AMOUNT = 10**16


def amount_field(verbose_name, **kwargs):
    return models.BigIntegerField(
        verbose_name, validators=[MinValueValidator(0), MaxValueValidator(MAX_AMOUNT)], **kwargs
    )


class Project(ConfidentialMixin, CoreModel):
    """A public investment project (after OC4IDS): who invests, where, how much, by when, how far."""

    # Seen by whoever reaches its investor, and by the members of the working groups that follow it
    # (investment.reach adds those projects to the members' reach of records).
    scope = ScopeSpec(agency="investor")

    organization = models.ForeignKey(
        "org.PartyCommittee", verbose_name=_("organisation"), on_delete=models.PROTECT
    )
    code = models.CharField(_("project code"), max_length=40)
    name = models.CharField(_("name"), max_length=300)
    group = models.CharField(_("project group"), max_length=10, choices=ProjectGroup.choices)
    is_key = models.BooleanField(_("key project"), default=False)
    sector = models.CharField(_("sector"), max_length=20, choices=Sector.choices, default=Sector.OTHER)
    description = models.TextField(_("description"), blank=True)
    investor = models.ForeignKey(
        "org.Agency", verbose_name=_("investor"), on_delete=models.PROTECT, related_name="projects"
    )
    localities = models.ManyToManyField(
        "org.AdministrativeUnit",
        verbose_name=_("localities"),
        through="ProjectLocality",
        related_name="projects",
        blank=True,
    )
    total_investment = amount_field(_("total investment"), default=0)
    planned_start = models.DateField(_("planned start"), null=True, blank=True)
    planned_end = models.DateField(_("planned completion"), null=True, blank=True)
    actual_start = models.DateField(_("actual start"), null=True, blank=True)
    actual_end = models.DateField(_("actual completion"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=ProjectStatus.choices, default=ProjectStatus.PREPARATION
    )
    # The latest physical progress observation, kept here so that lists need no subquery.
    progress_percent = models.DecimalField(
        _("physical progress (%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    progress_on = models.DateField(_("progress observed on"), null=True, blank=True)
    search_text = models.CharField(max_length=400, db_index=True, editable=False)
    sort_key = models.CharField(max_length=255, editable=False, default="")

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        constraints = [
            models.UniqueConstraint(fields=["organization", "code"], name="investment_project_code_unique"),
        ]
        indexes = [models.Index(fields=["organization", "sort_key"], name="investment_project_sort")]

    def __str__(self):
        return f"{self.code} – {self.name}"

    def save(self, *args, **kwargs):
        self.refresh_derived()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("investment:project_detail", args=[self.pk])

    def refresh_derived(self):
        self.search_text = fold(f"{self.code} {self.name}")[:400]
        self.sort_key = sort_key(self.name)[:255]


class ProjectLocality(models.Model):
    """A locality a project lies in, with the coordinates of its site there where known."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="sites")
    locality = models.ForeignKey(
        "org.AdministrativeUnit", verbose_name=_("locality"), on_delete=models.PROTECT, related_name="+"
    )
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )

    class Meta:
        verbose_name = _("project site")
        verbose_name_plural = _("project sites")
        constraints = [
            models.UniqueConstraint(fields=["project", "locality"], name="investment_site_unique"),
        ]

    def __str__(self):
        return str(self.locality_id)


class InvestmentAdjustment(models.Model):
    """A dated adjustment of a project's total investment (điều chỉnh tổng mức đầu tư): the new amount."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="investment_adjustments")
    effective_on = models.DateField(_("effective on"))
    amount = amount_field(_("new total investment"))
    decision = models.CharField(_("decision"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("total investment adjustment")
        verbose_name_plural = _("total investment adjustments")
        ordering = ["effective_on", "id"]

    def __str__(self):
        return f"{self.project_id} {self.effective_on}"


class ProgressObservation(models.Model):
    """Physical progress (% of the works done) observed on a date; append-only."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="progress")
    observed_on = models.DateField(_("observed on"))
    percent = models.DecimalField(
        _("physical progress (%)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    note = models.CharField(_("note"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("progress observation")
        verbose_name_plural = _("progress observations")
        ordering = ["observed_on", "id"]

    def __str__(self):
        return f"{self.project_id} {self.observed_on} {self.percent}%"


class CapitalPlan(CoreModel):
    """A project's capital plan for a year and a source, by both denominators (as first given)."""

    scope = ScopeSpec(agency="project__investor", confidential_via=("project",))

    organization = models.ForeignKey(
        "org.PartyCommittee", verbose_name=_("organisation"), on_delete=models.PROTECT
    )
    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.PROTECT, related_name="plans"
    )
    year = models.PositiveSmallIntegerField(
        _("plan year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    source = models.CharField(_("capital source"), max_length=20, choices=CapitalSource.choices)
    assigned_amount = amount_field(_("assigned by the Prime Minister"), default=0)
    allocated_amount = amount_field(_("allocated by the locality"), default=0)

    class Meta:
        verbose_name = _("capital plan")
        verbose_name_plural = _("capital plans")
        constraints = [
            models.UniqueConstraint(fields=["project", "year", "source"], name="investment_plan_unique"),
        ]
        indexes = [models.Index(fields=["organization", "year"], name="investment_plan_year")]

    def __str__(self):
        return f"{self.project_id} {self.year} {self.source}"


class PlanAdjustment(models.Model):
    """A dated adjustment of one denominator of a capital plan: the amount in force from that day on."""

    plan = models.ForeignKey(CapitalPlan, on_delete=models.PROTECT, related_name="adjustments")
    denominator = models.CharField(_("denominator"), max_length=20, choices=Denominator.choices)
    effective_on = models.DateField(_("effective on"))
    amount = amount_field(_("new amount"))
    decision = models.CharField(_("decision"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("capital plan adjustment")
        verbose_name_plural = _("capital plan adjustments")
        ordering = ["effective_on", "id"]
        indexes = [
            models.Index(fields=["plan", "denominator", "effective_on"], name="investment_adjustment_at"),
        ]

    def __str__(self):
        return f"{self.plan_id} {self.denominator} {self.effective_on}"


class Disbursement(models.Model):
    """The amount disbursed on a project from a source in one month, counted toward a plan year.

    `month` is the first day of the month. A plan year Y takes the months of Y and January of Y+1.
    Rows are written by the disbursement import (audited once per import) or by the monthly form.
    """

    organization = models.ForeignKey("org.PartyCommittee", on_delete=models.PROTECT, related_name="+")
    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="disbursements")
    source = models.CharField(_("capital source"), max_length=20, choices=CapitalSource.choices)
    plan_year = models.PositiveSmallIntegerField(_("plan year"))
    month = models.DateField(_("month"))
    amount = amount_field(_("amount disbursed"))
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("disbursement")
        verbose_name_plural = _("disbursements")
        constraints = [
            models.UniqueConstraint(
                fields=["project", "source", "plan_year", "month"], name="investment_disbursement_unique"
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "plan_year", "month"], name="investment_disb_year_month"),
        ]

    def __str__(self):
        return f"{self.project_id} {self.source} {self.month:%m/%Y}"


MONTH_FIELDS = tuple(f"m{i}" for i in range(1, 14))


class DisbursementYear(models.Model):
    """The thirteen monthly amounts of one project and source in a plan year (January … December, then the
    next January): a summary of Disbursement, kept by `investment.services.disbursement_totals_refresh`,
    which every writer of disbursement rows calls (the monthly form, the import, seed-scale). The figures of
    a page read these rows (a few thousand for a city's year) instead of the year's monthly rows."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="yearly_disbursements")
    source = models.CharField(max_length=20, choices=CapitalSource.choices)
    plan_year = models.PositiveSmallIntegerField()
    m1 = models.BigIntegerField(default=0)
    m2 = models.BigIntegerField(default=0)
    m3 = models.BigIntegerField(default=0)
    m4 = models.BigIntegerField(default=0)
    m5 = models.BigIntegerField(default=0)
    m6 = models.BigIntegerField(default=0)
    m7 = models.BigIntegerField(default=0)
    m8 = models.BigIntegerField(default=0)
    m9 = models.BigIntegerField(default=0)
    m10 = models.BigIntegerField(default=0)
    m11 = models.BigIntegerField(default=0)
    m12 = models.BigIntegerField(default=0)
    m13 = models.BigIntegerField(default=0)
    # The months that had money, bit i for month i + 1, so that the idle months are read without the amounts.
    paid_months = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("yearly disbursement")
        verbose_name_plural = _("yearly disbursements")
        constraints = [
            models.UniqueConstraint(
                fields=["project", "source", "plan_year"], name="investment_disbursement_year_unique"
            ),
        ]
        indexes = [models.Index(fields=["plan_year", "project"], name="investment_disb_year_project")]

    def __str__(self):
        return f"{self.project_id} {self.source} {self.plan_year}"


class TargetPoint(models.Model):
    """A point of the city's cumulative disbursement floor for a year: by the end of `month`, `percent`."""

    organization = models.ForeignKey("org.PartyCommittee", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(
        _("by the end of month"), validators=[MinValueValidator(1), MaxValueValidator(13)]
    )
    percent = models.DecimalField(
        _("floor (%)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )

    class Meta:
        verbose_name = _("target point")
        verbose_name_plural = _("target curve")
        ordering = ["year", "month"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "year", "month"], name="investment_target_unique"
            ),
        ]

    def __str__(self):
        return f"{self.year}/{self.month}: {self.percent}%"


class WorkingGroup(CoreModel):
    """A working group (tổ công tác) led by a Standing Committee member, following a set of projects."""

    scope = ScopeSpec(reference=True)

    organization = models.ForeignKey(
        "org.PartyCommittee", verbose_name=_("organisation"), on_delete=models.PROTECT
    )
    number = models.PositiveSmallIntegerField(_("number"), validators=[MinValueValidator(1)])
    name = models.CharField(_("name"), max_length=300)
    term_start = models.DateField(_("term from"))
    term_end = models.DateField(_("term to"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    # The declared scope besides named projects: every project of these investors, or in these localities.
    investors = models.ManyToManyField(
        "org.Agency", verbose_name=_("investors"), blank=True, related_name="+"
    )
    scope_localities = models.ManyToManyField(
        "org.AdministrativeUnit", verbose_name=_("localities"), blank=True, related_name="+"
    )
    projects = models.ManyToManyField(
        Project, verbose_name=_("projects"), through="GroupProject", related_name="working_groups", blank=True
    )
    search_text = models.CharField(max_length=400, db_index=True, editable=False)

    class Meta:
        verbose_name = _("working group")
        verbose_name_plural = _("working groups")
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "number"], name="investment_group_number_unique"),
        ]

    def __str__(self):
        return _("Working group {number}").format(number=self.number)

    def save(self, *args, **kwargs):
        self.refresh_derived()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("investment:group_detail", args=[self.pk])

    def refresh_derived(self):
        self.search_text = fold(f"{self.number} {self.name}")[:400]


class GroupMember(models.Model):
    """A person's place in a working group over a period; the history is kept by the dates."""

    group = models.ForeignKey(WorkingGroup, on_delete=models.PROTECT, related_name="members")
    person = models.ForeignKey(
        "org.Person", verbose_name=_("person"), on_delete=models.PROTECT, related_name="group_memberships"
    )
    role = models.CharField(_("role in the group"), max_length=20, choices=GroupRole.choices)
    valid_from = models.DateField(_("from"))
    valid_to = models.DateField(_("to"), null=True, blank=True)

    class Meta:
        verbose_name = _("group member")
        verbose_name_plural = _("group members")
        ordering = ["group", "valid_from", "id"]

    def __str__(self):
        return f"{self.group_id} {self.person_id} {self.role}"


class GroupProject(models.Model):
    """A project in a group's scope, resolved once: named, else through the group's investors or localities.

    Kept by investment.services whenever a group's scope or a project's investor or sites change, so that
    every figure by group is one SQL aggregate over this table.
    """

    group = models.ForeignKey(WorkingGroup, on_delete=models.CASCADE, related_name="project_links")
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="group_links")
    via = models.CharField(max_length=20, choices=ScopeVia.choices, default=ScopeVia.PROJECT)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["group", "project", "via"], name="investment_group_project_unique"
            ),
        ]

    def __str__(self):
        return f"{self.group_id} {self.project_id} {self.via}"


class SupervisionSession(CoreModel):
    """A supervision session (buổi kiểm tra, giám sát) of a working group on some of its projects."""

    scope = ScopeSpec(organization="group__organization")

    group = models.ForeignKey(
        WorkingGroup, verbose_name=_("working group"), on_delete=models.PROTECT, related_name="sessions"
    )
    held_on = models.DateField(_("held on"))
    title = models.CharField(_("title"), max_length=300)
    place = models.CharField(_("place"), max_length=300, blank=True)
    projects = models.ManyToManyField(Project, verbose_name=_("projects visited"), related_name="sessions")
    participants = models.ManyToManyField(
        "org.Person", verbose_name=_("participants"), related_name="supervision_sessions", blank=True
    )
    findings = models.TextField(_("findings"), blank=True)
    search_text = models.CharField(max_length=400, db_index=True, editable=False)

    class Meta:
        verbose_name = _("supervision session")
        verbose_name_plural = _("supervision sessions")
        indexes = [models.Index(fields=["group", "held_on"], name="investment_session_held")]

    def __str__(self):
        return _("Supervision session of {date}: {title}").format(
            date=self.held_on.strftime("%d/%m/%Y"), title=self.title
        )

    def save(self, *args, **kwargs):
        self.refresh_derived()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("investment:session_detail", args=[self.pk])

    def refresh_derived(self):
        self.search_text = fold(self.title)[:400]
