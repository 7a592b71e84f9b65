"""Laying out a calendar entry: its occurrences, cut into one `EntryDay` per local day.

The rules (docs/fieldwork.md tells them in full):

- an entry happens once, or at every occurrence of its RFC 5545 rule (`recurrence`), counted from
  `starts_at`, each occurrence lasting as long as the entry (`ends_at - starts_at`); a rule must end (COUNT
  or UNTIL) and give at most `MAX_OCCURRENCES` occurrences;
- an all-day entry runs from local midnight of its first day to local midnight after its last day;
- each occurrence is cut at local midnight (Asia/Ho_Chi_Minh): a trip over a weekend, or a reception that
  runs past midnight, gives one row per day it touches;
- `minutes` is all the time of that part, `working_minutes` the part of it inside the organisation's working
  time that day (core.calendar.WorkingCalendar: working days, public holidays, compensatory days, the
  office's exceptions and the hours of a day), so a Saturday or a Tết day adds minutes but no working time;
- `is_first_day` marks the first day of each occurrence: counting those counts occurrences;
- an archived entry has no days.
"""

import datetime as dt
import itertools

from dateutil.rrule import rrulestr
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from core.calendar import WorkingCalendar
from fieldwork.models import CalendarEntry, EntryDay

# More occurrences than this from one rule are refused.
MAX_OCCURRENCES = 1000
_DAY = dt.timedelta(days=1)
_MINUTE = dt.timedelta(minutes=1)


def _rule_parts(rule: str) -> dict[str, str]:
    text = rule.strip()
    if text.upper().startswith("RRULE:"):
        text = text[len("RRULE:") :]
    parts = {}
    for item in text.split(";"):
        if not item.strip():
            continue
        key, sep, value = item.partition("=")
        if not sep:
            raise ValidationError({"recurrence": _("The recurrence rule is not a valid RFC 5545 rule.")})
        parts[key.strip().upper()] = value.strip()
    return parts


def _local(moment: dt.datetime) -> dt.datetime:
    return timezone.localtime(moment, timezone.get_default_timezone())


def entry_span(entry: CalendarEntry) -> tuple[dt.datetime, dt.datetime]:
    """The first occurrence's start and end: an all-day entry covers whole local days."""
    start, end = _local(entry.starts_at), _local(entry.ends_at)
    if entry.all_day:
        first = start.replace(hour=0, minute=0, second=0, microsecond=0)
        last = end.date() if end.time() != dt.time(0) or end.date() == start.date() else end.date() - _DAY
        last = max(last, first.date())
        end = dt.datetime.combine(last + _DAY, dt.time(0), tzinfo=first.tzinfo)
        start = first
    return start, end


def occurrence_starts(recurrence: str, starts_at: dt.datetime) -> list[dt.datetime]:
    """The starts of every occurrence of a rule from `starts_at` (aware, local), validated.

    An empty rule gives the single start. Raises ValidationError (on "recurrence") for a rule that cannot be
    read, that never ends, or that gives more than MAX_OCCURRENCES occurrences."""
    start = _local(starts_at)
    if not (recurrence or "").strip():
        return [start]
    parts = _rule_parts(recurrence)
    if "FREQ" not in parts:
        raise ValidationError({"recurrence": _("The recurrence rule needs a frequency (FREQ).")})
    if "COUNT" not in parts and "UNTIL" not in parts:
        raise ValidationError(
            {
                "recurrence": _(
                    "A recurrence rule must end: give a number of times (COUNT) or an end date (UNTIL)."
                )
            }
        )
    text = ";".join(f"{key}={value}" for key, value in parts.items())
    naive = start.replace(tzinfo=None)
    try:
        # Read on naive local time: an UNTIL written in local time ("20270630" or "20270630T170000") is read
        # as such; one written in UTC ("...Z") is turned into local time first.
        until = parts.get("UNTIL", "")
        if until.upper().endswith("Z"):
            moment = dt.datetime.strptime(until.upper(), "%Y%m%dT%H%M%SZ").replace(tzinfo=dt.UTC)
            text = text.replace(f"UNTIL={until}", f"UNTIL={_local(moment):%Y%m%dT%H%M%S}")
        rule = rrulestr(text, dtstart=naive)
        starts = list(itertools.islice(iter(rule), MAX_OCCURRENCES + 1))
    except (ValueError, TypeError, OverflowError) as exc:
        raise ValidationError({"recurrence": _("The recurrence rule is not a valid RFC 5545 rule.")}) from exc
    if len(starts) > MAX_OCCURRENCES:
        raise ValidationError(
            {
                "recurrence": _("The recurrence rule gives more than {limit} occurrences.").format(
                    limit=f"{MAX_OCCURRENCES:,}".replace(",", ".")
                )
            }
        )
    if not starts:
        raise ValidationError({"recurrence": _("The recurrence rule gives no occurrence.")})
    return [s.replace(tzinfo=start.tzinfo) for s in starts]


def occurrences(entry: CalendarEntry) -> list[tuple[dt.datetime, dt.datetime]]:
    """Every occurrence of an entry as (start, end), local time, validated."""
    start, end = entry_span(entry)
    duration = end - start
    return [(s, s + duration) for s in occurrence_starts(entry.recurrence, start)]


def _minutes(span: dt.timedelta) -> int:
    return max(0, span // _MINUTE)


def build_days(entry: CalendarEntry, calendar: WorkingCalendar | None = None) -> list[EntryDay]:
    """The entry's days, unsaved (the bulk seeders save many entries' days at once)."""
    if entry.archived_at is not None:
        return []
    spans = occurrences(entry)
    if calendar is None:
        calendar = WorkingCalendar.for_organization(entry.organization_id)
    calendar.preload(spans[0][0].date(), spans[-1][1].date())
    rows = []
    for begin, end in spans:
        tz = begin.tzinfo
        day = begin.date()
        first = True
        while True:
            day_start = dt.datetime.combine(day, dt.time(0), tzinfo=tz)
            part_start, part_end = max(begin, day_start), min(end, day_start + _DAY)
            if part_end < part_start:
                part_end = part_start
            rows.append(
                EntryDay(
                    entry_id=entry.pk,
                    organization_id=entry.organization_id,
                    leader_id=entry.leader_id,
                    kind=entry.kind,
                    chaired=entry.chaired,
                    day=day,
                    starts_at=part_start,
                    ends_at=part_end,
                    occurrence_start=begin,
                    is_first_day=first,
                    minutes=_minutes(part_end - part_start),
                    working_minutes=_minutes(calendar.working_time_between(part_start, part_end)),
                )
            )
            first = False
            day += _DAY
            if dt.datetime.combine(day, dt.time(0), tzinfo=tz) >= end:
                break
    return rows


def lay_out_entry(entry: CalendarEntry, calendar: WorkingCalendar | None = None) -> int:
    """Replace the entry's days with its current layout; the number of days written.

    Validates the rule first (ValidationError, nothing changed). Call it inside the service's transaction."""
    rows = build_days(entry, calendar)
    EntryDay.objects.filter(entry_id=entry.pk).delete()
    EntryDay.objects.bulk_create(rows, batch_size=1000)
    return len(rows)
