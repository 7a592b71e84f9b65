"""What every app's API reads the same way: input types that refuse what no database stores, query
dates, the query schema as the dict the shared filters read, and the writers' gate."""

import datetime as dt
from typing import Annotated

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Schema
from pydantic import AfterValidator
from pydantic_core import PydanticCustomError

# Ids within what the databases store (a larger number would overflow before any lookup): the same bound
# as the `<id:...>` path converter.
from core.converters import MAX_ID
from core.validators import LONG_TEXT, SUMMARY_TEXT, too_long_message

# Dates outside these years are typing mistakes; checking them before any date or time-zone arithmetic
# also keeps an absurd year (0001 or 9999) from overflowing, e.g. when re-supervision is scheduled.
MIN_YEAR, MAX_YEAR = 1990, 2100
MIN_DATE, MAX_DATE = dt.date(MIN_YEAR, 1, 1), dt.date(MAX_YEAR, 12, 31)


def clean_text(value: str) -> str:
    """Refuse what no database stores: NUL characters and lone surrogates."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError(_("The text contains invalid characters.")) from None
    if "\x00" in value:
        raise ValueError(_("The text contains invalid characters."))
    return value


def sane_date(value: dt.date) -> dt.date:
    if not MIN_DATE <= value <= MAX_DATE:
        raise ValueError(
            _("The date must be between {start} and {end}.").format(
                start=MIN_DATE.strftime("%d/%m/%Y"), end=MAX_DATE.strftime("%d/%m/%Y")
            )
        )
    return value


def _at_most(limit: int):
    def check(value: str) -> str:
        if len(value) > limit:
            # A custom error keeps the message as it is (a ValueError would read "Value error, …").
            raise PydanticCustomError(
                "too_long", "{message}", {"message": too_long_message(limit, len(value))}
            )
        return value

    return check


def long_text(limit: int):
    """A text of at most `limit` characters (core.validators), refused with the services' own words."""
    return Annotated[
        str,
        AfterValidator(clean_text),
        AfterValidator(_at_most(limit)),
        Field(json_schema_extra={"maxLength": limit}),
    ]


Text = Annotated[str, AfterValidator(clean_text)]
LongText = long_text(LONG_TEXT)
SummaryText = long_text(SUMMARY_TEXT)
Day = Annotated[dt.date, AfterValidator(sane_date)]
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
Code = Annotated[int, Field(ge=1, le=2**31 - 1)]


def query_date(raw: str | None, name: str) -> dt.date | None:
    """A query-parameter date, dd/mm/yyyy or yyyy-mm-dd within the sane years; anything else is a 422
    naming the parameter."""
    if not raw:
        return None
    for fmt in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            day = dt.datetime.strptime(raw.strip(), fmt).date()
        except ValueError:
            continue
        if MIN_DATE <= day <= MAX_DATE:
            return day
    raise ValidationError({name: _("The date must read dd/mm/yyyy or yyyy-mm-dd.")})


def query_filters(query: Schema) -> dict:
    """A query schema as the dict the shared filters read (booleans as "1", enums as their values)."""
    data = {}
    for key, value in query.dict().items():
        if value is None:
            continue
        if key in ("date_from", "date_to"):
            value = query_date(value, key)
        elif isinstance(value, bool):
            value = "1" if value else ""
        elif hasattr(value, "value"):
            value = value.value
        data[key] = value
    return data


def require_writer(user) -> None:
    """Viewers and role-less users never write: to them every write answers 404."""
    if not user.role or user.is_read_only:
        raise Http404
