"""Reads of the investment app: every one starts from what the user may see.

The office, the Standing Board and viewers see every project of their organisation; a working group's
members see the group's projects (investment.reach); whoever reaches an investor sees its projects.
Working groups are reference data: everyone in the organisation sees the list and who leads each.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, FloatField, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Cast
from django.http import Http404
from django.utils import timezone

from core.scoping import confidential_condition, hide_confidential, readers_ids, visible
from followup.models import Directive, Obstacle
from investment import analytics
from investment.choices import CapitalSource, GroupRole, Rag
from investment.models import (
    CapitalPlan,
    GroupMember,
    PlanAdjustment,
    Project,
    ProjectLocality,
    SupervisionSession,
    WorkingGroup,
)
from investment.permissions import can_change_project, can_manage, can_record_session, can_write
from org.selectors import agency_list


def _today(today: dt.date | None = None) -> dt.date:
    return today or timezone.localdate()


# --- projects --------------------------------------------------------------------------------------------


def project_list(*, user, include_archived: bool = False) -> QuerySet[Project]:
    """The projects the user may see, with their investor and sites."""
    qs = visible(Project.objects.all(), user)
    if not include_archived:
        qs = qs.active()
    return qs.select_related("investor").prefetch_related(
        Prefetch("sites", queryset=ProjectLocality.objects.select_related("locality").order_by("id"))
    )


def get_project_for_user(*, user, pk: int, action: str = "view") -> Project:
    """One project, or 404 for missing and not-yours alike; "change" only for who may change it."""
    project = project_list(user=user, include_archived=True).filter(pk=pk).order_by().first()
    if project is None:
        raise Http404
    if action == "view" or (action == "change" and can_change_project(user, project)):
        return project
    raise Http404


def map_points(
    projects: QuerySet[Project],
    *,
    limit: int,
    organization_id: int | None = None,
    at: dt.date | None = None,
) -> tuple[list[dict], bool]:
    """The sites with coordinates of a (scoped, filtered) set of projects, at most `limit`, as the points of
    a map (id, code, name, lat, lng, status, place); and whether there were more. Given `at` (and the
    organisation), each point also carries its project's red/amber/green status for the plan year of `at`
    (`rag`), read by one grouped aggregate over the projects shown. Three queries in all, at most."""
    rows = list(
        ProjectLocality.objects.filter(
            project__in=projects.order_by().values("pk"), latitude__isnull=False, longitude__isnull=False
        )
        .annotate(lat=Cast("latitude", FloatField()), lng=Cast("longitude", FloatField()))
        .order_by("project__sort_key", "project_id", "id")
        .values_list(
            "project_id", "project__code", "project__name", "project__status", "lat", "lng", "locality__name",
        )[: limit + 1]
    )  # fmt: skip
    points = [
        {"id": pk, "code": code, "name": name, "status": status, "lat": float(lat), "lng": float(lng),
         "place": place or ""}
        for pk, code, name, status, lat, lng, place in rows[:limit]
    ]  # fmt: skip
    if at is not None and organization_id is not None and points:
        ids = {p["id"] for p in points}
        figures = analytics.figures_by(
            Project.objects.filter(pk__in=ids), "pk", organization_id=organization_id, at=at, year=at.year
        )
        for point in points:
            found = figures.get(point["id"])
            point["rag"] = found.rag if found is not None else Rag.NONE
    return points, len(rows) > limit


def project_plans(project: Project, year: int | None = None) -> QuerySet[CapitalPlan]:
    plans = CapitalPlan.objects.filter(project=project, archived_at__isnull=True).prefetch_related(
        Prefetch("adjustments", queryset=PlanAdjustment.objects.order_by("effective_on", "id"))
    )
    if year:
        plans = plans.filter(year=year)
    return plans.order_by("-year", "source")


def project_groups(project: Project) -> QuerySet[WorkingGroup]:
    return WorkingGroup.objects.filter(project_links__project=project).order_by("number")


# --- working groups -------------------------------------------------------------------------------------


def current_members(today: dt.date | None = None):
    day = _today(today)
    return (
        GroupMember.objects.filter(valid_from__lte=day)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))
        .select_related("person", "person__agency", "person__user")
        .order_by("group_id", "role", "id")
    )


def group_list(*, user, include_archived: bool = False) -> QuerySet[WorkingGroup]:
    """The organisation's working groups, with their current members (the leader among them)."""
    qs = visible(WorkingGroup.objects.all(), user)
    if not include_archived:
        qs = qs.active()
    return qs.prefetch_related(Prefetch("members", queryset=current_members(), to_attr="current_members"))


def leader_of(group: WorkingGroup):
    """The group's current leader (a Person), from the prefetched members."""
    for member in getattr(group, "current_members", []):
        if member.role == GroupRole.LEADER:
            return member.person
    return None


