"""FilterSets of the visit list, the one-side visits and the opinion search."""

import django_filters
from django.utils.translation import gettext_lazy as _

from core.filters import DayFilter, FilterSet, IdFilter, SearchFilter
from fieldwork.choices import OpinionKind, SpeakerKind, VisitStatus
from fieldwork.models import Opinion, Visit
from fieldwork.selectors.visits import search_opinions


def _through(field: str, column: str, value) -> object:
    """The ids of visits linked to `value` through a many-to-many field, as a subquery (no DISTINCT)."""
    through = Visit._meta.get_field(field).remote_field.through
    return through.objects.filter(**{column: value}).values("visit_id")


class VisitFilterSet(FilterSet):
    """Visits by text, status, leader, locality, unit and period."""

    status = django_filters.ChoiceFilter(choices=VisitStatus.choices, label=_("Status"))
    leader = IdFilter(field_name="leader_id", label=_("Leader"))
    locality = IdFilter(label=_("Locality"), method="filter_locality")
    agency = IdFilter(label=_("Unit"), method="filter_agency")
    date_from = DayFilter(field_name="starts_at__date", lookup_expr="gte", label=_("From"))
    date_to = DayFilter(field_name="starts_at__date", lookup_expr="lte", label=_("To"))

    class Meta:
        model = Visit
        fields = ["q", "status", "leader", "locality", "agency", "date_from", "date_to"]

    def filter_locality(self, queryset, name, value):
        return queryset.filter(pk__in=_through("localities", "administrativeunit_id", value))

    def filter_agency(self, queryset, name, value):
        return queryset.filter(pk__in=_through("agencies", "agency_id", value))


class OneSideFilterSet(FilterSet):
    """The visits that heard only one side, by leader, locality and period."""

    leader = IdFilter(field_name="leader_id", label=_("Leader"))
    locality = IdFilter(label=_("Locality"), method="filter_locality")
    date_from = DayFilter(field_name="starts_at__date", lookup_expr="gte", label=_("From"))
    date_to = DayFilter(field_name="starts_at__date", lookup_expr="lte", label=_("To"))

    class Meta:
        model = Visit
        fields = ["q", "leader", "locality", "date_from", "date_to"]

    filter_locality = VisitFilterSet.filter_locality


class OpinionSearchFilter(SearchFilter):
    """Every word, diacritics ignored, through the database's text index (FTS5 or pg_trgm)."""

    def filter(self, qs, value):
        return search_opinions(qs, value)


class OpinionFilterSet(FilterSet):
    """Opinions by words, topic, speaker, kind, locality, leader and period (`from`, `to`: the day heard)."""

    q = OpinionSearchFilter()
    topic = IdFilter(field_name="topic_id", label=_("Topic"))
    speaker = django_filters.ChoiceFilter(
        field_name="speaker_kind", choices=SpeakerKind.choices, label=_("Speaker")
    )
    kind = django_filters.ChoiceFilter(choices=OpinionKind.choices, label=_("Kind of opinion"))
    locality = IdFilter(field_name="locality_id", label=_("Locality"))
    leader = IdFilter(field_name="visit__leader_id", label=_("Leader"))
    visit = IdFilter(field_name="visit_id", label=_("Visit"))

    class Meta:
        model = Opinion
        fields = ["q", "topic", "speaker", "kind", "locality", "leader", "visit"]


# `from` and `to` are Python keywords: the period's filters are added by name.
OpinionFilterSet.base_filters["from"] = DayFilter(field_name="heard_on", lookup_expr="gte", label=_("From"))
OpinionFilterSet.base_filters["to"] = DayFilter(field_name="heard_on", lookup_expr="lte", label=_("To"))
