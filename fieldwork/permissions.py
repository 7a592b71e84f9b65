"""Who may do what in field work: pure predicates over the user and a record already loaded (no query).

The office keeps every calendar of its organisation and the targets; a leader keeps their own calendar and
their own feed; the Standing Board and viewers read every calendar; nobody else sees one.
"""

from core.toolkit import can_write


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
