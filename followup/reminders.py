"""Reminders of the follow-up loop, sent once and only once however often the run is repeated.

A run looks at what is due or late today and tells the people `followup.recipients` names, through
`core.services.notify`. Each reminder has a stable key (the item, the event and the date it is about), and
`notify` sends a key to a user at most once, so `coso remind` can run every hour, twice by mistake, or
in two workers at once without anyone hearing the same thing twice. A changed date is a new event: a
directive whose deadline moved is reminded again before (and after) the new deadline.

- directive_due: not done, not closed, deadline within COSO_REMINDER_DAYS days;
  key directive:<id>:due:<deadline>
- directive_overdue: not done, not closed, deadline passed; key directive:<id>:overdue:<deadline>
- obstacle_escalated: escalated, still awaiting the Committee's decision;
  key obstacle:<id>:escalated:<escalated on>
- obstacle_overdue: not yet resolved (new to resolving), deadline passed; key obstacle:<id>:overdue:<deadline>
- resupervision_due: no verdict yet, due within COSO_REMINDER_DAYS days or past;
  key resupervision:<id>:due:<due on>

The escalation key is the one `followup.services.obstacle_set_status` uses when it notifies at the moment of
escalation, so the run never repeats that notice; it only catches up whoever was not told then (a Standing
Board member who joined since, an escalation written before reminders existed).
"""

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.db.models import BooleanField, ExpressionWrapper
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.choices import Role
from accounts.models import User
from core.reminders import Reminder, deliver
from followup import selectors
from followup.choices import NotificationKind, ObstacleStatus
from followup.models import Directive, Obstacle, ReSupervision
from org.models import AdministrativeUnit
from org.selectors import responsible_leader, responsible_leaders

REMINDER_KINDS = (
    NotificationKind.DIRECTIVE_DUE,
    NotificationKind.DIRECTIVE_OVERDUE,
    NotificationKind.OBSTACLE_ESCALATED,
    NotificationKind.OBSTACLE_OVERDUE,
    NotificationKind.RESUPERVISION_DUE,
)


def _day(value: dt.date) -> str:
    return value.strftime("%d/%m/%Y")


def _short(text: str, length: int = 120) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= length else text[: length - 1] + "…"


class _Audience:
    """Who is told, exactly as `followup.recipients` says, resolved once per run.

    The leader answering for a place is looked up once per locality (all of an organisation's localities in
    one query) and once per unit; focal points, once per unit; the Standing Board, once per organisation.
    """

    def __init__(self, today: dt.date):
        self.today = today
        self._leaders: dict[tuple[str, int], list[User]] = {}
        self._focal: dict[int, list[User]] = {}
        self._boards: dict[int, list[User]] = {}

    # --- warming the caches in bulk ------------------------------------------------------------------

    def prepare(self, records: Iterable) -> None:
        """Resolve the leaders of all the records' localities, and their units' focal points, in bulk."""
        by_org: dict[int, tuple[object, dict[int, AdministrativeUnit]]] = {}
        agency_ids: set[int] = set()
        for record in records:
            if record.locality_id and ("unit", record.locality_id) not in self._leaders:
                _org, units = by_org.setdefault(record.organization_id, (record.organization, {}))
                units[record.locality_id] = record.locality
            for name in ("lead_unit_id", "responsible_agency_id"):
                agency_id = getattr(record, name, None)
                if agency_id and agency_id not in self._focal:
                    agency_ids.add(agency_id)
        for organization, units in by_org.values():
            answers = responsible_leaders(list(units.values()), at=self.today, organization=organization)
            for unit_id, answer in answers.items():
                self._leaders["unit", unit_id] = _user_of(answer.leader)
        if agency_ids:
            found: dict[int, list[User]] = {pk: [] for pk in agency_ids}
            for user in User.objects.filter(
                role=Role.FOCAL_POINT, is_active=True, agency_id__in=agency_ids
            ).order_by("pk"):
                found[user.agency_id].append(user)
            self._focal.update(found)

    # --- the pieces ----------------------------------------------------------------------------------

    def focal_points(self, agency) -> list[User]:
        if agency is None:
            return []
        if agency.pk not in self._focal:
            self._focal[agency.pk] = list(
                User.objects.filter(role=Role.FOCAL_POINT, agency=agency, is_active=True).order_by("pk")
            )
        return self._focal[agency.pk]

    def leader_in_charge(self, target, organization) -> list[User]:
        if target is None:
            return []
        key = ("unit" if isinstance(target, AdministrativeUnit) else "agency", target.pk)
        if key not in self._leaders:
            answer = responsible_leader(target, at=self.today, organization=organization)
            self._leaders[key] = _user_of(answer.leader)
        return self._leaders[key]

    def standing_board(self, organization_id: int) -> list[User]:
        if organization_id not in self._boards:
            self._boards[organization_id] = list(
                User.objects.filter(
                    organization_id=organization_id, role=Role.STANDING_BOARD, is_active=True
                ).order_by("pk")
            )
        return self._boards[organization_id]

    # --- the audiences of followup.recipients ----------------------------------------------------------

    def for_directive(self, directive: Directive) -> list[User]:
        """The lead unit's focal points, the issuing leader, the leader answering for the place."""
        target = directive.locality or directive.lead_unit
        return _unique(
            self.focal_points(directive.lead_unit)
            + _user_of(directive.issued_by)
            + self.leader_in_charge(target, directive.organization)
        )

    def for_obstacle(self, obstacle: Obstacle) -> list[User]:
        """The resolving agency's focal points, whoever raised it, the leader answering for the place."""
        target = obstacle.locality or obstacle.agency
        return _unique(
            self.focal_points(obstacle.responsible_agency)
            + _user_of(obstacle.raised_by)
            + self.leader_in_charge(target, obstacle.organization)
        )

    def for_escalation(self, obstacle: Obstacle) -> list[User]:
        return _unique(self.for_obstacle(obstacle) + self.standing_board(obstacle.organization_id))

    def for_resupervision(self, check: ReSupervision) -> list[User]:
        item_people = (
            self.for_directive(check.directive) if check.directive_id else self.for_obstacle(check.obstacle)
        )
        return _unique(_user_of(check.assigned_to) + item_people)


