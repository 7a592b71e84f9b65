"""The field work app's kinds of audit event (core.events): each reads as a sentence when shown."""

from django.utils.translation import gettext_lazy as _

from core import events
from fieldwork.choices import VisitStatus

# --- calendar

events.register("calendar.entries_added", _("{actor} added entries to the leader's calendar ({count})"))

# --- visits and opinions


def _visit_status(r) -> str:
    status = r.params.get("status")
    label = str(VisitStatus(status).label) if status in VisitStatus.values else str(status or "—")
    return r.format(_("{actor} moved the visit to “{status}”"), status=label)


events.register("visit.planned", _("{actor} planned the visit"))
events.register("visit.status", _visit_status)
events.register("visit.briefing", _("{actor} prepared the visit's briefing"))
events.register("opinion.recorded", _("{actor} recorded an opinion heard on the visit"))
events.hide_fields("fieldwork.visit", "briefing", "search_text", "sides_heard")
events.hide_fields("fieldwork.opinion", "search_text")
