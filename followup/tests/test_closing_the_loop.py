"""The loop closes the obstacle: when the last open directive of an obstacle is done (a re-supervision finds
it implemented, or its completion is confirmed), the obstacle is resolved through `obstacle_move`, audited
as the loop's own event, and its people are told; while another directive is open, it stays. And an
obstacle is overdue only while it is not yet resolved, the same on its page, in its list, filter, counts,
API and export."""

import datetime as dt

import pytest
import time_machine
from django.test import Client
from django.utils import translation

from accounts.choices import Role
from core import events
from core.audit import history_for
from core.exports import read_rows
from core.models import Notification
from followup import selectors, services
from followup.choices import NotificationKind, ObstacleStatus, Verdict
from followup.models import Directive, Obstacle, ReSupervision

D = dt.date
API = "/api/v1/followup"
# 16:00 on 10/06/2026 in Hanoi: every day below has happened.
JUNE_10 = dt.datetime(2026, 6, 10, 9, 0, tzinfo=dt.UTC)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def june_10():
    with time_machine.travel(JUNE_10, tick=False):
        yield


@pytest.fixture
def obstacle(hanoi, hk, office, in_charge):
    return services.obstacle_create(
        actor=office,
        organization=hanoi,
        title="Vướng mặt bằng tuyến phố Hàng Bài",
        description="Còn 12 hộ chưa nhận tiền bồi thường.",
        category="site_clearance",
        resolution_level="standing_committee",
        locality=hk,
        raised_by=in_charge.person,
        raised_on=D(2026, 3, 2),
    )


@pytest.fixture
def assigned(obstacle, office, in_charge, construction):
    """The obstacle assigned to the Department of Construction with one directive, due 30/04/2026."""
    obstacle, directive = services.obstacle_assign(
        actor=office,
        obstacle=obstacle,
        version=obstacle.version,
        responsible_agency=construction,
        deadline=D(2026, 4, 30),
        issued_by=in_charge.person,
        directive_content="Hoàn thành bồi thường 12 hộ.",
        on=D(2026, 3, 10),
    )
    return obstacle, directive


def report_done(focal, directive, on):
    services.directive_report_progress(
        actor=focal,
        directive=directive,
        version=directive.version,
        text="Đã chi trả đủ 12 hộ.",
        claims_done=True,
        on=on,
    )
    return Directive.objects.get(pk=directive.pk)


def record(actor, directive, verdict, on, **extra):
    return services.resupervision_record(
        actor=actor,
        check=directive.resupervisions.get(verdict=""),
        verdict=verdict,
        method="on_site",
        checked_on=on,
        evidence="Kiểm tra thực địa: 12 hộ đã bàn giao mặt bằng.",
        **extra,
    )


def fresh(obstacle) -> Obstacle:
    return Obstacle.objects.get(pk=obstacle.pk)


def loop_events(obstacle):
    return history_for(obstacle).filter(kind__startswith="obstacle.resolved_by")


# --- the re-supervision path --------------------------------------------------------------------------


def test_a_check_that_finds_the_last_directive_implemented_resolves_the_obstacle(
    assigned, office, in_charge, construction_focal
):
    obstacle, directive = assigned
    assert fresh(obstacle).status == ObstacleStatus.ASSIGNED
    check = record(in_charge, directive, Verdict.IMPLEMENTED, D(2026, 6, 2))
    obstacle = fresh(obstacle)
    assert (obstacle.status, obstacle.resolved_on) == (ObstacleStatus.RESOLVED, D(2026, 6, 2))
    # The re-supervision is the evidence, in the resolution and in the audited event.
    assert "Kiểm tra thực địa: 12 hộ đã bàn giao mặt bằng." in obstacle.resolution
    assert "02/06/2026" in obstacle.resolution
    [event] = loop_events(obstacle)
    assert event.kind == "obstacle.resolved_by_check" and event.actor == in_charge
    assert event.params == {
        "from": ObstacleStatus.ASSIGNED,
        "to": ObstacleStatus.RESOLVED,
        "verdict": "",
        "directive": directive.pk,
        "check": check.pk,
    }
    with translation.override("vi"):
        sentence = events.sentence(event)
    assert sentence.startswith("Nguyễn Văn Lãnh tái giám sát xác định chỉ đạo cuối cùng đã được thực hiện")
    assert "Hoàn thành bồi thường 12 hộ." in sentence
    # Resolved, it waits for its own re-supervision, as a hand-made resolution does.
    assert fresh(obstacle).resupervisions.filter(verdict="").count() == 1
    # The obstacle's people are told: the resolving unit's focal point; who raised it recorded the check,
    # and nobody is told of their own act.
    told = set(
        Notification.objects.filter(kind=NotificationKind.OBSTACLE_RESOLVED).values_list(
            "user__username", flat=True
        )
    )
    assert told == {construction_focal.username}


