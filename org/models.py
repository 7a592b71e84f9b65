"""The organisation: Party committees, administrative units, agencies, people, bodies and assignments."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.models import CoreModel
from core.scoping import ScopeSpec
from core.text import fold, sort_key
from org.choices import AgencyKind, AssignmentRole, BodyKind, DivisionType


class PartyCommittee(CoreModel):
    """A top-level Party organisation (a city or province committee): the boundary nobody crosses."""

    scope = ScopeSpec(organization="id", reference=True)

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=200)
    superior_body = models.CharField(_("superior body"), max_length=200, default="ĐẢNG BỘ")
    document_symbol = models.CharField(_("document symbol"), max_length=20, default="TU")
    place_name = models.CharField(_("place name for documents"), max_length=100, blank=True)
    root_unit = models.ForeignKey(
        "org.AdministrativeUnit",
        verbose_name=_("administrative unit"),
        on_delete=models.PROTECT,
        related_name="committees",
    )
    default_leader = models.ForeignKey(
        "org.Person",
        verbose_name=_("default responsible leader"),
        help_text=_("Answers for any place that has no assigned leader (usually the Secretary)."),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    require_two_factor_for_office = models.BooleanField(
        _("office users must use two-factor sign-in"), default=False
    )

    class Meta:
        verbose_name = _("Party committee")
        verbose_name_plural = _("Party committees")
        ordering = ["name"]

    def __str__(self):
        return self.name


class AdministrativeUnit(CoreModel):
    """A province, commune, ward or special zone, keyed on its official code, in a tree."""

    scope = ScopeSpec(organization=None, unit_path="path", reference=True)

    code = models.PositiveIntegerField(_("official code"))
    level = models.PositiveSmallIntegerField(_("level"), help_text=_("1 = province, 2 = commune"))
    name = models.CharField(_("name"), max_length=200)
    division_type = models.CharField(_("type"), max_length=20, choices=DivisionType.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(max_length=255, db_index=True, editable=False)
    search_text = models.CharField(max_length=400, db_index=True, editable=False)
    sort_key = models.CharField(max_length=255, db_index=True, editable=False, default="")
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)

    class Meta:
        verbose_name = _("administrative unit")
        verbose_name_plural = _("administrative units")
        ordering = ["path"]
        constraints = [models.UniqueConstraint(fields=["level", "code"], name="unit_code_unique_per_level")]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.refresh_derived()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("org:unit_detail", args=[self.pk])

    def refresh_derived(self):
        """Materialised path (for subtree queries) and folded search text."""
        own = f"{self.level}.{self.code}/"
        self.path = (self.parent.path if self.parent_id else "") + own
        self.search_text = fold(f"{self.name} {self.code}")
        self.sort_key = sort_key(self.name)

    def ancestor_paths(self) -> list[str]:
        """Paths of this unit and every unit above it, nearest first."""
        parts = self.path.rstrip("/").split("/")
        return ["/".join(parts[: i + 1]) + "/" for i in range(len(parts) - 1, -1, -1)]


class Agency(CoreModel):
    """An agency or unit: a department, party committee, mass organisation, investor or enterprise."""

    scope = ScopeSpec(reference=True)

    organization = models.ForeignKey(PartyCommittee, verbose_name=_("organisation"), on_delete=models.PROTECT)
    code = models.CharField(_("code"), max_length=30)
    name = models.CharField(_("name"), max_length=255)
    short_name = models.CharField(_("short name"), max_length=100, blank=True)
    kind = models.CharField(_("type"), max_length=30, choices=AgencyKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    locality = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("administrative unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="agencies",
    )
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    path = models.CharField(max_length=255, db_index=True, editable=False)
    search_text = models.CharField(max_length=400, db_index=True, editable=False)
    sort_key = models.CharField(max_length=255, db_index=True, editable=False, default="")

    class Meta:
        verbose_name = _("agency or unit")
        verbose_name_plural = _("agencies and units")
        ordering = ["path"]
        constraints = [models.UniqueConstraint(fields=["organization", "code"], name="agency_code_unique")]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.refresh_derived()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("org:agency_detail", args=[self.pk])

    def clean(self):
        if self.parent_id and self.parent.organization_id != self.organization_id:
            raise ValidationError({"parent": _("The parent unit belongs to another organisation.")})
        if self.pk and self.parent_id and f"/{self.code}/" in f"/{self.parent.path}":
            raise ValidationError({"parent": _("A unit cannot be placed under itself.")})

    def refresh_derived(self):
        """Materialised path by code (for subtree queries) and folded search text."""
        self.path = (self.parent.path if self.parent_id else "") + f"{self.code}/"
        self.search_text = fold(f"{self.name} {self.short_name} {self.code}")
        self.sort_key = sort_key(self.name)

    def ancestor_paths(self) -> list[str]:
        parts = self.path.rstrip("/").split("/")
        return ["/".join(parts[: i + 1]) + "/" for i in range(len(parts) - 1, -1, -1)]


class Field(CoreModel):
    """A field of work (lĩnh vực) a leader can be assigned, such as land or public investment."""

    scope = ScopeSpec(reference=True)

    organization = models.ForeignKey(PartyCommittee, verbose_name=_("organisation"), on_delete=models.PROTECT)
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        verbose_name = _("field")
        verbose_name_plural = _("fields")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["organization", "name"], name="field_name_unique")]

    def __str__(self):
        return self.name


class Person(CoreModel):
    """A person of the organisation: a leader, a cadre or a focal point; may have a login."""

    scope = ScopeSpec(reference=True)

    organization = models.ForeignKey(PartyCommittee, verbose_name=_("organisation"), on_delete=models.PROTECT)
    full_name = models.CharField(_("full name"), max_length=200)
    position = models.CharField(_("position"), max_length=255, blank=True)
    agency = models.ForeignKey(
        Agency,
        verbose_name=_("works at"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="people",
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("login"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="person",
    )
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    search_text = models.CharField(max_length=400, db_index=True, editable=False)
    sort_key = models.CharField(max_length=255, db_index=True, editable=False, default="")

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["sort_key", "id"]

    def __str__(self):
        return self.full_name

    def save(self, *args, **kwargs):
        self.refresh_derived()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("org:person_detail", args=[self.pk])

    def refresh_derived(self):
        self.search_text = fold(f"{self.full_name} {self.position}")
        self.sort_key = sort_key(self.full_name)


class Body(CoreModel):
    """A body for one term: the Standing Board, the Standing Committee or the Executive Committee."""

    scope = ScopeSpec(reference=True)

    organization = models.ForeignKey(PartyCommittee, verbose_name=_("organisation"), on_delete=models.PROTECT)
    kind = models.CharField(_("body"), max_length=30, choices=BodyKind.choices)
    term = models.CharField(_("term"), max_length=30, help_text=_("For example 2025–2030."))
    term_start = models.DateField(_("term start"))
    term_end = models.DateField(_("term end"), null=True, blank=True)

    class Meta:
        verbose_name = _("body")
        verbose_name_plural = _("bodies")
        ordering = ["organization", "kind", "-term_start"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.term}"


class Membership(CoreModel):
    """A person's seat on a body, with a position such as Secretary, and dates."""

    scope = ScopeSpec(organization="body__organization", reference=True)

    body = models.ForeignKey(
        Body, verbose_name=_("body"), on_delete=models.PROTECT, related_name="memberships"
    )
    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="memberships"
    )
    position = models.CharField(_("position"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=100)
    valid_from = models.DateField(_("from"))
    valid_to = models.DateField(_("to"), null=True, blank=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["body", "order", "person__full_name"]

    def __str__(self):
        return f"{self.person} — {self.body}"

    @property
    def organization_id(self):
        return self.body.organization_id

    def clean(self):
        if self.valid_to and self.valid_from and self.valid_to < self.valid_from:
            raise ValidationError({"valid_to": _("The end date is before the start date.")})


class Assignment(CoreModel):
    """A leader's assignment to a locality, a unit or a field, with a role and valid dates."""

    scope = ScopeSpec(reference=True)

    organization = models.ForeignKey(PartyCommittee, verbose_name=_("organisation"), on_delete=models.PROTECT)
    leader = models.ForeignKey(
        Person, verbose_name=_("leader"), on_delete=models.PROTECT, related_name="assignments"
    )
    locality = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("locality"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assignments",
    )
    agency = models.ForeignKey(
        Agency,
        verbose_name=_("agency or unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assignments",
    )
    field = models.ForeignKey(
        Field,
        verbose_name=_("field"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assignments",
    )
    role = models.CharField(
        _("role"), max_length=20, choices=AssignmentRole.choices, default=AssignmentRole.IN_CHARGE
    )
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(
        _("valid to"), null=True, blank=True, help_text=_("Leave empty while it lasts.")
    )
    decision = models.CharField(
        _("decision"), max_length=200, blank=True, help_text=_("The assigning decision.")
    )
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["-valid_from", "id"]
        indexes = [
            models.Index(fields=["locality", "valid_from"], name="assignment_locality_idx"),
            models.Index(fields=["agency", "valid_from"], name="assignment_agency_idx"),
            models.Index(fields=["leader", "valid_from"], name="assignment_leader_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(locality__isnull=False, agency__isnull=True, field__isnull=True)
                    | models.Q(locality__isnull=True, agency__isnull=False, field__isnull=True)
                    | models.Q(locality__isnull=True, agency__isnull=True, field__isnull=False)
                ),
                name="assignment_exactly_one_target",
            ),
            models.CheckConstraint(
                condition=models.Q(valid_to__isnull=True) | models.Q(valid_to__gte=models.F("valid_from")),
                name="assignment_dates_ordered",
            ),
        ]

    def __str__(self):
        return f"{self.leader} — {self.target}"

    @property
    def target(self):
        return self.locality or self.agency or self.field

    def is_valid_on(self, day) -> bool:
        return self.valid_from <= day and (self.valid_to is None or self.valid_to >= day)