def get_group_for_user(*, user, pk: int, action: str = "view") -> WorkingGroup:
    """One group, or 404; `viewer_role` is the user's role in it today ("" when not a member)."""
    group = group_list(user=user, include_archived=True).filter(pk=pk).order_by().first()
    if group is None:
        raise Http404
    person = getattr(user, "person", None)
    group.viewer_role = next(
        (m.role for m in group.current_members if person is not None and m.person_id == person.pk), ""
    )
    if action == "view":
        return group
    if action == "change" and can_manage(user):
        return group
    if action == "session" and can_record_session(user, group):
        return group
    raise Http404


def group_members_history(group: WorkingGroup) -> QuerySet[GroupMember]:
    return group.members.select_related("person").order_by("-valid_from", "role", "id")


# --- supervision sessions ------------------------------------------------------------------------------


def session_list(*, user) -> QuerySet[SupervisionSession]:
    """The sessions the user may see: of their groups, or all for whoever sees everything."""
    return (
        visible(SupervisionSession.objects.active(), user)
        .select_related("group")
        .prefetch_related(Prefetch("projects", queryset=Project.objects.only("id", "code", "name")))
    )


def get_session_for_user(*, user, pk: int, action: str = "view") -> SupervisionSession:
    session = (
        visible(SupervisionSession.objects.all(), user)
        .select_related("group", "group__organization")
        .filter(pk=pk)
        .first()
    )
    if session is None:
        raise Http404
    if action == "view":
        return session
    group = get_group_for_user(user=user, pk=session.group_id)
    if action == "change" and can_record_session(user, group):
        return session
    raise Http404


# --- what the office keeps ------------------------------------------------------------------------------


def get_plan_for_user(*, user, pk: int, action: str = "view") -> CapitalPlan:
    """A capital plan, reached through its project's gate (404 for missing and not-yours alike)."""
    plan = CapitalPlan.objects.filter(pk=pk, archived_at__isnull=True).only("id", "project_id").first()
    if plan is None:
        raise Http404
    project = get_project_for_user(user=user, pk=plan.project_id, action=action)
    plan = CapitalPlan.objects.get(pk=pk)
    plan.project = project
    return plan


def get_member_for_user(*, user, pk: int, action: str = "view") -> GroupMember:
    """A seat on a working group, reached through its group's gate (404 for missing and not-yours alike)."""
    member = GroupMember.objects.select_related("person").filter(pk=pk).first()
    if member is None:
        raise Http404
    member.group = get_group_for_user(user=user, pk=member.group_id, action=action)
    return member


LEADING_ROLES = (GroupRole.LEADER, GroupRole.DEPUTY, GroupRole.SECRETARY)


def leads_a_group_of(user, project: Project, today: dt.date | None = None) -> bool:
    """Whether the user leads (leader, deputy, secretary), today, a working group following the project."""
    person = getattr(user, "person", None)
    if person is None:
        return False
    return (
        current_members(today)
        .filter(person=person, role__in=LEADING_ROLES, group__project_links__project=project)
        .exists()
    )


def may_record_progress(user, project: Project) -> bool:
    """The office, or whoever leads a group following the project (a writer, not a viewer)."""
    if can_manage(user):
        return True
    return can_write(user) and leads_a_group_of(user, project)


# --- the disbursement overview (the dashboard and the Standing Committee's briefing) ---------------------

LAGGING_SHOWN = 10


@dataclass
class Overview:
    """The organisation's disbursement at a date, as the dashboard shows it and the briefing prints it."""

    at: dt.date
    year: int
    city: object  # analytics.Figures
    sources: list  # Figures of each capital source, with its label, every source shown
    group_ranking: list  # (Figures, WorkingGroup), highest rate first
    investor_ranking: list  # (Figures, Agency)
    lagging: list  # (Figures, Project): the key projects furthest behind the floor, red or amber
    curve: dict  # analytics.monthly_curve


def ranked(figures: dict, records: dict) -> list:
    """Figures with their record, highest rate first, those without a plan last."""
    rows = [(f, records[key]) for key, f in figures.items() if key in records]
    return sorted(rows, key=lambda row: (row[0].rate is None, -(row[0].rate or Decimal(0)), str(row[1])))


def figures_by_source(projects, *, organization_id: int, at: dt.date, year: int) -> list:
    """The figures of each capital source, every source shown (those without a plan or money empty)."""
    found = analytics.figures_by(
        projects, "source", organization_id=organization_id, at=at, year=year, keep=CapitalSource.values
    )
    rows = []
    for source, label in CapitalSource.choices:
        found[source].label = label
        rows.append(found[source])
    return rows


def ranked_investors(
    *, user, organization_id: int, at: dt.date, year: int, projects: QuerySet | None = None, by_project=None
) -> list:
    """The investors of the projects the user may see, each with its figures at `at` in the plan year,
    highest rate first, those without a plan last: the dashboard's ranking of investors (and the monthly
    rankings')."""
    projects = project_list(user=user) if projects is None else projects
    kwargs = {"organization_id": organization_id, "at": at, "year": year}
    by_investor = analytics.figures_by(projects, "investor", by_project=by_project, **kwargs)
    investors = {a.pk: a for a in agency_list(user=user).filter(pk__in=list(by_investor))}
    return ranked(by_investor, investors)


