"""Notifications carry signal: nobody is told of their own act, and each step of an incident reaches the
people who must act next (docs/incidents.md, "Who is told")."""

import pytest

from core.models import Notification
from incidents import services
from incidents.choices import IncidentStatus, RejectReason
from incidents.tests.conftest import report

pytestmark = pytest.mark.django_db


def told(kind=None) -> set[str]:
    notes = Notification.objects.all() if kind is None else Notification.objects.filter(kind=kind)
    return set(notes.values_list("user__username", flat=True))


def move(actor, incident, status, **extra):
    incident.refresh_from_db()
    return services.incident_set_status(
        actor=actor, incident=incident, version=incident.version, status=status, **extra
    )


def test_a_reporter_is_not_told_of_the_incident_she_reported(hanoi, routed, focal_user, leader_user):
    # Found: hoankiem, the focal point of the handling unit, was told of her own report.
    report(hanoi, focal_user)
    assert told("incident_new") == {leader_user.username}


def test_nor_is_the_leader_who_reports_one_in_his_own_ward(hanoi, routed, focal_user, leader_user, board):
    report(hanoi, leader_user, severity="urgent")
    assert told("incident_new") == {focal_user.username, board.username}


def test_the_office_reporting_tells_the_leader_and_the_unit(hanoi, routed, focal_user, leader_user, office):
    report(hanoi, office)
    assert told("incident_new") == {focal_user.username, leader_user.username}


def test_each_move_tells_who_acts_next_and_never_the_one_who_moved(
    hanoi, routed, focal_user, leader_user, office
):
    incident = report(hanoi, office)
    Notification.objects.all().delete()
    # Handed to the unit by the leader: its focal point handles it.
    move(leader_user, incident, IncidentStatus.ASSIGNED)
    assert told() == {focal_user.username}
    # Accepted: nobody has to act on the news.
    move(leader_user, incident, IncidentStatus.HANDLING)
    assert Notification.objects.count() == 1
    # Resolved: the colleague who reported it (the office) learns the answer.
    move(leader_user, incident, IncidentStatus.RESOLVED, resolution="Đã vá mặt đường.")
    [resolved] = Notification.objects.filter(kind="incident_resolved")
    assert resolved.user == office and resolved.body == "Đã vá mặt đường."
    assert resolved.title.startswith("Vụ việc đồng chí báo cáo đã được giải quyết")
    # Closed: nobody.
    move(office, incident, IncidentStatus.CLOSED)
    assert Notification.objects.count() == 2
    # Reopened by the office: the leader in charge and the focal point take it up again.
    move(office, incident, IncidentStatus.REOPENED)
    assert told("incident_reopened") == {leader_user.username, focal_user.username}
    # Reopened by the leader himself after another resolution: only the focal point hears.
    Notification.objects.filter(kind="incident_reopened").delete()
    move(leader_user, incident, IncidentStatus.RESOLVED, resolution="Đã vá lại.")
    move(leader_user, incident, IncidentStatus.REOPENED)
    assert told("incident_reopened") == {focal_user.username}


def test_a_rejection_tells_the_colleague_who_reported_it(hanoi, routed, focal_user, leader_user):
    incident = report(hanoi, focal_user)
    move(leader_user, incident, IncidentStatus.REJECTED, reject_reason=RejectReason.OUT_OF_SCOPE)
    assert told("incident_rejected") == {focal_user.username}


def test_the_reporter_who_resolves_it_herself_is_not_told(hanoi, leader_user, office):
    # No leader answers for the place: the office reports it and resolves it itself.
    incident = report(hanoi, office)
    move(office, incident, IncidentStatus.HANDLING)
    move(office, incident, IncidentStatus.RESOLVED, resolution="Xong.")
    assert not Notification.objects.filter(user=office).exists()


def test_a_reassignment_tells_the_new_leader_not_the_one_who_made_it(
    hanoi, routed, focal_user, leader_user, other_leader, office
):
    incident = report(hanoi, office)
    Notification.objects.all().delete()
    services.incident_reassign(
        actor=office,
        incident=incident,
        version=incident.version,
        leader=other_leader.person,
        reason="Thuộc lĩnh vực đồng chí phụ trách.",
    )
    assert told("incident_reassigned") == {other_leader.username}
    incident.refresh_from_db()
    services.incident_reassign(
        actor=other_leader,
        incident=incident,
        version=incident.version,
        leader=other_leader.person,
        reason="Tự nhận.",
    )
    assert Notification.objects.count() == 1
