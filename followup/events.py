"""The follow-up app's kinds of audit event (core.events): each reads as a sentence when shown."""

import datetime as dt

from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core import events
from followup.choices import ObstacleStatus, Verdict


def _label(choices, value) -> str:
    return capfirst(str(choices(value).label)) if value in choices.values else str(value or "—")


def _obstacle_status(r) -> str:
    old, new = _label(ObstacleStatus, r.params.get("from")), _label(ObstacleStatus, r.params.get("to"))
    if r.params.get("verdict"):
        return r.format(
            _("{actor} moved the obstacle from {old} to {new}: re-supervision found it {verdict}"),
            old=old,
            new=new,
            verdict=Verdict(r.params["verdict"]).label if r.params["verdict"] in Verdict.values else "—",
        )
    return r.format(_("{actor} moved the obstacle from {old} to {new}"), old=old, new=new)


def _verdict(template):
    def render(r) -> str:
        verdict = r.params.get("verdict")
        return r.format(template, verdict=Verdict(verdict).label if verdict in Verdict.values else "—")

    return render


def _scheduled(r) -> str:
    try:
        due_on = date_format(dt.date.fromisoformat(r.params.get("due_on", "")), "SHORT_DATE_FORMAT")
    except (TypeError, ValueError):
        due_on = "—"
    return r.format(_("{actor} scheduled a re-supervision for {due_on}"), due_on=due_on)


def _imported(r) -> str:
    count = r.params.get("count", 0)
    return r.format(
        ngettext(
            "{actor} imported {count} directive from {file}",
            "{actor} imported {count} directives from {file}",
            count,
        )
    )


events.register("notice.entered", _("{actor} entered conclusion notice {number}"))
events.register("obstacle.raised", _("{actor} recorded the obstacle"))
events.register("obstacle.escalated", _("{actor} escalated the obstacle to the Standing Committee"))
events.register("obstacle.status_changed", _obstacle_status)
# The loop's own move: the last directive of the obstacle is done, so the obstacle is resolved.
events.register(
    "obstacle.resolved_by_check",
    _("{actor} found the last directive implemented on re-supervision: obstacle resolved ({directive})"),
    refs={"directive": "followup.Directive", "check": "followup.ReSupervision"},
)
events.register(
    "obstacle.resolved_by_confirmation",
    _("{actor} confirmed the completion of the last directive: obstacle resolved ({directive})"),
    refs={"directive": "followup.Directive"},
)
events.register("directive.issued", _("{actor} issued the directive"))
events.register("directive.units_changed", _("{actor} changed the cooperating units"))
events.register("directive.progress_reported", _("{actor} reported progress"))
events.register("directive.completion_reported", _("{actor} reported the directive done"))
events.register(
    "directive.closed", _verdict(_("{actor} closed the directive: re-supervision found it {verdict}"))
)
events.register("directive.completion_confirmed", _("{actor} confirmed the reported completion"))
events.register("directive.completion_returned", _("{actor} returned the reported completion"))
events.register("directive.imported", _imported)
events.register("resupervision.scheduled", _scheduled)
events.register("resupervision.recorded", _verdict(_("{actor} recorded the re-supervision: {verdict}")))

# The raw moment of a status move is bookkeeping; the sentence already says what moved.
events.hide_fields("followup.Obstacle", "status_changed_at")
