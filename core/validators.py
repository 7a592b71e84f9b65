"""Rules every app's writes check the same way: a day that has happened is not in the future, and a long
text has a limit. The forms, the API, the services and the imports read them from here, so that each
refuses the same input with the same words.

The limits (the fields that have each: docs/followup.md and docs/incidents.md):

- `LONG_TEXT`: a description, a directive's content, a progress report, a finding, a decision, a
  resolution, the evidence of a check; about two typed pages.
- `SUMMARY_TEXT`: a conclusion notice's summary, which may sum up a whole notice.
- `FOLD_AT`: pages show this many characters of a long text and fold the rest under "Xem thêm".
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.formats import number_format
from django.utils.translation import gettext as _

LONG_TEXT = 5_000
SUMMARY_TEXT = 10_000
FOLD_AT = 600


# --- days that have happened ---------------------------------------------------------------------------


def local_today() -> dt.date:
    """Today in the organisation's time zone (COSO_TIME_ZONE, Asia/Ho_Chi_Minh by default), not UTC's: at
    06:30 in Hanoi a UTC clock still reads the day before."""
    return timezone.localdate()


def future_day_message(today: dt.date | None = None) -> str:
    today = today or local_today()
    return _("The date cannot be in the future: today is {today}.").format(today=today.strftime("%d/%m/%Y"))


def not_in_future(value: dt.date | None) -> None:
    """A form field's validator: the day something happened (raised, checked…) is today at the latest."""
    if value is not None and value > local_today():
        raise ValidationError(future_day_message(), code="future")


def check_not_future(**days: dt.date | None) -> None:
    """The services' form of the same rule: each named day is today at the latest, else a ValidationError
    on that field."""
    today = local_today()
    errors = {
        name: future_day_message(today) for name, day in days.items() if day is not None and day > today
    }
    if errors:
        raise ValidationError(errors)


# --- long texts ------------------------------------------------------------------------------------------


def too_long_message(limit: int, length: int) -> str:
    return _("At most {limit} characters: this text has {length}.").format(
        limit=number_format(limit, force_grouping=True), length=number_format(length, force_grouping=True)
    )


def limit_hint(limit: int) -> str:
    """The form's hint under a long text field."""
    return _("At most {limit} characters.").format(limit=number_format(limit, force_grouping=True))


@deconstructible
class MaxChars:
    """A form field validator: at most `limit` characters, with the message the services give."""

    def __init__(self, limit: int):
        self.limit = limit

    def __call__(self, value) -> None:
        if value is not None and len(value) > self.limit:
            raise ValidationError(too_long_message(self.limit, len(value)), code="too_long")

    def __eq__(self, other):
        return isinstance(other, MaxChars) and other.limit == self.limit


def check_lengths(**fields: tuple[str | None, int]) -> None:
    """The services' check: each field as (text, limit); a text over its limit is a ValidationError on it."""
    errors = {
        name: too_long_message(limit, len(text))
        for name, (text, limit) in fields.items()
        if text is not None and len(text) > limit
    }
    if errors:
        raise ValidationError(errors)
