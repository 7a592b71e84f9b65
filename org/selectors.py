"""Reads of the organisation, each scoped to the user, and "who answers for this place on this date"."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Case, Count, Prefetch, Q, QuerySet, Value, When
from django.http import Http404
from django.utils import timezone

from core.scoping import visible
from core.text import search_terms
from org.choices import PRIMARY_ROLES, AssignmentRole, BodyKind
from org.models import AdministrativeUnit, Agency, Assignment, Body, Field, Membership, PartyCommittee, Person


def _search(qs: QuerySet, query: str | None) -> QuerySet:
    """Every folded word must appear in the record's folded search text ("hoan kiem" finds "Hoàn Kiếm")."""
    for word in search_terms(query):
        qs = qs.filter(search_text__contains=word)
    return qs


def _valid_on(day: dt.date) -> Q:
    return Q(valid_from__lte=day) & (Q(valid_to__isnull=True) | Q(valid_to__gte=day))


# --- administrative units -------------------------------------------------------------------------


def unit_list(
    *,
    user,
    q: str | None = None,
    parent: int | None = None,
    level: int | None = None,
    include_archived: bool = False,
) -> QuerySet[AdministrativeUnit]:
    """The administrative units the user may see, searchable without diacritics."""
    qs = visible(AdministrativeUnit.objects.all(), user).select_related("parent")
    if not include_archived:
        qs = qs.active()
    if parent is not None:
        qs = qs.filter(parent_id=parent)
    if level is not None:
        qs = qs.filter(level=level)
    return _search(qs, q)


def get_unit_for_user(*, user, pk: int, action: str = "view") -> AdministrativeUnit:
    """One unit, or 404 for missing and for not-yours alike."""
    unit = unit_list(user=user, include_archived=True).filter(pk=pk).order_by().first()
    if unit is None:
        raise Http404
    if action != "view" and not user.is_office:
        raise Http404
    return unit


def get_unit_by_code(*, user, code: int) -> AdministrativeUnit:
    """A unit by its official code, preferring the lowest level (communes before provinces)."""
    unit = unit_list(user=user, include_archived=True).filter(code=code).order_by("-level").first()
    if unit is None:
        raise Http404
    return unit


# --- agencies, people, fields, bodies -------------------------------------------------------------


def agency_list(
    *,
    user,
    q: str | None = None,
    locality: int | None = None,
    include_archived: bool = False,
) -> QuerySet[Agency]:
    """The agencies and units of the user's organisation."""
    qs = visible(Agency.objects.all(), user).select_related("parent", "locality")
    if not include_archived:
        qs = qs.active()
    if locality:
        qs = qs.filter(locality_id=locality)
    return _search(qs, q)


def get_agency_for_user(*, user, pk: int, action: str = "view") -> Agency:
    agency = agency_list(user=user, include_archived=True).filter(pk=pk).order_by().first()
    if agency is None:
        raise Http404
    if action != "view" and not user.is_office:
        raise Http404
    return agency


def person_list(
    *, user, q: str | None = None, leaders_only: bool = False, include_archived: bool = False
) -> QuerySet[Person]:
    """People of the organisation; `leaders_only` keeps those on a body or holding an assignment."""
    qs = visible(Person.objects.all(), user).select_related("agency", "user")
    if not include_archived:
        qs = qs.active()
    if leaders_only:
        qs = qs.filter(Q(memberships__isnull=False) | Q(assignments__isnull=False)).distinct()
    return _search(qs, q)


def leader_list(*, user, on: dt.date | None = None) -> QuerySet[Person]:
    """Leaders with the number of their current assignments, for the leaders' page."""
    day = on or timezone.localdate()
    current = (
        Q(assignments__archived_at__isnull=True)
        & Q(assignments__valid_from__lte=day)
        & (Q(assignments__valid_to__isnull=True) | Q(assignments__valid_to__gte=day))
    )
    return (
        person_list(user=user, leaders_only=True)
        .annotate(current_assignments=Count("assignments", filter=current, distinct=True))
        .order_by("sort_key", "id")
    )


def get_person_for_user(*, user, pk: int, action: str = "view") -> Person:
    person = person_list(user=user, include_archived=True).filter(pk=pk).order_by().first()
    if person is None:
        raise Http404
    if action != "view" and not user.is_office:
        raise Http404
    return person


def field_list(*, user) -> QuerySet[Field]:
    return visible(Field.objects.all(), user).active()


def body_list(*, user) -> QuerySet[Body]:
    members = Membership.objects.active().select_related("person").order_by("order", "person__full_name")
    return (
        visible(Body.objects.all(), user).active().prefetch_related(Prefetch("memberships", queryset=members))
    )


def committee_for(user) -> PartyCommittee | None:
    return visible(PartyCommittee.objects.all(), user).select_related("root_unit", "default_leader").first()


