"""Reads of incidents: scoped, with overdue flags computed in SQL, duplicates, statistics."""

import datetime as dt

from django.contrib.contenttypes.models import ContentType
from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    F,
    FloatField,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Cast
from django.http import Http404
from django.utils import timezone

from accounts.choices import Role
from core.aggregates import grouped
from core.models import Attachment
from core.scoping import can_change, visible
from core.text import fold
from incidents.choices import OPEN_STATUSES, IncidentField
from incidents.models import Incident
from org.models import AdministrativeUnit, Agency, Person


def overdue(now: dt.datetime) -> Q:
    """Overdue: open, and past its resolution deadline, or past its acknowledgement deadline while nobody has
    acknowledged it. The one rule, for the lists' `is_overdue`, the escalation reminders and `is_overdue`."""
    return Q(status__in=OPEN_STATUSES) & (
        Q(resolve_due_at__lt=now) | Q(acknowledged_at__isnull=True, ack_due_at__lt=now)
    )


_OVERDUE_FIELDS = ("status", "resolve_due_at", "acknowledged_at", "ack_due_at")


def is_overdue(incident: Incident, now: dt.datetime | None = None) -> bool:
    """The rule for one incident read without `incident_list` (the record a write returned): the same
    condition, evaluated by the database on the record's values (one query)."""
    values = {
        name: Value(getattr(incident, name), output_field=Incident._meta.get_field(name))
        for name in _OVERDUE_FIELDS
    }
    return overdue(now or timezone.now()).check(values)


def incident_list(*, user, include_archived: bool = False) -> QuerySet[Incident]:
    """Incidents the user may see, with `is_overdue` (incidents.filters.IncidentFilterSet filters them)."""
    qs = visible(Incident.objects.all(), user)
    if not include_archived:
        qs = qs.active()
    return qs.select_related(
        "locality", "agency", "responsible_leader", "responsible_leader__user", "handling_unit", "focal_point"
    ).annotate(
        is_overdue=Case(
            When(overdue(timezone.now()), then=Value(True)), default=Value(False), output_field=BooleanField()
        )
    )


def can_report(user) -> bool:
    """May the user report an incident (the menu entry, the buttons, the form): every member of an
    organisation who writes, a focal point first of all; never a viewer or a user without a role."""
    return can_change(user)


def can_handle(user, incident: Incident) -> bool:
    """May the user move the incident along its workflow: the leader in charge, the handling unit's focal
    point, the office or the Standing Board. Pure: no query once the user's person is loaded."""
    if not can_change(user):  # viewers and role-less users never write
        return False
    return can_reassign(user, incident) or bool(
        user.agency_id and user.agency_id == incident.handling_unit_id
    )


def can_reassign(user, incident: Incident) -> bool:
    """May the user reassign the incident or issue a directive from it: the leader in charge, the office or
    the Standing Board."""
    if not can_change(user):  # viewers and role-less users never write
        return False
    if user.is_office or user.role == Role.STANDING_BOARD:
        return True
    person = getattr(user, "person", None)
    return person is not None and person.pk == incident.responsible_leader_id


def handles_only_as_focal_point(user, incident: Incident) -> bool:
    """The user may handle the incident only because they are the focal point of its handling unit."""
    return can_handle(user, incident) and not can_reassign(user, incident)


def get_incident_for_user(*, user, pk: int, action: str = "view") -> Incident:
    """One incident, or 404 for missing and for not-yours alike.

    "handle": `can_handle`; "reassign": `can_reassign`.
    """
    # Unordered: with the list's ordering, SQLite walks the ordering index instead of fetching by id. With
    # what its page shows beside the list's columns: who entered it.
    incident = (
        incident_list(user=user, include_archived=True)
        .select_related("reporter")
        .annotate(has_duplicates=Exists(Incident.objects.filter(duplicate_of=OuterRef("pk"))))
        .filter(pk=pk)
        .order_by()
        .first()
    )
    if incident is None:
        raise Http404
    if action == "view":
        return incident
    allowed = can_handle if action == "handle" else can_reassign
    if not allowed(user, incident):
        raise Http404
    return incident


def my_incidents(*, user) -> QuerySet[Incident]:
    """A leader's incidents (frozen on them), or a focal point's unit's incidents."""
    person = getattr(user, "person", None)
    mine = Q(pk__in=[])
    if person is not None:
        mine |= Q(responsible_leader=person)
    if user.agency_id:
        mine |= Q(handling_unit_id=user.agency_id) | Q(focal_point=user)
    return incident_list(user=user).filter(mine)


