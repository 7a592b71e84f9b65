"""References to the organisation's records in API bodies, for every app's API: each on core's one
resolver, so an unknown or out-of-reach reference is a 422 naming the field everywhere."""

from functools import partial

from core.api_refs import resolve_ref, resolve_refs
from org import selectors


def unit_ref(user, code, field: str):
    """An administrative unit by official code (the lowest level first: communes before provinces)."""
    units = partial(selectors.unit_list, include_archived=True)
    return resolve_ref(user, units, code, field, lookup="code", order_by=("-level",))


def agency_ref(user, pk, field: str):
    return resolve_ref(user, partial(selectors.agency_list, include_archived=True), pk, field)


def agencies_ref(user, ids, field: str) -> list:
    return resolve_refs(user, selectors.agency_list, ids, field)


def person_ref(user, pk, field: str):
    return resolve_ref(user, partial(selectors.person_list, include_archived=True), pk, field)


def field_ref(user, pk, field: str):
    return resolve_ref(user, selectors.field_list, pk, field)