def committee_codes() -> list[str]:
    """The codes of the organisations kept here (a command that acts for one asks which)."""
    return list(PartyCommittee.objects.active().order_by("code").values_list("code", flat=True))


def committee_or_404(user) -> PartyCommittee:
    """The user's organisation; someone without a role (or an organisation) reaches nothing: 404."""
    committee = committee_for(user)
    if committee is None:
        raise Http404
    return committee


# --- assignments ----------------------------------------------------------------------------------


def assignment_list(
    *,
    user,
    leader: int | None = None,
    locality: int | None = None,
    agency: int | None = None,
    on: dt.date | None = None,
    include_archived: bool = False,
) -> QuerySet[Assignment]:
    """Assignments of the user's organisation, current and past, with their targets loaded."""
    qs = visible(Assignment.objects.all(), user).select_related("leader", "locality", "agency", "field")
    if not include_archived:
        qs = qs.active()
    if leader:
        qs = qs.filter(leader_id=leader)
    if locality:
        qs = qs.filter(locality_id=locality)
    if agency:
        qs = qs.filter(agency_id=agency)
    if on:
        qs = qs.filter(_valid_on(on))
    return qs


def get_assignment_for_user(*, user, pk: int, action: str = "view") -> Assignment:
    assignment = assignment_list(user=user, include_archived=True).filter(pk=pk).order_by().first()
    if assignment is None:
        raise Http404
    if action != "view" and not user.is_office:
        raise Http404
    return assignment


# --- who answers for this place on this date ------------------------------------------------------


@dataclass(frozen=True)
class Responsibility:
    """The answer to "who answers for X on date D", and how it was found."""

    leader: Person | None
    assignment: Assignment | None
    via: str  # "direct": the target itself; "parent": a unit above it; "default": the configured default
    target: object
    source: object  # the unit whose assignment answered (the target itself, an ancestor, or the committee)


def _primary_on(day: dt.date) -> QuerySet[Assignment]:
    return (
        Assignment.objects.active()
        .filter(_valid_on(day), role__in=PRIMARY_ROLES)
        .select_related("leader", "leader__user", "locality", "agency")
    )


def _rank(assignment: Assignment) -> tuple:
    return (
        0 if assignment.role == AssignmentRole.DIRECT else 1,
        -assignment.valid_from.toordinal(),
        assignment.pk,
    )


def _day(at) -> dt.date:
    if at is None:
        return timezone.localdate()
    if isinstance(at, dt.datetime):
        return timezone.localtime(at).date() if timezone.is_aware(at) else at.date()
    return at


def responsible_leaders(
    units: list[AdministrativeUnit], at: dt.date | None = None, *, organization: PartyCommittee
) -> dict[int, Responsibility]:
    """`responsible_leader` for a whole page of localities in one query: {unit id: Responsibility}."""
    day = _day(at)
    paths = {p for u in units for p in u.ancestor_paths()}
    by_path: dict[str, list[Assignment]] = {}
    for a in _primary_on(day).filter(organization=organization, locality__path__in=paths):
        by_path.setdefault(a.locality.path, []).append(a)
    answers = {}
    for unit in units:
        for index, path in enumerate(unit.ancestor_paths()):
            if path in by_path:
                best = sorted(by_path[path], key=_rank)[0]
                answers[unit.pk] = Responsibility(
                    best.leader, best, "direct" if index == 0 else "parent", unit, best.locality
                )
                break
        else:
            answers[unit.pk] = Responsibility(
                organization.default_leader, None, "default", unit, organization
            )
    return answers


def responsible_leader(
    target, at: dt.date | dt.datetime | None = None, *, organization: PartyCommittee | None = None
) -> Responsibility:
    """The leader who answers for a locality or a unit on a date.

    The target's own primary assignment first (directly in charge before in charge); then the nearest unit
    above it (for an agency: its parent agencies, then the nearest locality set on it or an agency above it,
    and the units above that locality); then the organisation's configured default leader (the Standing
    Board). Two queries at most, whatever the depth.
    """
    day = _day(at)
    chain: list[tuple[str, object]] = []  # (kind, path) nearest first
    if isinstance(target, Agency):
        organization = organization or target.organization
        agency_paths = target.ancestor_paths()
        chain += [("agency", p) for p in agency_paths]
        # The locality is the nearest one set on the agency or on an agency above it.
        locality = target.locality if target.locality_id else None
        if locality is None and len(agency_paths) > 1:
            above = (
                Agency.objects.filter(
                    organization_id=target.organization_id, path__in=agency_paths[1:], locality__isnull=False
                )
                .select_related("locality")
                .order_by("-path")
                .first()
            )
            locality = above.locality if above else None
        if locality is not None:
            chain += [("locality", p) for p in locality.ancestor_paths()]
    elif isinstance(target, AdministrativeUnit):
        chain += [("locality", p) for p in target.ancestor_paths()]
    else:
        raise TypeError("responsible_leader() takes an AdministrativeUnit or an Agency")
    if organization is None:
        organization = (
            PartyCommittee.objects.filter(root_unit__path__in=[p for k, p in chain if k == "locality"])
            .select_related("default_leader")
            .first()
        )
    agency_paths = [p for k, p in chain if k == "agency"]
    unit_paths = [p for k, p in chain if k == "locality"]
    condition = Q(pk__in=[])
    if agency_paths:
        condition |= Q(agency__path__in=agency_paths, agency__organization=organization)
    if unit_paths:
        condition |= Q(locality__path__in=unit_paths)
    candidates = _primary_on(day).filter(condition)
    if organization is not None:
        candidates = candidates.filter(organization=organization)
    by_path: dict[tuple[str, str], list[Assignment]] = {}
    for a in candidates:
        key = ("agency", a.agency.path) if a.agency_id else ("locality", a.locality.path)
        by_path.setdefault(key, []).append(a)
    for index, key in enumerate(chain):
        if key in by_path:
            best = sorted(by_path[key], key=_rank)[0]
            return Responsibility(
                leader=best.leader,
                assignment=best,
                via="direct" if index == 0 else "parent",
                target=target,
                source=best.target,
            )
    default = organization.default_leader if organization is not None else None
    return Responsibility(leader=default, assignment=None, via="default", target=target, source=organization)


