"""The Party committee's term (nhiệm kỳ): five years from the congress. An issued report is numbered within
its kind and its term. The terms are laid out every five years from `COSO_TERM_START` (1 October 2025 by
default: the provincial congresses of 2025)."""

import datetime as dt

from django.conf import settings

TERM_YEARS = 5


def term_of(day: dt.date) -> str:
    """The term a day falls in, written "2025-2030"."""
    anchor = dt.date.fromisoformat(settings.COSO_TERM_START)
    years = day.year - anchor.year - ((day.month, day.day) < (anchor.month, anchor.day))
    start = anchor.year + TERM_YEARS * (years // TERM_YEARS)
    return f"{start}-{start + TERM_YEARS}"
