"""Durations read in days and hours ("quá hạn 12 ngày 2 giờ làm việc"), not in hours with decimals.

`core.calendar.describe_hours` and the template filter `duration` over it: working time in days of the
working calendar's length (8 hours by default), calendar time in days of 24 hours.
"""

from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from core.calendar import describe_hours, hours_per_working_day

# (hours, Vietnamese, English), with the default 8-hour working day.
WORKING = [
    (0, "0 giờ làm việc", "0 working hours"),
    (0.4, "dưới 1 giờ làm việc", "under 1 working hour"),
    (0.99, "dưới 1 giờ làm việc", "under 1 working hour"),
    (1, "1 giờ làm việc", "1 working hour"),
    (1.4, "1 giờ làm việc", "1 working hour"),
    (1.5, "2 giờ làm việc", "2 working hours"),  # a half hour rounds up
    (7.6, "1 ngày làm việc", "1 working day"),  # 8 hours are a whole day
    (8, "1 ngày làm việc", "1 working day"),
    (9, "1 ngày 1 giờ làm việc", "1 day and 1 hour of working time"),
    (17, "2 ngày 1 giờ làm việc", "2 days and 1 hour of working time"),
    (22, "2 ngày 6 giờ làm việc", "2 days and 6 hours of working time"),
    (96.2, "12 ngày làm việc", "12 working days"),  # 12 days and 0.2 hours: the 0.2 rounds away
    (97, "12 ngày 1 giờ làm việc", "12 days and 1 hour of working time"),
    (Decimal("97.5"), "12 ngày 2 giờ làm việc", "12 days and 2 hours of working time"),
    (-3, "0 giờ làm việc", "0 working hours"),
]
CALENDAR = [
    (0.5, "dưới 1 giờ", "under 1 hour"),
    (20.7, "21 giờ", "21 hours"),
    (24, "1 ngày", "1 day"),
    (70, "2 ngày 22 giờ", "2 days and 22 hours"),
    (331.2, "13 ngày 19 giờ", "13 days and 19 hours"),
]


@pytest.mark.parametrize(("hours", "vi", "en"), WORKING)
def test_working_time_reads_in_working_days_and_hours(hours, vi, en):
    with translation.override("vi"):
        assert describe_hours(hours) == vi
    with translation.override("en"):
        assert describe_hours(hours) == en


@pytest.mark.parametrize(("hours", "vi", "en"), CALENDAR)
def test_calendar_time_reads_in_days_of_24_hours(hours, vi, en):
    with translation.override("vi"):
        assert describe_hours(hours, working=False) == vi
    with translation.override("en"):
        assert describe_hours(hours, working=False) == en


def test_nothing_reads_as_nothing():
    assert describe_hours(None) == "" and describe_hours("") == "" and describe_hours(float("nan")) == ""


def test_a_working_day_is_as_long_as_the_calendar_says(settings):
    assert hours_per_working_day() == 8
    settings.COSO_WORKDAY = "07:30-11:30,13:00-16:30"  # 7.5 hours
    assert hours_per_working_day() == Decimal("7.5")
    with translation.override("vi"):
        assert describe_hours(15) == "2 ngày làm việc"
        assert describe_hours(22.4) == "2 ngày 7 giờ làm việc"  # 15 + 7.4: 7 hours, not a third day
        assert describe_hours(96.2) == "12 ngày 6 giờ làm việc"  # 90 + 6.2


def test_the_template_filter_reads_working_or_calendar_time():
    template = Template('{% load coso %}{{ late|duration }} / {{ median|duration:"calendar" }}')
    with translation.override("vi"):
        assert template.render(Context({"late": 96.2, "median": 331.2})) == (
            "12 ngày làm việc / 13 ngày 19 giờ"
        )
    with pytest.raises(ValueError, match="unknown kind"):
        Template('{% load coso %}{{ 3|duration:"weeks" }}').render(Context())
