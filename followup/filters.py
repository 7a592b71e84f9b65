"""One filter definition per list, shared by the page, the API and the Excel export."""

import datetime as dt

from django.db.models import Q, QuerySet

from core.text import search_terms
from followup.choices import (
    OPEN_OBSTACLE_STATUSES,
    ObstacleCategory,
    ObstacleStatus,
    ResolutionLevel,
    SourceKind,
    StatusBucket,
    Verdict,
)
from followup.models import Directive


def _int(value) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def _date(value) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    if not value:
        return None
    for fmt in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(str(value), fmt).date()
        except ValueError:
            continue
    return None


def _choice(value, choices) -> str | None:
    return value if value in choices.values else None


class BaseFilter:
    """Parses a query dict (the page's GET, the API's parameters) and applies it; bad values are ignored."""

    fields: tuple[str, ...] = ()

    def __init__(self, data, today: dt.date):
        self.data = {k: (data.get(k) if hasattr(data, "get") else None) for k in self.fields}
        self.today = today

    def cleaned(self) -> dict:
        """The values actually applied, for the page's form and the export's heading."""
        return {k: v for k, v in self.data.items() if v not in (None, "")}

    def _search(self, qs: QuerySet) -> QuerySet:
        for word in search_terms(self.data.get("q")):
            qs = qs.filter(search_text__contains=word)
        return qs


class DirectiveFilter(BaseFilter):
    """Directives by text, status bucket, unit, leader, locality, source, notice and deadline period."""

    fields = (
        "q",
        "bucket",
        "unit",
        "leader",
        "locality",
        "source_kind",
        "notice",
        "open",
        "date_from",
        "date_to",
        "parent",
    )

    def apply(self, qs: QuerySet) -> QuerySet:
        d = self.data
        qs = self._search(qs)
        bucket = _choice(d.get("bucket"), StatusBucket)
        if bucket:
            qs = qs.filter(status_bucket=bucket)
        unit = _int(d.get("unit"))
        if unit:
            # A subquery, not a join: a directive is listed (and counted) once, with no DISTINCT.
            cooperating = Directive.cooperating_units.through.objects.filter(agency_id=unit)
            qs = qs.filter(Q(lead_unit_id=unit) | Q(pk__in=cooperating.values("directive_id")))
        leader = _int(d.get("leader"))
        if leader:
            qs = qs.filter(issued_by_id=leader)
        locality = _int(d.get("locality"))
        if locality:
            qs = qs.filter(locality_id=locality)
        kind = _choice(d.get("source_kind"), SourceKind)
        if kind:
            qs = qs.filter(source_kind=kind)
        notice = _int(d.get("notice"))
        if notice:
            qs = qs.filter(source_kind=SourceKind.CONCLUSION_NOTICE, source_id=notice)
        if str(d.get("open") or "").lower() in {"1", "true", "yes"}:
            qs = qs.filter(closed_on__isnull=True)
        start, end = _date(d.get("date_from")), _date(d.get("date_to"))
        if start:
            qs = qs.filter(deadline__gte=start)
        if end:
            qs = qs.filter(deadline__lte=end)
        parent = _int(d.get("parent"))
        if parent:
            qs = qs.filter(parent_id=parent)
        return qs


class ObstacleFilter(BaseFilter):
    """Obstacles by text, status, category, level, agency, locality, overdue, escalated and period raised."""

    fields = (
        "q",
        "status",
        "category",
        "level",
        "agency",
        "locality",
        "overdue",
        "escalated",
        "open",
        "date_from",
        "date_to",
    )

    def apply(self, qs: QuerySet) -> QuerySet:
        d = self.data
        qs = self._search(qs)
        status = _choice(d.get("status"), ObstacleStatus)
        if status:
            qs = qs.filter(status=status)
        category = _choice(d.get("category"), ObstacleCategory)
        if category:
            qs = qs.filter(category=category)
        level = _choice(d.get("level"), ResolutionLevel)
        if level:
            qs = qs.filter(resolution_level=level)
        agency = _int(d.get("agency"))
        if agency:
            qs = qs.filter(Q(responsible_agency_id=agency) | Q(agency_id=agency))
        locality = _int(d.get("locality"))
        if locality:
            qs = qs.filter(locality_id=locality)
        truthy = {"1", "true", "yes"}
        if str(d.get("overdue") or "").lower() in truthy:
            qs = qs.filter(is_overdue=1)
        if str(d.get("escalated") or "").lower() in truthy:
            qs = qs.filter(escalated_on__isnull=False)
        if str(d.get("open") or "").lower() in truthy:
            qs = qs.filter(status__in=OPEN_OBSTACLE_STATUSES)
        start, end = _date(d.get("date_from")), _date(d.get("date_to"))
        if start:
            qs = qs.filter(raised_on__gte=start)
        if end:
            qs = qs.filter(raised_on__lte=end)
        return qs


class ReSupervisionFilter(BaseFilter):
    """Checks by state (due, recorded), verdict, leader, locality and due period."""

    fields = ("state", "verdict", "leader", "locality", "date_from", "date_to")

    def apply(self, qs: QuerySet) -> QuerySet:
        d = self.data
        state = d.get("state")
        if state == "pending":
            qs = qs.filter(verdict="")
        elif state == "due":
            qs = qs.filter(verdict="", due_on__lte=self.today)
        elif state == "recorded":
            qs = qs.exclude(verdict="")
        verdict = _choice(d.get("verdict"), Verdict)
        if verdict:
            qs = qs.filter(verdict=verdict)
        leader = _int(d.get("leader"))
        if leader:
            qs = qs.filter(assigned_to_id=leader)
        locality = _int(d.get("locality"))
        if locality:
            qs = qs.filter(locality_id=locality)
        start, end = _date(d.get("date_from")), _date(d.get("date_to"))
        if start:
            qs = qs.filter(due_on__gte=start)
        if end:
            qs = qs.filter(due_on__lte=end)
        return qs
