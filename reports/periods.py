"""The period a briefing covers: any period `core.periods` reads, at most five years, not in the future."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from core.periods import Period, parse_period

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
