"""API operations of the organisation, scoped exactly like the pages."""

import datetime as dt

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from core.api_inputs import query_date
from core.api_refs import PersonLoginRef
from core.filters import filter_api, filter_schema
from core.pagination import PageNumberPagination
from org import selectors, services
from org.choices import AgencyKind, AssignmentRole
from org.filters import AgencyFilterSet, AssignmentFilterSet, LeaderFilterSet, PersonFilterSet, UnitFilterSet
from org.permissions import can_manage
from org.refs import agency_ref, field_ref, person_ref, unit_ref

router = Router(tags=["org"])


class UnitOut(Schema):
    id: int
    code: int
    name: str
    level: int
    division_type: str
    parent_id: int | None
    parent_code: int | None = None

    @staticmethod
    def resolve_parent_code(obj):
        return obj.parent.code if obj.parent_id else None


UnitQuery = filter_schema(UnitFilterSet, "UnitQuery")


class ResponsibleOut(Schema):
    target_type: str
    target_id: int
    target_name: str
    at: dt.date
    via: str
    leader: PersonLoginRef | None
    assignment_id: int | None
    role: str | None


def _day(raw: str | None) -> dt.date:
    """The `at` parameter (default today); a malformed date is a 422 naming it."""
    return query_date(raw, "at") or timezone.localdate()


@router.get("/units/", response=list[UnitOut], summary="Administrative units")
@paginate(PageNumberPagination, page_size=50)
def list_units(request, filters: Query[UnitQuery]):
    """Units of the user's organisation; `q` ignores diacritics ("hoan kiem" finds "Phường Hoàn Kiếm")."""
    units = filter_api(UnitFilterSet, request, selectors.unit_list(user=request.user), filters)
    return units.order_by("level", "sort_key", "id")


@router.get("/units/{id:unit_id}", response=UnitOut, summary="One administrative unit")
def get_unit(request, unit_id: int):
    return selectors.get_unit_for_user(user=request.user, pk=unit_id)


@router.get("/responsible", response=ResponsibleOut, summary="Who answers for a place on a date")
def responsible(request, unit: int | None = None, agency: int | None = None, at: str | None = None):
    """`unit` is an official administrative-unit code; `agency` an agency id; `at` a date (default today)."""
    day = _day(at)
    if (unit is None) == (agency is None):
        raise HttpError(422, _("Give exactly one of unit (an official code) or agency (an id)."))
    committee = selectors.committee_for(request.user)
    if committee is None:
        raise HttpError(404, _("Not found."))
    if unit is not None:
        target = selectors.get_unit_by_code(user=request.user, code=unit)
        target_type = "unit"
    else:
        target = get_object_or_404(selectors.agency_list(user=request.user, include_archived=True), pk=agency)
        target_type = "agency"
    answer = selectors.responsible_leader(target, at=day, organization=committee)
    return {
        "target_type": target_type,
        "target_id": target.pk,
        "target_name": target.name,
        "at": day,
        "via": answer.via,
        "leader": answer.leader,
        "assignment_id": answer.assignment.pk if answer.assignment else None,
        "role": answer.assignment.role if answer.assignment else None,
    }


# --- agencies -------------------------------------------------------------------------------------


class AgencyOut(Schema):
    id: int
    code: str
    name: str
    short_name: str
    kind: str
    parent_id: int | None
    locality_id: int | None
    locality_code: int | None = None
    email: str
    phone: str
    version: int
    archived: bool = False

    @staticmethod
    def resolve_locality_code(obj):
        return obj.locality.code if obj.locality_id else None

    @staticmethod
    def resolve_archived(obj):
        return obj.archived_at is not None


AgencyQuery = filter_schema(AgencyFilterSet, "AgencyQuery")


class AgencyIn(Schema):
    code: str = Field(min_length=1, max_length=30)
    name: str = Field(min_length=1, max_length=255)
    kind: AgencyKind
    short_name: str = Field("", max_length=100)
    parent_id: int | None = None
    locality_code: int | None = None
    email: str = Field("", max_length=254)
    phone: str = Field("", max_length=30)


