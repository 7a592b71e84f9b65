"""The organisation's lists, each filtered by one FilterSet shared by its page, API list and export."""

import django_filters
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from core.filters import DayFilter, FilterSet, FlagFilter, IdFilter
from org import selectors
from org.choices import AgencyKind
from org.models import AdministrativeUnit, Agency, Assignment, Person


class UnitFilterSet(FilterSet):
    """Localities by text, parent unit and level."""

    parent = IdFilter(field_name="parent_id", label=_("Parent unit (id)"))
    level = IdFilter(field_name="level", label=_("Level"))

    class Meta:
        model = AdministrativeUnit
        fields = ["q", "parent", "level"]


class AgencyFilterSet(FilterSet):
    """Agencies by text, type and locality."""

    kind = django_filters.ChoiceFilter(choices=AgencyKind.choices, label=_("Type"))
    locality = IdFilter(field_name="locality_id", label=_("Locality (id)"))

    class Meta:
        model = Agency
        fields = ["q", "kind", "locality"]


class LeaderFilterSet(FilterSet):
    """Leaders by text."""

    class Meta:
        model = Person
        fields = ["q"]


class PersonFilterSet(FilterSet):
    """People by text; `archived` lists the archived ones instead, for the office only."""

    archived = FlagFilter(label=_("Only archived people (the office)"), method="filter_archived")

    class Meta:
        model = Person
        fields = ["q", "archived"]

    def filter_queryset(self, queryset):
        # Active people unless the office asks for the archived: a default, so not a filter of its own.
        archived = self.form.cleaned_data.get("archived") and self.request.user.is_office
        queryset = queryset.archived() if archived else queryset.active()
        return super().filter_queryset(queryset)

    def filter_archived(self, queryset, name, value):
        return queryset  # applied in filter_queryset, since "not archived" is the default


class AssignmentFilterSet(FilterSet):
    """Assignments by leader, locality (its official code), agency and the day they are valid on."""

    q = None
    leader = IdFilter(field_name="leader_id", label=_("Leader (id)"))
    locality = IdFilter(label=_("Locality (an official administrative-unit code)"), method="filter_locality")
    agency = IdFilter(field_name="agency_id", label=_("Agency (id)"))
    at = DayFilter(label=_("Valid on (dd/mm/yyyy or yyyy-mm-dd)"), method="filter_at")

    class Meta:
        model = Assignment
        fields = ["leader", "locality", "agency", "at"]

    def filter_locality(self, queryset, name, value):
        try:
            unit = selectors.get_unit_by_code(user=self.request.user, code=value)
        except Http404:
            return queryset.none()
        return queryset.filter(locality_id=unit.pk)

    def filter_at(self, queryset, name, value):
        return queryset.filter(Q(valid_from__lte=value) & (Q(valid_to__isnull=True) | Q(valid_to__gte=value)))
