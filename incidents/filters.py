"""One filter definition for the incident lists (all incidents, and "my incidents"), shared by the page, the
API list, the export, the map and the statistics."""

import django_filters
from django.utils.translation import gettext_lazy as _

from core.filters import DayFilter, FilterSet, FlagFilter, IdFilter
from incidents.choices import FLAGS, OPEN_STATUSES, IncidentField, IncidentSource, IncidentStatus, Severity
from incidents.models import Incident


class IncidentFilterSet(FilterSet):
    """Incidents by text, status, severity, flag, field, source, locality, leader, unit, overdue and period.

    The rows come from `incidents.selectors.incident_list` (or `my_incidents`), with `is_overdue`."""

    status = django_filters.ChoiceFilter(choices=IncidentStatus.choices, label=_("Status"))
    severity = django_filters.ChoiceFilter(choices=Severity.choices, label=_("Severity"))
    flag = django_filters.ChoiceFilter(choices=FLAGS, label=_("Characteristic"), method="filter_flag")
    field = django_filters.ChoiceFilter(choices=IncidentField.choices, label=_("Field"))
    source = django_filters.ChoiceFilter(choices=IncidentSource.choices, label=_("Source"))
    locality = IdFilter(field_name="locality_id", label=_("Locality"))
    leader = IdFilter(field_name="responsible_leader_id", label=_("Leader in charge"))
    unit = IdFilter(field_name="handling_unit_id", label=_("Handling unit"))
    overdue = FlagFilter(label=_("Overdue"), method="filter_overdue")
    open = FlagFilter(label=_("Open only"), method="filter_open")
    date_from = DayFilter(field_name="occurred_at__date", lookup_expr="gte", label=_("Occurred from"))
    date_to = DayFilter(field_name="occurred_at__date", lookup_expr="lte", label=_("Occurred to"))

    class Meta:
        model = Incident
        fields = [
            "q", "status", "severity", "flag", "field", "source", "locality", "leader", "unit", "overdue",
            "open", "date_from", "date_to",
        ]  # fmt: skip

    def filter_flag(self, queryset, name, value):
        return queryset.filter(**{value: True})

    def filter_overdue(self, queryset, name, value):
        # "Overdue" is the selector's `is_overdue`; "no" means "not only the overdue", as it always has.
        return queryset.filter(is_overdue=True) if value else queryset

    def filter_open(self, queryset, name, value):
        return queryset.filter(status__in=OPEN_STATUSES) if value else queryset
