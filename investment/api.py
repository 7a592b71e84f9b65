"""The investment API under /api/v1/investment/: the same selectors, services and scoping as the pages."""

import datetime as dt
from decimal import Decimal
from typing import Annotated, Literal

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import Field

from core.api_inputs import Day, Id, LongText, SummaryText, Text, query_date, require_writer
from core.api_refs import resolve_ref, resolve_refs
from core.confidential_api import confidentiality_routes
from core.filters import filter_api, filter_schema
from core.pagination import PageNumberPagination
from followup.choices import ObstacleCategory, ResolutionLevel
from investment import analytics, selectors, services
from investment.choices import CapitalSource, Denominator, GroupRole, ProjectGroup, ProjectStatus, Sector
from investment.filters import GroupFilterSet, ProjectFilterSet, SessionFilterSet
from investment.models import MAX_AMOUNT, Project
from investment.permissions import can_manage, can_record_session
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
    confidential: bool = Field(
        description="Marked confidential (Mật): seen only by its named readers and the Standing Board"
    )
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


class InvestmentSessionListOut(InvestmentSessionOut):
    group_number: int
    group_name: str

    @staticmethod
    def resolve_group_number(obj):
        return obj.group.number

    @staticmethod
    def resolve_group_name(obj):
        return obj.group.name


SessionQuery = filter_schema(SessionFilterSet, "InvestmentSessionQuery")


@router.get(
    "/sessions/",
    response=list[InvestmentSessionListOut],
    summary="Supervision sessions, with the list's filters",
)
@paginate(PageNumberPagination, page_size=50)
def list_sessions(request, filters: Query[SessionQuery]):
    sessions = filter_api(SessionFilterSet, request, selectors.session_list(user=request.user), filters)
    return sessions.order_by("-held_on", "-id")


@router.get("/sessions/{id:session_id}", response=InvestmentSessionListOut, summary="One supervision session")
def get_session(request, session_id: int):
    return selectors.get_session_for_user(user=request.user, pk=session_id)


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


# --- what the office keeps: projects, their figures, the target curve, working groups --------------------


def _require_office(user) -> None:
    """The office keeps projects, plans and groups; anyone else is told the operation does not exist."""
    if not can_manage(user):
        raise Http404


def _committee(user):
    _require_office(user)
    return org_selectors.committee_or_404(user)


class InvestmentSiteIn(Schema):
    locality: Id
    latitude: Decimal | None = Field(None, ge=-90, le=90, max_digits=9, decimal_places=6)
    longitude: Decimal | None = Field(None, ge=-180, le=180, max_digits=9, decimal_places=6)


Amount = Annotated[int, Field(ge=0, le=MAX_AMOUNT)]
Year = Annotated[int, Field(ge=2000, le=2100)]


class InvestmentProjectIn(Schema):
    code: Text = Field(min_length=1, max_length=40)
    name: Text = Field(min_length=1, max_length=300)
    group: ProjectGroup
    investor: Id
    sector: Sector = Sector.OTHER
    is_key: bool = False
    description: LongText = ""
    total_investment: Amount = 0
    planned_start: Day | None = None
    planned_end: Day | None = None
    sites: list[InvestmentSiteIn] = Field([], max_length=50)


class InvestmentProjectPatch(Schema):
    version: int
    name: Text = Field(None, min_length=1, max_length=300)
    group: ProjectGroup = None
    investor: Id = None
    sector: Sector = None
    is_key: bool = None
    description: LongText = None
    planned_start: Day | None = None
    planned_end: Day | None = None
    actual_start: Day | None = None
    actual_end: Day | None = None
    sites: list[InvestmentSiteIn] = Field(None, max_length=50)


class InvestmentProjectWriteOut(InvestmentProjectOut):
    version: int
    archived: bool
    planned_start: dt.date | None
    planned_end: dt.date | None
    actual_start: dt.date | None
    actual_end: dt.date | None

    @staticmethod
    def resolve_archived(obj):
        return obj.archived_at is not None


