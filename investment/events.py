"""The investment app's kinds of audit event (core.events): each reads as a sentence when shown."""

import datetime as dt

from django.utils.translation import gettext_lazy as _

from core import events
from core.money import format_vnd
from investment.choices import CapitalSource, Denominator, GroupRole, ProjectStatus


def _day(value) -> str:
    try:
        return dt.date.fromisoformat(str(value)).strftime("%d/%m/%Y")
    except ValueError:
        return str(value or "—")


def _month(value) -> str:
    try:
        return dt.date.fromisoformat(str(value)).strftime("%m/%Y")
    except ValueError:
        return str(value or "—")


def _label(choices, value) -> str:
    return str(choices(value).label) if value in choices.values else str(value or "—")


def _status(r) -> str:
    return r.format(
        _("{actor} moved the project to “{status}”"), status=_label(ProjectStatus, r.params.get("status"))
    )


def _investment(r) -> str:
    return r.format(
        _("{actor} adjusted the total investment to {money} from {day}"),
        money=format_vnd(r.params.get("amount")),
        day=_day(r.params.get("effective_on")),
    )


def _progress(r) -> str:
    return r.format(
        _("{actor} recorded a physical progress of {percent} % on {day}"),
        percent=str(r.params.get("percent", "—")).replace(".", ","),
        day=_day(r.params.get("observed_on")),
    )


def _disbursement(r) -> str:
    return r.format(
        _("{actor} recorded the disbursement of {month} ({source}, plan {plan_year})"),
        month=_month(r.params.get("month")),
        source=_label(CapitalSource, r.params.get("source")),
    )


def _plan_adjusted(r) -> str:
    return r.format(
        _("{actor} adjusted the plan ({denominator}) to {money} from {day}"),
        denominator=_label(Denominator, r.params.get("denominator")),
        money=format_vnd(r.params.get("amount")),
        day=_day(r.params.get("effective_on")),
    )


def _member_added(r) -> str:
    return r.format(
        _("{actor} added {person} to the group as {role} from {day}"),
        role=_label(GroupRole, r.params.get("role")),
        day=_day(r.params.get("valid_from")),
    )


def _member_left(r) -> str:
    return r.format(
        _("{actor} recorded that {person} left the group on {day}"), day=_day(r.params.get("valid_to"))
    )


events.register("project.registered", _("{actor} registered the project"))
events.register("project.status", _status)
events.register("project.sites", _("{actor} changed the project's sites"))
events.register("project.investment_adjusted", _investment)
events.register("project.progress", _progress)
events.register("project.disbursement", _disbursement)
events.register("plan.entered", _("{actor} entered the capital plan"))
events.register("plan.corrected", _("{actor} corrected the capital plan"))
events.register("plan.adjusted", _plan_adjusted)
events.register("target_curve.set", _("{actor} set the target curve of {year}"))
events.register("group.created", _("{actor} set up the working group"))
events.register("group.scope", _("{actor} changed the projects the group follows"))
events.register("group.member_added", _member_added, refs={"person": "org.Person"})
events.register("group.member_left", _member_left, refs={"person": "org.Person"})
events.register("session.recorded", _("{actor} recorded the supervision session"))

events.hide_fields("investment.Project", "search_text", "sort_key")
events.hide_fields("investment.WorkingGroup", "search_text")
events.hide_fields("investment.SupervisionSession", "search_text")
