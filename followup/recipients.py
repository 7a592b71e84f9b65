"""Who is told about a follow-up item: the unit's focal points, the issuing leader, the leader in charge.

The audiences of a step (docs/followup.md, "Who is told"): each step reaches the people who must act
next; the services pass their actor to `core.services.notify`, which never tells anyone of their own act.
"""

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


def for_new_directive(directive) -> list[User]:
    """Those who must carry it out: the lead unit's and the cooperating units' focal points, and the leader
    in charge of the place. The leader who issued it is not told of his own directive."""
    issuer = {user.pk for user in _user_of(directive.issued_by)}
    units = (
        [directive.lead_unit, *directive.cooperating_units.all()] if directive.pk else [directive.lead_unit]
    )
    people = [user for unit in units for user in _focal_points(unit)] + _leader_in_charge(directive)
    return [user for user in _unique(people) if user.pk not in issuer]


def for_lead_unit(directive) -> list[User]:
    """The lead unit's focal points: they report, and hear whether their report of completion stands."""
    return _focal_points(directive.lead_unit)


def for_completion(directive) -> list[User]:
    """Who must confirm (or return) a completion the lead unit reported: the leader who issued the
    directive; the office of the organisation when that leader has no login."""
    issuer = _user_of(directive.issued_by)
    if issuer:
        return issuer
    return list(
        User.objects.filter(organization_id=directive.organization_id, role=Role.OFFICE, is_active=True)
    )


def for_new_obstacle(obstacle) -> list[User]:
    """Who decides what happens to a newly raised obstacle: the leader in charge of its place."""
    return _leader_in_charge(obstacle)


def for_assignment(obstacle) -> list[User]:
    """An obstacle assigned to an agency: that agency's focal points resolve it; whoever raised it hears."""
    return _unique(_focal_points(obstacle.responsible_agency) + _user_of(obstacle.raised_by))


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
