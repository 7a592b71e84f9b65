"""Reads of the work calendar, the field-time share and meetings.

The office, the Standing Board and viewers see every calendar of their organisation; a leader sees their
own. The share and the meeting figures are sums over `EntryDay` in SQL (one grouped aggregate for a whole
table of leaders), whatever the size of the calendars.
"""

import datetime as dt
import math
from dataclasses import dataclass, field
from fractions import Fraction

from django.db.models import CharField, Count, Exists, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import Cast, Substr
from django.http import Http404
from django.utils import timezone

from core.calendar import WorkingCalendar
from core.periods import Period, last_months
from core.scoping import visible
from fieldwork.choices import EntryKind
from fieldwork.models import CalendarEntry, CalendarFeed, EntryDay
from fieldwork.permissions import (
    LEADER_ROLES,
    can_change_entry,
    can_keep_calendar,
    can_see_all_shares,
    can_see_feed,
    person_id,
)
from fieldwork.services.calendar import policy_for
from org.models import Assignment, Membership, Person

_DAY = dt.timedelta(days=1)


def _today(today: dt.date | None = None) -> dt.date:
    return today or timezone.localdate()


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0), tzinfo=timezone.get_default_timezone())


# --- entries ------------------------------------------------------------------------------------------------


def entry_list(*, user, include_archived: bool = False) -> QuerySet[CalendarEntry]:
    """The entries the user may see, with their leader, locality and unit."""
    qs = visible(CalendarEntry.objects.all(), user)
    if not include_archived:
        qs = qs.active()
    return qs.select_related("leader", "locality", "agency")


def get_entry_for_user(*, user, pk: int, action: str = "view") -> CalendarEntry:
    """One entry, or 404 for missing and not-yours alike; "change" only for who keeps that calendar."""
    entry = entry_list(user=user, include_archived=True).filter(pk=pk).order_by().first()
    if entry is None:
        raise Http404
    if action == "view" or (action == "change" and can_change_entry(user, entry)):
        return entry
    raise Http404


def leader_choices(*, user) -> QuerySet[Person]:
    """Whose calendar the user may see: every leader of the organisation for those who see all (people on a
    body, holding an assignment, with a calendar, or whose login is a leader's), else only themself."""
    qs = visible(Person.objects.all(), user).active()
    if getattr(user, "sees_all", False):
        # Exists() rather than joins: a leader's thousands of entries are not multiplied then made distinct.
        return qs.filter(
            Exists(Membership.objects.filter(person=OuterRef("pk")))
            | Exists(Assignment.objects.filter(leader=OuterRef("pk")))
            | Exists(CalendarEntry.objects.filter(leader=OuterRef("pk")))
            | Q(user__role__in=LEADER_ROLES)
        ).order_by("sort_key", "id")
    own = person_id(user)
    return qs.filter(pk=own).order_by("sort_key", "id") if own else qs.none()


def writable_leaders(*, user) -> QuerySet[Person]:
    """Whose calendar the user may write: every person of the organisation for the office (a new leader's
    first entry included), else only themself."""
    if not can_keep_calendar(user):
        return Person.objects.none()
    if getattr(user, "is_office", False):
        return visible(Person.objects.all(), user).active().order_by("sort_key", "id")
    return visible(Person.objects.all(), user).active().filter(pk=person_id(user))


def get_leader_for_user(*, user, pk: int) -> Person:
    """A leader whose calendar the user may see, or 404 (missing and not-yours alike)."""
    leader = visible(Person.objects.all(), user).filter(pk=pk).first()
    if leader is None or not (getattr(user, "sees_all", False) or pk == person_id(user)):
        raise Http404
    return leader


# --- the calendar range (FullCalendar, the API) -------------------------------------------------------------


def visible_days(*, user) -> QuerySet[EntryDay]:
    """The laid-out days of the entries the user sees, read by their copied organisation and leader (the
    same rule as `entry_list`: CalendarEntry is scoped by organisation and leader only; archived entries
    have no days)."""
    if not getattr(user, "is_authenticated", False) or not user.organization_id or not user.role:
        return EntryDay.objects.none()
    days = EntryDay.objects.filter(organization_id=user.organization_id)
    if getattr(user, "sees_all", False):
        return days
    own = person_id(user)
    return days.filter(leader_id=own) if own else days.none()


