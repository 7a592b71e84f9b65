"""The incidents app's kinds of audit event (core.events): each reads as a sentence when shown."""

from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core import events
from incidents.choices import IncidentStatus, RejectReason


def _status(value) -> str:
    return capfirst(str(IncidentStatus(value).label)) if value in IncidentStatus.values else str(value or "—")


def _status_changed(r) -> str:
    old, new = _status(r.params.get("from")), _status(r.params.get("to"))
    if r.params.get("to") == IncidentStatus.REJECTED and r.params.get("duplicate_of"):
        return r.format(_("{actor} rejected the incident as a duplicate of {duplicate_of}"))
    if r.params.get("to") == IncidentStatus.REJECTED and r.params.get("reject_reason") in RejectReason.values:
        reason = RejectReason(r.params["reject_reason"]).label
        return r.format(_("{actor} rejected the incident: {reason}"), reason=reason)
    return r.format(_("{actor} moved the incident from {old} to {new}"), old=old, new=new)


def _imported(r) -> str:
    count = r.params.get("count", 0)
    text = ngettext(
        "{actor} imported {count} incident from {file}",
        "{actor} imported {count} incidents from {file}",
        count,
    )
    return r.format(text)


events.register("incident.reported", _("{actor} reported the incident"))
events.register("incident.status_changed", _status_changed)
events.register(
    "incident.reassigned", _("{actor} handed the incident to {leader}"), refs={"leader": "org.Person"}
)
events.register(
    "incident.directive_issued",
    _("{actor} issued a directive: {directive}"),
    refs={"directive": "followup.Directive"},
)
events.register("incident.imported", _imported)

events.hide_fields(
    "incidents.Incident",
    "status_changed_at",
    "search_text",
    "responsible_assignment",
    "ack_working_hours",
    "resolve_working_hours",
)
