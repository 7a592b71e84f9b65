"""Notifications carry signal: nobody is told of their own act, and each step of a directive, an obstacle
and a re-supervision reaches the people who must act next (docs/followup.md, "Who is told")."""

import datetime as dt

import pytest
import time_machine

from accounts.choices import Role
from core.models import Notification
from followup import services
from followup.choices import NotificationKind as K
from followup.choices import ObstacleStatus, SourceKind, Verdict

D = dt.date
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def june_10():
    with time_machine.travel(dt.datetime(2026, 6, 10, 9, 0, tzinfo=dt.UTC), tick=False):
        yield


def told(kind) -> set[str]:
    return set(Notification.objects.filter(kind=kind).values_list("user__username", flat=True))


@pytest.fixture
def board(make_user, hanoi):
    return make_user(Role.STANDING_BOARD, hanoi, "bithu", person=True)


@pytest.fixture
def directive(hanoi, hk, in_charge, construction, construction_focal):
    """lanhdao, in charge of Phường Hoàn Kiếm, issues a directive there himself, to Construction."""
    return services.directive_create(
        actor=in_charge,
        organization=hanoi,
        content="Hoàn thành bồi thường 12 hộ.",
        issued_by=in_charge.person,
        lead_unit=construction,
        deadline=D(2026, 6, 30),
        source_kind=SourceKind.OTHER,
        locality=hk,
    )


def test_a_leader_is_not_told_of_the_directive_he_issued(directive, in_charge):
    # Found: he was told of his own directive (as its issuer and as the leader in charge of the place).
    assert told(K.DIRECTIVE_ASSIGNED) == {"dauMoiSXD"}
    assert not Notification.objects.filter(user=in_charge).exists()


def test_nor_when_the_office_records_it_in_his_name(
    hanoi, hk, office, in_charge, construction, construction_focal, make_user, finance
):
    finance_focal = make_user(Role.FOCAL_POINT, hanoi, "dauMoiSTC", agency=finance)
    services.directive_create(
        actor=office,
        organization=hanoi,
        content="Rà soát hồ sơ bồi thường.",
        issued_by=in_charge.person,
        lead_unit=construction,
        cooperating_units=[finance],
        deadline=D(2026, 6, 30),
        source_kind=SourceKind.OTHER,
        locality=hk,
    )
    # The units that carry it out, the cooperating one included; not the issuer, not the office.
    assert told(K.DIRECTIVE_ASSIGNED) == {"dauMoiSXD", finance_focal.username}


def test_the_leader_in_charge_of_the_place_hears_of_another_s_directive(
    hanoi, hk, office, in_charge, construction, construction_focal, board
):
    services.directive_create(
        actor=office,
        organization=hanoi,
        content="Kiểm tra trật tự đô thị.",
        issued_by=board.person,
        lead_unit=construction,
        deadline=D(2026, 6, 30),
        source_kind=SourceKind.OTHER,
        locality=hk,
    )
    assert told(K.DIRECTIVE_ASSIGNED) == {"dauMoiSXD", "lanhdao"}


def test_the_leader_is_told_when_the_unit_reports_his_directive_done(
    directive, construction_focal, in_charge
):
    services.directive_report_progress(
        actor=construction_focal, directive=directive, version=directive.version, text="Đã chi trả 8/12 hộ."
    )
    assert not Notification.objects.filter(user=in_charge).exists()  # progress asks nothing of him
    directive.refresh_from_db()
    services.directive_report_progress(
        actor=construction_focal,
        directive=directive,
        version=directive.version,
        text="Đã chi trả đủ 12 hộ.",
        claims_done=True,
    )
    # Found: he was not told; he is the one who must confirm it now.
    [note] = Notification.objects.filter(kind=K.DIRECTIVE_DONE_REPORTED)
    assert note.user == in_charge and note.body == "Đã chi trả đủ 12 hộ."
    assert note.title.startswith("Chỉ đạo đã được báo cáo hoàn thành, cần xác nhận")
    assert note.url == directive.get_absolute_url()
    assert told(K.DIRECTIVE_DONE_REPORTED) == {"lanhdao"}


def test_with_no_login_for_the_issuer_the_office_is_told(hanoi, hk, office, construction, construction_focal):
    from org.services import person_create

    issuer = person_create(actor=None, organization=hanoi, full_name="Lê Văn Không Tài Khoản")
    directive = services.directive_create(
        actor=office,
        organization=hanoi,
        content="Báo cáo tiến độ.",
        issued_by=issuer,
        lead_unit=construction,
        deadline=D(2026, 6, 30),
        source_kind=SourceKind.OTHER,
    )
    services.directive_report_progress(
        actor=construction_focal,
        directive=directive,
        version=directive.version,
        text="Xong.",
        claims_done=True,
    )
    assert told(K.DIRECTIVE_DONE_REPORTED) == {office.username}


