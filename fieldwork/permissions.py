"""Who may do what in field work: pure predicates over the user and a record already loaded (no query).

The office keeps every calendar of its organisation and the targets; a leader keeps their own calendar and
their own feed; the Standing Board and viewers read every calendar; nobody else sees one.

Visits: the office plans any leader's visits and a leader their own; opinions are recorded and directives
issued on a visit once its day has come.
"""

from django.utils import timezone

from core.toolkit import can_write
from fieldwork.choices import VISIT_TRANSITIONS, VisitStatus
from followup.services import leader_person


def person_id(user) -> int | None:
    person = getattr(user, "person", None)
    return person.pk if person is not None else None


# Roles of leaders: their own share and pace are shown to them (the office staff's person records are not).
LEADER_ROLES = ("standing_board", "standing_member", "group_member")


def is_leader(user) -> bool:
    return person_id(user) is not None and getattr(user, "role", None) in LEADER_ROLES


def can_manage(user) -> bool:
    """The office: every calendar, every feed, the organisation's targets."""
    return can_write(user) and bool(getattr(user, "is_office", False))


def can_keep_calendar(user, leader_id: int | None = None) -> bool:
    """Whether the user may write entries, for `leader_id` when given: the office, or the leader themself."""
    if not can_write(user):
        return False
    if can_manage(user):
        return True
    own = person_id(user)
    return own is not None and (leader_id is None or leader_id == own)


def can_change_entry(user, entry) -> bool:
    return can_keep_calendar(user, entry.leader_id) and entry.organization_id == user.organization_id


def can_see_calendars(user) -> bool:
    """The calendar pages: whoever sees all of the organisation, or a leader with a person record."""
    return bool(getattr(user, "role", None)) and (
        bool(getattr(user, "sees_all", False)) or person_id(user) is not None
    )


def can_see_all_shares(user) -> bool:
    """The table of every leader's share: the office, the Standing Board and viewers."""
    return bool(getattr(user, "role", None)) and bool(getattr(user, "sees_all", False))


def can_see_feed(user, leader) -> bool:
    """A leader's secret feed URL is shown to the office and to the leader."""
    return can_keep_calendar(user, leader.pk) and leader.organization_id == user.organization_id


# --- visits and opinions


def can_plan_visits(user) -> bool:
    """The office plans any leader's visits; a leader plans their own."""
    if not can_write(user):
        return False
    return bool(user.is_office) or leader_person(user) is not None


def can_change_visit(user, visit) -> bool:
    """The office edits every visit; a leader edits the visits they lead; an archived visit is only read."""
    if not can_write(user) or visit.archived_at is not None:
        return False
    return bool(user.is_office) or (leader_person(user) is not None and person_id(user) == visit.leader_id)


def _has_begun(visit) -> bool:
    return timezone.localtime(visit.starts_at).date() <= timezone.localdate()


def can_carry_out(user, visit) -> bool:
    """A planned visit whose first day has come."""
    return (
        can_change_visit(user, visit)
        and VisitStatus.CARRIED_OUT in VISIT_TRANSITIONS[visit.status]
        and _has_begun(visit)
    )


def can_cancel(user, visit) -> bool:
    return can_change_visit(user, visit) and VisitStatus.CANCELLED in VISIT_TRANSITIONS[visit.status]


def can_reopen(user, visit) -> bool:
    return can_change_visit(user, visit) and VisitStatus.PLANNED in VISIT_TRANSITIONS[visit.status]


def can_prepare_briefing(user, visit) -> bool:
    return can_change_visit(user, visit) and visit.status == VisitStatus.PLANNED


def can_read_briefing(user, visit) -> bool:
    """The briefing is kept as it was prepared, within its preparer's reach (the leader's or the office's): it
    is read by the visit's leader and by those who see the whole organisation, not by everyone the visit
    itself reaches (the focal point of a unit visited sees the visit, not what the leader's reach found)."""
    if getattr(user, "sees_all", False):
        return True
    own = person_id(user)
    return own is not None and own == visit.leader_id


def can_record_opinions(user, visit) -> bool:
    """Opinions are recorded on a visit that has taken place (from its first day) and is not cancelled, by
    whoever edits it."""
    return can_change_visit(user, visit) and visit.status != VisitStatus.CANCELLED and _has_begun(visit)


def can_issue_directive(user, visit) -> bool:
    """A directive from a carried-out visit: the office (in the leader's name) or the leader who led it."""
    return can_change_visit(user, visit) and visit.status == VisitStatus.CARRIED_OUT


def sees_one_side(user) -> bool:
    """The office, the Standing Board and viewers see which visits heard only one side."""
    return bool(getattr(user, "role", None)) and bool(user.sees_all)
