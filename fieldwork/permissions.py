# --- visits and opinions
"""Who may do what with field visits and the opinions heard: pure predicates over the user and a record
already loaded (no query beyond the user's own person, cached on the user)."""

from django.utils import timezone

from core.toolkit import can_write
from fieldwork.choices import VISIT_TRANSITIONS, VisitStatus
from followup.services import leader_person


def _person_id(user) -> int | None:
    person = getattr(user, "person", None)
    return person.pk if person is not None else None


def can_plan_visits(user) -> bool:
    """The office plans any leader's visits; a leader plans their own."""
    if not can_write(user):
        return False
    return bool(user.is_office) or leader_person(user) is not None


def can_change_visit(user, visit) -> bool:
    """The office edits every visit; a leader edits the visits they lead; an archived visit is only read."""
    if not can_write(user) or visit.archived_at is not None:
        return False
    return bool(user.is_office) or (leader_person(user) is not None and _person_id(user) == visit.leader_id)


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
