"""The investment API under /api/v1/investment/: the same selectors, services and scoping as the pages."""

import datetime as dt
from decimal import Decimal
from typing import Literal

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import Field

from core.api_inputs import Day, Id, LongText, SummaryText, Text, query_date, require_writer
from core.api_refs import resolve_ref, resolve_refs
from core.filters import filter_api, filter_schema
from core.pagination import PageNumberPagination
from followup.choices import ObstacleCategory, ResolutionLevel
from investment import analytics, selectors, services
from investment.choices import CapitalSource
from investment.filters import GroupFilterSet, ProjectFilterSet
from investment.models import Project
from investment.permissions import can_record_session
from org import selectors as org_selectors

router = Router(tags=["investment"])


# --- working groups -----------------------------------------------------------------------------------


class InvestmentLeaderOut(Schema):
    id: int
    name: str
    login: str | None = None


class InvestmentMemberOut(Schema):
    id: int
    name: str
    role: str
    valid_from: dt.date
    valid_to: dt.date | None


class InvestmentGroupOut(Schema):
    id: int
    number: int
    name: str
    term_start: dt.date
    term_end: dt.date | None
    leader: InvestmentLeaderOut | None

    @staticmethod
    def resolve_leader(obj):
        person = selectors.leader_of(obj)
        if person is None:
            return None
        return {
            "id": person.pk,
            "name": person.full_name,
            "login": person.user.username if person.user_id else None,
        }


class InvestmentGroupDetailOut(InvestmentGroupOut):
    members: list[InvestmentMemberOut]
    project_ids: list[int]

    @staticmethod
    def resolve_members(obj):
        return [
            {
                "id": m.person_id,
                "name": m.person.full_name,
                "role": m.role,
                "valid_from": m.valid_from,
                "valid_to": m.valid_to,
            }
            for m in obj.current_members
        ]

    @staticmethod
    def resolve_project_ids(obj):
        return sorted(obj.project_links.values_list("project_id", flat=True))


GroupQuery = filter_schema(GroupFilterSet, "InvestmentGroupQuery")


@router.get("/groups/", response=list[InvestmentGroupOut], summary="Working groups, with their leader")
@paginate(PageNumberPagination, page_size=50)
def list_groups(request, filters: Query[GroupQuery]):
    groups = filter_api(GroupFilterSet, request, selectors.group_list(user=request.user), filters)
    return groups.order_by("number", "id")


@router.get("/groups/{id:group_id}", response=InvestmentGroupDetailOut, summary="One working group")
def get_group(request, group_id: int):
    return selectors.get_group_for_user(user=request.user, pk=group_id)


# --- projects -----------------------------------------------------------------------------------------


class InvestmentSiteOut(Schema):
    locality_id: int
    locality: str
    latitude: Decimal | None
    longitude: Decimal | None

    @staticmethod
    def resolve_locality(obj):
        return obj.locality.name


class InvestmentProjectOut(Schema):
    id: int
    code: str
    name: str
    group: str
    is_key: bool
    sector: str
    status: str
    investor_id: int
    investor: str
    total_investment: int
    progress_percent: Decimal | None
    progress_on: dt.date | None
    sites: list[InvestmentSiteOut]

    @staticmethod
    def resolve_investor(obj):
        return obj.investor.name

    @staticmethod
    def resolve_sites(obj):
        return list(obj.sites.all())


ProjectQuery = filter_schema(ProjectFilterSet, "InvestmentProjectQuery")


@router.get("/projects/", response=list[InvestmentProjectOut], summary="Projects, with the list's filters")
@paginate(PageNumberPagination, page_size=50)
def list_projects(request, filters: Query[ProjectQuery]):
    projects = filter_api(ProjectFilterSet, request, selectors.project_list(user=request.user), filters)
    return projects.order_by("code", "id")


@router.get("/projects/{id:project_id}", response=InvestmentProjectOut, summary="One project")
def get_project(request, project_id: int):
    return selectors.get_project_for_user(user=request.user, pk=project_id)


# --- disbursement figures -----------------------------------------------------------------------------