def test_a_returned_or_confirmed_completion_goes_back_to_the_unit(directive, construction_focal, in_charge):
    def claim():
        directive.refresh_from_db()
        services.directive_report_progress(
            actor=construction_focal,
            directive=directive,
            version=directive.version,
            text="Xong.",
            claims_done=True,
        )
        directive.refresh_from_db()

    claim()
    services.directive_return_completion(
        actor=in_charge, directive=directive, version=directive.version, reason="Còn 2 hộ chưa nhận tiền."
    )
    [returned] = Notification.objects.filter(kind=K.DIRECTIVE_RETURNED)
    assert returned.user == construction_focal and returned.body == "Còn 2 hộ chưa nhận tiền."
    claim()
    services.directive_confirm_completion(actor=in_charge, directive=directive, version=directive.version)
    assert told(K.DIRECTIVE_CONFIRMED) == {"dauMoiSXD"}
    assert not Notification.objects.filter(user=in_charge).exclude(kind=K.DIRECTIVE_DONE_REPORTED).exists()


def test_a_check_that_closes_a_directive_tells_the_unit_and_a_recheck_tells_who_checks(
    directive, construction_focal, in_charge, office
):
    check = directive.resupervisions.get()
    check = services.resupervision_record(
        actor=in_charge,
        check=check,
        verdict=Verdict.IMPLEMENTED,
        method="on_site",
        checked_on=D(2026, 6, 10),
        evidence="Đã bàn giao mặt bằng.",
    )
    [closed] = Notification.objects.filter(kind=K.DIRECTIVE_CLOSED)
    assert closed.user == construction_focal and closed.body == "Đã bàn giao mặt bằng."
    # The office asks lanhdao to check again: he is told; had he scheduled it himself, he would not be.
    services.resupervision_recheck(actor=office, check=check, due_on=D(2026, 7, 1))
    assert told(K.RESUPERVISION_SCHEDULED) == {"lanhdao"}
    Notification.objects.filter(kind=K.RESUPERVISION_SCHEDULED).delete()
    again = directive.resupervisions.get(verdict="")
    again = services.resupervision_record(
        actor=in_charge,
        check=again,
        verdict=Verdict.IMPLEMENTED,
        method="on_site",
        checked_on=D(2026, 6, 10),
        evidence="Vẫn đảm bảo.",
    )
    services.resupervision_recheck(actor=in_charge, check=again, due_on=D(2026, 7, 1))
    assert not told(K.RESUPERVISION_SCHEDULED)


def test_each_move_of_an_obstacle_reaches_who_acts_next(
    hanoi, hk, office, in_charge, construction, construction_focal, board
):
    obstacle = services.obstacle_create(
        actor=office,
        organization=hanoi,
        title="Vướng mặt bằng tuyến phố Hàng Bài",
        description="Còn 12 hộ chưa nhận tiền bồi thường.",
        category="site_clearance",
        resolution_level="standing_committee",
        locality=hk,
        raised_on=D(2026, 6, 1),
    )
    # Raised: the leader in charge of the place decides what happens to it.
    assert told(K.OBSTACLE_RAISED) == {"lanhdao"}
    obstacle = services.obstacle_escalate(actor=in_charge, obstacle=obstacle, version=obstacle.version)
    # Escalated by lanhdao: the Standing Board hears; he does not hear of his own escalation.
    assert told(K.OBSTACLE_ESCALATED) == {"bithu"}
    obstacle, _directive = services.obstacle_assign(
        actor=office,
        obstacle=obstacle,
        version=obstacle.version,
        responsible_agency=construction,
        deadline=D(2026, 7, 31),
        committee_decision="Giao Sở Xây dựng chủ trì.",
    )
    [assigned] = Notification.objects.filter(kind=K.OBSTACLE_ASSIGNED)
    assert assigned.user == construction_focal and assigned.body == "Giao Sở Xây dựng chủ trì."
    assert "31/07/2026" in assigned.title
    obstacle, _ = services.obstacle_move(
        actor=construction_focal, obstacle=obstacle, status=ObstacleStatus.RESOLVING, version=obstacle.version
    )
    assert Notification.objects.count() == 3  # starting to resolve it asks nothing of anyone
    obstacle, _ = services.obstacle_move(
        actor=construction_focal,
        obstacle=obstacle,
        status=ObstacleStatus.RESOLVED,
        version=obstacle.version,
        resolution="Đã chi trả đủ.",
    )
    # Resolved by the unit: the leader in charge hears; the unit does not hear of its own move.
    assert told(K.OBSTACLE_RESOLVED) == {"lanhdao"}


def test_a_leader_who_raises_an_obstacle_himself_is_not_told_of_it(hanoi, hk, in_charge):
    services.obstacle_create(
        actor=in_charge,
        organization=hanoi,
        title="Chậm giải ngân",
        description="…",
        category="site_clearance",
        resolution_level="standing_committee",
        locality=hk,
        raised_by=in_charge.person,
        raised_on=D(2026, 6, 1),
    )
    assert not Notification.objects.exists()
