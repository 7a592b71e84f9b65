"""Incidents: routing to the leader in charge (frozen), working-hour deadlines, duplicates, workflow."""

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.core.exceptions import ValidationError

from accounts.choices import Role
from conftest import BA_DINH, HOAN_KIEM, unit
from core.audit import history_for
from core.models import Notification
from followup.models import Directive
from incidents import services
from incidents.choices import IncidentStatus
from incidents.selectors import duplicate_suspects, incident_list, incident_statistics, my_incidents
from org.services import assignment_reassign, person_create

VN = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")


def at(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=VN)


@pytest.fixture
def routed(hanoi, leader_user, assign, hoan_kiem_agency, focal_user):
    """lanhdao answers for Phường Hoàn Kiếm; its party committee unit has the focal point hoankiem."""
    return assign(leader_user.person, unit(HOAN_KIEM), dt.date(2025, 7, 1))


def report(
    hanoi,
    actor,
    *,
    title="Sụt lún mặt đường phố Tràng Tiền",
    when=None,
    reported=None,
    severity="normal",
    locality=None,
    **extra,
):
    return services.incident_create(
        actor=actor,
        organization=hanoi,
        title=title,
        description="Hố sụt sâu 1 m trước số 12.",
        occurred_at=when or at(2026, 3, 6, 9, 0),
        reported_at=reported or at(2026, 3, 6, 9, 30),
        source="citizen",
        field="urban_order",
        severity=severity,
        locality=locality or unit(HOAN_KIEM),
        **extra,
    )


def test_an_incident_lands_on_the_leader_in_charge_with_its_unit_and_focal_point(
    hanoi, routed, focal_user, leader_user, hoan_kiem_agency
):
    incident = report(hanoi, focal_user)
    assert incident.responsible_leader == leader_user.person
    assert incident.responsible_assignment == routed and incident.routed_via == "direct"
    assert incident.handling_unit == hoan_kiem_agency and incident.focal_point == focal_user
    assert incident.code == "VV-2026-00001" and incident.status == IncidentStatus.RECEIVED
    assert Notification.objects.filter(user=leader_user, kind="incident_new").count() == 1
    assert incident in my_incidents(user=leader_user) and incident in my_incidents(user=focal_user)


def test_a_change_of_assignment_moves_new_incidents_only(hanoi, routed, focal_user, leader_user):
    old = report(hanoi, focal_user)
    successor = person_create(actor=None, organization=hanoi, full_name="Đặng Văn Mới")
    assignment_reassign(
        actor=None, assignment=routed, version=routed.version, leader=successor, on=dt.date(2026, 4, 1)
    )
    new = report(
        hanoi, focal_user, title="Ngập úng phố Hàng Bài", when=at(2026, 4, 2, 8), reported=at(2026, 4, 2, 9)
    )
    old.refresh_from_db()
    assert old.responsible_leader == leader_user.person
    assert new.responsible_leader == successor
    # routing follows the day it occurred, not the day it was entered
    late_entry = report(
        hanoi,
        focal_user,
        title="Cây đổ phố Lý Thái Tổ",
        when=at(2026, 3, 31, 22),
        reported=at(2026, 4, 2, 10),
    )
    assert late_entry.responsible_leader == leader_user.person


@pytest.mark.parametrize(
    ("reported", "severity", "ack_due", "resolve_due"),
    [
        # Friday 15:30, urgent: 1 working hour to acknowledge; 4 to resolve: 1.5 on Friday, then Monday.
        (at(2026, 3, 6, 15, 30), "urgent", at(2026, 3, 6, 16, 30), at(2026, 3, 9, 10, 30)),
        # Friday 16:00, normal: 8 working hours to acknowledge skip the weekend.
        (at(2026, 3, 6, 16, 0), "normal", at(2026, 3, 9, 16, 0), at(2026, 3, 20, 16, 0)),
        # The Friday before Tết 2026 (13/02): Tết is 16-20/02, so the clock resumes on 23/02.
        (at(2026, 2, 13, 16, 0), "urgent", at(2026, 2, 13, 17, 0), at(2026, 2, 23, 11, 0)),
        # Giỗ Tổ falls on Sunday 26/04/2026 and is made up on Monday 27/04; 30/04 and 01/05 are holidays.
        (at(2026, 4, 24, 16, 0), "normal", at(2026, 4, 28, 16, 0), at(2026, 5, 13, 16, 0)),
    ],
)
def test_deadlines_are_counted_in_working_hours(
    hanoi, routed, focal_user, reported, severity, ack_due, resolve_due
):
    incident = report(
        hanoi, focal_user, when=reported - dt.timedelta(hours=1), reported=reported, severity=severity
    )
    assert incident.ack_due_at == ack_due
    assert incident.resolve_due_at == resolve_due


def test_urgent_or_public_concern_also_tells_the_standing_board(hanoi, routed, focal_user, make_user):
    board = make_user(Role.STANDING_BOARD, hanoi, "bithu", person=True)
    report(hanoi, focal_user, severity="normal")
    assert not Notification.objects.filter(user=board).exists()
    report(hanoi, focal_user, title="Cháy chợ", flags={"is_public_concern": True})
    assert Notification.objects.filter(user=board, kind="incident_new").count() == 1