def _sites(user, sites) -> list:
    ids = [s["locality"] for s in sites]
    localities = {u.pk: u for u in resolve_refs(user, org_selectors.unit_list, ids, "sites")}
    return [(localities[s["locality"]], s.get("latitude"), s.get("longitude")) for s in sites]


def _project_data(user, data: dict) -> dict:
    if "investor" in data:
        if data["investor"] is None:
            raise ValidationError({"investor": _("Choose the investor.")})
        data["investor"] = resolve_ref(user, org_selectors.agency_list, data["investor"], "investor")
    if "sites" in data:
        if data["sites"] is None:
            raise ValidationError({"sites": _("Give the sites as a list (empty for none).")})
        data["sites"] = _sites(user, data["sites"])
    for name in ("name", "group", "sector", "is_key", "description"):
        if name in data and data[name] is None:
            raise ValidationError({name: _("This field cannot be empty.")})
    return data


@router.post("/projects/", response={201: InvestmentProjectWriteOut}, summary="Register a project (office)")
def create_project(request, payload: InvestmentProjectIn):
    committee = _committee(request.user)
    data = _project_data(request.user, payload.dict())
    project = services.project_create(actor=request.user, organization=committee, **data)
    return Status(201, selectors.get_project_for_user(user=request.user, pk=project.pk))


@router.patch(
    "/projects/{id:project_id}", response=InvestmentProjectWriteOut, summary="Correct a project (office)"
)
def update_project(request, project_id: int, payload: InvestmentProjectPatch):
    _require_office(request.user)
    project = selectors.get_project_for_user(user=request.user, pk=project_id, action="change")
    data = _project_data(request.user, payload.dict(exclude_unset=True, exclude={"version"}))
    services.project_update(actor=request.user, project=project, version=payload.version, **data)
    return selectors.get_project_for_user(user=request.user, pk=project.pk)


class InvestmentVersionIn(Schema):
    version: int


class InvestmentStatusIn(Schema):
    version: int
    status: ProjectStatus
    on: Day | None = None


@router.post(
    "/projects/{id:project_id}/status",
    response=InvestmentProjectWriteOut,
    summary="Move a project along its workflow (office)",
)
def move_project(request, project_id: int, payload: InvestmentStatusIn):
    _require_office(request.user)
    project = selectors.get_project_for_user(user=request.user, pk=project_id, action="change")
    return services.project_set_status(actor=request.user, project=project, **payload.dict())


@router.post(
    "/projects/{id:project_id}/archive",
    response=InvestmentProjectWriteOut,
    summary="Archive a project (office)",
)
def archive_project(request, project_id: int, payload: InvestmentVersionIn):
    _require_office(request.user)
    project = selectors.get_project_for_user(user=request.user, pk=project_id, action="change")
    return services.project_archive(actor=request.user, project=project, version=payload.version)


@router.post(
    "/projects/{id:project_id}/restore",
    response=InvestmentProjectWriteOut,
    summary="Restore an archived project (office)",
)
def restore_project(request, project_id: int, payload: InvestmentVersionIn):
    _require_office(request.user)
    project = selectors.get_project_for_user(user=request.user, pk=project_id, action="change")
    return services.project_restore(actor=request.user, project=project, version=payload.version)


class InvestmentProgressIn(Schema):
    observed_on: Day
    percent: Decimal = Field(ge=0, le=100, max_digits=5, decimal_places=2)
    note: Text = Field("", max_length=500)


class InvestmentProgressOut(Schema):
    id: int
    project_id: int
    observed_on: dt.date
    percent: Decimal
    note: str


@router.post(
    "/projects/{id:project_id}/progress",
    response={201: InvestmentProgressOut},
    summary="Record physical progress (office, or a leader of a group following the project)",
)
def record_progress(request, project_id: int, payload: InvestmentProgressIn):
    require_writer(request.user)
    project = selectors.get_project_for_user(user=request.user, pk=project_id)
    if not selectors.may_record_progress(request.user, project):
        raise Http404
    return Status(201, services.progress_record(actor=request.user, project=project, **payload.dict()))


