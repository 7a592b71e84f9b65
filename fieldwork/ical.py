"""A leader's calendar as an iCalendar (RFC 5545) document, for the secret feed URL.

Each entry is one VEVENT; a recurring entry keeps its rule (RRULE), so calendar apps expand it themselves.
Times are written in UTC; an all-day entry is written with dates (DTEND the day after its last day)."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar, Event, vRecur

from fieldwork.layout import entry_span


def feed_url(request, feed) -> str:
    """The absolute secret address of a live feed, as the page and the API show it ("" without one)."""
    if feed is None:
        return ""
    return request.build_absolute_uri(reverse("fieldwork:feed", args=[feed.token]))


def leader_calendar(leader, entries) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//Co So//Lich cong tac//VI")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", f"Lịch công tác – {leader.full_name}")
    calendar.add("x-wr-timezone", str(timezone.get_default_timezone()))
    for entry in entries:
        event = Event()
        event.add("uid", f"entry-{entry.pk}@coso")
        event.add("summary", entry.title)
        event.add("dtstamp", entry.updated_at.astimezone(dt.UTC))
        event.add("last-modified", entry.updated_at.astimezone(dt.UTC))
        event.add("categories", [str(entry.get_kind_display())])
        if entry.all_day:
            start, end = entry_span(entry)
            event.add("dtstart", start.date())
            event.add("dtend", end.date())
        else:
            event.add("dtstart", entry.starts_at.astimezone(dt.UTC))
            event.add("dtend", entry.ends_at.astimezone(dt.UTC))
        if entry.place:
            event.add("location", entry.place)
        if entry.note:
            event.add("description", entry.note)
        if entry.recurrence:
            event.add("rrule", vRecur.from_ical(_rule_in_utc(entry.recurrence, all_day=entry.all_day)))
        calendar.add_component(event)
    return calendar.to_ical()


def _rule_in_utc(rule: str, *, all_day: bool) -> str:
    """The rule with its UNTIL in the form RFC 5545 asks beside a UTC DTSTART (a date beside a date)."""
    parts = []
    for part in rule.split(";"):
        key, _sep, value = part.partition("=")
        if key.upper() == "UNTIL" and not value.upper().endswith("Z"):
            local = timezone.get_default_timezone()
            if len(value) == 8:
                day = dt.datetime.strptime(value, "%Y%m%d")
                moment = day.replace(hour=23, minute=59, second=59)
            else:
                moment = dt.datetime.strptime(value, "%Y%m%dT%H%M%S")
            if all_day:
                value = moment.strftime("%Y%m%d")
            else:
                value = moment.replace(tzinfo=local).astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
        parts.append(f"{key}={value}")
    return ";".join(parts)