def incident_directives(*, user, incident: Incident) -> list:
    """The directives issued from the incident that the user may see, in the order they were issued, with
    their lead unit and status bucket (the page names each one, its lead unit, deadline and bucket). Found
    by the link's own index first: asked with the organisation and the kind of source, SQLite's planner
    walked every directive of the organisation (none but a few have a source)."""
    from followup.choices import SourceKind
    from followup.models import Directive
    from followup.selectors import directive_rows, with_status_buckets

    linked = Directive.objects.filter(
        source_type=ContentType.objects.get_for_model(Incident), source_id=incident.pk
    ).values("pk")
    return with_status_buckets(
        directive_rows(user=user, include_archived=True)
        .filter(source_kind=SourceKind.INCIDENT, pk__in=linked)
        .order_by("issued_on", "id")
    )


def incident_attachments(incident: Incident) -> list[Attachment]:
    """The files of an incident already reached through its gate."""
    return list(
        Attachment.objects.filter(
            organization_id=incident.organization_id,
            content_type=ContentType.objects.get_for_model(Incident),
            object_id=str(incident.pk),
        ).order_by("uploaded_at", "id")
    )


def incident_duplicates(*, user, incident: Incident) -> list[Incident]:
    """The reports linked to this one as its duplicates, that the user may see (at most 20). Found by
    the link's own index first: through the scoped list, the planner walked every incident by date. An
    incident read through its gate already says whether it has any (`has_duplicates`)."""
    if not getattr(incident, "has_duplicates", True):
        return []
    ids = list(
        Incident.objects.filter(duplicate_of=incident)
        .order_by("reported_at", "id")
        .values_list("pk", flat=True)[:20]
    )
    if not ids:
        return []
    return list(incident_list(user=user).filter(pk__in=ids).order_by("reported_at", "id"))


def map_points(qs: QuerySet[Incident], *, limit: int) -> tuple[list[dict], bool]:
    """The incidents of a (scoped, filtered) list that have coordinates, newest first, at most `limit`, as
    the points of a map (id, code, title, lat, lng, status, severity, overdue, place); and whether there
    were more."""
    fields = ("id", "code", "title", "lat", "lng", "status", "severity", "is_overdue")
    rows = list(
        qs.filter(latitude__isnull=False, longitude__isnull=False)
        .annotate(lat=Cast("latitude", FloatField()), lng=Cast("longitude", FloatField()))  # no Decimal
        .order_by("-reported_at", "-id")
        .values_list(*fields, "locality__name")[: limit + 1]
    )
    points = [
        {"id": pk, "code": code, "title": title, "lat": float(lat), "lng": float(lng), "status": status,
         "severity": severity, "overdue": bool(overdue), "place": place or ""}
        for pk, code, title, lat, lng, status, severity, overdue, place in rows[:limit]
    ]  # fmt: skip
    return points, len(rows) > limit


def duplicate_suspects(
    *,
    user,
    organization,
    title: str,
    occurred_at: dt.datetime,
    locality=None,
    agency=None,
    exclude_pk: int | None = None,
    hours: int = 72,
    limit: int = 5,
) -> list[Incident]:
    """Earlier reports that look like the same incident: the same place, a similar title (ignoring
    diacritics), and a nearby time. One query, at most 50 candidates compared."""
    words = {w for w in fold(title).split() if len(w) > 1}
    if not words or (locality is None and agency is None):
        return []
    window = dt.timedelta(hours=hours)
    candidates = visible(Incident.objects.active(), user).filter(
        organization=organization,
        occurred_at__gte=occurred_at - window,
        occurred_at__lte=occurred_at + window,
    )
    candidates = (
        candidates.filter(locality=locality) if locality is not None else candidates.filter(agency=agency)
    )
    if exclude_pk:
        candidates = candidates.exclude(pk=exclude_pk)
    scored = []
    for incident in candidates.select_related("locality").order_by("-occurred_at")[:50]:
        other = {w for w in fold(incident.title).split() if len(w) > 1}
        similarity = len(words & other) / len(words | other) if other else 0
        if similarity >= 0.5:
            scored.append((similarity, incident))
    scored.sort(key=lambda pair: (-pair[0], -pair[1].occurred_at.timestamp()))
    return [incident for _score, incident in scored[:limit]]