def _user_of(person) -> list[User]:
    user = getattr(person, "user", None) if person is not None else None
    return [user] if user is not None and user.is_active else []


def _unique(users: Iterable[User]) -> list[User]:
    seen, result = set(), []
    for user in users:
        if user.pk not in seen:
            seen.add(user.pk)
            result.append(user)
    return result


# --- what is due --------------------------------------------------------------------------------------

_ORG = ("organization", "organization__default_leader", "organization__default_leader__user")
_DIRECTIVE = ("issued_by__user", "lead_unit", "lead_unit__locality", "locality")
_OBSTACLE = ("raised_by__user", "responsible_agency", "locality", "agency", "agency__locality")


def _open_directives():
    return (
        Directive.objects.active()
        .filter(completed_on__isnull=True, closed_on__isnull=True)
        .select_related(*_ORG, *_DIRECTIVE)
        .order_by("deadline", "pk")
    )


def _obstacles():
    return Obstacle.objects.active().select_related(*_ORG, *_OBSTACLE).order_by("pk")


def _checks(horizon: dt.date):
    return (
        ReSupervision.objects.filter(verdict="", due_on__lte=horizon)
        .exclude(directive__archived_at__isnull=False)
        .exclude(directive__closed_on__isnull=False)
        .exclude(obstacle__archived_at__isnull=False)
        .exclude(obstacle__status__in=(ObstacleStatus.VERIFIED, ObstacleStatus.CLOSED))
        .select_related(
            *_ORG,
            "assigned_to__user",
            *(f"directive__{path}" for path in _DIRECTIVE),
            *(f"obstacle__{path}" for path in _OBSTACLE),
        )
        .order_by("due_on", "pk")
    )


def _directive_body(directive: Directive) -> str:
    lines = [_short(directive.content, 500), ""]
    if directive.number:
        lines.append(_("Reference: {number}").format(number=directive.number))
    lines.append(_("Lead unit: {unit}").format(unit=directive.lead_unit))
    lines.append(_("Deadline: {date}").format(date=_day(directive.deadline)))
    return "\n".join(lines)


def _obstacle_body(obstacle: Obstacle) -> str:
    lines = [_short(obstacle.description, 500), ""]
    if obstacle.responsible_agency_id:
        lines.append(_("Agency that must resolve it: {unit}").format(unit=obstacle.responsible_agency))
    if obstacle.deadline:
        lines.append(_("Deadline: {date}").format(date=_day(obstacle.deadline)))
    return "\n".join(lines)


