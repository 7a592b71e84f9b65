"""responsible_leader(): direct assignment, then up the tree, then the configured default."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import BA_DINH, HANOI, HOAN_KIEM, unit
from core.services import archive_record
from org.selectors import responsible_leader, responsible_leaders
from org.services import agency_create, assignment_reassign, person_create

D = dt.date


@pytest.fixture
def people(hanoi):
    def person(name):
        return person_create(actor=None, organization=hanoi, full_name=name, position="Ủy viên Ban Thường vụ")

    secretary = person("Trần Thị Bí Thư")
    hanoi.default_leader = secretary
    hanoi.save()
    return {
        "secretary": secretary,
        "a": person("Lê Văn An"),
        "b": person("Phạm Thị Bình"),
        "c": person("Võ Văn Cường"),
    }


def test_direct_assignment_answers(hanoi, people, assign):
    hk = unit(HOAN_KIEM)
    a = assign(people["a"], hk, D(2025, 7, 1))
    answer = responsible_leader(hk, at=D(2025, 9, 2))
    assert answer.leader == people["a"]
    assert answer.assignment == a
    assert answer.via == "direct"


def test_not_yet_valid_falls_back_to_default(hanoi, people, assign):
    hk = unit(HOAN_KIEM)
    assign(people["a"], hk, D(2025, 7, 1))
    answer = responsible_leader(hk, at=D(2025, 6, 30))
    assert answer.via == "default"
    assert answer.leader == people["secretary"]
    assert answer.assignment is None


def test_end_date_is_inclusive(hanoi, people, assign):
    hk = unit(HOAN_KIEM)
    assign(people["a"], hk, D(2025, 7, 1), D(2025, 12, 31))
    assert responsible_leader(hk, at=D(2025, 12, 31)).leader == people["a"]
    assert responsible_leader(hk, at=D(2026, 1, 1)).via == "default"


def test_parent_unit_answers_when_no_direct_assignment(hanoi, people, assign):
    assign(people["b"], unit(HANOI, level=1), D(2025, 1, 1))
    answer = responsible_leader(unit(HOAN_KIEM), at=D(2025, 9, 2))
    assert answer.leader == people["b"]
    assert answer.via == "parent"
    assert answer.source == unit(HANOI, level=1)


def test_direct_beats_in_charge_and_monitor_never_answers(hanoi, people, assign):
    hk = unit(HOAN_KIEM)
    assign(people["c"], hk, D(2025, 1, 1), role="monitor")
    assert responsible_leader(hk, at=D(2025, 9, 2)).via == "default"
    assign(people["a"], hk, D(2025, 1, 1), role="in_charge")
    assign(people["b"], hk, D(2025, 1, 1), role="direct")
    assert responsible_leader(hk, at=D(2025, 9, 2)).leader == people["b"]


def test_archived_assignment_is_ignored(hanoi, people, assign):
    hk = unit(HOAN_KIEM)
    a = assign(people["a"], hk, D(2025, 1, 1))
    archive_record(actor=None, instance=a)
    assert responsible_leader(hk, at=D(2025, 9, 2)).via == "default"


def test_before_and_after_a_reassignment(hanoi, people, assign):
    hk = unit(HOAN_KIEM)
    old = assign(people["a"], hk, D(2025, 7, 1))
    new = assignment_reassign(
        actor=None, assignment=old, version=old.version, leader=people["b"], on=D(2026, 3, 1)
    )
    assert responsible_leader(hk, at=D(2026, 2, 28)).leader == people["a"]
    assert responsible_leader(hk, at=D(2026, 3, 1)).leader == people["b"]
    assert responsible_leader(hk, at=D(2026, 3, 1)).assignment == new
    old.refresh_from_db()
    assert old.valid_to == D(2026, 2, 28)


def test_datetime_uses_local_date(hanoi, people, assign):
    """23:30 UTC on 30/06 is already 01/07 in Hanoi (UTC+7)."""
    hk = unit(HOAN_KIEM)
    assign(people["a"], hk, D(2025, 7, 1))
    moment = dt.datetime(2025, 6, 30, 23, 30, tzinfo=dt.UTC)
    assert responsible_leader(hk, at=moment).leader == people["a"]


def test_agency_chain_then_its_locality_then_default(hanoi, people, assign):
    parent = agency_create(
        actor=None,
        organization=hanoi,
        code="UB-HK",
        name="UBND Phường Hoàn Kiếm",
        kind="peoples_committee",
        locality=unit(HOAN_KIEM),
    )
    child = agency_create(
        actor=None,
        organization=hanoi,
        code="UB-HK-KT",
        name="Phòng Kinh tế",
        kind="department",
        parent=parent,
    )
    assert responsible_leader(child, at=D(2025, 9, 2)).via == "default"
    assign(people["c"], unit(HOAN_KIEM), D(2025, 1, 1))
    # the child has no locality itself: it takes its parent agency's locality
    answer = responsible_leader(child, at=D(2025, 9, 2))
    assert (answer.leader, answer.via, answer.source) == (people["c"], "parent", unit(HOAN_KIEM))
    assert responsible_leader(parent, at=D(2025, 9, 2)).leader == people["c"]
    assign(people["b"], parent, D(2025, 1, 1))
    answer = responsible_leader(child, at=D(2025, 9, 2))
    assert (answer.leader, answer.via) == (people["b"], "parent")
    assign(people["a"], child, D(2025, 1, 1))
    assert responsible_leader(child, at=D(2025, 9, 2)).via == "direct"


def test_no_default_configured(hanoi, assign):
    answer = responsible_leader(unit(HOAN_KIEM), at=D(2025, 9, 2))
    assert answer.leader is None
    assert answer.via == "default"


def test_query_count_does_not_depend_on_depth(hanoi, people, assign):
    parent = None
    for i in range(6):
        parent = agency_create(
            actor=None,
            organization=hanoi,
            code=f"L{i}",
            name=f"Cấp {i}",
            kind="department",
            parent=parent,
            locality=unit(HOAN_KIEM) if i == 0 else None,
        )
    assign(people["a"], unit(HANOI, level=1), D(2025, 1, 1))
    hanoi.refresh_from_db()
    with CaptureQueriesContext(connection) as ctx:
        answer = responsible_leader(parent, at=D(2025, 9, 2), organization=hanoi)
    # the deepest agency takes the locality of the top one, whose province has a leader
    assert (answer.leader, answer.via) == (people["a"], "parent")
    assert len(ctx.captured_queries) == 2
    top = parent
    while top.parent_id:
        top = top.parent
    with CaptureQueriesContext(connection) as ctx:
        answer = responsible_leader(top, at=D(2025, 9, 2), organization=hanoi)
    assert answer.leader == people["a"] and answer.via == "parent"
    assert len(ctx.captured_queries) == 1


def test_bulk_answers_match_single_answers(hanoi, people, assign):
    hk, bd = unit(HOAN_KIEM), unit(BA_DINH)
    assign(people["a"], hk, D(2025, 1, 1))
    assign(people["b"], unit(HANOI, level=1), D(2025, 1, 1))
    hanoi.refresh_from_db()
    units = [hk, bd, unit(HANOI, level=1)]
    bulk = responsible_leaders(units, at=D(2025, 9, 2), organization=hanoi)
    for u in units:
        single = responsible_leader(u, at=D(2025, 9, 2), organization=hanoi)
        assert (bulk[u.pk].leader, bulk[u.pk].via) == (single.leader, single.via)