@dataclass
class Occurrence:
    """One occurrence of an entry inside a range, with whether it overlaps another of the same leader's."""

    entry: CalendarEntry
    start: dt.datetime
    end: dt.datetime
    overlaps: bool = False


def calendar_range(*, user, first: dt.date, last: dt.date, leader_id: int | None = None) -> list[Occurrence]:
    """The occurrences that touch the days `first` to `last` of the calendars the user sees (one leader's
    when `leader_id` is given), by start; overlapping occurrences of one leader are flagged.

    Read from the laid-out days: one query for the days and their entries, whatever the rules."""
    days = visible_days(user=user).filter(day__gte=first, day__lte=last)
    if leader_id is not None:
        days = days.filter(leader_id=leader_id)
    rows = days.select_related("entry", "entry__leader", "entry__locality", "entry__agency").order_by(
        "occurrence_start", "entry_id", "day"
    )
    found: dict[tuple[int, dt.datetime], Occurrence] = {}
    for row in rows:
        key = (row.entry_id, row.occurrence_start)
        duration = row.entry.ends_at - row.entry.starts_at
        if row.entry.all_day:
            from fieldwork.layout import entry_span

            begin, end = entry_span(row.entry)
            duration = end - begin
        if key not in found:
            found[key] = Occurrence(row.entry, row.occurrence_start, row.occurrence_start + duration)
    occurrences = sorted(found.values(), key=lambda o: (o.entry.leader_id, o.start, o.entry.pk))
    flag_overlaps(occurrences)
    return sorted(occurrences, key=lambda o: (o.start, o.entry.pk))


def flag_overlaps(occurrences: list[Occurrence]) -> None:
    """Mark occurrences of one leader that overlap in time (sorted by leader, then start)."""
    latest: dict[int, Occurrence] = {}
    for occurrence in occurrences:
        leader = occurrence.entry.leader_id
        previous = latest.get(leader)
        if previous is not None and occurrence.start < previous.end:
            occurrence.overlaps = previous.overlaps = True
        if previous is None or occurrence.end > previous.end:
            latest[leader] = occurrence


def entry_overlaps(entry: CalendarEntry) -> list[CalendarEntry]:
    """The leader's other active entries that overlap one of this entry's occurrences (its page)."""
    mine = list(EntryDay.objects.filter(entry=entry).values_list("starts_at", "ends_at"))
    if not mine:
        return []
    condition = Q(pk__in=[])
    for start, end in mine:
        condition |= Q(starts_at__lt=end, ends_at__gt=start)
    # A zero-length part touches nothing; parts come from the same rows the share counts.
    ids = (
        EntryDay.objects.filter(leader_id=entry.leader_id, day__in={s.date() for s, _e in mine} | set())
        .exclude(entry_id=entry.pk)
        .filter(condition)
        .values("entry_id")
    )
    return list(CalendarEntry.objects.filter(pk__in=ids).order_by("starts_at", "pk"))


# --- the share ----------------------------------------------------------------------------------------------


