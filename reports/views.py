"""Pages of the reports, under /reports/: the briefing to the Standing Committee."""

import datetime as dt
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.basemap import allow_basemap_get
from core.errors import ConflictError
from core.listing import paginate
from core.periods import Period, month_period
from core.toolkit import ScopedView
from fieldwork.choices import VisitStatus
from incidents.choices import Severity
from investment.choices import Rag
from reports import formats, services
from reports.periods import briefing_period
from reports.permissions import can_issue, can_read_briefing, can_see_map
from reports.selectors import city_map
from reports.selectors.briefing import briefing
from reports.selectors.issued import get_issued_for_user, issued_file, issued_list


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
        context["can_issue"] = can_issue(request.user)
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


class BriefingIssue(ScopedView):
    """POST: issue the briefing of `period` with the next number in the term, or the number given; a number
    already taken is said on the briefing's page and nothing is written."""

    permission = can_issue

    def post(self, request):
        raw = request.POST.get("period", "").strip()
        back = f"{reverse('reports:briefing')}?{urlencode({'period': raw})}"
        number_text = request.POST.get("number", "").strip()
        try:
            period = briefing_period(raw) if raw else last_month()
            number = int(number_text) if number_text else None
            if number is not None and not 1 <= number <= 99999:
                raise ValueError(number_text)
        except ValueError:
            messages.error(request, _("The number is a whole number from 1 to 99999."))
            return redirect(back)
        except ValidationError as exc:
            messages.error(request, exc.messages[0])
            return redirect(back)
        try:
            issued = services.issue_briefing(
                actor=request.user, period=period, number=number, deputy=request.POST.get("deputy") == "1"
            )
        except ConflictError as exc:
            messages.error(request, exc.message)
            return redirect(back)
        messages.success(request, _("Report No. {symbol} has been issued.").format(symbol=issued.symbol))
        return redirect("reports:issued")


class IssuedList(ScopedView):
    """The issued briefings, newest first, one page at a time, each with its files."""

    permission = can_read_briefing
    nav = "reports_issued"

    def get(self, request):
        page = paginate(request, issued_list(user=request.user))
        return render(
            request, "reports/issued_list.html", {**self.base_context(), "page": page, "qs_page": ""}
        )


class IssuedDownload(ScopedView):
    """A stored file of an issued briefing, exactly as it was issued."""

    permission = can_read_briefing

    def get(self, request, pk, fmt):
        record = get_issued_for_user(user=request.user, pk=pk)
        return formats.send(request, formats.issued_filename(record, fmt), fmt, issued_file(record, fmt))


# --- the city map


# Tabler's colour names for the legends; the script reads the colours back from the legend, so the dots,
# the clusters and the legend agree.
SEVERITY_COLOURS = {"urgent": "red", "complex": "orange", "normal": "azure"}
RAG_COLOURS = {"red": "red", "amber": "yellow", "green": "green", "none": "secondary"}
VISIT_COLOURS = {"carried_out": "teal", "planned": "purple"}


@allow_basemap_get
class CityMap(ScopedView):
    """The city map: the open incidents, the key projects' sites and the last 90 days' field visits, as
    layers with clustering over the shared basemap, each point read through its app's scoped selectors by
    the API (`/api/v1/reports/map/<layer>`), once the page has loaded."""

    permission = can_see_map
    nav = "city_map"

    def get(self, request):
        legends = {
            "incidents": [(value, label, SEVERITY_COLOURS[value]) for value, label in Severity.choices],
            "projects": [(value, label, RAG_COLOURS[value]) for value, label in Rag.choices],
            "visits": [(value, VisitStatus(value).label, colour) for value, colour in VISIT_COLOURS.items()],
        }
        context = {
            **self.base_context(),
            "legends": legends,
            "limit": city_map.POINT_LIMIT,
            "visit_days": city_map.VISIT_DAYS,
        }
        return render(request, "reports/city_map.html", context)
