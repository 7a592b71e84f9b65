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


def can_see_map(user) -> bool:
    """The city map: anyone of an organisation with a role, each seeing on it only what they may see in the
    app each layer comes from (reports.selectors.city_map)."""
    return bool(getattr(user, "organization_id", None)) and bool(getattr(user, "role", None))
