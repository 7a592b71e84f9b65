"""`coso demo` gives the follow-up loop believable data in both cities, right whatever day it is loaded."""

import datetime as dt

import pytest
from django.utils import timezone

from accounts.models import User
from conftest import demo_fixture
from core.calendar import WorkingCalendar
from core.models import AuditEvent, Notification
from followup.choices import (
    NotificationKind,
    ObstacleCategory,
    ObstacleStatus,
    SourceKind,
    StatusBucket,
    Verdict,
)
from followup.models import ConclusionNotice, Directive, Obstacle, ReSupervision
from followup.selectors import (
    bucket_counts,
    chain_of,
    directive_list,
    my_items,
    obstacle_directives,
    obstacle_list,
    open_directives_of_obstacle,
)
from org.models import PartyCommittee

CITIES = ("hanoi", "hcmc")


# Only the steps these tests read (the others' data would only cost time).
loaded = demo_fixture("followup")


@pytest.fixture
def demo(loaded, db):
    return loaded


def office_of(city: str) -> User:
    return User.objects.get(username={"hanoi": "vanphong", "hcmc": "vanphonghcm"}[city])


@pytest.mark.parametrize("city", CITIES)
def test_every_status_bucket_has_directives(demo, city):
    counts = bucket_counts(directive_list(user=office_of(city), today=demo.today))
    assert set(counts) == set(StatusBucket.values)
    assert all(n >= 1 for n in counts.values()), counts
    assert sum(counts.values()) >= 15


@pytest.mark.parametrize("city", CITIES)
def test_every_verdict_and_a_follow_up_chain(demo, city):
    org = PartyCommittee.objects.get(code=city)
    verdicts = set(
        ReSupervision.objects.filter(organization=org).exclude(verdict="").values_list("verdict", flat=True)
    )
    assert verdicts == set(Verdict.values)
    partly = ReSupervision.objects.filter(
        organization=org, verdict=Verdict.PARTLY, directive__isnull=False
    ).first()
    assert partly is not None and partly.follow_up is not None
    chain = chain_of(partly.follow_up)
    assert [d.pk for d in chain] == [partly.directive_id, partly.follow_up_id]
    assert partly.follow_up.source == partly and partly.follow_up.source_kind == SourceKind.RESUPERVISION
    # Every verdict short of implemented spawned a follow-up directive; the closing ones did not.
    recorded = ReSupervision.objects.filter(organization=org).exclude(verdict="")
    for check in recorded:
        assert (check.follow_up_id is not None) == (
            check.verdict in (Verdict.PARTLY, Verdict.NOT_IMPLEMENTED)
        )


@pytest.mark.parametrize("city", CITIES)
def test_conclusion_notices_carry_their_directives(demo, city):
    notices = ConclusionNotice.objects.filter(organization__code=city)
    assert notices.count() >= 2
    for notice in notices:
        assert notice.number.endswith("-TB/TU")
        assert notice.directives.count() >= 3
        assert all(d.source_kind == SourceKind.CONCLUSION_NOTICE for d in notice.directives.all())
        assert all(d.issued_on >= notice.issued_on for d in notice.directives.all())


@pytest.mark.parametrize("city", CITIES)
def test_obstacles_of_every_category_at_every_stage(demo, city):
    obstacles = Obstacle.objects.filter(organization__code=city)
    assert set(obstacles.values_list("category", flat=True)) == set(ObstacleCategory.values)
    assert set(obstacles.values_list("status", flat=True)) == set(ObstacleStatus.values)
    decided = obstacles.exclude(committee_decision="")
    assert decided.exists() and all(o.escalated_on and o.decided_on for o in decided)
    assigned_with_directive = Directive.objects.filter(
        organization__code=city, source_kind=SourceKind.OBSTACLE
    )
    assert assigned_with_directive.count() >= 3
    overdue = obstacle_list(user=office_of(city), today=demo.today).filter(is_overdue=1)
    assert overdue.exclude(status=ObstacleStatus.RESOLVED).exists()


def test_hoankiem_has_work_to_report_on(demo):
    hoankiem = User.objects.get(username="hoankiem")
    items = my_items(user=hoankiem, today=demo.today)
    assert items["open"].exists()
    assert items["overdue"].exists()
    buckets = set(items["open"].values_list("status_bucket", flat=True))
    assert buckets & {StatusBucket.NOT_DUE, StatusBucket.IN_PROGRESS}
    assert all(d.lead_unit_id == hoankiem.agency_id for d in items["open"])


def test_lanhdao_issued_directives_and_has_checks_due(demo):
    lanhdao = User.objects.get(username="lanhdao")
    assert Directive.objects.filter(issued_by=lanhdao.person).count() >= 3
    checks = ReSupervision.objects.filter(assigned_to=lanhdao.person)
    assert checks.exclude(verdict="").exists()
    items = my_items(user=lanhdao, today=demo.today)
    assert items["checks_due"].exists()
    assert items["checks_due"].filter(due_on__lte=demo.today + dt.timedelta(days=7)).exists()


@pytest.mark.parametrize("city", CITIES)
def test_progress_comes_from_the_lead_units_focal_points(demo, city):
    directives = Directive.objects.filter(organization__code=city).prefetch_related(
        "progress_reports__author"
    )
    reports = [r for d in directives for r in d.progress_reports.all()]
    assert len(reports) >= 10
    for directive in directives:
        for report in directive.progress_reports.all():
            assert report.author.role == "focal_point" and report.author.agency_id == directive.lead_unit_id


def test_the_inboxes_have_todays_reminders(demo):
    lanhdao = User.objects.get(username="lanhdao")
    kinds = set(Notification.objects.filter(user=lanhdao).values_list("kind", flat=True))
    assert {NotificationKind.DIRECTIVE_OVERDUE, NotificationKind.RESUPERVISION_DUE} <= kinds
    assert Notification.objects.filter(
        user__username="hoankiem", kind=NotificationKind.DIRECTIVE_OVERDUE
    ).exists()
    assert Notification.objects.filter(
        user__username="bithu", kind=NotificationKind.OBSTACLE_ESCALATED
    ).exists()


def test_the_demo_today_is_today(demo):
    assert demo.today == timezone.localdate()


@pytest.mark.parametrize("city", CITIES)
def test_no_obstacle_is_still_being_resolved_once_its_directives_are_done(demo, city):
    for obstacle in Obstacle.objects.filter(
        organization__code=city, status__in=(ObstacleStatus.ASSIGNED, ObstacleStatus.RESOLVING)
    ):
        if obstacle_directives(obstacle):
            assert open_directives_of_obstacle(obstacle), obstacle.title


def test_the_loop_resolved_an_obstacle_in_the_demo(demo):
    [event] = AuditEvent.objects.filter(kind="obstacle.resolved_by_check")
    obstacle = Obstacle.objects.get(pk=event.object_id)
    assert obstacle.status == ObstacleStatus.RESOLVED and obstacle.organization.code == "hanoi"
    assert obstacle.resupervisions.filter(verdict="").count() == 1


@pytest.mark.parametrize("city", CITIES)
def test_demo_deadlines_are_working_days(demo, city):
    org = PartyCommittee.objects.get(code=city)
    calendar = WorkingCalendar.for_organization(org)
    for deadline in Directive.objects.filter(organization=org).values_list("deadline", flat=True):
        assert calendar.is_working_day(deadline), deadline
    for day in Obstacle.objects.filter(organization=org, deadline__isnull=False).values_list(
        "deadline", flat=True
    ):
        assert calendar.is_working_day(day), day
