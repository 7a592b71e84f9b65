"""The Party committee's terms: five years from COSO_TERM_START."""

import datetime as dt

import pytest

from reports.terms import term_of


@pytest.mark.parametrize(
    ("day", "term"),
    [
        (dt.date(2025, 10, 1), "2025-2030"),
        (dt.date(2026, 12, 3), "2025-2030"),
        (dt.date(2030, 9, 30), "2025-2030"),
        (dt.date(2030, 10, 1), "2030-2035"),
        (dt.date(2025, 9, 30), "2020-2025"),
    ],
)
def test_a_day_falls_in_its_term(day, term):
    assert term_of(day) == term
