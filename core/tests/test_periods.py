"""Periods: weeks, months, quarters, years, ranges; malformed or too wide ones refused in Vietnamese."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from core.periods import last_months, parse_period


@pytest.mark.parametrize(
    ("raw", "first", "last"),
    [
        ("2026-W48", dt.date(2026, 11, 23), dt.date(2026, 11, 29)),
        ("2027-w1", dt.date(2027, 1, 4), dt.date(2027, 1, 10)),
        ("2026-W53", dt.date(2026, 12, 28), dt.date(2027, 1, 3)),
        ("2027-02", dt.date(2027, 2, 1), dt.date(2027, 2, 28)),
        ("2028-2", dt.date(2028, 2, 1), dt.date(2028, 2, 29)),
        ("2027-Q1", dt.date(2027, 1, 1), dt.date(2027, 3, 31)),
        ("2026-q4", dt.date(2026, 10, 1), dt.date(2026, 12, 31)),
        ("2027", dt.date(2027, 1, 1), dt.date(2027, 12, 31)),
        ("2027-01-05..2027-01-20", dt.date(2027, 1, 5), dt.date(2027, 1, 20)),
        ("05/01/2027..20/01/2027", dt.date(2027, 1, 5), dt.date(2027, 1, 20)),
        ("2020-01-01..2029-12-31", dt.date(2020, 1, 1), dt.date(2029, 12, 31)),
    ],
)
def test_periods_are_read(raw, first, last):
    period = parse_period(raw)
    assert (period.first, period.last) == (first, last)


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        ("", "không hợp lệ"),
        ("2027-13", "không hợp lệ"),
        ("2027-Q5", "không hợp lệ"),
        ("2027-W53", "không hợp lệ"),
        ("2027-W00", "không hợp lệ"),
        ("Q1-2027", "không hợp lệ"),
        ("2027-02-30..2027-03-01", "không hợp lệ"),
        ("2027-03-01..2027-02-01", "kết thúc trước"),
        ("2020-01-01..2030-01-01", "10 năm"),
    ],
)
def test_bad_periods_get_a_vietnamese_message(raw, words):
    with pytest.raises(ValidationError) as caught:
        parse_period(raw)
    assert words in caught.value.messages[0]


def test_a_caller_may_ask_for_a_shorter_limit():
    assert parse_period("2021-01-01..2025-12-31", max_years=5).days == 1826
    with pytest.raises(ValidationError) as caught:
        parse_period("2021-01-01..2026-01-01", max_years=5)
    assert "5 năm" in caught.value.messages[0]


def test_previous_periods_have_the_same_length():
    assert parse_period("2027-W01").previous().code == "2026-W53"
    assert parse_period("2027-03").previous().code == "2027-02"
    assert parse_period("2027-Q1").previous().code == "2026-Q4"
    assert parse_period("2027").previous().code == "2026"
    previous = parse_period("2027-01-11..2027-01-20").previous()
    assert (previous.first, previous.last) == (dt.date(2027, 1, 1), dt.date(2027, 1, 10))


def test_the_last_twelve_months():
    months = last_months(dt.date(2027, 2, 14))
    assert [m.code for m in (months[0], months[-1])] == ["2026-03", "2027-02"] and len(months) == 12
