"""The filters of the calendar entry list, shared by the page, the export and the API list."""

import django_filters
from django.utils.translation import gettext_lazy as _

from core.filters import DayFilter, FilterSet, FlagFilter, IdFilter
from fieldwork.choices import EntryKind
from fieldwork.models import CalendarEntry


class EntryFilterSet(FilterSet):
    """Entries by text, leader, kind, dates (the first occurrence's start), recurring or not, archived."""

    leader = IdFilter(field_name="leader_id", label=_("Leader"))
    kind = django_filters.ChoiceFilter(choices=EntryKind.choices, label=_("Kind"))
    date_from = DayFilter(field_name="starts_at__date", lookup_expr="gte", label=_("From"))
    date_to = DayFilter(field_name="starts_at__date", lookup_expr="lte", label=_("To"))
    recurring = FlagFilter(label=_("Recurring"), method="filter_recurring")

    class Meta:
        model = CalendarEntry
        fields = []

    def filter_recurring(self, qs, name, value):
        return qs.exclude(recurrence="") if value else qs.filter(recurrence="")