def test_the_leader_who_checks_need_not_be_allowed_to_move_the_obstacle(
    assigned, office, make_user, hanoi, construction
):
    """The check's leader records the verdict; the obstacle moves as the loop's consequence, though this
    leader reaches neither its place nor its unit and could not move it by hand."""
    obstacle, _directive = assigned
    other = make_user(Role.STANDING_MEMBER, hanoi, "lanhdao2", person=True)
    directive = services.directive_create(
        actor=other,
        organization=hanoi,
        content="Báo cáo kết quả bồi thường.",
        issued_by=other.person,
        issued_on=D(2026, 3, 12),
        lead_unit=construction,
        deadline=D(2026, 4, 30),
        source_kind="other",
    )
    assert not selectors.may_move_obstacle(other, obstacle, ObstacleStatus.RESOLVED)
    # Not the obstacle's directive: nothing moves.
    record(other, directive, Verdict.IMPLEMENTED, D(2026, 6, 1))
    assert fresh(obstacle).status == ObstacleStatus.ASSIGNED
    # Its own directive, checked by a leader without the right to move it: it moves.
    _obstacle, own = assigned
    check = own.resupervisions.get()
    ReSupervision.objects.filter(pk=check.pk).update(assigned_to=other.person)
    record(other, own, Verdict.IMPLEMENTED, D(2026, 6, 2))
    assert fresh(obstacle).status == ObstacleStatus.RESOLVED
    assert loop_events(obstacle).get().actor == other


def test_while_another_directive_is_open_the_obstacle_stays(assigned, office, in_charge, construction):
    obstacle, first = assigned
    second = services.directive_create(
        actor=office,
        organization=obstacle.organization,
        content="Thẩm định lại đơn giá bồi thường.",
        issued_by=in_charge.person,
        issued_on=D(2026, 3, 12),
        lead_unit=construction,
        deadline=D(2026, 5, 15),
        source_kind="obstacle",
        source=obstacle,
    )
    record(in_charge, first, Verdict.IMPLEMENTED, D(2026, 6, 2))
    assert fresh(obstacle).status == ObstacleStatus.ASSIGNED
    assert not loop_events(obstacle).exists()
    assert [d.pk for d in selectors.open_directives_of_obstacle(obstacle)] == [second.pk]
    # A verdict of "no longer applicable" closes the second, but nothing was found implemented by it …
    record(in_charge, second, Verdict.NOT_APPLICABLE, D(2026, 6, 3))
    assert fresh(obstacle).status == ObstacleStatus.ASSIGNED


def test_the_last_open_directive_is_the_follow_up_of_a_partial_check(assigned, office, in_charge):
    obstacle, directive = assigned
    check = record(
        in_charge,
        directive,
        Verdict.PARTLY,
        D(2026, 5, 20),
        follow_up_content="Bàn giao nốt 2 hộ còn lại.",
        follow_up_deadline=D(2026, 6, 30),
    )
    follow_up = check.follow_up
    # The first directive is carried on by its follow-up: only the follow-up is open.
    assert selectors.open_directives_of_obstacle(obstacle) == [follow_up]
    assert selectors.obstacle_of_directive(follow_up) == obstacle
    # (a follow-up is issued on the day its check is recorded, today: it is checked today too)
    record(in_charge, follow_up, Verdict.IMPLEMENTED, D(2026, 6, 10))
    obstacle = fresh(obstacle)
    assert (obstacle.status, obstacle.resolved_on) == (ObstacleStatus.RESOLVED, D(2026, 6, 10))
    assert loop_events(obstacle).get().params["directive"] == follow_up.pk


def test_a_follow_up_spawned_by_the_obstacles_own_check_resolves_it_again(
    assigned, office, in_charge, construction_focal
):
    obstacle, directive = assigned
    obstacle, _ = services.obstacle_move(
        actor=construction_focal,
        obstacle=fresh(obstacle),
        status=ObstacleStatus.RESOLVED,
        version=fresh(obstacle).version,
        resolution="Đã bồi thường.",
        on=D(2026, 5, 1),
    )
    own_check = obstacle.resupervisions.get()
    own_check = services.resupervision_record(
        actor=office,
        check=own_check,
        verdict=Verdict.NOT_IMPLEMENTED,
        method="on_site",
        checked_on=D(2026, 5, 20),
        evidence="Còn 2 hộ.",
        follow_up_content="Giải quyết dứt điểm 2 hộ.",
    )
    assert fresh(obstacle).status == ObstacleStatus.RESOLVING
    # The first directive is still open (nobody reported it done), so the follow-up alone does not do it.
    record(in_charge, own_check.follow_up, Verdict.IMPLEMENTED, D(2026, 6, 10))
    assert fresh(obstacle).status == ObstacleStatus.RESOLVING
    record(in_charge, directive, Verdict.IMPLEMENTED, D(2026, 6, 10))
    assert fresh(obstacle).status == ObstacleStatus.RESOLVED


# --- the confirmation path ------------------------------------------------------------------------------


