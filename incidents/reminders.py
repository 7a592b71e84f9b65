"""Escalation of overdue incidents, sent once and only once however often the run is repeated.

An open incident (received, assigned, being handled or reopened) whose acknowledgement deadline passed
before anyone acknowledged it, or whose resolution deadline passed, is escalated to the Standing Board of its
organisation (the users with the role standing_board), and the leader in charge (the one frozen on the
incident) and its focal point are reminded. Each goes through `core.services.notify` with a stable key
naming the incident, the event and the deadline, and `notify` sends a key to a user at most once, so
`coso remind` can run every few minutes, twice by mistake, or in two workers at once without anyone hearing
the same thing twice:

| kind                 | when                               | key                                            |
|----------------------|------------------------------------|------------------------------------------------|
| incident_overdue_ack | open, unacknowledged, ack past     | incident:<id>:overdue-ack:<ack_due_at>         |
| incident_overdue     | open, resolve_due_at past          | incident:<id>:overdue-resolve:<resolve_due_at> |

The deadline in a key is written YYYYMMDDHHMM in UTC.

A changed deadline is a new event: a reopened incident gets a new resolution deadline, and is escalated
again if it misses that one too. See docs/incidents.md.
"""

import datetime as dt

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.choices import Role
from accounts.models import User
from core.reminders import Reminder, deliver
from incidents.choices import Severity
from incidents.models import Incident
from incidents.selectors import overdue

OVERDUE_ACK = "incident_overdue_ack"
OVERDUE = "incident_overdue"
REMINDER_KINDS = (OVERDUE_ACK, OVERDUE)
REMINDER_LABELS = {
    OVERDUE_ACK: gettext_lazy("incident not acknowledged in time"),
    OVERDUE: gettext_lazy("incident not resolved in time"),
}


def _stamp(moment: dt.datetime) -> str:
    """A deadline in a key: UTC, to the minute, so the key is the same on every database and server."""
    return moment.astimezone(dt.UTC).strftime("%Y%m%d%H%M")


def _when(moment: dt.datetime) -> str:
    return timezone.localtime(moment).strftime("%H:%M %d/%m/%Y")


def overdue_incidents(now: dt.datetime):
    """Open incidents past their acknowledgement (unacknowledged) or resolution deadline, with what the
    messages need loaded in the same query."""
    return (
        Incident.objects.active()
        .filter(overdue(now))
        .select_related("locality", "agency", "responsible_leader__user", "focal_point")
        .order_by("organization_id", "ack_due_at", "pk")
    )


def _people(incident: Incident, board: list[User]) -> list[User]:
    """The Standing Board, the leader in charge (frozen on the incident) and the focal point, once each."""
    leader = incident.responsible_leader
    candidates = [*board, getattr(leader, "user", None) if leader is not None else None, incident.focal_point]
    seen, people = set(), []
    for user in candidates:
        if user is not None and user.is_active and user.pk not in seen:
            seen.add(user.pk)
            people.append(user)
    return people


def _body(incident: Incident) -> str:
    lines = [
        _("Place: {place}").format(place=incident.locality or incident.agency),
        _("Severity: {severity}").format(severity=Severity(incident.severity).label),
    ]
    if incident.responsible_leader is not None:
        lines.append(_("Leader in charge: {leader}").format(leader=incident.responsible_leader))
    lines.append(
        _("Acknowledge by {ack}, resolve by {resolve}.").format(
            ack=_when(incident.ack_due_at), resolve=_when(incident.resolve_due_at)
        )
    )
    return "\n".join(lines)


def _messages(now: dt.datetime) -> list[Reminder]:
    boards: dict[int, list[User]] = {}
    messages = []
    for incident in overdue_incidents(now):
        if incident.organization_id not in boards:
            boards[incident.organization_id] = list(
                User.objects.filter(
                    organization_id=incident.organization_id, role=Role.STANDING_BOARD, is_active=True
                ).order_by("pk")
            )
        users = _people(incident, boards[incident.organization_id])
        url = incident.get_absolute_url()
        body = _body(incident)
        if incident.acknowledged_at is None and incident.ack_due_at and incident.ack_due_at < now:
            messages.append(
                Reminder(
                    kind=OVERDUE_ACK,
                    key=f"incident:{incident.pk}:overdue-ack:{_stamp(incident.ack_due_at)}",
                    title=_("Incident not acknowledged by {when}: {title}").format(
                        when=_when(incident.ack_due_at), title=incident.title
                    ),
                    body=body,
                    url=url,
                    users=users,
                    record=incident,
                )
            )
        if incident.resolve_due_at and incident.resolve_due_at < now:
            messages.append(
                Reminder(
                    kind=OVERDUE,
                    key=f"incident:{incident.pk}:overdue-resolve:{_stamp(incident.resolve_due_at)}",
                    title=_("Incident not resolved by {when}: {title}").format(
                        when=_when(incident.resolve_due_at), title=incident.title
                    ),
                    body=body,
                    url=url,
                    users=users,
                    record=incident,
                )
            )
    return messages


def send_incident_reminders(*, now: dt.datetime | None = None) -> dict:
    """Escalate every overdue open incident to its Standing Board and remind its leader in charge and focal
    point, each once; returns how many notifications went out, by kind.

    The texts are in the site's language (LANGUAGE_CODE, Vietnamese by default). Each notification is its own
    transaction, so an interrupted run keeps what it sent and the next run sends the rest.
    """
    now = now or timezone.now()
    with translation.override(settings.LANGUAGE_CODE):
        return deliver(_messages(now), REMINDER_KINDS)
