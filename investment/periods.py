"""The calendar of public investment: the disbursement year and its months."""

import datetime as dt


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def disbursement_year_bounds(plan_year: int) -> tuple[dt.date, dt.date]:
    """A plan year's money is disbursed from 1 January of that year to 31 January of the next."""
    return dt.date(plan_year, 1, 1), dt.date(plan_year + 1, 1, 31)


def plan_months(plan_year: int) -> list[dt.date]:
    """The thirteen months of a disbursement year: January to December, then the next January."""
    return [dt.date(plan_year, m, 1) for m in range(1, 13)] + [dt.date(plan_year + 1, 1, 1)]


def month_index(plan_year: int, month: dt.date) -> int:
    """1 for January of the plan year … 12 for December, 13 for the next January."""
    return (month.year - plan_year) * 12 + month.month
