"""The whole loop through the services: obstacle → escalation → directive → progress → re-supervision."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError

from accounts.choices import Role
from core.audit import history_for
from core.errors import ConflictError
from core.models import Notification
from followup import services
from followup.choices import ObstacleStatus, SourceKind, StatusBucket, Verdict
from followup.models import Directive, Obstacle, ReSupervision
from followup.selectors import directive_list, status_bucket

D = dt.date


@pytest.fixture
def obstacle(hanoi, hk, in_charge, office):
    return services.obstacle_create(
        actor=office,
        organization=hanoi,
        title="Vướng mặt bằng tuyến phố Hàng Bài",
        description="Còn 12 hộ chưa nhận tiền bồi thường.",
        category="site_clearance",
        resolution_level="standing_committee",
        locality=hk,
        raised_by=in_charge.person,
        raised_in="supervision_session",
        raised_on=D(2026, 3, 2),
    )


@time_machine.travel(dt.datetime(2026, 3, 10, 9, 0, tzinfo=dt.UTC), tick=False)
def test_the_whole_loop(
    hanoi, hk, obstacle, office, in_charge, construction, finance, construction_focal, make_user
):
    board = make_user("standing_board", hanoi, "bithu", person=True)
    # 2. escalate to the Standing Committee: the Standing Board hears of it
    obstacle = services.obstacle_escalate(actor=office, obstacle=obstacle, version=obstacle.version)
    assert (obstacle.status, obstacle.escalated_on) == (ObstacleStatus.ESCALATED, D(2026, 3, 10))
    assert Notification.objects.filter(user=board, kind="obstacle_escalated").count() == 1
    # 3. the Committee decides and assigns; a directive goes to the Department of Construction
    obstacle, directive = services.obstacle_assign(
        actor=office,
        obstacle=obstacle,
        version=obstacle.version,
        responsible_agency=construction,
        deadline=D(2026, 4, 30),
        committee_decision="Giao Sở Xây dựng chủ trì hoàn thành bồi thường.",
        issued_by=in_charge.person,
        directive_content="Hoàn thành bồi thường 12 hộ trước 30/4/2026.",
        cooperating_units=[finance],
    )
    assert obstacle.status == ObstacleStatus.ASSIGNED and obstacle.decided_on == D(2026, 3, 10)
    assert directive.source == obstacle and directive.source_kind == SourceKind.OBSTACLE
    assert directive.lead_unit == construction and list(directive.cooperating_units.all()) == [finance]
    check = ReSupervision.objects.get(directive=directive)
    # The deadline plus 30 days is Saturday 30/05/2026: the check falls due on the next working day.
    assert check.due_on == D(2026, 6, 1) and check.assigned_to == in_charge.person
    notified = set(
        Notification.objects.filter(kind="directive_assigned").values_list("user__username", flat=True)
    )
    # The lead unit must carry it out; lanhdao issued it and is not told of his own directive.
    assert notified == {"dauMoiSXD"}
    # 4. the focal point reports progress, then claims completion
    services.directive_report_progress(
        actor=construction_focal, directive=directive, version=directive.version, text="Đã chi trả 8/12 hộ."
    )
    directive.refresh_from_db()
    assert directive_list(user=office).get(pk=directive.pk).status_bucket == StatusBucket.IN_PROGRESS
    services.directive_report_progress(
        actor=construction_focal,
        directive=directive,
        version=directive.version,
        text="Đã chi trả đủ 12 hộ.",
        claims_done=True,
    )
    directive.refresh_from_db()
    assert directive.completed_on == D(2026, 3, 10)
    bucket = directive_list(user=office).get(pk=directive.pk).status_bucket
    assert bucket == StatusBucket.AWAITING_CONFIRMATION
    # the leader who must confirm it is told that the unit reports it done (and not of the mere progress)
    [done] = Notification.objects.filter(user=in_charge, kind="directive_done_reported")
    assert done.body == "Đã chi trả đủ 12 hộ." and done.url == directive.get_absolute_url()
    # the issuing leader confirms it: done on time
    directive = services.directive_confirm_completion(
        actor=in_charge, directive=directive, version=directive.version
    )
    assert directive_list(user=office).get(pk=directive.pk).status_bucket == StatusBucket.DONE_ON_TIME
    # its only directive done, the obstacle is resolved by the loop
    obstacle.refresh_from_db()
    assert (obstacle.status, obstacle.resolved_on) == (ObstacleStatus.RESOLVED, D(2026, 3, 10))
    # 5. the re-supervision finds it only partly done: the directive stays open, a follow-up is issued
    check = services.resupervision_record(
        actor=in_charge,
        check=check,
        verdict=Verdict.PARTLY,
        method="on_site",
        checked_on=D(2026, 3, 10),
        evidence="2 hộ chưa bàn giao mặt bằng.",
        place="Phố Hàng Bài",
        follow_up_content="Hoàn thành bàn giao mặt bằng 2 hộ còn lại.",
    )
    follow_up = check.follow_up
    assert follow_up is not None and follow_up.parent == directive
    assert follow_up.source == check and follow_up.source_kind == SourceKind.RESUPERVISION
    assert follow_up.lead_unit == construction and list(follow_up.cooperating_units.all()) == [finance]
    directive.refresh_from_db()
    assert directive.closed_on is None
    assert ReSupervision.objects.filter(directive=follow_up, verdict="").count() == 1
    # the failed check sends the obstacle back to resolving
    obstacle.refresh_from_db()
    assert obstacle.status == ObstacleStatus.RESOLVING
    # every step is on the audit trail: escalated, assigned, resolved by the loop, back to resolving
    assert history_for(obstacle).filter(action="status").count() == 4
    assert history_for(check).filter(action="status").exists()


def test_implemented_closes_the_directive_and_not_applicable_spawns_nothing(
    hanoi, office, in_charge, construction
):
    d1 = services.directive_create(
        actor=office,
        organization=hanoi,
        content="Báo cáo tiến độ.",
        deadline=D(2026, 1, 31),
        issued_by=in_charge.person,
        lead_unit=construction,
        issued_on=D(2026, 1, 2),
        source_kind=SourceKind.OTHER,
    )
    check = d1.resupervisions.get()
    services.resupervision_record(
        actor=office,
        check=check,
        verdict=Verdict.IMPLEMENTED,
        method="documents",
        checked_on=D(2026, 2, 2),
        evidence="Báo cáo số 12/BC-SXD.",
    )
    d1.refresh_from_db()
    assert d1.closed_on == D(2026, 2, 2)
    assert not Directive.objects.filter(parent=d1).exists()


def test_a_verdict_is_recorded_once_and_superseded_never_edited(hanoi, office, in_charge, construction):
    d1 = services.directive_create(
        actor=office,
        organization=hanoi,
        content="Rà soát hồ sơ.",
        deadline=D(2026, 1, 31),
        issued_by=in_charge.person,
        lead_unit=construction,
        issued_on=D(2026, 1, 2),
        source_kind=SourceKind.OTHER,
    )
    check = d1.resupervisions.get()
    services.resupervision_record(
        actor=office,
        check=check,
        verdict=Verdict.NOT_IMPLEMENTED,
        method="documents",
        checked_on=D(2026, 2, 2),
        evidence="Chưa có báo cáo.",
        follow_up_content="Báo cáo kết quả thực hiện.",
    )
    with pytest.raises(ValidationError):
        services.resupervision_record(
            actor=office,
            check=check,
            verdict=Verdict.IMPLEMENTED,
            method="documents",
            checked_on=D(2026, 2, 3),
            evidence="Đã có.",
        )
    check.refresh_from_db()
    assert check.verdict == Verdict.NOT_IMPLEMENTED
    again = services.resupervision_recheck(actor=office, check=check, due_on=D(2026, 3, 1))
    assert again.supersedes == check and again.verdict == ""
    with pytest.raises(ValidationError):
        services.resupervision_recheck(actor=office, check=check, due_on=D(2026, 3, 2))


def test_an_illegal_move_is_refused_in_vietnamese_and_changes_nothing(obstacle, office):
    from django.utils import translation

    with translation.override("vi"), pytest.raises(ValidationError) as exc:
        services.obstacle_set_status(
            actor=office, obstacle=obstacle, version=obstacle.version, status="verified"
        )
    assert "không thể" in exc.value.messages[0].lower()
    obstacle.refresh_from_db()
    assert (obstacle.status, obstacle.version) == (ObstacleStatus.NEW, 1)
    assert not history_for(obstacle).filter(action="status").exists()


def test_a_stale_version_is_a_conflict(obstacle, office):
    services.obstacle_escalate(actor=office, obstacle=obstacle, version=1)
    with pytest.raises(ConflictError):
        services.obstacle_escalate(actor=office, obstacle=obstacle, version=1)


def test_resolving_schedules_a_recheck_and_a_failed_check_reopens(obstacle, office, in_charge, construction):
    obstacle, _ = services.obstacle_assign(
        actor=office,
        obstacle=obstacle,
        version=1,
        responsible_agency=construction,
        deadline=D(2026, 4, 30),
        on=D(2026, 3, 3),
        committee_decision="",
    )  # from new: no decision needed
    obstacle = services.obstacle_set_status(
        actor=office,
        obstacle=obstacle,
        version=obstacle.version,
        status="resolved",
        resolution="Đã bồi thường.",
        on=D(2026, 4, 1),
    )
    check = obstacle.resupervisions.get()
    # 01/04 plus 30 days is 01/05/2026, Labour Day, then a weekend: due Monday 04/05/2026.
    assert check.due_on == D(2026, 5, 4) and check.agency == construction
    check = services.resupervision_record(
        actor=office,
        check=check,
        verdict=Verdict.PARTLY,
        method="on_site",
        checked_on=D(2026, 4, 5),
        evidence="Còn 1 hộ.",
        follow_up_content="Giải quyết dứt điểm hộ còn lại.",
    )
    obstacle.refresh_from_db()
    assert obstacle.status == ObstacleStatus.RESOLVING
    assert check.follow_up.lead_unit == construction and check.follow_up.issued_by == in_charge.person


@pytest.mark.parametrize(
    ("today", "completed", "reported", "expected"),
    [
        (D(2026, 3, 31), None, False, StatusBucket.NOT_DUE),
        (D(2026, 3, 31), None, True, StatusBucket.IN_PROGRESS),
        (D(2026, 4, 1), None, True, StatusBucket.OVERDUE),  # the day after the deadline
        (D(2026, 4, 1), D(2026, 3, 31), True, StatusBucket.DONE_ON_TIME),  # done on the deadline itself
        (D(2026, 4, 2), D(2026, 4, 1), False, StatusBucket.DONE_LATE),
        # reported done, not confirmed: neither done nor overdue
        (D(2026, 4, 2), D(2026, 3, 31), True, StatusBucket.AWAITING_CONFIRMATION),
    ],
)
def test_status_buckets_across_the_deadline(
    hanoi, office, in_charge, construction, construction_focal, today, completed, reported, expected
):
    directive = services.directive_create(
        actor=office,
        organization=hanoi,
        content="Việc cần làm.",
        deadline=D(2026, 3, 31),
        issued_by=in_charge.person,
        lead_unit=construction,
        issued_on=D(2026, 3, 1),
        source_kind=SourceKind.OTHER,
    )
    if reported:
        services.directive_report_progress(
            actor=construction_focal, directive=directive, version=directive.version, text="Đang làm."
        )
        directive.refresh_from_db()
    if completed:
        confirmed = None if expected == StatusBucket.AWAITING_CONFIRMATION else completed
        Directive.objects.filter(pk=directive.pk).update(
            completed_on=completed, completion_confirmed_on=confirmed
        )
    with time_machine.travel(dt.datetime.combine(today, dt.time(23, 30)).astimezone(dt.UTC), tick=False):
        row = directive_list(user=office).get(pk=directive.pk)
        assert row.status_bucket == expected
        assert (
            status_bucket(
                deadline=row.deadline,
                completed_on=row.completed_on,
                confirmed_on=row.completion_confirmed_on,
                has_report=reported,
                today=today,
            )
            == expected
        )
        assert directive_list(user=office, filters={"bucket": expected}).filter(pk=directive.pk).exists()


def test_obstacle_needs_a_subject_and_a_sane_deadline(hanoi, office):
    with pytest.raises(ValidationError):
        services.obstacle_create(
            actor=office,
            organization=hanoi,
            title="x",
            description="y",
            category="other",
            resolution_level="commune",
        )
    assert not Obstacle.objects.exists()


def test_the_history_names_a_directive_source_and_reads_day_first(
    hanoi, obstacle, office, in_charge, construction
):
    from core.audit import present

    directive = services.directive_create(
        actor=office,
        organization=hanoi,
        content="Hoàn thành chi trả bồi thường.",
        deadline=D(2026, 4, 30),
        issued_by=in_charge.person,
        lead_unit=construction,
        issued_on=D(2026, 3, 5),
        source_kind=SourceKind.OBSTACLE,
        source=obstacle,
    )
    [created] = [row for row in present(history_for(directive)) if row.event.action == "create"]
    shown = {change.field: change.after for change in created.changes}
    assert shown["source_type"] == "Khó khăn, vướng mắc"
    assert shown["source_id"] == str(obstacle)
    assert shown["deadline"] == "30/04/2026"


def test_a_moment_in_the_history_reads_day_first_in_local_time():
    from core.audit import _display
    from core.models import Notification

    field = Notification._meta.get_field("emailed_at")
    assert _display(field, "2026-03-10T02:05:00+00:00", {}) == "10/03/2026 09:05"


def test_a_notice_counts_only_the_directives_the_user_may_see(
    hanoi, office, in_charge, construction, finance, construction_focal
):
    from followup.selectors import notice_list

    notice = services.notice_create(
        actor=office, organization=hanoi, number="12-TB/TU", issued_on=D(2026, 3, 2), title="Kết luận về GPMB"
    )
    for lead in (construction, finance, finance):
        services.directive_create(
            actor=office,
            organization=hanoi,
            content=f"Việc của {lead.name}.",
            deadline=D(2026, 4, 30),
            issued_by=in_charge.person,
            lead_unit=lead,
            issued_on=D(2026, 3, 2),
            source_kind=SourceKind.CONCLUSION_NOTICE,
            source=notice,
        )
    assert notice_list(user=office).get(pk=notice.pk).directive_count == 3
    assert notice_list(user=construction_focal).get(pk=notice.pk).directive_count == 1


def test_a_directive_found_implemented_without_a_claim_is_done_by_the_check(
    hanoi, office, in_charge, construction
):
    directive = services.directive_create(
        actor=office,
        organization=hanoi,
        content="Lắp đèn chiếu sáng ngõ 12.",
        deadline=D(2026, 1, 31),
        issued_by=in_charge.person,
        lead_unit=construction,
        issued_on=D(2026, 1, 2),
        source_kind=SourceKind.OTHER,
    )
    services.resupervision_record(
        actor=office,
        check=directive.resupervisions.get(),
        verdict=Verdict.IMPLEMENTED,
        checked_on=D(2026, 3, 2),
        method="on_site",
        evidence="Đã lắp 14 đèn.",
    )
    directive.refresh_from_db()
    assert directive.completed_on == D(2026, 3, 2) and directive.closed_on == D(2026, 3, 2)
    [listed] = directive_list(user=office, today=D(2026, 3, 10)).filter(pk=directive.pk)
    assert listed.status_bucket == StatusBucket.DONE_LATE


def test_the_history_names_cooperating_units_and_labels_a_progress_report(
    hanoi, office, in_charge, construction, finance, construction_focal
):
    from core.audit import present

    directive = services.directive_create(
        actor=office,
        organization=hanoi,
        content="Phối hợp giải phóng mặt bằng.",
        deadline=D(2026, 4, 30),
        issued_by=in_charge.person,
        lead_unit=construction,
        cooperating_units=[finance],
        issued_on=D(2026, 3, 5),
        source_kind=SourceKind.OTHER,
    )
    services.directive_report_progress(
        actor=construction_focal, directive=directive, version=directive.version, text="Đã kiểm đếm 12 hộ."
    )
    rows = present(history_for(directive))
    shown = {(c.label, c.after) for row in rows for c in row.changes}
    assert ("đơn vị phối hợp", "Sở Tài chính") in {(label.lower(), after) for label, after in shown}
    assert ("báo cáo tiến độ", "Đã kiểm đếm 12 hộ.") in shown


def test_a_cooperating_unit_sees_the_directive_and_a_third_unit_does_not(
    hanoi, office, in_charge, construction, finance, make_user
):
    from org.services import agency_create

    planning = agency_create(
        actor=None, organization=hanoi, code="SQHKT", name="Sở Quy hoạch", kind="department"
    )
    finance_focal = make_user(Role.FOCAL_POINT, hanoi, "dauMoiSTC", agency=finance)
    planning_focal = make_user(Role.FOCAL_POINT, hanoi, "dauMoiSQH", agency=planning)
    directive = services.directive_create(
        actor=office,
        organization=hanoi,
        content="Bố trí vốn bồi thường.",
        deadline=D(2026, 4, 30),
        issued_by=in_charge.person,
        lead_unit=construction,
        cooperating_units=[finance],
        issued_on=D(2026, 3, 5),
        source_kind=SourceKind.OTHER,
    )
    assert list(directive_list(user=finance_focal)) == [directive]  # through its cooperating units only
    assert not directive_list(user=planning_focal).exists()


def test_filtering_by_unit_counts_each_directive_once(hanoi, office, in_charge, construction, finance):
    from followup.selectors import bucket_counts
    from org.services import agency_create

    planning = agency_create(
        actor=None, organization=hanoi, code="SQH", name="Sở Quy hoạch", kind="department"
    )
    for lead, cooperating in ((construction, [finance, planning]), (finance, [construction]), (planning, [])):
        services.directive_create(
            actor=office,
            organization=hanoi,
            content=f"Việc do {lead.code} chủ trì.",
            deadline=D(2026, 4, 30),
            issued_by=in_charge.person,
            lead_unit=lead,
            cooperating_units=cooperating,
            issued_on=D(2026, 3, 5),
            source_kind=SourceKind.OTHER,
        )
    listed = directive_list(user=office, filters={"unit": str(construction.pk)}, today=D(2026, 3, 10))
    assert sorted(d.lead_unit.code for d in listed) == ["STC", "SXD"]  # led, and cooperating
    assert sum(bucket_counts(listed).values()) == 2