@dataclass
class Share:
    """A leader's field-time share over a period, and the pace when the period is running."""

    leader: Person | None
    period: Period
    field_minutes: int  # field visits up to today (the whole period once it is over)
    planned_minutes: int  # field visits already on the calendar after today
    working_minutes: int  # the period's working time
    leave_minutes: int
    target: Fraction
    available_so_far: int
    working_days_left: int
    running: bool
    trend: list[dict] = field(default_factory=list)

    @property
    def available_minutes(self) -> int:
        return max(0, self.working_minutes - self.leave_minutes)

    @property
    def share(self) -> Fraction | None:
        """Field minutes ÷ available minutes so far; None before any working time."""
        if self.available_so_far <= 0:
            return None
        return Fraction(self.field_minutes, self.available_so_far)

    @property
    def needed_minutes(self) -> int:
        """What is still needed by the period's end to reach the target over the whole period."""
        return max(0, math.ceil(self.target * self.available_minutes) - self.field_minutes)

    @property
    def meets_target(self) -> bool:
        return self.share is not None and self.share >= self.target

    @property
    def share_percent(self) -> float | None:
        return None if self.share is None else round(float(self.share) * 100, 1)

    @property
    def target_percent(self) -> float:
        return round(float(self.target) * 100, 1)

    @staticmethod
    def hours(minutes: int) -> float:
        return round(minutes / 60, 1)

    @property
    def field_hours(self) -> float:
        return self.hours(self.field_minutes)

    @property
    def planned_hours(self) -> float:
        return self.hours(self.planned_minutes)

    @property
    def available_hours(self) -> float:
        return self.hours(self.available_minutes)

    @property
    def leave_hours(self) -> float:
        return self.hours(self.leave_minutes)

    @property
    def needed_hours(self) -> float:
        return self.hours(self.needed_minutes)


def _working_minutes(calendar: WorkingCalendar, first: dt.date, last: dt.date) -> int:
    if last < first:
        return 0
    return calendar.working_time_between(_midnight(first), _midnight(last + _DAY)) // dt.timedelta(minutes=1)


def _period_frame(organization_id, period: Period, today: dt.date):
    """The period's working minutes, those up to today, and the working days after today."""
    calendar = WorkingCalendar.for_organization(organization_id)
    calendar.preload(period.first, period.last)
    total = _working_minutes(calendar, period.first, period.last)
    cut = min(today, period.last)
    so_far = _working_minutes(calendar, period.first, cut) if today >= period.first else 0
    left = calendar.working_day_count((max(today + _DAY, period.first), period.last))
    return total, so_far, left, period.first <= today <= period.last


def share_for(*, leader: Person, period: Period, today: dt.date | None = None) -> Share:
    """One leader's share and pace over a period (two queries for the days, plus the office's calendar)."""
    day = _today(today)
    total, so_far, left, running = _period_frame(leader.organization_id, period, day)
    field_visit, leave = Q(kind=EntryKind.FIELD_VISIT), Q(kind=EntryKind.LEAVE)
    done = Q(day__lte=day)
    sums = EntryDay.objects.filter(leader=leader, day__gte=period.first, day__lte=period.last).aggregate(
        field=Sum("working_minutes", filter=field_visit & done),
        planned=Sum("working_minutes", filter=field_visit & ~done),
        leave=Sum("working_minutes", filter=leave),
        leave_so_far=Sum("working_minutes", filter=leave & done),
    )
    policy = policy_for(leader.organization_id)
    return Share(
        leader=leader,
        period=period,
        field_minutes=sums["field"] or 0,
        planned_minutes=sums["planned"] or 0,
        working_minutes=total,
        leave_minutes=min(total, sums["leave"] or 0),
        target=Fraction(policy.share_target_numerator, policy.share_target_denominator),
        available_so_far=max(0, so_far - (sums["leave_so_far"] or 0)),
        working_days_left=left,
        running=running,
    )


def share_table(*, user, period: Period, today: dt.date | None = None, sort: str = "share") -> list[Share]:
    """Every leader's share over a period (office, Standing Board, viewers): one grouped aggregate."""
    if not can_see_all_shares(user):
        raise Http404
    day = _today(today)
    leaders = list(leader_choices(user=user))
    total, so_far, left, running = _period_frame(user.organization_id, period, day)
    field_visit, leave, done = Q(kind=EntryKind.FIELD_VISIT), Q(kind=EntryKind.LEAVE), Q(day__lte=day)
    rows = (
        EntryDay.objects.filter(
            organization_id=user.organization_id,
            day__gte=period.first,
            day__lte=period.last,
            kind__in=(EntryKind.FIELD_VISIT, EntryKind.LEAVE),
        )
        .values("leader_id")
        .annotate(
            field=Sum("working_minutes", filter=field_visit & done),
            planned=Sum("working_minutes", filter=field_visit & ~done),
            leave=Sum("working_minutes", filter=leave),
            leave_so_far=Sum("working_minutes", filter=leave & done),
        )
        .order_by()
    )
    by_leader = {row["leader_id"]: row for row in rows}
    policy = policy_for(user.organization_id)
    target = Fraction(policy.share_target_numerator, policy.share_target_denominator)
    shares = []
    for leader in leaders:
        row = by_leader.get(leader.pk, {})
        shares.append(
            Share(
                leader=leader,
                period=period,
                field_minutes=row.get("field") or 0,
                planned_minutes=row.get("planned") or 0,
                working_minutes=total,
                leave_minutes=min(total, row.get("leave") or 0),
                target=target,
                available_so_far=max(0, so_far - (row.get("leave_so_far") or 0)),
                working_days_left=left,
                running=running,
            )
        )
    return sort_shares(shares, sort)


