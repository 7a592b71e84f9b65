"""The one scoping mechanism: every selector starts from `visible(queryset, user)`.

A model declares how it is scoped with a `scope = ScopeSpec(...)` class attribute. Rules, within the
user's own Party organisation (nobody ever sees another organisation's records):

- the office, the Standing Board and viewers see everything of their organisation;
- a leader (Standing Committee or working-group member) sees records of the localities and units they
  are currently assigned, and of everything below them;
- a focal point sees records of their own unit (and its sub-units) and of that unit's locality;
- reference data (`reference=True`: units, agencies, people, assignments) is visible to every member of
  the organisation, because pickers, routing and "who answers for" need it.

Core holds the mechanism and names no other app: roles are read through the user's own attributes
(`role`, `organization_id`, `sees_all`, `is_read_only`, `is_focal_point`, `person`), and what a leader or a
focal point reaches is said by reach providers that the apps register at start-up (`org.reach`).
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet


@dataclass(frozen=True)
class ScopeSpec:
    """How a model is scoped: paths from it to its organisation, locality and unit."""

    organization: str | None = "organization"
    locality: str | None = None
    agency: str | None = None
    # Further paths to agencies that also give reach (a directive's cooperating units); many-to-many
    # paths are matched through a subquery, so a record is never listed twice.
    more_agencies: tuple[str, ...] = ()
    # Paths to people: the record is visible to the user who is that person (the issuing leader).
    people: tuple[str, ...] = ()
    reference: bool = False
    # For administrative units, which belong to no organisation: the path field that must lie
    # under the organisation's root unit.
    unit_path: str | None = None
    # Typed links to any record, as (content-type field, id field) pairs: the record is visible when the
    # record it links to is in the user's reach of records (an obstacle whose subject is a project of the
    # user's working group; a directive whose source is that group's supervision session).
    links: tuple[tuple[str, str], ...] = ()
    # Paths to the records whose confidential mark ("Mật") also hides this one: an opinion heard on a
    # confidential visit, a re-supervision of a confidential directive or obstacle. A model that carries
    # the mark itself (`core.models.ConfidentialMixin`) needs no path: the mixin says so.
    confidential_via: tuple[str, ...] = ()


@dataclass
class Reach:
    """The localities and units a user reaches today (ids, subtrees included), and records reached by
    other ways than place: by model label ("investment.project"), a set of ids or a query of ids
    (`values("pk")`, used as a subquery)."""

    locality_ids: set[int] = field(default_factory=set)
    agency_ids: set[int] = field(default_factory=set)
    records: dict[str, object] = field(default_factory=dict)

    def add_records(self, label: str, ids) -> None:
        """Reach the records `ids` (a set of ids or a `values("pk")` query) of the model `label`."""
        current = self.records.get(label)
        if current is None:
            self.records[label] = ids if not isinstance(ids, set) else set(ids)
        elif isinstance(current, set) and isinstance(ids, set):
            current |= ids
        else:
            self.records[label] = _union(current, ids)


ReachProvider = Callable[[object, Reach], None]
_providers: list[ReachProvider] = []


def register_reach_provider(provider: ReachProvider) -> ReachProvider:
    """Let an app say what a user reaches (used as a decorator, from the app's `ready()`).

    Core knows no rule of reach: the organisation app registers the leaders' assignments and the focal
    point's unit and its locality; later apps widen reach the same way (a working group reaches its
    projects' localities).
    """
    if provider not in _providers:
        _providers.append(provider)
    return provider


def reach_of(user) -> Reach:
    """What a user reaches, computed once per request (cached on the user object)."""
    cached = getattr(user, "_coso_reach", None)
    if cached is not None:
        return cached
    reach = Reach()
    for provider in _providers:
        provider(user, reach)
    user._coso_reach = reach
    return reach


def _id_lookup(path: str) -> str:
    """The lookup of a foreign key's id, or of the record's own id for "id"."""
    return "pk" if path in ("id", "pk") else f"{path}_id"


def in_organization(qs: QuerySet, user, spec: ScopeSpec) -> QuerySet:
    """Only the records of the user's own organisation."""
    if spec.unit_path:
        root_path = user.organization.root_unit.path
        return qs.filter(**{f"{spec.unit_path}__startswith": root_path})
    return qs.filter(**{_id_lookup(spec.organization): user.organization_id})


def visible(qs: QuerySet, user, spec: ScopeSpec | None = None) -> QuerySet:
    """The records of `qs` that `user` may see."""
    spec = spec or qs.model.scope
    if not getattr(user, "is_authenticated", False) or not user.organization_id or not user.role:
        return qs.none()
    qs = in_organization(qs, user, spec)
    qs = hide_confidential(qs, user)
    for path in spec.confidential_via:
        qs = hide_confidential(qs, user, via=path)
    if spec.reference or user.sees_all:
        return qs
    reach = reach_of(user)
    condition = Q(pk__in=[])
    if spec.locality and reach.locality_ids:
        condition |= Q(**{f"{_id_lookup(spec.locality)}__in": sorted(reach.locality_ids)})
    if spec.agency and reach.agency_ids:
        condition |= Q(**{f"{_id_lookup(spec.agency)}__in": sorted(reach.agency_ids)})
    if spec.more_agencies and reach.agency_ids:
        for path in spec.more_agencies:
            matching = qs.model._base_manager.filter(**{f"{path}__in": sorted(reach.agency_ids)}).values("pk")
            condition |= Q(pk__in=matching)
    person_id = _person_id(user)
    if person_id is not None:
        for path in spec.people:
            condition |= Q(**{_id_lookup(path): person_id})
    if reach.records:
        condition |= _record_condition(qs.model, spec, reach)
    return qs.filter(condition)


def _union(a, b) -> list:
    """Two ways of naming ids (sets or id queries) as one list of subqueries and sets, matched with OR."""
    parts = []
    for part in (a, b):
        parts.extend(part if isinstance(part, list) else [part])
    return parts


def _ids_condition(lookup: str, ids) -> Q:
    parts = ids if isinstance(ids, list) else [ids]
    condition = Q(pk__in=[])
    for part in parts:
        condition |= Q(**{f"{lookup}__in": sorted(part) if isinstance(part, set) else part})
    return condition


def _record_condition(model, spec: ScopeSpec, reach: Reach) -> Q:
    """The records reached directly (by the model's label) or through a typed link to a reached record."""
    from django.contrib.contenttypes.models import ContentType

    condition = Q(pk__in=[])
    own = reach.records.get(model._meta.label_lower)
    if own is not None:
        condition |= _ids_condition("pk", own)
    for type_field, id_field in spec.links:
        for label, ids in reach.records.items():
            app_label, model_name = label.split(".")
            content_type = ContentType.objects.get_by_natural_key(app_label, model_name)
            condition |= Q(**{f"{type_field}_id": content_type.pk}) & _ids_condition(id_field, ids)
    return condition


def _person_id(user) -> int | None:
    person = getattr(user, "person", None)
    return person.pk if person is not None else None


def can_change(user, spec_or_model=None) -> bool:
    """Whether a user may write at all (viewers and role-less users never do)."""
    return bool(getattr(user, "is_authenticated", False) and user.organization_id and user.role) and (
        not user.is_read_only
    )


# --- confidential records ("Mật") ---------------------------------------------------------------------
# A record that carries `core.models.ConfidentialMixin` may be marked confidential: then only its named
# readers and the Standing Board of its organisation see it (docs/confidential.md). The rule is applied
# here, inside `visible()`, so that every scoped list, count, export, map layer, search hit and figure
# obeys it without a copy per app. Core reads the Standing Board through the user's own attribute
# `sees_confidential`.


def sees_confidential(user) -> bool:
    """Whether a user sees every confidential record of their organisation (the Standing Board)."""
    return bool(getattr(user, "sees_confidential", False))


def _confidential_model(model, via: str | None):
    """The model that carries the mark: `model` itself, or the one at the end of the path `via`."""
    if via:
        for name in via.split("__"):
            model = model._meta.get_field(name).related_model
    return model if getattr(model, "confidential_capable", False) else None


def readers_ids(model, user):
    """A query of the ids of `model`'s records that name `user` among their readers (a subquery)."""
    through = model._meta.get_field("confidential_readers").remote_field.through
    column = model._meta.model_name
    return through.objects.filter(user_id=user.pk).values(f"{column}_id")


def confidential_condition(model, user, via: str | None = None) -> Q | None:
    """The condition a record of `model` meets when `user` may see it as far as confidentiality goes, or
    None when nothing is hidden from the user (no mark on the model, or a Standing Board member)."""
    marked = _confidential_model(model, via)
    if marked is None or sees_confidential(user):
        return None
    if not via:
        return Q(confidential=False) | Q(pk__in=readers_ids(marked, user))
    # Through a path, by the ids of the marked records the user may not read (a few, found by the mark's
    # index), not by joining every row to its record: a count of 20,000 re-supervisions took 1.3 s joined.
    hidden = (
        marked._base_manager.filter(confidential=True).exclude(pk__in=readers_ids(marked, user)).values("pk")
    )
    return ~Q(**{f"{via}_id__in": hidden})


def hide_confidential(qs: QuerySet, user, via: str | None = None) -> QuerySet:
    """`qs` without the confidential records `user` may not see. `visible()` applies it; a figure read
    over a whole organisation outside `visible()` (a working group's totals) applies it itself."""
    condition = confidential_condition(qs.model, user, via)
    return qs if condition is None else qs.filter(condition)


def may_see_confidential(user, record) -> bool:
    """Whether `user` may see `record` as far as its confidential mark goes (a record that is not marked,
    or a model without the mark, passes). One query, only for a marked record."""
    if not getattr(record, "confidential", False):
        return True
    if not getattr(user, "is_authenticated", False) or user.organization_id != getattr(
        record, "organization_id", user.organization_id
    ):
        return False
    if sees_confidential(user):
        return True
    return (
        type(record)
        ._meta.get_field("confidential_readers")
        .remote_field.through.objects.filter(
            **{f"{type(record)._meta.model_name}_id": record.pk, "user_id": user.pk}
        )
        .exists()
    )