# --- the assignment matrix ------------------------------------------------------------------------


@dataclass
class MatrixRow:
    unit: AdministrativeUnit
    cells: dict[int, Assignment]  # leader id -> the current assignment of that leader to this unit


def assignment_matrix(*, user, units: QuerySet[AdministrativeUnit], on: dt.date | None = None):
    """Leaders × localities for one page of units, in one query for the assignments."""
    day = on or timezone.localdate()
    unit_page = list(units)
    current = list(
        assignment_list(user=user, on=day)
        .filter(locality__in=[u.pk for u in unit_page])
        .select_related("leader", "locality")
    )
    rows = {u.pk: MatrixRow(unit=u, cells={}) for u in unit_page}
    for a in current:
        rows[a.locality_id].cells[a.leader_id] = a
    # Columns: the leaders who hold a current assignment on this page's units, so the page stays small.
    by_id = {a.leader_id: a.leader for a in current}
    leaders = sorted(by_id.values(), key=lambda p: (p.sort_key, p.pk))
    return leaders, [rows[u.pk] for u in unit_page]


# --- people, bodies and memberships: the office's pages -------------------------------------------


def person_directory(*, user) -> QuerySet[Person]:
    """Everybody of the organisation, archived or not, for the people page and API; their FilterSet
    keeps the active ones unless the office asks for the archived."""
    return person_list(user=user, include_archived=True).order_by("sort_key", "id")


def people_without_login(*, user, keep: int | None = None) -> QuerySet[Person]:
    """Active people who have no login yet, and the person already linked to login `keep` (even if
    archived, so that saving the login form does not silently unlink them), for the login form."""
    condition = Q(user__isnull=True, archived_at__isnull=True)
    if keep:
        condition |= Q(user_id=keep)
    return person_list(user=user, include_archived=True).filter(condition).order_by("sort_key", "id")


def current_body_list(*, user, on: dt.date | None = None) -> QuerySet[Body]:
    """Bodies whose term covers the day, Standing Board first, each with `current_members` in order."""
    day = on or timezone.localdate()
    members = (
        Membership.objects.active()
        .filter(_valid_on(day), person__archived_at__isnull=True)
        .select_related("person", "person__user")
        .order_by("order", "person__sort_key", "id")
    )
    rank = Case(
        *(When(kind=kind, then=Value(index)) for index, kind in enumerate(BodyKind.values)),
        default=Value(len(BodyKind.values)),
    )
    return (
        visible(Body.objects.all(), user)
        .active()
        .filter(Q(term_start__lte=day) & (Q(term_end__isnull=True) | Q(term_end__gte=day)))
        .prefetch_related(Prefetch("memberships", queryset=members, to_attr="current_members"))
        .order_by(rank, "-term_start", "id")
    )


def get_body_for_user(*, user, pk: int, action: str = "view") -> Body:
    body = visible(Body.objects.all(), user).filter(pk=pk).first()
    if body is None:
        raise Http404
    if action != "view" and not user.is_office:
        raise Http404
    return body


def membership_list(*, user, person: int | None = None) -> QuerySet[Membership]:
    """Seats on bodies, current and past, newest first, with the body and person loaded."""
    qs = (
        visible(Membership.objects.all(), user)
        .active()
        .select_related("body", "person", "person__user")
        .order_by("-valid_from", "order", "id")
    )
    if person:
        qs = qs.filter(person_id=person)
    return qs


def get_membership_for_user(*, user, pk: int, action: str = "view") -> Membership:
    membership = membership_list(user=user).filter(pk=pk).first()
    if membership is None:
        raise Http404
    if action != "view" and not user.is_office:
        raise Http404
    return membership
