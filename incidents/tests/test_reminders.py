"""Overdue incidents escalate to the Standing Board and remind the leader in charge and the focal point,
each once, however often the run is repeated."""

import datetime as dt
from io import StringIO

import time_machine
from django.core.management import call_command
from django.tasks import TaskResultStatus
from django.utils import translation

from accounts.choices import Role
from core.models import Notification
from core.tasks import send_reminders_task
from incidents import services
from incidents.choices import IncidentStatus
from incidents.reminders import OVERDUE, OVERDUE_ACK, send_incident_reminders
from incidents.tests.conftest import at, report
from org.services import assignment_reassign, person_create


def reminders_of(user) -> list[tuple[str, str]]:
    return sorted(
        Notification.objects.filter(user=user, kind__in=(OVERDUE, OVERDUE_ACK)).values_list("kind", "key")
    )


def test_an_unacknowledged_incident_escalates_once_to_the_right_people(
    hanoi, routed, board, leader_user, focal_user, office, viewer, other_leader, make_user
):
    # Friday 06/03/2026 09:30, normal: acknowledge by Monday 09/03 09:30 (8 working hours).
    incident = report(hanoi, focal_user)
    retired = make_user(Role.STANDING_BOARD, hanoi, "nghihuu")
    retired.is_active = False
    retired.save()
    assert send_incident_reminders(now=at(2026, 3, 9, 9, 0)) == {OVERDUE_ACK: 0, OVERDUE: 0}
    counts = send_incident_reminders(now=at(2026, 3, 9, 10, 0))
    assert counts == {OVERDUE_ACK: 3, OVERDUE: 0}
    key = f"incident:{incident.pk}:overdue-ack:202603090230"  # 09:30 in Hanoi is 02:30 UTC
    for user in (board, leader_user, focal_user):
        assert reminders_of(user) == [(OVERDUE_ACK, key)], user
    for user in (office, viewer, other_leader, retired):
        assert reminders_of(user) == [], user
    notice = Notification.objects.get(user=board, kind=OVERDUE_ACK)
    assert incident.title in notice.title and notice.url == incident.get_absolute_url()
    # Run again, and again later the same day: nobody hears it twice.
    assert send_incident_reminders(now=at(2026, 3, 9, 10, 5)) == {OVERDUE_ACK: 0, OVERDUE: 0}
    assert send_incident_reminders(now=at(2026, 3, 9, 16, 0)) == {OVERDUE_ACK: 0, OVERDUE: 0}
    assert Notification.objects.filter(kind__in=(OVERDUE, OVERDUE_ACK)).count() == 3


def test_a_missed_resolution_deadline_escalates_and_a_reopened_one_again(
    hanoi, routed, board, leader_user, focal_user
):
    # Friday 06/03/2026 09:30, urgent: acknowledge by 10:30, resolve within 4 working hours (14:30).
    incident = report(hanoi, focal_user, severity="urgent")
    with time_machine.travel(at(2026, 3, 6, 9, 45), tick=False):
        incident = services.incident_set_status(
            actor=leader_user, incident=incident, version=1, status=IncidentStatus.HANDLING
        )
    assert incident.resolve_due_at == at(2026, 3, 6, 14, 30)
    counts = send_incident_reminders(now=at(2026, 3, 6, 15, 0))
    assert counts == {OVERDUE_ACK: 0, OVERDUE: 3}  # acknowledged in time: only the resolution is late
    assert send_incident_reminders(now=at(2026, 3, 6, 15, 1)) == {OVERDUE_ACK: 0, OVERDUE: 0}
    with time_machine.travel(at(2026, 3, 9, 8, 0), tick=False):
        incident = services.incident_set_status(
            actor=leader_user,
            incident=incident,
            version=incident.version,
            status=IncidentStatus.RESOLVED,
            resolution="Đã xử lý.",
        )
    assert send_incident_reminders(now=at(2026, 3, 20, 8, 0)) == {OVERDUE_ACK: 0, OVERDUE: 0}  # resolved
    with time_machine.travel(at(2026, 3, 10, 8, 0), tick=False):
        incident = services.incident_set_status(
            actor=leader_user, incident=incident, version=incident.version, status=IncidentStatus.REOPENED
        )
    assert incident.resolve_due_at == at(2026, 3, 10, 12, 0)
    assert send_incident_reminders(now=at(2026, 3, 10, 13, 0)) == {OVERDUE_ACK: 0, OVERDUE: 3}
    assert len(reminders_of(leader_user)) == 2  # one per missed deadline


