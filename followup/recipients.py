"""Who is told about a follow-up item: the unit's focal points, the issuing leader, the leader in charge."""

from accounts.choices import Role
from accounts.models import User
from org.selectors import responsible_leader


def _focal_points(agency) -> list[User]:
    if agency is None:
        return []
    return list(User.objects.filter(role=Role.FOCAL_POINT, agency=agency, is_active=True))


def _user_of(person) -> list[User]:
    user = getattr(person, "user", None) if person is not None else None
    return [user] if user is not None and user.is_active else []


def _leader_in_charge(record) -> list[User]:
    target = record.locality or getattr(record, "agency", None) or getattr(record, "lead_unit", None)
    if target is None:
        return []
    answer = responsible_leader(target, organization=record.organization)
    return _user_of(answer.leader)


def _unique(users) -> list[User]:
    seen, result = set(), []
    for user in users:
        if user.pk not in seen:
            seen.add(user.pk)
            result.append(user)
    return result


def for_directive(directive) -> list[User]:
    """The lead unit's focal points, the issuing leader, and the leader responsible for the locality."""
    return _unique(
        _focal_points(directive.lead_unit) + _user_of(directive.issued_by) + _leader_in_charge(directive)
    )


def for_obstacle(obstacle) -> list[User]:
    """The resolving agency's focal points, whoever raised it, and the leader responsible for the place."""
    return _unique(
        _focal_points(obstacle.responsible_agency)
        + _user_of(obstacle.raised_by)
        + _leader_in_charge(obstacle)
    )


def for_escalation(obstacle) -> list[User]:
    """An escalated obstacle also goes to the Standing Board."""
    board = list(
        User.objects.filter(
            organization_id=obstacle.organization_id, role=Role.STANDING_BOARD, is_active=True
        )
    )
    return _unique(for_obstacle(obstacle) + board)


def for_resupervision(check) -> list[User]:
    """Whoever must check, and the people of the item checked."""
    item_people = for_directive(check.directive) if check.directive_id else for_obstacle(check.obstacle)
    return _unique(_user_of(check.assigned_to) + item_people)