class AgencyPatch(Schema):
    version: int
    code: str | None = Field(None, min_length=1, max_length=30)
    name: str | None = Field(None, min_length=1, max_length=255)
    kind: AgencyKind | None = None
    short_name: str | None = Field(None, max_length=100)
    parent_id: int | None = None
    locality_code: int | None = None
    email: str | None = Field(None, max_length=254)
    phone: str | None = Field(None, max_length=30)


class VersionIn(Schema):
    version: int


# Ids and codes in a body, and the record each names, looked up within the user's reach.
REFERENCES = {
    "parent_id": ("parent", agency_ref),
    "agency_id": ("agency", agency_ref),
    "leader_id": ("leader", person_ref),
    "locality_code": ("locality", unit_ref),
    "field_id": ("field", field_ref),
}


def _resolve(user, data: dict, *, keep_nulls: bool = True) -> dict:
    """A payload as the service's arguments: references become records, choices their values. Without
    `keep_nulls`, a field sent as null is left as it is (only a reference can be emptied)."""
    out = {}
    for key, value in data.items():
        if key in REFERENCES:
            name, find = REFERENCES[key]
            out[name] = find(user, value, key) if value else None
        elif value is not None or keep_nulls:
            out[key] = getattr(value, "value", value)
    return out


def _require_office(user):
    """Writes to the organisation's reference data are the office's; anyone else is told it is not found."""
    if not can_manage(user):
        raise Http404


@router.get("/agencies/", response=list[AgencyOut], summary="Agencies and units")
@paginate(PageNumberPagination, page_size=50)
def list_agencies(request, filters: Query[AgencyQuery]):
    agencies = filter_api(AgencyFilterSet, request, selectors.agency_list(user=request.user), filters)
    return agencies.order_by("sort_key", "id")


@router.get("/agencies/{id:agency_id}", response=AgencyOut, summary="One agency or unit")
def get_agency(request, agency_id: int):
    return selectors.get_agency_for_user(user=request.user, pk=agency_id)


@router.post("/agencies/", response={201: AgencyOut}, summary="Add an agency or unit (office)")
def create_agency(request, payload: AgencyIn):
    _require_office(request.user)
    data = _resolve(request.user, payload.dict())
    committee = selectors.committee_for(request.user)
    return Status(201, services.agency_create(actor=request.user, organization=committee, **data))


@router.patch("/agencies/{id:agency_id}", response=AgencyOut, summary="Change an agency or unit (office)")
def update_agency(request, agency_id: int, payload: AgencyPatch):
    agency = selectors.get_agency_for_user(user=request.user, pk=agency_id, action="change")
    data = _resolve(request.user, payload.dict(exclude_unset=True, exclude={"version"}))
    return services.agency_update(actor=request.user, agency=agency, version=payload.version, **data)


@router.post(
    "/agencies/{id:agency_id}/archive", response=AgencyOut, summary="Archive an agency or unit (office)"
)
def archive_agency(request, agency_id: int, payload: VersionIn):
    agency = selectors.get_agency_for_user(user=request.user, pk=agency_id, action="change")
    return services.agency_archive(actor=request.user, agency=agency, version=payload.version)


# --- people and leaders ---------------------------------------------------------------------------


class PersonOut(Schema):
    id: int
    full_name: str
    position: str
    agency_id: int | None
    email: str
    phone: str
    login: str | None = None
    current_assignments: int | None = None
    version: int
    archived: bool = False

    @staticmethod
    def resolve_login(obj):
        return obj.user.username if obj.user_id else None

    @staticmethod
    def resolve_current_assignments(obj):
        return getattr(obj, "current_assignments", None)

    @staticmethod
    def resolve_archived(obj):
        return obj.archived_at is not None


PersonQuery = filter_schema(PersonFilterSet, "PersonQuery")


class PersonIn(Schema):
    full_name: str = Field(min_length=1, max_length=200)
    position: str = Field("", max_length=255)
    agency_id: int | None = None
    email: str = Field("", max_length=254)
    phone: str = Field("", max_length=30)


