"""`coso demo` gives both cities key projects, plans, monthly disbursement, working groups and sessions."""

import datetime as dt
import random
import time

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.http import Http404

from accounts.demo import demo_load
from followup.choices import ObstacleCategory, ObstacleStatus
from followup.models import Directive, Obstacle
from investment import analytics, selectors
from investment.choices import GroupRole, Rag
from investment.demo import HCMC_PROJECTS, IDLE, IDLE_FROM, _amounts
from investment.models import (
    CapitalPlan,
    Disbursement,
    PlanAdjustment,
    Project,
    SupervisionSession,
    TargetPoint,
    WorkingGroup,
)
from investment.periods import month_start
from org.models import Membership


@pytest.fixture(scope="module")
def loaded(django_db_setup, django_db_blocker):
    """Load the demo once for the module, in a transaction rolled back at the end."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            started = time.perf_counter()
            context = demo_load(steps=("investment",))  # only the steps these tests read
            print(f"\ndemo loaded in {time.perf_counter() - started:.1f} s")
            yield context
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def demo(loaded, db):
    return loaded


def last_month_end(today: dt.date) -> dt.date:
    """The end of the last full month: what the demo's figures stand on."""
    return month_start(today) - dt.timedelta(days=1)


def test_hcmc_has_thirteen_groups_led_by_standing_committee_members(demo):
    hcmc = demo.committees["hcmc"]
    groups = list(selectors.group_list(user=demo.users["vanphonghcm"]).order_by("number"))
    assert [g.number for g in groups] == list(range(1, 14))
    standing = set(
        Membership.objects.filter(body__organization=hcmc, body__kind="standing_committee").values_list(
            "person_id", flat=True
        )
    )
    leaders = {}
    for group in groups:
        members = selectors.group_members_history(group)
        roles = {m.role for m in members if m.valid_to is None}
        assert roles == {GroupRole.LEADER, GroupRole.DEPUTY, GroupRole.SECRETARY, GroupRole.MEMBER}
        leader = selectors.leader_of(group)
        assert leader.pk in standing
        leaders[group.number] = leader
    assert leaders[1] == demo.people["totruong"]
    assert len({p.pk for p in leaders.values()}) == 13
    # Group 1 keeps its history: a secretary who left, and the one who took over.
    assert selectors.group_members_history(groups[0]).filter(role=GroupRole.SECRETARY).count() == 2


def test_hcmc_key_projects_with_sites_plans_and_money(demo):
    hcmc = demo.committees["hcmc"]
    projects = Project.objects.filter(organization=hcmc)
    assert 35 <= projects.count() <= 45
    assert not projects.filter(is_key=False).exists()
    codes = set(projects.values_list("code", flat=True))
    assert {"HCM-TD-01", "HCM-TD-02", "HCM-VD3-01", "HCM-MRT2-01", "HCM-CT-01"} <= codes
    for project in projects.prefetch_related("sites__locality"):
        sites = list(project.sites.all())
        assert sites and all(
            s.latitude is not None and s.locality.parent_id == hcmc.root_unit_id for s in sites
        )
        assert 10.3 < float(sites[0].latitude) < 11.3 and 106.3 < float(sites[0].longitude) < 107.3
        assert project.total_investment > 0
    # Every group follows projects; group 13 also those in its wards, group 3 its investor's.
    assert not WorkingGroup.objects.filter(organization=hcmc, project_links__isnull=True).exists()
    year = demo.today.year
    for y in (year - 1, year):
        assert CapitalPlan.objects.filter(organization=hcmc, year=y).count() >= 38
        points = dict(TargetPoint.objects.filter(organization=hcmc, year=y).values_list("month", "percent"))
        assert {m: float(p) for m, p in points.items()} == {3: 7.5, 6: 25, 9: 50, 12: 95}
    assert PlanAdjustment.objects.filter(plan__organization=hcmc).count() >= 2
    # Both denominators: the city tops up some of its own plans.
    assert CapitalPlan.objects.filter(organization=hcmc, allocated_amount__gt=0).count() > 0
    from django.db.models import F

    assert CapitalPlan.objects.filter(organization=hcmc, allocated_amount__gt=F("assigned_amount")).exists()
    # Money up to the last full month only, and the January carry-over of last year's plan.
    last = month_start(last_month_end(demo.today))
    rows = Disbursement.objects.filter(organization=hcmc)
    assert rows.count() > 300
    assert not rows.filter(month__gt=last).exists()
    if dt.date(year, 1, 1) <= last:
        assert rows.filter(plan_year=year - 1, month=dt.date(year, 1, 1)).exists()


