"""Who may do what in the investment app: pure predicates over the user and a record already loaded."""

from core.toolkit import can_write
from investment.choices import GroupRole


def can_manage(user) -> bool:
    """The office keeps projects, plans, groups, the target curve, and imports disbursement figures."""
    return can_write(user) and bool(getattr(user, "is_office", False))


def can_record_session(user, group) -> bool:
    """The office, or a current member of the group (`viewer_role`, set by get_group_for_user)."""
    if not can_write(user):
        return False
    return can_manage(user) or bool(getattr(group, "viewer_role", ""))


def can_lead(user, group) -> bool:
    """The group's leader, deputies and secretary change its records; the office does too."""
    return can_write(user) and (
        can_manage(user)
        or getattr(group, "viewer_role", "") in (GroupRole.LEADER, GroupRole.DEPUTY, GroupRole.SECRETARY)
    )


def can_change_project(user, project) -> bool:
    """The office corrects a project; progress is also recorded by whoever follows it in a group."""
    return can_manage(user)