class InvestmentAdjustmentIn(Schema):
    effective_on: Day
    amount: Amount
    decision: Text = Field("", max_length=200)


class InvestmentAdjustmentOut(Schema):
    id: int
    project_id: int
    effective_on: dt.date
    amount: int
    decision: str


@router.post(
    "/projects/{id:project_id}/investment-adjustments",
    response={201: InvestmentAdjustmentOut},
    summary="Adjust a project's total investment (office)",
)
def adjust_investment(request, project_id: int, payload: InvestmentAdjustmentIn):
    _require_office(request.user)
    project = selectors.get_project_for_user(user=request.user, pk=project_id, action="change")
    adjustment = services.total_investment_adjust(actor=request.user, project=project, **payload.dict())
    return Status(201, adjustment)


class InvestmentPlanIn(Schema):
    year: Year
    source: CapitalSource
    assigned_amount: Amount
    allocated_amount: Amount


class InvestmentPlanOut(Schema):
    id: int
    project_id: int
    year: int
    source: str
    assigned_amount: int
    allocated_amount: int
    version: int


@router.post(
    "/projects/{id:project_id}/plans",
    response={201: InvestmentPlanOut},
    summary="Enter (or correct) a project's capital plan for a year and source (office)",
)
def enter_plan(request, project_id: int, payload: InvestmentPlanIn):
    _require_office(request.user)
    project = selectors.get_project_for_user(user=request.user, pk=project_id, action="change")
    return Status(201, services.plan_set(actor=request.user, project=project, **payload.dict()))


class InvestmentPlanAdjustmentIn(Schema):
    denominator: Denominator
    effective_on: Day
    amount: Amount
    decision: Text = Field("", max_length=200)


class InvestmentPlanAdjustmentOut(Schema):
    id: int
    plan_id: int
    denominator: str
    effective_on: dt.date
    amount: int
    decision: str


@router.post(
    "/plans/{id:plan_id}/adjustments",
    response={201: InvestmentPlanAdjustmentOut},
    summary="Adjust one amount of a capital plan from a day on (office)",
)
def adjust_plan(request, plan_id: int, payload: InvestmentPlanAdjustmentIn):
    _require_office(request.user)
    plan = selectors.get_plan_for_user(user=request.user, pk=plan_id, action="change")
    return Status(201, services.plan_adjust(actor=request.user, plan=plan, **payload.dict()))


class InvestmentDisbursementIn(Schema):
    source: CapitalSource
    plan_year: Year
    month: Day
    amount: Amount


class InvestmentDisbursementOut(Schema):
    id: int
    project_id: int
    source: str
    plan_year: int
    month: dt.date
    amount: int


@router.post(
    "/projects/{id:project_id}/disbursements",
    response={201: InvestmentDisbursementOut},
    summary="Enter (or correct) one month's disbursement of a project (office)",
)
def record_disbursement(request, project_id: int, payload: InvestmentDisbursementIn):
    _require_office(request.user)
    project = selectors.get_project_for_user(user=request.user, pk=project_id, action="change")
    return Status(201, services.disbursement_record(actor=request.user, project=project, **payload.dict()))


class InvestmentCurveIn(Schema):
    points: dict[
        Annotated[int, Field(ge=1, le=13)],
        Annotated[Decimal, Field(ge=0, le=100, max_digits=5, decimal_places=2)],
    ]


class InvestmentCurvePointOut(Schema):
    month: int
    percent: Decimal


class InvestmentCurveOut(Schema):
    year: int
    points: list[InvestmentCurvePointOut]


@router.put(
    "/target-curve/{id:year}", response=InvestmentCurveOut, summary="Set a year's target curve (office)"
)
def set_target_curve(request, year: Year, payload: InvestmentCurveIn):
    committee = _committee(request.user)
    rows = services.target_curve_set(
        actor=request.user, organization=committee, year=year, points=payload.points
    )
    return {"year": year, "points": rows}