class PersonPatch(Schema):
    version: int
    full_name: str | None = Field(None, min_length=1, max_length=200)
    position: str | None = Field(None, max_length=255)
    agency_id: int | None = None
    email: str | None = Field(None, max_length=254)
    phone: str | None = Field(None, max_length=30)


@router.get("/people/", response=list[PersonOut], summary="People; leaders_only=true for the leaders' list")
@paginate(PageNumberPagination, page_size=50)
def list_people(request, filters: Query[PersonQuery], leaders_only: bool = False):
    """Everybody (the people page), or with `leaders_only` the leaders (the leaders' page)."""
    if leaders_only:
        return filter_api(LeaderFilterSet, request, selectors.leader_list(user=request.user), filters)
    return filter_api(PersonFilterSet, request, selectors.person_directory(user=request.user), filters)


@router.get("/people/{id:person_id}", response=PersonOut, summary="One person")
def get_person(request, person_id: int):
    return selectors.get_person_for_user(user=request.user, pk=person_id)


@router.post("/people/", response={201: PersonOut}, summary="Add a person (office)")
def create_person(request, payload: PersonIn):
    _require_office(request.user)
    data = _resolve(request.user, payload.dict(), keep_nulls=False)
    committee = selectors.committee_for(request.user)
    return Status(201, services.person_create(actor=request.user, organization=committee, **data))


@router.patch("/people/{id:person_id}", response=PersonOut, summary="Change a person (office)")
def update_person(request, person_id: int, payload: PersonPatch):
    person = selectors.get_person_for_user(user=request.user, pk=person_id, action="change")
    data = _resolve(request.user, payload.dict(exclude_unset=True, exclude={"version"}), keep_nulls=False)
    return services.person_update(actor=request.user, person=person, version=payload.version, **data)


@router.post("/people/{id:person_id}/archive", response=PersonOut, summary="Archive a person (office)")
def archive_person(request, person_id: int, payload: VersionIn):
    person = selectors.get_person_for_user(user=request.user, pk=person_id, action="change")
    return services.person_archive(actor=request.user, person=person, version=payload.version)


@router.post(
    "/people/{id:person_id}/restore", response=PersonOut, summary="Restore an archived person (office)"
)
def restore_person(request, person_id: int, payload: VersionIn):
    person = selectors.get_person_for_user(user=request.user, pk=person_id, action="change")
    return services.person_restore(actor=request.user, person=person, version=payload.version)


# --- bodies and their members ---------------------------------------------------------------------


class MemberOut(Schema):
    id: int
    body_id: int
    person: PersonLoginRef
    position: str
    order: int
    valid_from: dt.date
    valid_to: dt.date | None
    version: int


class BodyOut(Schema):
    id: int
    kind: str
    kind_label: str
    term: str
    term_start: dt.date
    term_end: dt.date | None
    members: list[MemberOut]

    @staticmethod
    def resolve_kind_label(obj):
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_members(obj):
        return obj.current_members


class MemberIn(Schema):
    person_id: int
    position: str = Field("", max_length=200)
    order: int = Field(100, ge=1, le=32767)
    valid_from: dt.date


class MembershipEndIn(Schema):
    version: int
    valid_to: dt.date


@router.get("/bodies/", response=list[BodyOut], summary="Bodies of the current term, with their members")
@paginate(PageNumberPagination, page_size=50)
def list_bodies(request, at: str | None = None):
    """Bodies whose term covers `at` (default today), Standing Board first, with that day's members."""
    return selectors.current_body_list(user=request.user, on=_day(at))


@router.post(
    "/bodies/{id:body_id}/members", response={201: MemberOut}, summary="Seat a person on a body (office)"
)
def add_member(request, body_id: int, payload: MemberIn):
    body = selectors.get_body_for_user(user=request.user, pk=body_id, action="change")
    person = person_ref(request.user, payload.person_id, "person_id")
    membership = services.membership_add(
        actor=request.user,
        body=body,
        person=person,
        valid_from=payload.valid_from,
        position=payload.position,
        order=payload.order,
    )
    return Status(201, membership)


