"""The field-time share, the pace and meetings on fixed dates (a working day is 480 minutes).

December 2026 has 23 working days (no holiday): 11,040 working minutes. Q1 2027 holds Tết (04-10/02)."""

import datetime as dt
from fractions import Fraction

import pytest

from core.periods import parse_period
from fieldwork.choices import EntryKind
from fieldwork.selectors import calendar as selectors
from fieldwork.services import calendar as services
from fieldwork.tests.conftest import at

pytestmark = pytest.mark.django_db

DECEMBER = 23 * 480


def test_share_of_a_closed_month(add_entry, leader):
    # Two whole working days in the field, one across a weekend, and three days of leave.
    add_entry(leader, at(2026, 12, 3, 8), at(2026, 12, 4, 17))
    add_entry(leader, at(2026, 12, 11, 13), at(2026, 12, 14, 12), kind=EntryKind.BUSINESS_TRIP)
    add_entry(leader, at(2026, 12, 21), at(2026, 12, 24), kind=EntryKind.LEAVE, all_day=True)
    add_entry(leader, at(2026, 12, 5, 8), at(2026, 12, 5, 17))  # a Saturday: no working time
    share = selectors.share_for(leader=leader, period=parse_period("2026-12"), today=dt.date(2027, 1, 15))
    assert share.working_minutes == DECEMBER
    assert share.leave_minutes == 3 * 480
    assert share.field_minutes == 2 * 480
    assert share.available_minutes == 20 * 480
    assert share.share == Fraction(2, 20)
    assert share.target == Fraction(1, 3)
    assert not share.meets_target and not share.running
    # 1/3 of 9,600 minutes is 3,200; 960 done.
    assert share.needed_minutes == 3200 - 960


def test_the_pace_inside_a_running_quarter(add_entry, leader):
    # Q1 2027: 01/01 and Tết are off. Today is Friday 15/01/2027.
    add_entry(leader, at(2027, 1, 6, 8), at(2027, 1, 6, 17))
    add_entry(leader, at(2027, 1, 20, 8), at(2027, 1, 20, 17))  # planned
    share = selectors.share_for(leader=leader, period=parse_period("2027-Q1"), today=dt.date(2027, 1, 15))
    assert share.running
    # 04/01 to 15/01: 10 working days so far.
    assert share.available_so_far == 10 * 480
    assert share.field_minutes == 480 and share.planned_minutes == 480
    assert share.share == Fraction(1, 10)
    # Working days after today: 10 in January (18-29), 20 in February, 23 in March, minus Tết's five
    # weekdays (04, 05, 08, 09, 10/02).
    assert share.working_days_left == 10 + 20 + 23 - 5


def test_the_table_of_every_leader_is_one_aggregate(
    add_entry, leader, other_leader, office, django_assert_max_num_queries
):
    add_entry(leader, at(2026, 12, 3, 8), at(2026, 12, 3, 17))
    add_entry(other_leader, at(2026, 12, 3, 8), at(2026, 12, 10, 17))
    period = parse_period("2026-12")
    shares = selectors.share_table(user=office, period=period, today=dt.date(2027, 1, 5), sort="-share")
    assert [s.leader for s in shares] == [other_leader, leader]
    assert shares[0].field_minutes == 6 * 480
    by_name = selectors.share_table(user=office, period=period, today=dt.date(2027, 1, 5), sort="name")
    assert {s.leader for s in by_name} == {leader, other_leader}


def test_the_table_is_for_those_who_see_all(leader_user):
    from django.http import Http404

    with pytest.raises(Http404):
        selectors.share_table(user=leader_user, period=parse_period("2026-12"))


def test_the_target_follows_the_policy(add_entry, leader, office, hanoi):
    services.policy_update(
        actor=office,
        organization=hanoi,
        version=None,
        share_target_numerator=1,
        share_target_denominator=4,
        meeting_reduction_percent=15,
    )
    add_entry(leader, at(2026, 12, 1, 8), at(2026, 12, 7, 17))  # 5 working days of 23
    share = selectors.share_for(leader=leader, period=parse_period("2026-12"), today=dt.date(2027, 1, 5))
    assert share.target == Fraction(1, 4) and share.share == Fraction(5, 23) and not share.meets_target


def test_meetings_against_the_previous_period(add_entry, leader, other_leader, office):
    # November: four one-hour meetings; December: a weekly two-hour series of three, one chaired, and one
    # meeting across midnight (counted once, its two hours whole).
    add_entry(
        leader,
        at(2026, 11, 2, 8),
        at(2026, 11, 2, 9),
        kind=EntryKind.MEETING,
        recurrence="FREQ=WEEKLY;COUNT=4",
    )
    add_entry(
        leader,
        at(2026, 12, 1, 8),
        at(2026, 12, 1, 10),
        kind=EntryKind.MEETING,
        recurrence="FREQ=WEEKLY;COUNT=3",
    )
    add_entry(other_leader, at(2026, 12, 3, 23), at(2026, 12, 4, 1), kind=EntryKind.MEETING, chaired=True)
    figures = selectors.meetings(user=office, period=parse_period("2026-12"))
    rows = {r.leader: r for r in figures.rows}
    assert (rows[leader].count, rows[leader].minutes, rows[leader].previous_count) == (3, 360, 4)
    assert (rows[other_leader].count, rows[other_leader].minutes, rows[other_leader].chaired) == (1, 120, 1)
    assert (figures.total.count, figures.total.minutes, figures.total.previous_minutes) == (4, 480, 240)
    assert figures.previous.code == "2026-11"
    assert figures.target_minutes == 204 and figures.meets_target is False


def test_the_trend_has_twelve_months(add_entry, leader, office):
    add_entry(leader, at(2026, 12, 3, 8), at(2026, 12, 3, 17))
    trend = selectors.share_trend(organization_id=office.organization_id, today=dt.date(2026, 12, 20))
    assert len(trend) == 12 and trend[-1]["label"] == "12/2026"
    assert trend[-1]["share_percent"] == round(100 / 23, 1)
    assert trend[0]["share_percent"] == 0.0
