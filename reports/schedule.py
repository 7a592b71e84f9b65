"""The briefing on a schedule: the draft of the last complete period, prepared for every organisation.

`COSO_BRIEFING_SCHEDULE` names the period (`week`, `month` or `quarter`; empty, the default: off). The run is
registered with the reminders (core.reminders), so the same cron line (`coso remind`, or `coso remind
--enqueue` for the tasks worker) that sends the reminders each morning prepares the drafts too. A run looks
for the last period that has ended (last week, last month, last quarter) and, for each organisation with an
office login, prepares its draft once (reports.services.prepare_draft): the next runs of the same period find
it and do nothing.
"""

import datetime as dt
import logging

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.selectors import first_office_user
from core.periods import Period, current_quarter, month_period, week_period
from org.selectors import committee_codes
from reports.models import BriefingDraft
from reports.selectors.briefing import BRIEFING

logger = logging.getLogger(__name__)

DRAFTS = "briefing_draft"
LABELS = {DRAFTS: _("Draft briefings prepared")}
EVERY = ("week", "month", "quarter")


def schedule() -> str:
    """The configured period of the schedule, or "" when it is off."""
    every = (getattr(settings, "COSO_BRIEFING_SCHEDULE", "") or "").strip().lower()
    if every and every not in EVERY:
        raise ImproperlyConfigured("COSO_BRIEFING_SCHEDULE: week, month, quarter or empty")
    return every


def last_complete_period(every: str, today: dt.date) -> Period:
    """The last week (Monday to Sunday), month or quarter that ended before `today`."""
    if every == "week":
        return week_period(today).previous()
    if every == "month":
        return month_period(today).previous()
    if every == "quarter":
        return current_quarter(today).previous()
    raise ValueError(every)


def prepare_scheduled_drafts(*, today: dt.date | None = None) -> dict[str, int]:
    """Prepare the draft of the last complete period for each organisation that has none yet; how many were
    made. One organisation's failure is logged and the others go on (as do the reminders that share the
    run)."""
    from reports.services import prepare_draft

    counts = {DRAFTS: 0}
    every = schedule()
    if not every:
        return counts
    period = last_complete_period(every, today or timezone.localdate())
    done = set(
        BriefingDraft.objects.filter(kind=BRIEFING, period_code=period.code).values_list(
            "organization__code", flat=True
        )
    )
    for code in committee_codes():
        if code in done:
            continue
        reader = first_office_user(code)
        if reader is None:
            continue
        try:
            if prepare_draft(reader=reader, period=period) is not None:
                counts[DRAFTS] += 1
        except Exception:
            logger.exception("The scheduled draft of %s for %s failed", period.code, code)
    return counts