def test_the_frozen_leader_is_reminded_not_todays_and_rejected_or_closed_ones_are_left_alone(
    hanoi, routed, board, leader_user, focal_user, office
):
    late = report(hanoi, focal_user)
    rejected = report(hanoi, focal_user, title="Phản ánh ngoài thẩm quyền")
    services.incident_set_status(
        actor=office,
        incident=rejected,
        version=1,
        status=IncidentStatus.REJECTED,
        reject_reason="out_of_scope",
    )
    successor = person_create(actor=None, organization=hanoi, full_name="Đặng Văn Mới")
    assignment_reassign(
        actor=office, assignment=routed, version=routed.version, leader=successor, on=dt.date(2026, 3, 7)
    )
    counts = send_incident_reminders(now=at(2026, 3, 30, 9, 0))
    assert counts == {OVERDUE_ACK: 3, OVERDUE: 3}
    assert {key.split(":")[1] for _kind, key in reminders_of(leader_user)} == {str(late.pk)}


def test_the_messages_are_in_the_sites_language_and_archived_incidents_are_skipped(
    hanoi, routed, board, focal_user, office
):
    from core.services import archive_record

    kept = report(hanoi, focal_user, title="Rác thải tồn đọng")
    gone = report(hanoi, focal_user, title="Nhập nhầm")
    archive_record(actor=office, instance=gone, version=gone.version)
    with translation.override("en"):  # a worker or a request in English: the texts follow the site
        send_incident_reminders(now=at(2026, 3, 30, 9, 0))
    notices = list(Notification.objects.filter(user=board).values_list("title", "body"))
    assert len(notices) == 2 and all(kept.title in title for title, _body in notices)
    assert all("Thông thường" in body and "Phường Hoàn Kiếm" in body for _title, body in notices)


def test_the_command_and_the_queued_task_run_the_incident_escalations_too(
    hanoi, routed, board, leader_user, focal_user
):
    """`coso remind --enqueue` queues the one task of every registered run (the test settings run it at
    once); the command without --enqueue runs the same registry and names the kinds."""
    incident = report(hanoi, focal_user)  # to acknowledge by Monday 09/03/2026 09:30
    out = StringIO()
    with time_machine.travel(at(2026, 3, 9, 10, 0), tick=False):
        call_command("remind", "--enqueue", stdout=out)
    assert out.getvalue().strip()
    ack_key = f"incident:{incident.pk}:overdue-ack:202603090230"
    for user in (board, leader_user, focal_user):
        assert reminders_of(user) == [(OVERDUE_ACK, ack_key)], user
    later = report(hanoi, focal_user, title="Ngập úng phố Hàng Bài")  # also due Monday 09:30
    printed = StringIO()
    with time_machine.travel(at(2026, 3, 9, 10, 0), tick=False), translation.override("en"):
        call_command("remind", "--today", "09/03/2026", stdout=printed)
    assert "incident not acknowledged in time: 3" in printed.getvalue()
    assert Notification.objects.filter(kind=OVERDUE_ACK, key__startswith=f"incident:{later.pk}:").count() == 3


def test_the_task_reports_every_registered_run(hanoi, routed, focal_user):
    report(hanoi, focal_user)
    with time_machine.travel(at(2026, 3, 9, 10, 0), tick=False):
        result = send_reminders_task.enqueue()
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value["incidents"] == {OVERDUE_ACK: 2, OVERDUE: 0}  # the leader, the focal point
    # core: the expired idempotency keys pruned; reports: the scheduled briefing drafts.
    assert set(result.return_value) == {"core", "followup", "incidents", "reports"}
