"""Pages of the reports, under /reports/: the briefing to the Standing Committee."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from core.periods import Period, month_period
from core.toolkit import ScopedView
from reports import formats
from reports.periods import briefing_period
from reports.permissions import can_read_briefing
from reports.selectors.briefing import briefing


def last_month(today: dt.date | None = None) -> Period:
    """The month before today's: what a briefing covers when no period is given."""
    today = today or timezone.localdate()
    return month_period(today.replace(day=1) - dt.timedelta(days=1))


class BriefingPage(ScopedView):
    """The briefing for a period (`?period=`, last month by default), section by section, with its tables;
    a malformed, future or too wide period is said in words above an empty page."""

    permission = can_read_briefing
    nav = "reports_briefing"

    def get(self, request):
        raw = request.GET.get("period", "").strip()
        context = {**self.base_context(), "raw_period": raw, "period": None, "report": None}
        try:
            period = briefing_period(raw) if raw else last_month()
        except ValidationError as exc:
            context["period_error"] = exc.messages[0]
            return render(request, "reports/briefing.html", context, status=400)
        context["period"] = period
        context["report"] = briefing(user=request.user, period=period)
        context["documents"] = formats.DOCUMENTS
        return render(request, "reports/briefing.html", context)


class BriefingDownload(ScopedView):
    """The briefing for `?period=` as a document (`?format=docx`); a bad period or format is a 404 here, the
    page itself says what is wrong with a period."""

    permission = can_read_briefing

    def get(self, request):
        fmt = request.GET.get("format", "")
        if fmt not in formats.DOCUMENTS:
            raise Http404
        raw = request.GET.get("period", "").strip()
        try:
            period = briefing_period(raw) if raw else last_month()
        except ValidationError as exc:
            raise Http404 from exc
        report = formats.build(user=request.user, period=period, fmt=fmt)
        data = formats.render(report, fmt, **formats.options(fmt))
        return formats.download(request, report, fmt, data)
