"""API operations of the organisation, scoped exactly like the pages."""

import datetime as dt

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import PageNumberPagination, paginate

from org import selectors

router = Router(tags=["org"])


class PersonRef(Schema):
    id: int
    full_name: str
    login: str | None = None

    @staticmethod
    def resolve_login(obj):
        return obj.user.username if obj.user_id else None


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


class UnitFilters(Schema):
    q: str | None = None
    parent: int | None = None
    level: int | None = None


class ResponsibleOut(Schema):
    target_type: str
    target_id: int
    target_name: str
    at: dt.date
    via: str
    leader: PersonRef | None
    assignment_id: int | None
    role: str | None


def _parse_day(raw: str | None) -> dt.date:
    if not raw:
        from django.utils import timezone

        return timezone.localdate()
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(raw, fmt).date()
        except ValueError:
            continue
    raise HttpError(422, _("The date must read dd/mm/yyyy or yyyy-mm-dd."))


@router.get("/units/", response=list[UnitOut], summary="Administrative units")
@paginate(PageNumberPagination, page_size=50)
def list_units(request, filters: Query[UnitFilters]):
    """Units of the user's organisation; `q` ignores diacritics ("hoan kiem" finds "Phường Hoàn Kiếm")."""
    return selectors.unit_list(
        user=request.user, q=filters.q, parent=filters.parent, level=filters.level
    ).order_by("level", "search_text", "id")


@router.get("/units/{unit_id}", response=UnitOut, summary="One administrative unit")
def get_unit(request, unit_id: int):
    return selectors.get_unit_for_user(user=request.user, pk=unit_id)


@router.get("/responsible", response=ResponsibleOut, summary="Who answers for a place on a date")
def responsible(request, unit: int | None = None, agency: int | None = None, at: str | None = None):
    """`unit` is an official administrative-unit code; `agency` an agency id; `at` a date (default today)."""
    day = _parse_day(at)
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