class InvestmentFiguresOut(Schema):
    scope: str
    id: int | None
    year: int
    at: dt.date
    source: str | None
    assigned: int
    allocated: int
    disbursed_month: int
    disbursed: int
    rate_assigned: Decimal | None
    rate_allocated: Decimal | None
    target: Decimal | None
    gap: Decimal | None
    rag: str
    projection: int | None
    projected_rate: Decimal | None
    idle_months: int
    idle_streak: int


def _scope_projects(user, scope: str, pk: int | None):
    projects = selectors.project_list(user=user)
    if scope == "city":
        return projects
    if pk is None:
        raise ValidationError({"id": _("Give the id of the {scope}.").format(scope=scope)})
    if scope == "group":
        group = selectors.get_group_for_user(user=user, pk=pk)
        return projects.filter(group_links__group=group)
    if scope == "investor":
        if not org_selectors.agency_list(user=user).filter(pk=pk).exists():
            raise Http404
        return projects.filter(investor_id=pk)
    return Project.objects.filter(pk=selectors.get_project_for_user(user=user, pk=pk).pk)


@router.get(
    "/disbursement", response=InvestmentFiguresOut, summary="Disbursement figures of a scope at a date"
)
def disbursement(
    request,
    scope: Literal["city", "group", "investor", "project"] = "city",
    id: Id | None = None,
    at: str | None = None,
    year: int | None = Query(None, ge=2000, le=2100),
    source: CapitalSource | None = None,
):
    committee = org_selectors.committee_or_404(request.user)
    day = query_date(at, "at") or timezone.localdate()
    projects = _scope_projects(request.user, scope, id)
    f = analytics.figures(projects, organization_id=committee.pk, at=day, year=year, source=source)
    return {
        "scope": scope,
        "id": id if scope != "city" else None,
        "source": source,
        **{
            name: getattr(f, name)
            for name in InvestmentFiguresOut.model_fields
            if name not in ("scope", "id", "source")
        },
    }


# --- sessions and what they raise ---------------------------------------------------------------------


class InvestmentSessionIn(Schema):
    held_on: Day
    title: Text = Field(max_length=300)
    place: Text = Field("", max_length=300)
    projects: list[Id] = Field(min_length=1)
    participants: list[Id] = []
    findings: SummaryText = ""


class InvestmentSessionOut(Schema):
    id: int
    group_id: int
    held_on: dt.date
    title: str
    place: str
    findings: str
    project_ids: list[int]

    @staticmethod
    def resolve_project_ids(obj):
        return sorted(p.pk for p in obj.projects.all())


@router.post(
    "/groups/{id:group_id}/sessions",
    response={201: InvestmentSessionOut},
    summary="Record a supervision session",
)
def record_session(request, group_id: int, payload: InvestmentSessionIn):
    require_writer(request.user)
    group = selectors.get_group_for_user(user=request.user, pk=group_id, action="session")
    data = payload.dict()
    data["projects"] = resolve_refs(request.user, selectors.project_list, data["projects"], "projects")
    data["participants"] = resolve_refs(
        request.user, org_selectors.person_list, data["participants"], "participants"
    )
    return Status(201, services.session_create(actor=request.user, group=group, **data))


class InvestmentSessionObstacleIn(Schema):
    project: Id
    title: Text = Field(max_length=300)
    description: LongText
    category: ObstacleCategory
    resolution_level: ResolutionLevel
    deadline: Day | None = None


class InvestmentObstacleOut(Schema):
    id: int
    title: str
    status: str
    subject_id: int | None
    origin_id: int | None


@router.post(
    "/sessions/{id:session_id}/obstacles",
    response={201: InvestmentObstacleOut},
    summary="Raise an obstacle found in a session",
)
def raise_obstacle(request, session_id: int, payload: InvestmentSessionObstacleIn):
    require_writer(request.user)
    session = selectors.get_session_for_user(user=request.user, pk=session_id)
    group = selectors.get_group_for_user(user=request.user, pk=session.group_id)
    if not can_record_session(request.user, group):
        raise Http404
    data = payload.dict()
    data["project"] = resolve_ref(request.user, selectors.project_list, data["project"], "project")
    obstacle = services.session_raise_obstacle(actor=request.user, session=session, **data)
    return Status(201, obstacle)