# Grouped by id (no join over every incident), named afterwards with one small query per grouping.
_STATISTICS_KEYS = {"locality": "locality_id", "field": "field", "leader": "responsible_leader_id"}
_STATISTICS_NAMES = {"locality": (AdministrativeUnit, "name"), "leader": (Person, "full_name")}
_RESOLVED = Q(resolved_at__isnull=False)
_STATISTICS_COUNTS = {
    "total": None,
    "open": Q(status__in=OPEN_STATUSES),
    "resolved": _RESOLVED,
    "on_time": _RESOLVED & Q(resolved_at__lte=F("resolve_due_at")),
}
_STATISTICS_MEDIANS = {
    "median_ack_hours": "ack_working_hours",
    "median_resolve_hours": "resolve_working_hours",
}


def incident_statistics(qs: QuerySet[Incident], by: str) -> list[dict]:
    """Counts, median working hours to acknowledge and to resolve, and the on-time rate, grouped by
    locality, field or leader (see incident_statistics_by)."""
    return incident_statistics_by(qs, (by,))[by]


def incident_statistics_by(qs: QuerySet[Incident], groupings: tuple[str, ...]) -> dict[str, list[dict]]:
    """The statistics of the (filtered) incidents for several groupings, each computed by the database
    (core.aggregates.grouped): the counts, the medians of the working hours from the report to the
    acknowledgement and to the resolution (ack_working_hours, resolve_working_hours, on the organisation's
    working calendar) and the on-time rate, the share of the resolved ones resolved by their deadline. The
    same few queries however many incidents; rows sorted by count, then name."""
    keys = [_STATISTICS_KEYS[by] for by in groupings]
    found = grouped(qs, keys, counts=_STATISTICS_COUNTS, medians=_STATISTICS_MEDIANS)
    result = {}
    for by, key in zip(groupings, keys, strict=True):
        rows = found[key]
        if by in _STATISTICS_NAMES:
            model, attribute = _STATISTICS_NAMES[by]
            ids = [row["key"] for row in rows if row["key"] is not None]
            names = dict(model._base_manager.filter(pk__in=ids).values_list("pk", attribute))
            for row in rows:
                row["key"] = names.get(row["key"])
        result[by] = sorted((_statistics_row(row) for row in rows), key=lambda r: (-r["total"], r["key"]))
    return result


def _statistics_row(row: dict) -> dict:
    resolved = row["resolved"]
    return {
        "key": row["key"] or "—",
        "total": row["total"],
        "open": row["open"],
        "median_ack_hours": _hours(row["median_ack_hours"]),
        "median_resolve_hours": _hours(row["median_resolve_hours"]),
        "resolved": resolved,
        "on_time": row["on_time"],
        "on_time_rate": round(100 * row["on_time"] / resolved, 1) if resolved else None,
    }


def _hours(value) -> float | None:
    return round(float(value), 2) if value is not None else None


# --- a period's figures (the Standing Committee's briefing) -------------------------------------------------

# How the period's figures group the incidents, and the name each group reads by.
_PERIOD_KEYS = {"locality": "locality_id", "field": "field", "leader": "responsible_leader_id"}


def period_incidents(*, user, since: dt.datetime, until: dt.datetime) -> QuerySet[Incident]:
    """The incidents the user may see reported from `since` up to (not including) `until`."""
    return visible(Incident.objects.active(), user).filter(reported_at__gte=since, reported_at__lt=until)


def period_summary(qs: QuerySet[Incident], by: str | None, *, now: dt.datetime) -> list[dict]:
    """Counts by locality, field or leader (None: all together), decided by the database in one grouped
    aggregate: reported, still open, overdue at `now`, resolved, resolved by the deadline, of public concern;
    the on-time rate is resolved by the deadline ÷ resolved, in %. Names are read with one small query."""
    sums = {
        "total": Count("pk"),
        "open": Count("pk", filter=Q(status__in=OPEN_STATUSES)),
        "overdue": Count("pk", filter=overdue(now)),
        "resolved": Count("pk", filter=Q(resolved_at__isnull=False)),
        "on_time": Count("pk", filter=Q(resolved_at__isnull=False, resolved_at__lte=F("resolve_due_at"))),
        "public_concern": Count("pk", filter=Q(is_public_concern=True)),
    }
    if by is None:
        rows = [{"key": None, **qs.order_by().aggregate(**sums)}]
    else:
        rows = list(qs.order_by().values(key=F(_PERIOD_KEYS[by])).annotate(**sums).order_by())
    names: dict = {}
    if by in _STATISTICS_NAMES:
        model, attribute = _STATISTICS_NAMES[by]
        ids = [row["key"] for row in rows if row["key"] is not None]
        names = dict(model._base_manager.filter(pk__in=ids).values_list("pk", attribute))
    elif by == "field":
        names = dict(IncidentField.choices)
    for row in rows:
        row["id"] = row["key"]
        row["name"] = str(names.get(row["key"], "—")) if by else ""
        row["on_time_rate"] = round(100 * row["on_time"] / row["resolved"], 1) if row["resolved"] else None
        del row["key"]
    return sorted(rows, key=lambda r: (-r["total"], r["name"]))


