"""Who may do what with the organisation's records: pure predicates on a user and a record already loaded.

They never query: a detail page loads its record once through the gate, then asks these for its buttons.
The organisation's reference data (agencies, people, seats, assignments) is the office's to change."""


def can_manage(user) -> bool:
    """The office keeps the organisation's reference data; everyone else reads it."""
    return bool(getattr(user, "is_office", False))


def can_change(user, obj) -> bool:
    return can_manage(user)


def can_assign(user, obj) -> bool:
    """Assign a leader to a place or a unit, or assign a person: not to someone archived."""
    return can_manage(user) and getattr(obj, "archived_at", None) is None