def test_the_idle_project_stopped_disbursing(demo):
    idle = next(p for p in HCMC_PROJECTS if p.pace == IDLE)
    project = Project.objects.get(organization=demo.committees["hcmc"], code=idle.code)
    year = demo.today.year
    assert CapitalPlan.objects.filter(project=project, year=year).exists()
    assert not Disbursement.objects.filter(
        project=project, plan_year=year, month__gte=dt.date(year, IDLE_FROM, 1)
    ).exists()


def test_some_projects_lag_the_curve_and_some_are_on_track(demo):
    at = last_month_end(demo.today)
    for code in ("hcmc", "hanoi"):
        committee = demo.committees[code]
        projects = Project.objects.filter(organization=committee)
        by_project = analytics.figures_by(projects, "pk", organization_id=committee.pk, at=at)
        lagging = [f for f in by_project.values() if f.gap is not None and f.gap < 0]
        on_track = [f for f in by_project.values() if f.rag == Rag.GREEN]
        assert len(lagging) >= 3, code
        assert len(on_track) >= 3, code
        if at.month >= 6:  # a few months in, the laggards are far enough behind to be red
            assert any(f.rag == Rag.RED for f in by_project.values())
    hcmc = demo.committees["hcmc"]
    by_project = analytics.figures_by(
        Project.objects.filter(organization=hcmc), "pk", organization_id=hcmc.pk, at=at
    )
    green = sum(1 for f in by_project.values() if f.rag == Rag.GREEN)
    assert green * 2 > len(by_project)  # most are on track
    groups = WorkingGroup.objects.filter(organization=hcmc)
    by_group = analytics.figures_by_group(
        Project.objects.filter(organization=hcmc), groups, organization_id=hcmc.pk, at=at
    )
    assert len(by_group) == 13


def test_totruong_sees_group_one_and_not_group_two_beyond_his_reach(demo):
    totruong = demo.users["totruong"]
    hcmc = demo.committees["hcmc"]
    one = WorkingGroup.objects.get(organization=hcmc, number=1)
    two = WorkingGroup.objects.get(organization=hcmc, number=2)
    group = selectors.get_group_for_user(user=totruong, pk=one.pk)
    assert group.viewer_role == GroupRole.LEADER
    visible = set(selectors.project_list(user=totruong).values_list("pk", flat=True))
    group_one = set(one.project_links.values_list("project_id", flat=True))
    assert len(group_one) >= 5 and group_one <= visible
    # Group 2's projects: the urban railway board's, which he neither leads a group on nor is in charge of.
    his_agencies = set(
        totruong.person.assignments.filter(agency__isnull=False).values_list("agency_id", flat=True)
    )
    beyond = set(
        Project.objects.filter(group_links__group=two)
        .exclude(investor__in=his_agencies)
        .exclude(pk__in=group_one)
        .values_list("pk", flat=True)
    )
    assert beyond and not (beyond & visible)
    for pk in beyond:
        with pytest.raises(Http404):
            selectors.get_project_for_user(user=totruong, pk=pk)


def test_vanphong_sees_none_of_hcmc_projects(demo):
    vanphong = demo.users["vanphong"]
    visible = selectors.project_list(user=vanphong)
    assert visible.filter(organization=demo.committees["hanoi"]).count() >= 8
    assert not visible.filter(organization=demo.committees["hcmc"]).exists()
    hcmc_project = Project.objects.filter(organization=demo.committees["hcmc"]).first()
    with pytest.raises(Http404):
        selectors.get_project_for_user(user=vanphong, pk=hcmc_project.pk)
    hanoi_groups = WorkingGroup.objects.filter(organization=demo.committees["hanoi"])
    assert hanoi_groups.exists()
    assert set(selectors.group_list(user=vanphong)) == set(hanoi_groups)


