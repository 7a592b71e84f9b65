"""Organisation services: overlap rules, validation, optimistic locking, audit, unit import."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from conftest import BA_DINH, HCMC, HOAN_KIEM, unit
from core.errors import ConflictError
from core.models import AuditEvent
from org.models import AdministrativeUnit, Assignment
from org.services import (
    agency_create,
    agency_update,
    assignment_create,
    assignment_update,
    person_create,
    units_import,
)

D = dt.date


@pytest.fixture
def two_leaders(hanoi):
    return (
        person_create(actor=None, organization=hanoi, full_name="Lê Văn An"),
        person_create(actor=None, organization=hanoi, full_name="Phạm Thị Bình"),
    )


def test_overlapping_primary_assignment_is_refused(hanoi, two_leaders, assign):
    a, b = two_leaders
    assign(a, unit(HOAN_KIEM), D(2025, 7, 1))
    with pytest.raises(ValidationError) as exc:
        assign(b, unit(HOAN_KIEM), D(2026, 1, 1))
    assert "Lê Văn An" in str(exc.value)
    assert "01/07/2025" in str(exc.value)
    assert Assignment.objects.filter(locality=unit(HOAN_KIEM)).count() == 1


def test_adjacent_and_other_role_assignments_are_allowed(hanoi, two_leaders, assign):
    a, b = two_leaders
    assign(a, unit(HOAN_KIEM), D(2025, 7, 1), D(2025, 12, 31))
    assign(b, unit(HOAN_KIEM), D(2026, 1, 1))
    assign(a, unit(HOAN_KIEM), D(2026, 1, 1), role="monitor")
    assign(b, unit(HOAN_KIEM), D(2026, 1, 1), role="direct")
    assert Assignment.objects.filter(locality=unit(HOAN_KIEM)).count() == 4


def test_an_earlier_open_assignment_overlaps_a_later_bounded_one(hanoi, two_leaders, assign):
    a, b = two_leaders
    assign(a, unit(HOAN_KIEM), D(2026, 1, 1))
    with pytest.raises(ValidationError) as exc:
        assign(b, unit(HOAN_KIEM), D(2025, 7, 1), D(2026, 1, 1))
    assert "đã có lãnh đạo giữ vai trò này từ ngày 01/01/2026" in exc.value.messages[0]
    assign(b, unit(HOAN_KIEM), D(2025, 7, 1), D(2025, 12, 31))


def test_dates_out_of_order_are_refused(hanoi, two_leaders, assign):
    with pytest.raises(ValidationError) as exc:
        assign(two_leaders[0], unit(HOAN_KIEM), D(2025, 7, 1), D(2025, 6, 1))
    assert "valid_to" in exc.value.message_dict


def test_locality_outside_the_organisation_is_refused(hanoi, two_leaders, assign):
    with pytest.raises(ValidationError) as exc:
        assign(two_leaders[0], unit(HCMC, level=1), D(2025, 7, 1))
    assert "locality" in exc.value.message_dict


def test_leader_of_another_organisation_is_refused(hanoi, hcmc):
    stranger = person_create(actor=None, organization=hcmc, full_name="Người Thành phố")
    with pytest.raises(ValidationError) as exc:
        assignment_create(
            actor=None,
            organization=hanoi,
            leader=stranger,
            role="in_charge",
            valid_from=D(2025, 1, 1),
            locality=unit(HOAN_KIEM),
        )
    assert list(exc.value.message_dict) == ["leader"]


def test_exactly_one_target(hanoi, two_leaders):
    with pytest.raises(ValidationError) as exc:
        assignment_create(
            actor=None, organization=hanoi, leader=two_leaders[0], role="in_charge", valid_from=D(2025, 1, 1)
        )
    assert "Chỉ chọn một trong ba" in exc.value.messages[0]


def test_update_is_audited_with_before_and_after(hanoi, office, two_leaders, assign):
    a, b = two_leaders
    assignment = assign(a, unit(HOAN_KIEM), D(2025, 7, 1))
    assignment_update(actor=office, assignment=assignment, version=assignment.version, leader=b)
    event = AuditEvent.objects.filter(object_id=str(assignment.pk), action="update").get()
    assert event.actor == office
    assert event.changes["leader"] == [a.pk, b.pk]
    assert event.organization_id == hanoi.pk
    assert AuditEvent.objects.filter(object_id=str(assignment.pk), action="create").exists()


def test_stale_version_is_a_conflict_and_changes_nothing(hanoi, office, two_leaders, assign):
    a, b = two_leaders
    assignment = assign(a, unit(HOAN_KIEM), D(2025, 7, 1))
    stale = Assignment.objects.get(pk=assignment.pk)
    assignment_update(actor=office, assignment=assignment, version=1, note="first")
    with pytest.raises(ConflictError):
        assignment_update(actor=office, assignment=stale, version=1, leader=b)
    assignment.refresh_from_db()
    assert (assignment.leader, assignment.note, assignment.version) == (a, "first", 2)


def test_update_that_would_overlap_is_refused(hanoi, office, two_leaders, assign):
    a, b = two_leaders
    assign(a, unit(HOAN_KIEM), D(2025, 7, 1), D(2025, 12, 31))
    later = assign(b, unit(HOAN_KIEM), D(2026, 1, 1))
    with pytest.raises(ValidationError) as exc:
        assignment_update(actor=office, assignment=later, version=later.version, valid_from=D(2025, 12, 1))
    assert "đã có lãnh đạo giữ vai trò này từ ngày 01/07/2025" in exc.value.messages[0]
    later.refresh_from_db()
    assert later.valid_from == D(2026, 1, 1)


def test_text_is_normalised_to_nfc(hanoi):
    decomposed = "Nguye\u0302\u0303n Va\u0306n A"  # "Nguyễn Văn A" typed with combining marks
    person = person_create(actor=None, organization=hanoi, full_name=decomposed)
    assert person.full_name == "Nguyễn Văn A"
    assert person.search_text == "nguyen van a"


def test_moving_an_agency_repaths_its_subtree(hanoi, office):
    top = agency_create(actor=None, organization=hanoi, code="A", name="Khối A", kind="department")
    other = agency_create(actor=None, organization=hanoi, code="B", name="Khối B", kind="department")
    mid = agency_create(actor=None, organization=hanoi, code="M", name="Giữa", kind="department", parent=top)
    leaf = agency_create(actor=None, organization=hanoi, code="L", name="Lá", kind="department", parent=mid)
    assert leaf.path == "A/M/L/"
    agency_update(actor=office, agency=mid, version=mid.version, parent=other)
    leaf.refresh_from_db()
    assert leaf.path == "B/M/L/"


def test_agency_cannot_go_under_itself(hanoi, office):
    top = agency_create(actor=None, organization=hanoi, code="A", name="Khối A", kind="department")
    child = agency_create(actor=None, organization=hanoi, code="C", name="Con", kind="department", parent=top)
    with pytest.raises(ValidationError) as exc:
        agency_update(actor=office, agency=top, version=top.version, parent=child)

    assert list(exc.value.message_dict) == ["parent"]


def test_units_import_is_idempotent_and_applies_renames(db):
    hk = unit(HOAN_KIEM)
    assert units_import(actor=None, province_codes=[1])["created"] == 0
    AdministrativeUnit.objects.filter(pk=hk.pk).update(name="Phường Cũ")
    counts = units_import(actor=None, province_codes=[1])
    assert counts["renamed"] == 1
    hk.refresh_from_db()
    assert hk.name == "Phường Hoàn Kiếm"
    assert hk.search_text.startswith("phuong hoan kiem")
    rename = AuditEvent.objects.get(object_id=str(hk.pk), action="update")
    assert rename.changes["name"] == ["Phường Cũ", "Phường Hoàn Kiếm"]
    assert units_import(actor=None, province_codes=[1]) == {"created": 0, "renamed": 0, "unchanged": 127}


def test_units_import_refuses_unknown_codes_before_writing(db):
    before = AdministrativeUnit.objects.count()
    with pytest.raises(ValidationError) as exc:
        units_import(actor=None, province_codes=[1, 99])
    assert "99" in exc.value.messages[0]
    assert AdministrativeUnit.objects.count() == before


@pytest.mark.django_db
def test_hanoi_and_hcmc_have_their_official_commune_counts():
    assert AdministrativeUnit.objects.filter(parent__level=1, parent__code=1).count() == 126
    assert AdministrativeUnit.objects.filter(parent__level=1, parent__code=79).count() == 168
    assert unit(BA_DINH).name == "Phường Ba Đình"


def test_a_person_who_still_answers_for_a_place_cannot_be_archived(hanoi, office, two_leaders, assign):
    a, _b = two_leaders
    assignment = assign(a, unit(HOAN_KIEM), D(2025, 7, 1))
    from org.services import assignment_end, person_archive

    with pytest.raises(ValidationError) as exc:
        person_archive(actor=office, person=a, version=a.version)
    assert "còn 1 phân công phụ trách hiện hành" in exc.value.messages[0]
    a.refresh_from_db()
    assert a.archived_at is None
    assignment_end(actor=office, assignment=assignment, version=assignment.version, on=D(2025, 12, 31))
    assert person_archive(actor=office, person=a, version=a.version).archived_at is not None
