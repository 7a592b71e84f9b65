"""The API's reference schemas (how one record names another) and the one resolver of references sent
in a body.

A reference in a body that is unknown, or out of the caller's reach, is a 422 naming the field; a missing
or out-of-reach record in the path stays a 404 (the apps' get_<entity>_for_user gates). The schemas take
records of any app as they are, and the resolver takes the app's scoped selector as a parameter, so core
knows no other app.
"""

from collections.abc import Callable, Iterable

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from ninja import Schema


class UnitRef(Schema):
    """An administrative unit: its id, official code and name."""

    id: int
    code: int
    name: str


class AgencyRef(Schema):
    """An agency or unit of the organisation."""

    id: int
    code: str
    name: str


class PersonRef(Schema):
    """A person of the organisation."""

    id: int
    full_name: str


class PersonLoginRef(PersonRef):
    """A person, with their login when they have one (the caller loads `user` with the person)."""

    login: str | None = None

    @staticmethod
    def resolve_login(obj):
        return obj.user.username if obj.user_id else None


class UserRef(Schema):
    """A login: its id, username and the name it goes by."""

    id: int
    login: str
    full_name: str

    @staticmethod
    def resolve_login(obj):
        return obj.username

    @staticmethod
    def resolve_full_name(obj):
        return obj.get_full_name() or obj.username


Selector = Callable[..., QuerySet]


def resolve_ref(user, selector: Selector, value, field: str, *, lookup: str = "pk", order_by: tuple = ()):
    """The record that `value` names among `selector(user=user)` (the app's scoped list), or None when
    nothing was sent; unknown or out of reach is a 422 naming `field`."""
    if value is None:
        return None
    record = selector(user=user).filter(**{lookup: value}).order_by(*order_by).first()
    if record is None:
        raise ValidationError(
            {field: _("Nothing you can reach has the reference {value}.").format(value=value)}
        )
    return record


def resolve_refs(user, selector: Selector, values: Iterable, field: str) -> list:
    """The records that the ids in `values` name, in the order given (repeats dropped); any unknown or out
    of reach is a 422 naming `field` and the ids."""
    wanted = list(dict.fromkeys(values))
    found = {record.pk: record for record in selector(user=user).filter(pk__in=wanted)}
    missing = [pk for pk in wanted if pk not in found]
    if missing:
        raise ValidationError(
            {
                field: _("Nothing you can reach has the reference(s) {values}.").format(
                    values=", ".join(map(str, missing))
                )
            }
        )
    return [found[pk] for pk in wanted]
