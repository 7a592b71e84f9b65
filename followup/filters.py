"""The follow-up lists, each filtered by one FilterSet shared by its page, its API list and its export."""

import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.filters import DayFilter, FilterSet, FlagFilter, IdFilter
from followup.choices import (
    OPEN_OBSTACLE_STATUSES,
    ObstacleCategory,
    ObstacleStatus,
    ResolutionLevel,
    SourceKind,
    StatusBucket,
    Verdict,
)
from followup.models import ConclusionNotice, Directive, Obstacle, ReSupervision

CHECK_STATES = [
    ("pending", _("Not yet checked")),
    ("due", _("Due, not yet checked")),
    ("recorded", _("Recorded")),
]


def _only_if(lookup: dict):
    """A yes/no filter's method: "yes" applies `lookup`, "no" leaves the list as it is."""

    def method(self, queryset, name, value):
        return queryset.filter(**lookup) if value else queryset

    return method


class DirectiveFilterSet(FilterSet):
    """Directives by text, status bucket, unit, leader, locality, source, notice and deadline period."""

    bucket = django_filters.ChoiceFilter(
        field_name="status_bucket", choices=StatusBucket.choices, label=_("Status")
    )
    unit = IdFilter(label=_("An agency id: the lead unit or a cooperating unit"), method="filter_unit")
    lead_unit = IdFilter(field_name="lead_unit_id", label=_("An agency id: the lead unit only"))
    leader = IdFilter(field_name="issued_by_id", label=_("The issuing leader (a person id)"))
    locality = IdFilter(field_name="locality_id", label=_("Locality (id)"))
    source_kind = django_filters.ChoiceFilter(choices=SourceKind.choices, label=_("Source"))
    notice = IdFilter(label=_("A conclusion notice id"), method="filter_notice")
    open = FlagFilter(label=_("Only directives not closed by re-supervision"), method="filter_open")
    date_from = DayFilter(field_name="deadline", lookup_expr="gte", label=_("Deadline from"))
    date_to = DayFilter(field_name="deadline", lookup_expr="lte", label=_("Deadline to"))
    parent = IdFilter(field_name="parent_id", label=_("Follow-ups of this directive (id)"))

    class Meta:
        model = Directive
        fields = [
            "q", "bucket", "unit", "lead_unit", "leader", "locality", "source_kind", "notice", "open",
            "date_from", "date_to", "parent",
        ]  # fmt: skip

    filter_open = _only_if({"closed_on__isnull": True})

    def filter_unit(self, queryset, name, value):
        # A subquery, not a join: a directive is listed (and counted) once, with no DISTINCT.
        cooperating = Directive.cooperating_units.through.objects.filter(agency_id=value)
        return queryset.filter(Q(lead_unit_id=value) | Q(pk__in=cooperating.values("directive_id")))

    def filter_notice(self, queryset, name, value):
        return queryset.filter(source_kind=SourceKind.CONCLUSION_NOTICE, source_id=value)


class BucketFilterSet(DirectiveFilterSet):
    """The directives' filters but the bucket: the bucket counts are those of every bucket."""

    bucket = None

    class Meta(DirectiveFilterSet.Meta):
        fields = [name for name in DirectiveFilterSet.Meta.fields if name != "bucket"]


class ObstacleFilterSet(FilterSet):
    """Obstacles by text, status, category, level, agency, locality, overdue, escalated and period raised."""

    status = django_filters.ChoiceFilter(choices=ObstacleStatus.choices, label=_("Status"))
    category = django_filters.ChoiceFilter(choices=ObstacleCategory.choices, label=_("Category"))
    level = django_filters.ChoiceFilter(
        field_name="resolution_level", choices=ResolutionLevel.choices, label=_("Level")
    )
    agency = IdFilter(
        label=_("An agency id: the unit concerned or the one resolving it"), method="filter_agency"
    )
    locality = IdFilter(field_name="locality_id", label=_("Locality (id)"))
    overdue = FlagFilter(label=_("Overdue"), method="filter_overdue")
    escalated = FlagFilter(label=_("Escalated"), method="filter_escalated")
    open = FlagFilter(label=_("Open"), method="filter_open")
    date_from = DayFilter(field_name="raised_on", lookup_expr="gte", label=_("Raised from"))
    date_to = DayFilter(field_name="raised_on", lookup_expr="lte", label=_("Raised to"))

    class Meta:
        model = Obstacle
        fields = [
            "q", "status", "category", "level", "agency", "locality", "overdue", "escalated", "open",
            "date_from", "date_to",
        ]  # fmt: skip

    filter_overdue = _only_if({"is_overdue": 1})
    filter_escalated = _only_if({"escalated_on__isnull": False})
    filter_open = _only_if({"status__in": OPEN_OBSTACLE_STATUSES})

    def filter_agency(self, queryset, name, value):
        return queryset.filter(Q(responsible_agency_id=value) | Q(agency_id=value))


class ReSupervisionFilterSet(FilterSet):
    """Checks by state (pending, due, recorded), verdict, leader, locality and due period."""

    q = None
    state = django_filters.ChoiceFilter(choices=CHECK_STATES, label=_("State"), method="filter_state")
    verdict = django_filters.ChoiceFilter(choices=Verdict.choices, label=_("Verdict"))
    leader = IdFilter(field_name="assigned_to_id", label=_("The leader assigned to check (a person id)"))
    locality = IdFilter(field_name="locality_id", label=_("Locality (id)"))
    date_from = DayFilter(field_name="due_on", lookup_expr="gte", label=_("Due from"))
    date_to = DayFilter(field_name="due_on", lookup_expr="lte", label=_("Due to"))

    class Meta:
        model = ReSupervision
        fields = ["state", "verdict", "leader", "locality", "date_from", "date_to"]

    def filter_state(self, queryset, name, value):
        if value == "pending":
            return queryset.filter(verdict="")
        if value == "due":
            return queryset.filter(verdict="", due_on__lte=timezone.localdate())
        return queryset.exclude(verdict="")


class NoticeFilterSet(FilterSet):
    """Conclusion notices by number and title, without diacritics."""

    class Meta:
        model = ConclusionNotice
        fields = ["q"]
