"""Who reads the reports: the office and the Standing Board (the Secretary and the Deputy Secretaries).

Pure predicates over the user (no query). Everyone else is told the page does not exist (404), as the
rest of the house answers for what a user may not reach (docs/decisions/0002-scoping.md).
"""

BRIEFING_ROLES = ("office", "standing_board")


def can_read_briefing(user) -> bool:
    return bool(getattr(user, "organization_id", None)) and getattr(user, "role", None) in BRIEFING_ROLES


def can_issue(user) -> bool:
    """Issuing a briefing (a number taken for good): the office and the Standing Board, viewers never."""
    return can_read_briefing(user) and not getattr(user, "is_read_only", True)


def can_read_leaders(user) -> bool:
    """The table of every leader: the same readers as the briefing, the office and the Standing Board."""
    return can_read_briefing(user)


def can_read_rankings(user) -> bool:
    """The monthly rankings compare every unit and investor of the organisation: whoever reads the briefing.
    A leader sees only what they answer for, so a ranking of theirs would be a partial one; they are left
    out, like the viewers and focal points (docs/reports.md)."""
    return can_read_briefing(user)


def can_see_map(user) -> bool:
    """The city map: anyone of an organisation with a role, each seeing on it only what they may see in the
    app each layer comes from (reports.selectors.city_map)."""
    return bool(getattr(user, "organization_id", None)) and bool(getattr(user, "role", None))
