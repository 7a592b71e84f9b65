"""Writes of the reports: issuing a briefing (its number in the term, its files stored for good)."""

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from core import audit
from core.errors import ConflictError
from core.models import AuditAction
from core.periods import Period
from reports import formats
from reports.models import IssuedReport
from reports.permissions import can_issue
from reports.selectors.briefing import BRIEFING
from reports.terms import term_of


def _taken(symbol: str) -> ConflictError:
    return ConflictError(
        _(
            "Number {symbol} is already taken in this term; nothing was overwritten. Leave the number out "
            "to take the next one."
        ).format(symbol=symbol)
    )


def next_number(*, organization_id: int, kind: str, term: str) -> int:
    found = IssuedReport.objects.filter(organization_id=organization_id, kind=kind, term=term).aggregate(
        n=Max("number")
    )
    return (found["n"] or 0) + 1


def issue_briefing(
    *,
    actor,
    period: Period,
    number: int | None = None,
    deputy: bool = False,
    signer: str = "",
    today: dt.date | None = None,
) -> IssuedReport:
    """Issue the briefing of `period`: the next number of its kind in the term (or `number`, refused with a
    conflict when taken), its DOCX, XLSX, PDF and JSON produced once and stored as they are, who issued it
    and when, on the audit trail. The files are produced before the row is written; a number taken in the
    meantime by someone else is a conflict too, and nothing is written."""
    if not can_issue(actor):
        raise Http404
    issued_on = today or timezone.localdate()
    term = term_of(issued_on)
    org_id = actor.organization_id
    report = formats.build(user=actor, period=period, fmt="docx")
    symbol_of = f"{{number}}-BC/{report.organisation.symbol}"
    if number is None:
        number = next_number(organization_id=org_id, kind=BRIEFING, term=term)
    elif IssuedReport.objects.filter(
        organization_id=org_id, kind=BRIEFING, term=term, number=number
    ).exists():
        raise _taken(symbol_of.format(number=number))
    symbol = symbol_of.format(number=number)
    options = formats.options("docx", deputy=deputy, signer=signer)
    files = {
        fmt: formats.render(report, fmt, number=str(number), issued_on=issued_on, **options)
        for fmt in ("docx", "pdf")
    }
    files["xlsx"] = formats.render(report, "xlsx")
    try:
        with transaction.atomic():
            issued = IssuedReport.objects.create(
                organization_id=org_id,
                kind=BRIEFING,
                term=term,
                number=number,
                symbol=symbol,
                period_code=period.code,
                first_day=period.first,
                last_day=period.last,
                title=report.title[:300],
                issued_on=issued_on,
                issued_at=timezone.now(),
                issued_by=actor,
                content=formats.json_of(report),
                **files,
            )
            audit.record(
                actor=actor,
                action=AuditAction.CREATE,
                instance=issued,
                kind="report.issued",
                params={"symbol": symbol, "period": period.code, "term": term},
            )
    except IntegrityError as exc:
        raise _taken(symbol) from exc
    return issued