@router.post(
    "/memberships/{id:membership_id}/end", response=MemberOut, summary="End a seat on a body (office)"
)
def end_membership(request, membership_id: int, payload: MembershipEndIn):
    membership = selectors.get_membership_for_user(user=request.user, pk=membership_id, action="change")
    return services.membership_end(
        actor=request.user, membership=membership, version=payload.version, on=payload.valid_to
    )


# --- assignments ----------------------------------------------------------------------------------


class AssignmentOut(Schema):
    id: int
    leader: PersonLoginRef
    target_type: str
    target_id: int
    target_name: str
    locality_code: int | None
    role: str
    valid_from: dt.date
    valid_to: dt.date | None
    decision: str
    note: str
    version: int
    archived: bool

    @staticmethod
    def resolve_target_type(obj):
        return "locality" if obj.locality_id else ("agency" if obj.agency_id else "field")

    @staticmethod
    def resolve_target_id(obj):
        return obj.locality_id or obj.agency_id or obj.field_id

    @staticmethod
    def resolve_target_name(obj):
        return str(obj.target)

    @staticmethod
    def resolve_locality_code(obj):
        return obj.locality.code if obj.locality_id else None

    @staticmethod
    def resolve_archived(obj):
        return obj.archived_at is not None


AssignmentQuery = filter_schema(AssignmentFilterSet, "AssignmentQuery")


class AssignmentIn(Schema):
    leader_id: int
    locality_code: int | None = None
    agency_id: int | None = None
    field_id: int | None = None
    role: AssignmentRole = AssignmentRole.IN_CHARGE
    valid_from: dt.date
    valid_to: dt.date | None = None
    decision: str = Field("", max_length=200)
    note: str = Field("", max_length=500)


class AssignmentPatch(Schema):
    version: int
    leader_id: int | None = None
    role: AssignmentRole | None = None
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    decision: str | None = Field(None, max_length=200)
    note: str | None = Field(None, max_length=500)


@router.get("/assignments/", response=list[AssignmentOut], summary="Assignments, current and past")
@paginate(PageNumberPagination, page_size=50)
def list_assignments(request, filters: Query[AssignmentQuery]):
    """The same filters as the assignments export."""
    assignments = selectors.assignment_list(user=request.user)
    return filter_api(AssignmentFilterSet, request, assignments, filters).order_by("-valid_from", "id")


@router.get("/assignments/{id:assignment_id}", response=AssignmentOut, summary="One assignment")
def get_assignment(request, assignment_id: int):
    return selectors.get_assignment_for_user(user=request.user, pk=assignment_id)


@router.post("/assignments/", response={201: AssignmentOut}, summary="Assign a leader (office)")
def create_assignment(request, payload: AssignmentIn):
    _require_office(request.user)
    data = _resolve(request.user, payload.dict())
    committee = selectors.committee_for(request.user)
    return Status(201, services.assignment_create(actor=request.user, organization=committee, **data))


@router.patch(
    "/assignments/{id:assignment_id}", response=AssignmentOut, summary="Change an assignment (office)"
)
def update_assignment(request, assignment_id: int, payload: AssignmentPatch):
    assignment = selectors.get_assignment_for_user(user=request.user, pk=assignment_id, action="change")
    data = _resolve(request.user, payload.dict(exclude_unset=True, exclude={"version"}))
    return services.assignment_update(
        actor=request.user, assignment=assignment, version=payload.version, **data
    )


@router.post(
    "/assignments/{id:assignment_id}/archive", response=AssignmentOut, summary="Archive an assignment"
)
def archive_assignment(request, assignment_id: int, payload: VersionIn):
    assignment = selectors.get_assignment_for_user(user=request.user, pk=assignment_id, action="change")
    return services.assignment_archive(actor=request.user, assignment=assignment, version=payload.version)