def _directive_messages(audience: _Audience, today: dt.date, horizon: dt.date) -> list[Reminder]:
    overdue = ExpressionWrapper(selectors.directive_overdue(today), output_field=BooleanField())
    directives = list(_open_directives().filter(deadline__lte=horizon).annotate(is_overdue=overdue))
    audience.prepare(directives)
    messages = []
    for directive in directives:
        if not directive.is_overdue:
            kind, event = NotificationKind.DIRECTIVE_DUE, "due"
            title = _("Directive due on {date}: {directive}")
        else:
            kind, event = NotificationKind.DIRECTIVE_OVERDUE, "overdue"
            title = _("Directive overdue since {date}: {directive}")
        messages.append(
            Reminder(
                kind=kind,
                key=f"directive:{directive.pk}:{event}:{directive.deadline.isoformat()}",
                title=title.format(date=_day(directive.deadline), directive=_short(directive)),
                body=_directive_body(directive),
                url=directive.get_absolute_url(),
                users=audience.for_directive(directive),
                record=directive,
            )
        )
    return messages


def _obstacle_messages(audience: _Audience, today: dt.date) -> list[Reminder]:
    escalated = list(_obstacles().filter(status=ObstacleStatus.ESCALATED, escalated_on__isnull=False))
    overdue = list(_obstacles().filter(selectors.obstacle_overdue(today)))
    audience.prepare(escalated + overdue)
    messages = []
    for obstacle in escalated:
        messages.append(
            Reminder(
                kind=NotificationKind.OBSTACLE_ESCALATED,
                # The key and the title of followup.services.obstacle_set_status: never sent twice.
                key=f"obstacle:{obstacle.pk}:escalated:{obstacle.escalated_on.isoformat()}",
                title=_("Obstacle escalated to the Standing Committee: {title}").format(title=obstacle.title),
                body=_obstacle_body(obstacle),
                url=obstacle.get_absolute_url(),
                users=audience.for_escalation(obstacle),
                record=obstacle,
            )
        )
    for obstacle in overdue:
        messages.append(
            Reminder(
                kind=NotificationKind.OBSTACLE_OVERDUE,
                key=f"obstacle:{obstacle.pk}:overdue:{obstacle.deadline.isoformat()}",
                title=_("Obstacle not resolved by {date}: {title}").format(
                    date=_day(obstacle.deadline), title=_short(obstacle.title)
                ),
                body=_obstacle_body(obstacle),
                url=obstacle.get_absolute_url(),
                users=audience.for_obstacle(obstacle),
                record=obstacle,
            )
        )
    return messages


def _check_messages(audience: _Audience, horizon: dt.date) -> list[Reminder]:
    checks = list(_checks(horizon))
    for check in checks:
        # The item belongs to the check's organisation: reuse it (and its default leader) instead of a query.
        check.item.organization = check.organization
    audience.prepare([c.directive for c in checks if c.directive_id])
    audience.prepare([c.obstacle for c in checks if c.obstacle_id])
    messages = []
    for check in checks:
        item = check.directive if check.directive_id else check.obstacle
        body = _directive_body(item) if check.directive_id else _obstacle_body(item)
        messages.append(
            Reminder(
                kind=NotificationKind.RESUPERVISION_DUE,
                key=f"resupervision:{check.pk}:due:{check.due_on.isoformat()}",
                title=_("Re-supervision due on {date}: {item}").format(
                    date=_day(check.due_on), item=_short(item)
                ),
                body=body,
                url=check.get_absolute_url(),
                users=audience.for_resupervision(check),
                record=item,
            )
        )
    return messages


def send_reminders(*, today: dt.date | None = None) -> dict[str, int]:
    """Send the reminders due on `today` (default: today), each once; returns how many went out, by kind.

    The texts are in the site's language (LANGUAGE_CODE, Vietnamese by default), whichever language the
    caller (a web request, a worker) happens to have active. Each notification is its own transaction, so
    an interrupted run keeps what it sent and the next run sends the rest.
    """
    day = today or timezone.localdate()
    horizon = day + dt.timedelta(days=settings.COSO_REMINDER_DAYS)
    with translation.override(settings.LANGUAGE_CODE):
        audience = _Audience(day)
        reminders = (
            _directive_messages(audience, day, horizon)
            + _obstacle_messages(audience, day)
            + _check_messages(audience, horizon)
        )
        return deliver(reminders, REMINDER_KINDS)