def test_duplicates_are_suspected_without_diacritics(hanoi, routed, focal_user, leader_user, office):
    first = report(hanoi, focal_user, title="Sụt lún mặt đường phố Tràng Tiền")
    suspects = duplicate_suspects(
        user=office,
        organization=hanoi,
        title="sut lun mat duong pho Trang Tien",
        occurred_at=at(2026, 3, 6, 15),
        locality=unit(HOAN_KIEM),
    )
    assert suspects == [first]
    assert (
        duplicate_suspects(
            user=office,
            organization=hanoi,
            title="sut lun mat duong Trang Tien",
            occurred_at=at(2026, 3, 12, 15),
            locality=unit(HOAN_KIEM),
        )
        == []
    )  # too late
    assert (
        duplicate_suspects(
            user=office,
            organization=hanoi,
            title="sut lun mat duong pho Trang Tien",
            occurred_at=at(2026, 3, 6, 15),
            locality=unit(BA_DINH),
        )
        == []
    )  # elsewhere
    second = report(hanoi, focal_user, title="Sut lun duong pho Trang Tien", reported=at(2026, 3, 6, 11))
    second = services.incident_link_duplicate(
        actor=leader_user, incident=second, version=second.version, duplicate_of=first
    )
    assert (second.status, second.reject_reason, second.duplicate_of) == ("rejected", "duplicate", first)


def test_the_workflow_refuses_illegal_moves_and_times_each_step(hanoi, routed, focal_user, leader_user):
    incident = report(hanoi, focal_user)
    with pytest.raises(ValidationError) as exc:
        services.incident_set_status(
            actor=leader_user, incident=incident, version=incident.version, status=IncidentStatus.CLOSED
        )
    assert "“Đã tiếp nhận” sang “Đã đóng”" in exc.value.messages[0]
    incident.refresh_from_db()
    assert incident.status == IncidentStatus.RECEIVED and incident.version == 1
    with time_machine.travel(at(2026, 3, 6, 10, 0), tick=False):
        incident = services.incident_set_status(
            actor=leader_user, incident=incident, version=1, status=IncidentStatus.HANDLING
        )
    assert incident.acknowledged_at == at(2026, 3, 6, 10, 0)
    with pytest.raises(ValidationError) as exc:
        services.incident_set_status(
            actor=leader_user, incident=incident, version=incident.version, status=IncidentStatus.RESOLVED
        )  # no resolution text
    assert list(exc.value.message_dict) == ["resolution"]
    with time_machine.travel(at(2026, 3, 9, 9, 0), tick=False):
        incident = services.incident_set_status(
            actor=leader_user,
            incident=incident,
            version=incident.version,
            status=IncidentStatus.RESOLVED,
            resolution="Đã vá mặt đường.",
        )
    assert incident.resolved_at == at(2026, 3, 9, 9, 0)
    assert history_for(incident).filter(action="status").count() == 2
    stats = incident_statistics(incident_list(user=leader_user), by="leader")
    assert stats == [
        {
            "key": leader_user.person.full_name,
            "total": 1,
            "open": 0,
            "median_ack_hours": 0.5,
            # Friday 09:30 to Monday 09:00: 2.5 + 4 working hours on Friday, 1 on Monday.
            "median_resolve_hours": 7.5,
            "resolved": 1,
            "on_time": 1,
            "on_time_rate": 100.0,
        }
    ]


def test_reassignment_needs_a_reason_and_goes_on_the_timeline(hanoi, routed, focal_user, office):
    incident = report(hanoi, focal_user)
    other = person_create(actor=None, organization=hanoi, full_name="Phan Thị Khác")
    with pytest.raises(ValidationError) as exc:
        services.incident_reassign(actor=office, incident=incident, version=1, leader=other, reason=" ")
    assert list(exc.value.message_dict) == ["reason"]
    incident = services.incident_reassign(
        actor=office,
        incident=incident,
        version=1,
        leader=other,
        reason="Thuộc lĩnh vực đồng chí Khác phụ trách.",
    )
    assert incident.responsible_leader == other and incident.routed_via == "manual"
    event = history_for(incident).filter(action="update").first()
    assert event.note == "Thuộc lĩnh vực đồng chí Khác phụ trách."


def test_a_resolution_can_issue_a_directive_through_followup(
    hanoi, routed, focal_user, office, hoan_kiem_agency
):
    incident = report(hanoi, focal_user)
    directive = services.incident_issue_directive(
        actor=office,
        incident=incident,
        content="Kiểm tra toàn tuyến phố.",
        lead_unit=hoan_kiem_agency,
        deadline=dt.date.today() + dt.timedelta(days=30),
    )
    assert directive.source == incident and directive.source_kind == "incident"
    assert directive.resupervisions.count() == 1
    assert Directive.objects.filter(source_id=incident.pk, source_kind="incident").count() == 1


def test_intake_is_refused_without_a_place_or_in_the_future(hanoi, routed, focal_user):
    with pytest.raises(ValidationError):
        services.incident_create(
            actor=focal_user,
            organization=hanoi,
            title="x",
            description="y",
            occurred_at=at(2026, 3, 6, 9),
            source="citizen",
            field="other",
        )
    with pytest.raises(ValidationError):
        report(hanoi, focal_user, when=at(2026, 3, 8, 9), reported=at(2026, 3, 6, 9))