def public_concern(qs: QuerySet[Incident], *, limit: int = 20) -> list[Incident]:
    """The incidents of public concern among `qs`, urgent first then newest, with their place and leader."""
    return list(
        qs.filter(is_public_concern=True)
        .select_related("locality", "responsible_leader")
        .order_by(
            Case(When(severity="urgent", then=Value(0)), default=Value(1), output_field=IntegerField()),
            "-reported_at",
            "-id",
        )[:limit]
    )


# --- each leader's figures (the leaders' table) -----------------------------------------------------------


def leader_figures(*, user, since: dt.datetime, until: dt.datetime, now: dt.datetime) -> dict[int, dict]:
    """For each leader in charge (by person id): of the incidents reported from `since` up to `until`, how
    many, how many resolved and how many of those by the deadline; of all their incidents, how many are
    open and how many overdue at `now`. Two grouped aggregates over what the user may see, each served by
    its index: the period's by the reported date, the open ones by `incident_open_leader_idx`, read without
    the rows (one aggregate over "in the period or open" walked every row through the leader's index). The
    incident list filtered by `leader` with `reported_from`/`reported_to`, `resolved`, `on_time`, `open` or
    `overdue` gives the rows behind each count."""
    seen = visible(Incident.objects.active(), user).order_by()
    resolved = Q(resolved_at__isnull=False)
    figures: dict[int, dict] = {}
    period = (
        seen.filter(reported_at__gte=since, reported_at__lt=until)
        .values("responsible_leader_id")
        .annotate(
            total=Count("pk"),
            resolved=Count("pk", filter=resolved),
            on_time=Count("pk", filter=resolved & Q(resolved_at__lte=F("resolve_due_at"))),
        )
    )
    for row in period:
        figures[row.pop("responsible_leader_id")] = {**row, "open": 0, "overdue": 0}
    still_open = (
        seen.filter(status__in=OPEN_STATUSES)
        .values("responsible_leader_id")
        .annotate(open=Count("pk"), overdue=Count("pk", filter=overdue(now)))
    )
    for row in still_open:
        leader = row.pop("responsible_leader_id")
        figures.setdefault(leader, {"total": 0, "resolved": 0, "on_time": 0}).update(row)
    return figures


# --- a month's ranking of the handling units and of the localities (reports) -------------------------------

# How the ranking groups the incidents, and the model that names each group.
_RANKING_KEYS = {"unit": ("handling_unit_id", Agency), "locality": ("locality_id", AdministrativeUnit)}


def on_time_by(
    *, user, by: str, since: dt.datetime, until: dt.datetime, now: dt.datetime | None = None
) -> list[dict]:
    """For each handling unit (`by="unit"`) or locality (`by="locality"`) of the incidents the user may see
    that occurred from `since` up to (not including) `until` (the list's and the statistics' period filter,
    `date_from`..`date_to`): how many, how many resolved, resolved by the deadline, still open, overdue at
    `now`. The on-time rate is resolved by the deadline ÷ resolved, as the statistics count it. One grouped
    aggregate and one small query for the names; incidents without a unit (or a locality) are left out."""
    field, model = _RANKING_KEYS[by]
    qs = visible(Incident.objects.active(), user).filter(
        occurred_at__gte=since, occurred_at__lt=until, **{f"{field}__isnull": False}
    )
    sums = {
        "total": Count("pk"),
        "resolved": Count("pk", filter=_RESOLVED),
        "on_time": Count("pk", filter=_STATISTICS_COUNTS["on_time"]),
        "open": Count("pk", filter=Q(status__in=OPEN_STATUSES)),
        "overdue": Count("pk", filter=overdue(now or timezone.now())),
    }
    rows = list(qs.order_by().values(unit_id=F(field)).annotate(**sums).order_by())
    names = dict(
        model._base_manager.filter(pk__in=[row["unit_id"] for row in rows]).values_list("pk", "name")
    )
    for row in rows:
        row["name"] = names.get(row["unit_id"], "—")
        row["on_time_rate"] = round(100 * row["on_time"] / row["resolved"], 1) if row["resolved"] else None
    return rows