def disbursement_overview(*, user, organization_id: int, at: dt.date, year: int) -> Overview:
    """Every figure of the dashboard, as SQL aggregates over what the user may see: a fixed number of
    queries whatever the number of projects (investment.analytics)."""
    projects = project_list(user=user)
    kwargs = {"organization_id": organization_id, "at": at, "year": year}
    # One grouped read by project; the city, the groups and the investors are folded from it.
    by_project = analytics.project_figures(projects, **kwargs)
    city = analytics.figures(projects, by_project=by_project, **kwargs)
    sources = figures_by_source(projects, **kwargs)
    groups = {g.pk: g for g in group_list(user=user)}
    by_group = analytics.figures_by_group(projects, groups.values(), by_project=by_project, **kwargs)
    investor_ranking = ranked_investors(user=user, projects=projects, by_project=by_project, **kwargs)
    key_projects = projects.filter(is_key=True)
    key_ids = set(key_projects.values_list("pk", flat=True))
    by_key = {pk: f for pk, f in by_project.items() if pk in key_ids}
    lagging_ids = sorted(
        (pk for pk, f in by_key.items() if f.rag in (Rag.RED, Rag.AMBER)),
        key=lambda pk: by_key[pk].gap if by_key[pk].gap is not None else Decimal(0),
    )[:LAGGING_SHOWN]
    lagging_projects = {p.pk: p for p in key_projects.filter(pk__in=lagging_ids)}
    return Overview(
        at=at,
        year=year,
        city=city,
        sources=sources,
        group_ranking=ranked(by_group, groups),
        investor_ranking=investor_ranking,
        lagging=[(by_key[pk], lagging_projects[pk]) for pk in lagging_ids if pk in lagging_projects],
        curve=analytics.monthly_curve(projects, organization_id=organization_id, year=year, at=at),
    )


# --- what the working groups did ----------------------------------------------------------------------


def group_activity(*, user, first: dt.date, last: dt.date) -> list[dict]:
    """For each working group the user may see, over the days `first`..`last`: the supervision sessions
    held, the projects they visited, and the obstacles raised and directives issued from those sessions.
    Three grouped aggregates, whatever the number of sessions."""
    groups = list(group_list(user=user).order_by("number", "id"))
    sessions = session_list(user=user).filter(held_on__gte=first, held_on__lte=last)
    # A confidential project, obstacle or directive counts only for who may see it (docs/confidential.md).
    shown_projects = None
    if confidential_condition(Project, user) is not None:
        shown_projects = Q(projects__confidential=False) | Q(projects__in=readers_ids(Project, user))
    held = {
        row["group_id"]: row
        for row in sessions.order_by()
        .values("group_id")
        .annotate(
            sessions=Count("id", distinct=True),
            projects=Count("projects", distinct=True, filter=shown_projects),
        )
    }
    session_type = ContentType.objects.get_for_model(SupervisionSession)
    group_of = SupervisionSession.objects.filter(pk=OuterRef("origin_id")).values("group_id")[:1]
    obstacles = dict(
        hide_confidential(Obstacle.objects.all(), user)
        .filter(origin_type=session_type, origin_id__in=sessions.values("pk"))
        .annotate(session_group=Subquery(group_of))
        .order_by()
        .values("session_group")
        .annotate(n=Count("id"))
        .values_list("session_group", "n")
    )
    source_group = SupervisionSession.objects.filter(pk=OuterRef("source_id")).values("group_id")[:1]
    directives = dict(
        hide_confidential(Directive.objects.all(), user)
        .filter(source_type=session_type, source_id__in=sessions.values("pk"))
        .annotate(session_group=Subquery(source_group))
        .order_by()
        .values("session_group")
        .annotate(n=Count("id"))
        .values_list("session_group", "n")
    )
    return [
        {
            "group": group,
            "sessions": held.get(group.pk, {}).get("sessions", 0),
            "projects": held.get(group.pk, {}).get("projects", 0),
            "obstacles": obstacles.get(group.pk, 0),
            "directives": directives.get(group.pk, 0),
        }
        for group in groups
    ]


# --- the groups each leader leads (the leaders' table) --------------------------------------------------


def groups_led(*, user, at: dt.date, year: int) -> dict[int, list[tuple[WorkingGroup, analytics.Figures]]]:
    """The working groups each person leads today (by person id), each with its disbursement figures at `at`
    for the plan year: those of all its projects in the organisation, as the group's page reads them
    (`?at=`). The rates only (what a ranking needs): a fixed number of queries whatever the projects."""
    led: dict[int, list[WorkingGroup]] = {}
    for group in group_list(user=user).order_by("number", "id"):
        leader = leader_of(group)
        if leader is not None:
            led.setdefault(leader.pk, []).append(group)
    if not led:
        return {}
    groups = [group for groups in led.values() for group in groups]
    by_group = analytics.figures_by_group(
        hide_confidential(Project.objects.active().filter(organization_id=user.organization_id), user),
        groups,
        organization_id=user.organization_id,
        at=at,
        year=year,
        rates_only=True,
    )
    return {
        person: [(group, by_group.get(group.pk) or analytics.Figures(year=year, at=at)) for group in groups]
        for person, groups in led.items()
    }
