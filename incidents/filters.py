"""One filter definition for the incident list, shared by the page, the API, the map and the export."""

from django.db.models import Q, QuerySet
from django.utils import timezone

from core.text import search_terms
from followup.filters import BaseFilter, _date, _int
from incidents.choices import FLAGS, OPEN_STATUSES, IncidentField, IncidentSource, IncidentStatus, Severity

FLAG_NAMES = tuple(name for name, _label in FLAGS)


class IncidentFilter(BaseFilter):
    """Incidents by text, status, severity, flag, field, source, locality, leader, overdue and period."""

    fields = (
        "q",
        "status",
        "severity",
        "flag",
        "field",
        "source",
        "locality",
        "leader",
        "unit",
        "overdue",
        "open",
        "date_from",
        "date_to",
    )

    def apply(self, qs: QuerySet) -> QuerySet:
        d = self.data
        for word in search_terms(d.get("q")):
            qs = qs.filter(search_text__contains=word)
        for name, choices, column in (
            ("status", IncidentStatus, "status"),
            ("severity", Severity, "severity"),
            ("field", IncidentField, "field"),
            ("source", IncidentSource, "source"),
        ):
            value = d.get(name)
            if value in choices.values:
                qs = qs.filter(**{column: value})
        if d.get("flag") in FLAG_NAMES:
            qs = qs.filter(**{d["flag"]: True})
        for name, column in (
            ("locality", "locality_id"),
            ("leader", "responsible_leader_id"),
            ("unit", "handling_unit_id"),
        ):
            value = _int(d.get(name))
            if value:
                qs = qs.filter(**{column: value})
        truthy = {"1", "true", "yes"}
        if str(d.get("overdue") or "").lower() in truthy:
            now = timezone.now()
            qs = qs.filter(status__in=OPEN_STATUSES).filter(
                Q(resolve_due_at__lt=now) | Q(acknowledged_at__isnull=True, ack_due_at__lt=now)
            )
        if str(d.get("open") or "").lower() in truthy:
            qs = qs.filter(status__in=OPEN_STATUSES)
        start, end = _date(d.get("date_from")), _date(d.get("date_to"))
        if start:
            qs = qs.filter(occurred_at__date__gte=start)
        if end:
            qs = qs.filter(occurred_at__date__lte=end)
        return qs