SHARE_SORTS = ("share", "-share", "name", "-name", "field", "-field", "needed", "-needed")


def sort_shares(shares: list[Share], sort: str) -> list[Share]:
    key = sort.lstrip("-")
    descending = sort.startswith("-")
    keys = {
        "name": lambda s: (s.leader.sort_key, s.leader.pk),
        "field": lambda s: (s.field_minutes, s.leader.pk),
        "needed": lambda s: (s.needed_minutes, s.leader.pk),
    }
    if key == "share" or key not in keys:
        return sorted(shares, key=lambda s: (s.share is None, s.share or 0, s.leader.pk), reverse=descending)
    return sorted(shares, key=keys[key], reverse=descending)


def share_trend(
    *,
    organization_id: int,
    today: dt.date | None = None,
    leader_id: int | None = None,
    leaders: int | None = None,
) -> list[dict]:
    """The share month by month over the last 12 months (all leaders together, or one): one grouped query."""
    months = last_months(_today(today))
    first, last = months[0].first, months[-1].last
    days = EntryDay.objects.filter(
        organization_id=organization_id,
        day__gte=first,
        day__lte=last,
        kind__in=(EntryKind.FIELD_VISIT, EntryKind.LEAVE),
    )
    if leader_id is not None:
        days = days.filter(leader_id=leader_id)
    # One grouped query by month ("YYYY-MM", the day's text: no date function called on every row) and kind.
    rows = (
        days.annotate(month=Substr(Cast("day", CharField()), 1, 7))
        .values("month", "kind")
        .annotate(total=Sum("working_minutes"))
        .order_by()
    )
    by_month: dict[dt.date, dict] = {month.first: {} for month in months}
    for row in rows:
        year, number = (int(part) for part in row["month"].split("-"))
        key = "field" if row["kind"] == EntryKind.FIELD_VISIT else "leave"
        by_month.setdefault(dt.date(year, number, 1), {})[key] = row["total"]
    calendar = WorkingCalendar.for_organization(organization_id)
    calendar.preload(first, last)
    if leader_id is not None:
        headcount = 1
    elif leaders is not None:
        headcount = leaders  # the leaders of the table beside it
    else:
        headcount = (
            EntryDay.objects.filter(organization_id=organization_id, day__gte=first, day__lte=last)
            .values("leader_id")
            .distinct()
            .count()
        )
    trend = []
    for month in months:
        row = by_month.get(month.first, {})
        available = _working_minutes(calendar, month.first, month.last) * max(headcount, 1) - (
            row.get("leave") or 0
        )
        share = Fraction(row.get("field") or 0, available) if available > 0 else None
        trend.append(
            {
                "month": month.first,
                "label": f"{month.first:%m/%Y}",
                "field_hours": round((row.get("field") or 0) / 60, 1),
                "share_percent": None if share is None else round(float(share) * 100, 1),
            }
        )
    return trend


# --- meetings -----------------------------------------------------------------------------------------------


@dataclass
class MeetingRow:
    leader: Person | None
    count: int
    minutes: int
    chaired: int
    previous_count: int
    previous_minutes: int

    @property
    def hours(self) -> float:
        return round(self.minutes / 60, 1)

    @property
    def previous_hours(self) -> float:
        return round(self.previous_minutes / 60, 1)

    @property
    def change_percent(self) -> float | None:
        if not self.previous_minutes:
            return None
        return round((self.minutes - self.previous_minutes) * 100 / self.previous_minutes, 1)