def test_confirming_the_last_directives_completion_resolves_the_obstacle(
    assigned, office, in_charge, construction_focal
):
    obstacle, directive = assigned
    directive = report_done(construction_focal, directive, D(2026, 4, 28))
    assert fresh(obstacle).status == ObstacleStatus.ASSIGNED  # reported, not yet confirmed
    services.directive_confirm_completion(
        actor=in_charge, directive=directive, version=directive.version, on=D(2026, 5, 2)
    )
    obstacle = fresh(obstacle)
    assert (obstacle.status, obstacle.resolved_on) == (ObstacleStatus.RESOLVED, D(2026, 5, 2))
    assert "Đã chi trả đủ 12 hộ." in obstacle.resolution
    [event] = loop_events(obstacle)
    assert event.kind == "obstacle.resolved_by_confirmation"
    assert event.params["directive"] == directive.pk and event.params["check"] is None
    assert Notification.objects.filter(kind=NotificationKind.OBSTACLE_RESOLVED).exists()
    # The directive's own check, when it comes, does not move it again …
    record(in_charge, directive, Verdict.IMPLEMENTED, D(2026, 6, 1))
    assert fresh(obstacle).status == ObstacleStatus.RESOLVED
    assert loop_events(obstacle).count() == 1


def test_a_failed_check_of_a_confirmed_directive_sends_the_obstacle_back(
    assigned, office, in_charge, construction_focal
):
    obstacle, directive = assigned
    directive = report_done(construction_focal, directive, D(2026, 4, 28))
    services.directive_confirm_completion(actor=office, directive=directive, version=directive.version)
    assert fresh(obstacle).status == ObstacleStatus.RESOLVED
    check = record(
        in_charge, directive, Verdict.PARTLY, D(2026, 6, 1), follow_up_content="Bàn giao nốt 2 hộ còn lại."
    )
    obstacle = fresh(obstacle)
    assert obstacle.status == ObstacleStatus.RESOLVING
    last = history_for(obstacle).filter(action="status").order_by("-id").first()
    assert last.params["verdict"] == Verdict.PARTLY
    # Its own pending check stays the one check; resolved again by the follow-up, it gains no second.
    assert obstacle.resupervisions.filter(verdict="").count() == 1
    record(in_charge, check.follow_up, Verdict.IMPLEMENTED, D(2026, 6, 10))
    obstacle = fresh(obstacle)
    assert obstacle.status == ObstacleStatus.RESOLVED
    assert obstacle.resupervisions.filter(verdict="").count() == 1


def test_a_confirmation_moves_nothing_while_the_obstacle_is_not_being_resolved(
    hanoi, obstacle, office, in_charge, construction, construction_focal
):
    """Escalated, waiting for the Standing Committee: a directive on it done does not skip the decision."""
    obstacle = services.obstacle_escalate(actor=office, obstacle=obstacle, version=obstacle.version)
    directive = services.directive_create(
        actor=office,
        organization=hanoi,
        content="Rà soát hồ sơ bồi thường.",
        issued_by=in_charge.person,
        issued_on=D(2026, 3, 12),
        lead_unit=construction,
        deadline=D(2026, 4, 30),
        source_kind="obstacle",
        source=obstacle,
    )
    directive = report_done(construction_focal, directive, D(2026, 4, 20))
    services.directive_confirm_completion(actor=office, directive=directive, version=directive.version)
    assert fresh(obstacle).status == ObstacleStatus.ESCALATED


# --- overdue: only while not yet resolved, the same everywhere -------------------------------------------


@pytest.mark.parametrize("status", ObstacleStatus.values)
def test_overdue_is_the_same_on_the_page_the_list_the_filter_the_counts_the_api_and_the_export(
    obstacle, office, status
):
    Obstacle.objects.filter(pk=obstacle.pk).update(status=status, deadline=D(2026, 4, 30))
    overdue = status in (
        ObstacleStatus.NEW,
        ObstacleStatus.ESCALATED,
        ObstacleStatus.ASSIGNED,
        ObstacleStatus.RESOLVING,
    )
    client = Client()
    client.force_login(office)
    page = client.get(f"/followup/obstacles/{obstacle.pk}/").content.decode()
    assert ('data-testid="overdue"' in page) == overdue
    rows = client.get("/followup/obstacles/").content.decode()
    assert ('class="row-overdue"' in rows) == overdue
    listed = client.get("/followup/obstacles/?overdue=1").context["page"].paginator.object_list
    assert [o.pk for o in listed] == ([obstacle.pk] if overdue else [])
    [row] = client.get(f"{API}/obstacles/summary").json()
    assert row["overdue"] == (1 if overdue else 0)
    assert client.get(f"{API}/obstacles/{obstacle.pk}").json()["is_overdue"] is overdue
    assert [o["id"] for o in client.get(f"{API}/obstacles/?overdue=1").json()["items"]] == (
        [obstacle.pk] if overdue else []
    )
    with translation.override("vi"):
        [exported] = read_rows(client.get("/followup/obstacles/export.xlsx").content)
    assert (exported["Quá hạn"] == "Có") == overdue