class InvestmentGroupIn(Schema):
    number: int = Field(ge=1, le=32767)
    name: Text = Field(min_length=1, max_length=300)
    term_start: Day
    term_end: Day | None = None
    note: Text = Field("", max_length=500)
    projects: list[Id] = Field([], max_length=1000)
    investors: list[Id] = Field([], max_length=1000)
    localities: list[Id] = Field([], max_length=1000)


class InvestmentGroupPatch(Schema):
    version: int
    name: Text = Field(None, min_length=1, max_length=300)
    term_start: Day = None
    term_end: Day | None = None
    note: Text = Field(None, max_length=500)
    projects: list[Id] = Field(None, max_length=1000)
    investors: list[Id] = Field(None, max_length=1000)
    localities: list[Id] = Field(None, max_length=1000)


class InvestmentGroupWriteOut(InvestmentGroupDetailOut):
    version: int
    note: str


def _group_data(user, data: dict) -> dict:
    refs = {
        "projects": selectors.project_list,
        "investors": org_selectors.agency_list,
        "localities": org_selectors.unit_list,
    }
    for name, selector in refs.items():
        if name in data:
            if data[name] is None:
                raise ValidationError({name: _("Give a list (empty for none).")})
            data[name] = resolve_refs(user, selector, data[name], name)
    for name in ("name", "term_start", "note"):
        if name in data and data[name] is None:
            raise ValidationError({name: _("This field cannot be empty.")})
    return data


@router.post("/groups/", response={201: InvestmentGroupWriteOut}, summary="Set up a working group (office)")
def create_group(request, payload: InvestmentGroupIn):
    committee = _committee(request.user)
    data = _group_data(request.user, payload.dict())
    group = services.group_create(actor=request.user, organization=committee, **data)
    return Status(201, selectors.get_group_for_user(user=request.user, pk=group.pk))


@router.patch(
    "/groups/{id:group_id}", response=InvestmentGroupWriteOut, summary="Correct a working group (office)"
)
def update_group(request, group_id: int, payload: InvestmentGroupPatch):
    _require_office(request.user)
    group = selectors.get_group_for_user(user=request.user, pk=group_id, action="change")
    data = _group_data(request.user, payload.dict(exclude_unset=True, exclude={"version"}))
    services.group_update(actor=request.user, group=group, version=payload.version, **data)
    return selectors.get_group_for_user(user=request.user, pk=group.pk)


class InvestmentMemberIn(Schema):
    person: Id
    role: GroupRole
    valid_from: Day
    valid_to: Day | None = None


class InvestmentMembershipOut(Schema):
    id: int
    group_id: int
    person_id: int
    role: str
    valid_from: dt.date
    valid_to: dt.date | None


@router.post(
    "/groups/{id:group_id}/members",
    response={201: InvestmentMembershipOut},
    summary="Seat a person on a working group (office)",
)
def add_group_member(request, group_id: int, payload: InvestmentMemberIn):
    _require_office(request.user)
    group = selectors.get_group_for_user(user=request.user, pk=group_id, action="change")
    data = payload.dict()
    data["person"] = resolve_ref(request.user, org_selectors.person_list, data["person"], "person")
    return Status(201, services.group_member_add(actor=request.user, group=group, **data))


class InvestmentMemberEndIn(Schema):
    valid_to: Day


@router.post(
    "/members/{id:member_id}/end",
    response=InvestmentMembershipOut,
    summary="End a person's seat on a working group (office)",
)
def end_group_member(request, member_id: int, payload: InvestmentMemberEndIn):
    _require_office(request.user)
    member = selectors.get_member_for_user(user=request.user, pk=member_id, action="change")
    return services.group_member_end(actor=request.user, member=member, valid_to=payload.valid_to)


confidentiality_routes(router, "/projects", selectors.get_project_for_user, "change", noun="project")