@dataclass
class Meetings:
    period: Period
    previous: Period
    reduction_percent: int
    rows: list[MeetingRow]
    total: MeetingRow

    @property
    def target_minutes(self) -> int:
        """At most this many meeting minutes to meet the reduction target against the previous period."""
        return self.total.previous_minutes * (100 - self.reduction_percent) // 100

    @property
    def target_hours(self) -> float:
        return round(self.target_minutes / 60, 1)

    @property
    def meets_target(self) -> bool | None:
        if not self.total.previous_minutes:
            return None
        return self.total.minutes <= self.target_minutes


def meetings(*, user, period: Period, leader_id: int | None = None) -> Meetings:
    """Meetings held (occurrences), their hours and those chaired, per leader and in total, against the
    previous period of the same length: one grouped query over both periods."""
    previous = period.previous()
    leaders = list(leader_choices(user=user))
    if leader_id is not None:
        leaders = [p for p in leaders if p.pk == leader_id]
    meeting = Q(kind=EntryKind.MEETING)
    now = Q(day__gte=period.first, day__lte=period.last)
    before = Q(day__gte=previous.first, day__lte=previous.last)
    rows = (
        EntryDay.objects.filter(
            meeting,
            organization_id=user.organization_id,
            leader_id__in=[p.pk for p in leaders],
            day__gte=min(previous.first, period.first),
            day__lte=max(previous.last, period.last),
        )
        .values("leader_id")
        .annotate(
            held=Count("id", filter=now & Q(is_first_day=True)),
            held_minutes=Sum("minutes", filter=now),
            held_chaired=Count("id", filter=now & Q(is_first_day=True, chaired=True)),
            before_held=Count("id", filter=before & Q(is_first_day=True)),
            before_minutes=Sum("minutes", filter=before),
        )
        .order_by()
    )
    by_leader = {row["leader_id"]: row for row in rows}
    result = []
    for leader in leaders:
        row = by_leader.get(leader.pk, {})
        result.append(
            MeetingRow(
                leader=leader,
                count=row.get("held") or 0,
                minutes=row.get("held_minutes") or 0,
                chaired=row.get("held_chaired") or 0,
                previous_count=row.get("before_held") or 0,
                previous_minutes=row.get("before_minutes") or 0,
            )
        )
    total = MeetingRow(
        leader=None,
        count=sum(r.count for r in result),
        minutes=sum(r.minutes for r in result),
        chaired=sum(r.chaired for r in result),
        previous_count=sum(r.previous_count for r in result),
        previous_minutes=sum(r.previous_minutes for r in result),
    )
    policy = policy_for(user.organization_id)
    return Meetings(period, previous, policy.meeting_reduction_percent, result, total)


# --- feeds --------------------------------------------------------------------------------------------------


def get_feed_leader_for_user(*, user, pk: int, action: str = "view") -> Person:
    """A leader whose feed the user may see and manage (the office, or the leader: `can_see_feed`), or 404
    for missing and not-yours alike. The feed page and the feed API both go through it."""
    leader = get_leader_for_user(user=user, pk=pk)
    if not can_see_feed(user, leader):
        raise Http404
    return leader


def live_feed(leader: Person) -> CalendarFeed | None:
    return CalendarFeed.objects.filter(leader=leader, revoked_at__isnull=True).order_by("-created_at").first()


def feed_by_token(token: str) -> CalendarFeed:
    """The live feed of a token, or 404 exactly as for a leader who does not exist."""
    feed = (
        CalendarFeed.objects.filter(token=token, revoked_at__isnull=True, leader__archived_at__isnull=True)
        .select_related("leader")
        .first()
    )
    if feed is None:
        raise Http404
    return feed


def feed_entries(leader: Person) -> QuerySet[CalendarEntry]:
    """The leader's active entries, for the feed."""
    return (
        CalendarEntry.objects.active()
        .filter(leader=leader)
        .select_related("locality")
        .order_by("starts_at", "pk")
    )
