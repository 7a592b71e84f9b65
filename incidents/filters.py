"""One filter definition for the incident lists (all incidents, and "my incidents"), shared by the page, the
API list, the export, the map and the statistics."""

import datetime as dt

import django_filters
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.filters import DayFilter, FilterSet, FlagFilter, IdFilter
from incidents.choices import FLAGS, OPEN_STATUSES, IncidentField, IncidentSource, IncidentStatus, Severity
from incidents.models import Incident


class IncidentFilterSet(FilterSet):
    """Incidents by text, status, severity, flag, field, source, locality, leader, unit, overdue, the days
    they occurred or were reported on, and whether they were resolved (by the deadline).

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
    # The days an incident was reported on (received by the system), as the periods of the statistics, the
    # briefing and the leaders' table count them; compared with the day's first moment, so the index serves.
    reported_from = DayFilter(label=_("Reported from"), method="filter_reported_from")
    reported_to = DayFilter(label=_("Reported to"), method="filter_reported_to")
    resolved = FlagFilter(label=_("Resolved"), method="filter_resolved")
    on_time = FlagFilter(label=_("Resolved by the deadline"), method="filter_on_time")

    class Meta:
        model = Incident
        fields = [
            "q", "status", "severity", "flag", "field", "source", "locality", "leader", "unit", "overdue",
            "open", "date_from", "date_to", "reported_from", "reported_to", "resolved", "on_time",
        ]  # fmt: skip

    def filter_flag(self, queryset, name, value):
        return queryset.filter(**{value: True})

    def filter_overdue(self, queryset, name, value):
        # "Overdue" is the selector's `is_overdue`; "no" means "not only the overdue", as it always has.
        return queryset.filter(is_overdue=True) if value else queryset

    def filter_open(self, queryset, name, value):
        return queryset.filter(status__in=OPEN_STATUSES) if value else queryset

    def filter_reported_from(self, queryset, name, value):
        return queryset.filter(reported_at__gte=_day_start(value))

    def filter_reported_to(self, queryset, name, value):
        return queryset.filter(reported_at__lt=_day_start(value + dt.timedelta(days=1)))

    def filter_resolved(self, queryset, name, value):
        return queryset.filter(resolved_at__isnull=False) if value else queryset

    def filter_on_time(self, queryset, name, value):
        # The rule of the statistics and the briefing: resolved, no later than the resolution deadline.
        if not value:
            return queryset
        return queryset.filter(resolved_at__isnull=False, resolved_at__lte=F("resolve_due_at"))


def _day_start(day: dt.date) -> dt.datetime:
    """The first moment of `day` in the organisation's time zone."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))