def test_sessions_raised_obstacles_and_directives(demo):
    hcmc = demo.committees["hcmc"]
    sessions = SupervisionSession.objects.filter(group__organization=hcmc)
    assert set(sessions.values_list("group__number", flat=True)) >= {1, 2, 3}
    session_type = ContentType.objects.get_for_model(SupervisionSession)
    project_type = ContentType.objects.get_for_model(Project)
    obstacles = Obstacle.objects.filter(organization=hcmc, origin_type=session_type)
    assert obstacles.count() >= 4
    assert not obstacles.exclude(subject_type=project_type).exists()
    escalated = obstacles.get(status=ObstacleStatus.ESCALATED)
    assert escalated.category == ObstacleCategory.SITE_CLEARANCE
    assert obstacles.filter(category=ObstacleCategory.SITE_CLEARANCE).count() >= 2
    directives = Directive.objects.filter(organization=hcmc, source_type=session_type)
    assert directives.count() >= 3
    one = WorkingGroup.objects.get(organization=hcmc, number=1)
    group_one_sessions = set(sessions.filter(group=one).values_list("pk", flat=True))
    assert group_one_sessions and escalated.origin_id in group_one_sessions
    # totruong sees his group's obstacles through the group.
    from followup.selectors import obstacle_list

    assert obstacle_list(user=demo.users["totruong"]).filter(pk=escalated.pk).exists()
    hanoi_sessions = SupervisionSession.objects.filter(group__organization=demo.committees["hanoi"])
    assert hanoi_sessions.exists()


def test_monthly_amounts_follow_the_pace_and_stay_within_the_plan():
    plan = 1_000 * 10**9
    first = _amounts(plan, 1.1, random.Random("x"))
    assert first == _amounts(plan, 1.1, random.Random("x"))  # seeded: the same every load
    assert len(first) == 13 and all(a >= 0 for a in first) and sum(first) <= plan
    assert sum(first[:12]) >= plan * 0.95 * 0.97
    slow = _amounts(plan, 0.4, random.Random("x"))
    assert sum(slow[:6]) < sum(first[:6])
    stopped = _amounts(plan, 1.0, random.Random("x"), stop_after=5)
    assert stopped[5:] == [0] * 8 and sum(stopped[:5]) > 0


FOLDED = ("assigned", "allocated", "disbursed", "disbursed_finished", "disbursed_month", "idle_months")


@pytest.mark.parametrize("at", [dt.date(2026, 3, 15), dt.date(2026, 9, 30), dt.date(2027, 1, 31)])
def test_groups_investors_and_city_folded_from_projects_equal_their_own_sums(demo, at):
    """A page reads the figures by project once and folds its groups, investors and city from them: each
    equals the same figures read directly over that group's, that investor's or the city's own projects."""
    hcmc = demo.committees["hcmc"]
    kwargs = {"organization_id": hcmc.pk, "at": at, "year": 2026}
    projects = Project.objects.active().filter(organization=hcmc)
    by_project = analytics.project_figures(projects, **kwargs)
    groups = list(WorkingGroup.objects.filter(organization=hcmc))
    by_group = analytics.figures_by_group(projects, groups, by_project=by_project, **kwargs)
    by_investor = analytics.figures_by(projects, "investor", by_project=by_project, **kwargs)
    city = analytics.figures(projects, by_project=by_project, **kwargs)

    def own(subset):
        return analytics.figures(subset, **kwargs)

    def fields(f):
        return {name: getattr(f, name) for name in (*FOLDED, "idle_streak", "rate", "rag", "target")}

    assert len(by_group) == 13 and len(by_investor) >= 3
    for group in groups:
        assert fields(by_group[group.pk]) == fields(own(projects.filter(group_links__group=group))), group
    for investor_id, folded in by_investor.items():
        assert fields(folded) == fields(own(projects.filter(investor_id=investor_id))), investor_id
    assert fields(city) == fields(own(projects))
    assert city.disbursed > 0
    if at.month >= 9:  # the demo's idle projects have months without money by then: their masks fold too
        assert any(f.idle_months for f in by_project.values())
