"""The visit's rules in its services: the workflow, bad input refused in Vietnamese with nothing saved, the
sides heard, the calendar entry of a carried-out visit, directives through followup, the audit trail."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from conftest import BA_DINH, HOAN_KIEM, unit
from core.errors import ConflictError
from core.models import AuditEvent
from fieldwork.choices import EntryKind, OpinionKind, SpeakerKind, VisitStatus
from fieldwork.models import CalendarEntry, Opinion, Visit
from fieldwork.services import visits as services
from fieldwork.tests.conftest import moment
from followup.choices import SourceKind
from followup.models import Directive

pytestmark = pytest.mark.django_db


def messages(exc: ValidationError) -> str:
    return " ".join(exc.messages)


def test_a_visit_is_planned_with_its_briefing_and_audited(make_visit, office):
    visit = make_visit(days_ago=-5)
    assert visit.status == VisitStatus.PLANNED
    assert visit.briefing_at is not None
    keys = [s["key"] for s in visit.briefing["sections"]]
    assert keys == ["incidents", "directives", "obstacles", "investment"]
    assert visit.briefing["sections"][0]["title"] == "Vụ việc đang xử lý"  # written in Vietnamese
    event = AuditEvent.objects.filter(object_id=str(visit.pk), kind="visit.planned").get()
    assert event.actor_id == office.pk


def test_bad_plans_are_refused_in_vietnamese_and_nothing_is_saved(
    hanoi, office, leader_user, other_leader_user
):
    base = {
        "actor": office,
        "organization": hanoi,
        "leader": leader_user.person,
        "purpose": "Đi cơ sở",
        "starts_at": moment(1),
        "ends_at": moment(1, 11),
        "localities": [unit(HOAN_KIEM)],
    }
    cases = [
        ({"ends_at": moment(1, 7)}, "Thời điểm kết thúc chuyến đi phải sau thời điểm bắt đầu."),
        ({"ends_at": moment(1) + dt.timedelta(days=32)}, "Một chuyến đi kéo dài tối đa 31 ngày."),
        ({"localities": []}, "Hãy nêu ít nhất một địa bàn hoặc đơn vị đến làm việc."),
        ({"leader": None}, "Hãy chọn lãnh đạo chủ trì chuyến đi."),
        (
            {"actor": leader_user, "leader": other_leader_user.person},
            "Lãnh đạo chỉ lên kế hoạch chuyến đi của chính mình.",
        ),
    ]
    for change, message in cases:
        with pytest.raises(ValidationError) as exc:
            services.visit_create(**{**base, **change})
        assert message in messages(exc.value)
    assert not Visit.objects.exists()


def test_carried_out_needs_a_day_that_has_come_and_findings(make_visit, office):
    future = make_visit(days_ago=-2)
    with pytest.raises(ValidationError) as exc:
        services.visit_carry_out(actor=office, visit=future, version=future.version, findings="Ổn")
    assert "Chuyến đi chưa đến ngày thì không thể đánh dấu đã thực hiện." in messages(exc.value)
    past = make_visit(days_ago=2)
    with pytest.raises(ValidationError) as exc:
        services.visit_carry_out(actor=office, visit=past, version=past.version, findings="  ")
    assert "Hãy ghi tình hình nắm được qua chuyến đi." in messages(exc.value)
    assert Visit.objects.filter(status=VisitStatus.PLANNED).count() == 2
    assert not CalendarEntry.objects.exists()


def test_cancelling_needs_a_reason_and_a_cancelled_visit_can_be_planned_again(make_visit, office):
    visit = make_visit(days_ago=-2)
    with pytest.raises(ValidationError) as exc:
        services.visit_cancel(actor=office, visit=visit, version=visit.version, reason=" ")
    assert "Hãy nêu lý do hủy chuyến đi." in messages(exc.value)
    visit = services.visit_cancel(actor=office, visit=visit, version=visit.version, reason="Trùng lịch họp")
    assert visit.status == VisitStatus.CANCELLED and visit.cancel_reason == "Trùng lịch họp"
    with pytest.raises(ValidationError):
        services.visit_carry_out(actor=office, visit=visit, version=visit.version, findings="x")
    visit = services.visit_reopen(actor=office, visit=visit, version=visit.version)
    assert visit.status == VisitStatus.PLANNED
    assert AuditEvent.objects.filter(object_id=str(visit.pk), kind="visit.status").count() == 2


def test_a_stale_version_is_a_conflict(make_visit, office):
    visit = make_visit(days_ago=1)
    stale = visit.version
    services.visit_update(actor=office, visit=visit, version=stale, purpose="Mục đích mới")
    visit.refresh_from_db()
    with pytest.raises(ConflictError):
        services.visit_carry_out(actor=office, visit=visit, version=stale, findings="Ổn")
    assert Visit.objects.get().search_text == "muc dich moi"


def test_a_carried_out_visit_keeps_its_field_visit_entry(make_visit, office, leader_user):
    visit = make_visit(days_ago=2, carried_out=True)
    entry = CalendarEntry.objects.get(visit=visit)
    assert entry.kind == EntryKind.FIELD_VISIT
    assert entry.leader_id == leader_user.person.pk
    assert (entry.starts_at, entry.ends_at) == (visit.starts_at, visit.ends_at)
    assert entry.locality_id == unit(HOAN_KIEM).pk
    assert entry.days.exists()  # laid out: its time counts in the share
    services.visit_update(actor=office, visit=visit, version=visit.version, ends_at=moment(2, 16))
    entry.refresh_from_db()
    assert entry.ends_at == moment(2, 16)
    assert CalendarEntry.objects.count() == 1


def test_opinions_keep_the_sides_heard(make_visit, office):
    visit = make_visit(days_ago=1, opinions=[SpeakerKind.CITIZEN, SpeakerKind.CITIZEN])
    assert visit.sides_heard == 1
    opinion = services.opinion_add(
        actor=office,
        visit=visit,
        speaker_kind=SpeakerKind.BUSINESS,
        kind=OpinionKind.COMPLAINT,
        content="Chậm",
    )
    visit.refresh_from_db()
    assert visit.sides_heard == 2
    assert opinion.heard_on == timezone.localdate() - dt.timedelta(days=1)
    assert opinion.locality_id == unit(HOAN_KIEM).pk  # the visit's only locality
    version = visit.version
    services.opinion_archive(actor=office, opinion=opinion, version=opinion.version)
    visit.refresh_from_db()
    assert visit.sides_heard == 1 and visit.version == version  # derived: no conflict for the page


def test_bad_opinions_are_refused_and_nothing_is_saved(make_visit, office):
    visit = make_visit(days_ago=1)
    cases = [
        ({"speaker_kind": ""}, "Hãy chọn đối tượng phát biểu ý kiến."),
        ({"content": "  "}, "Hãy ghi nội dung ý kiến."),
        ({"locality": unit(BA_DINH)}, "Hãy chọn một trong các địa bàn của chuyến đi."),
    ]
    base = {"speaker_kind": SpeakerKind.CITIZEN, "kind": OpinionKind.PROPOSAL, "content": "Nội dung"}
    for change, message in cases:
        with pytest.raises(ValidationError) as exc:
            services.opinion_add(actor=office, visit=visit, **{**base, **change})
        assert message in messages(exc.value)
    future = make_visit(days_ago=-3)
    with pytest.raises(ValidationError) as exc:
        services.opinion_add(actor=office, visit=future, **base)
    assert "Chỉ ghi nhận ý kiến khi chuyến đi đã diễn ra." in messages(exc.value)
    assert not Opinion.objects.exists()


def test_an_opinion_corrected_is_searched_by_its_new_words(make_visit, office):
    visit = make_visit(days_ago=1, opinions=[SpeakerKind.CITIZEN])
    opinion = Opinion.objects.get(visit=visit)
    services.opinion_update(actor=office, opinion=opinion, version=opinion.version, content="Đường ngập úng")
    assert Opinion.objects.get().search_text.startswith("duong ngap ung")


def test_a_directive_from_a_visit_goes_through_followup(make_visit, leader_user, hoan_kiem_agency):
    visit = make_visit(days_ago=2, carried_out=True)
    directive = services.visit_issue_directive(
        actor=leader_user,
        visit=visit,
        content="Giao phường rà soát các hộ còn vướng mắc",
        lead_unit=hoan_kiem_agency,
        deadline=timezone.localdate() + dt.timedelta(days=30),
    )
    directive = Directive.objects.get(pk=directive.pk)
    assert directive.source_kind == SourceKind.VISIT
    assert directive.source == visit
    assert directive.issued_by_id == leader_user.person.pk
    assert directive.issued_on == timezone.localdate() - dt.timedelta(days=2)
    planned = make_visit(days_ago=-2)
    with pytest.raises(ValidationError):
        services.visit_issue_directive(
            actor=leader_user,
            visit=planned,
            content="x",
            lead_unit=hoan_kiem_agency,
            deadline=timezone.localdate(),
        )


def test_archiving_a_visit_archives_its_entry(make_visit, office):
    visit = make_visit(days_ago=2, carried_out=True)
    services.visit_archive(actor=office, visit=visit, version=visit.version)
    assert Visit.objects.get().archived_at is not None
    entry = CalendarEntry.objects.get()
    assert entry.archived_at is not None
    assert not entry.days.exists()  # its time no longer counts
