"""Reads of the investment app: every one starts from what the user may see.

The office, the Standing Board and viewers see every project of their organisation; a working group's
members see the group's projects (investment.reach); whoever reaches an investor sees its projects.
Working groups are reference data: everyone in the organisation sees the list and who leads each.
"""

import datetime as dt

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from core.scoping import visible
from investment.choices import GroupRole
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
