"""The periods the reports cover: a briefing's (any period `core.periods` reads, at most five years, not in
the future) and a ranking's (a month that is over)."""

import datetime as dt
import re

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from core.periods import Period, month_period, parse_period

MAX_YEARS = 5


def briefing_period(raw: str | None, today: dt.date | None = None) -> Period:
    """The period a text names (a week 2026-W48, a month 2026-11, a quarter 2026-Q4, a year 2026 or a
    range of days), refused with a message in the user's language when malformed, wider than five years,
    or starting after today. A period still running is read up to today."""
    period = parse_period(raw, max_years=MAX_YEARS)
    today = today or timezone.localdate()
    if period.first > today:
        raise ValidationError(
            _("The period has not begun yet: a briefing covers days up to today ({today}).").format(
                today=today.strftime("%d/%m/%Y")
            ),
            code="period",
        )
    return period


_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$|^(\d{1,2})/(\d{4})$")


def last_complete_month(today: dt.date | None = None) -> Period:
    """The month before today's: the rankings' month when none is given."""
    today = today or timezone.localdate()
    return month_period(today.replace(day=1) - dt.timedelta(days=1))


def ranking_month(raw: str | None, today: dt.date | None = None) -> Period:
    """The month a text names (2026-11, or 11/2026), refused with a message in the user's language when it is
    not a month, or has not ended yet: a ranking counts a month that is over."""
    text = (raw or "").strip()
    match = _MONTH.match(text)
    invalid = ValidationError(_("The month is not valid: write it as 2026-11."), code="month")
    if match is None:
        raise invalid
    year, month = (match[1], match[2]) if match[1] else (match[4], match[3])
    try:
        period = parse_period(f"{year}-{month}")
    except ValidationError as exc:
        raise invalid from exc
    latest = last_complete_month(today)
    if period.first > latest.first:
        raise ValidationError(
            _(
                "The month {month} has not ended yet: the rankings count months that are over, the latest "
                "being {latest}."
            ).format(month=period.first.strftime("%m/%Y"), latest=latest.first.strftime("%m/%Y")),
            code="month",
        )
    return period
