"""Pages of the reports, under /reports/: the briefing to the Standing Committee and the monthly rankings."""

import datetime as dt
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.cache import add_never_cache_headers, patch_vary_headers
from django.utils.translation import gettext as _

from core.basemap import allow_basemap_get
from core.errors import ConflictError
from core.import_views import keep_session_unsaved
from core.listing import paginate, query_string_without
from core.periods import Period, month_period
from core.replica import reads_from_replica
from core.toolkit import ScopedView
from core.web import xlsx_export
from fieldwork.choices import VisitStatus
from incidents.choices import Severity
from investment.choices import Rag
from org.selectors import committee_or_404
from reports import exports, formats, services
from reports.content import NUMERIC, display
from reports.exports import ranking_workbook
from reports.periods import briefing_period, last_complete_month, ranking_month
from reports.permissions import can_issue, can_read_briefing, can_read_leaders, can_read_rankings, can_see_map
from reports.selectors import city_map, rankings
from reports.selectors.briefing import briefing
from reports.selectors.issued import (
    draft_file,
    draft_list,
    get_draft_for_user,
    get_issued_for_user,
    issued_file,
    issued_list,
)
from reports.selectors.jobs import get_issue_job_for_user, issue_state
from reports.selectors.leaders import MARK_WORDS, MARKS, current_sort, leader_table


def last_month(today: dt.date | None = None) -> Period:
    """The month before today's: what a briefing covers when no period is given."""
    return last_complete_month(today)


def this_month(today: dt.date | None = None) -> Period:
    """The current month: what the leaders' table covers when no period is given."""
    return month_period(today or timezone.localdate())


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
    """POST: start issuing the briefing of `period` (a task) with the next number in the term, or the number
    given, and go to the job's page; a number already taken is said on the briefing's page and nothing is
    written."""

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
            job = services.issue_start(
                actor=request.user,
                period=period,
                number=number,
                deputy=request.POST.get("deputy") == "1",
                language=translation.get_language(),
            )
        except ConflictError as exc:
            messages.error(request, exc.message)
            return redirect(back)
        return redirect(job.get_absolute_url())


class IssueJobPage(ScopedView):
    """An issuing under way, to the person who asked for it (anyone else: 404): a progress bar that htmx
    refreshes every second, then the issued report with its files, or why nothing was issued."""

    permission = can_read_briefing
    nav = "reports_issued"
    template_name = "reports/issue_job.html"
    partial_name = "reports/_issue_job.html"

    def get(self, request, pk):
        job = get_issue_job_for_user(user=request.user, pk=pk)
        keep_session_unsaved(request)
        context = {
            **self.base_context(),
            "job": job,
            "state": issue_state(job),
            "back": f"{reverse('reports:briefing')}?{urlencode({'period': job.period_code})}",
        }
        template = self.partial_name if request.headers.get("HX-Request") else self.template_name
        response = render(request, template, context)
        add_never_cache_headers(response)  # a poll must reach the server, not a cache
        patch_vary_headers(response, ["HX-Request"])
        return response


DRAFTS_PER_PAGE = 5  # the drafts above the issued reports: a week's schedule makes one a week


class IssuedList(ScopedView):
    """The issued briefings, newest first, one page at a time, each with its files; above them, the drafts
    the schedule prepared (the latest period first, paginated on their own, `?drafts=`)."""

    permission = can_read_briefing
    nav = "reports_issued"

    def get(self, request):
        page = paginate(request, issued_list(user=request.user))
        drafts = Paginator(draft_list(user=request.user), DRAFTS_PER_PAGE).get_page(request.GET.get("drafts"))
        context = {
            **self.base_context(),
            "page": page,
            "qs_page": query_string_without(request, "page"),
            "drafts": drafts,
            "qs_drafts": query_string_without(request, "drafts"),
        }
        return render(request, "reports/issued_list.html", context)


class IssuedDownload(ScopedView):
    """A stored file of an issued briefing, exactly as it was issued."""

    permission = can_read_briefing

    def get(self, request, pk, fmt):
        record = get_issued_for_user(user=request.user, pk=pk)
        return formats.send(request, formats.issued_filename(record, fmt), fmt, issued_file(record, fmt))


class DraftDownload(ScopedView):
    """A stored file of a draft the schedule prepared."""

    permission = can_read_briefing

    def get(self, request, pk, fmt):
        draft = get_draft_for_user(user=request.user, pk=pk)
        return formats.send(request, formats.draft_filename(draft, fmt), fmt, draft_file(draft, fmt))


# --- the table of every leader ------------------------------------------------------------------------


class LeadersPage(ScopedView):
    """Every leader of the organisation over a period (`?period=`, this month by default): incidents, overdue
    directives, field-time share and meetings, the groups' disbursement, each figure a link to its list;
    sortable (`?sort=`), one page of rows at a time. A bad period is said above an empty table (400)."""

    permission = can_read_leaders
    nav = "reports_leaders"

    @reads_from_replica
    def get(self, request):
        raw = request.GET.get("period", "").strip()
        sort = current_sort(request.GET.get("sort", ""))
        context = {
            **self.base_context(),
            "raw_period": raw,
            "period": None,
            "table": None,
            "sort": sort,
            "marks": MARKS,
            "qs_sort": query_string_without(request, "page", "sort"),
            "qs_page": query_string_without(request, "page"),
        }
        try:
            period = briefing_period(raw) if raw else this_month()
        except ValidationError as exc:
            context["period_error"] = exc.messages[0]
            return render(request, "reports/leaders.html", context, status=400)
        table = leader_table(user=request.user, period=period, sort=sort)
        context.update(period=period, table=table, page=paginate(request, table.rows))
        return render(request, "reports/leaders.html", context)


class LeadersExport(ScopedView):
    """The table of every leader for `?period=` (sorted as the page), as a workbook in Vietnamese; a bad
    period is a 404 here, the page says what is wrong with it."""

    permission = can_read_leaders

    @reads_from_replica
    def get(self, request):
        raw = request.GET.get("period", "").strip()
        try:
            period = briefing_period(raw) if raw else this_month()
        except ValidationError as exc:
            raise Http404 from exc
        table = leader_table(user=request.user, period=period, sort=request.GET.get("sort", ""))
        return xlsx_export(request, exports.leaders_workbook(table), f"bang-theo-doi-lanh-dao-{period.code}")


# The leaders most behind that the home panel names.
PANEL_ROWS = 5


def leaders_panel_context(request) -> dict:
    """The home panel: this month's leaders most behind (the table's first rows) and the way to the table."""
    table = leader_table(user=request.user, period=this_month())
    return {"leaders_panel": table, "leaders_first": table.rows[:PANEL_ROWS], "leaders_marks": MARK_WORDS}


# --- the monthly rankings -------------------------------------------------------------------------------


def _ranking_request(request) -> tuple[str, str]:
    """The ranking asked for (`?kind=`, the incidents by default) and the month as written (`?month=`)."""
    kind = request.GET.get("kind", "") or rankings.INCIDENTS
    return kind, request.GET.get("month", "").strip()


class RankingsPage(ScopedView):
    """The month's rankings (`?month=2026-11`, the last month that is over by default), one tab each: units by
    the on-time rate of incidents and of directives, investors by disbursement rate; the chart first, the
    table beneath, one page of it at a time. A month that is not one, or not over, is said in words (400)."""

    permission = can_read_rankings
    nav = "reports_rankings"

    @reads_from_replica
    def get(self, request):
        kind, raw = _ranking_request(request)
        if kind not in rankings.KINDS:
            raise Http404
        context = {
            **self.base_context(),
            "kind": kind,
            "kinds": list(rankings.KINDS.items()),
            "raw_month": raw,
            "latest": last_complete_month(),
            "ranking": None,
        }
        try:
            period = ranking_month(raw) if raw else last_complete_month()
        except ValidationError as exc:
            context["month_error"] = exc.messages[0]
            return render(request, "reports/rankings.html", context, status=400)
        result = rankings.ranking(user=request.user, kind=kind, period=period)
        page = paginate(request, result.rows, per_page=RANKING_PAGE_SIZE)
        for row in page.object_list:
            row["cells"] = [
                {"key": c.key, "text": display(row.get(c.key), c.kind), "numeric": c.kind in NUMERIC}
                for c in result.columns
            ]
        context.update(
            period=period,
            month=f"{period.first:%Y-%m}",
            ranking=result,
            page=page,
            qs_page=query_string_without(request, "page"),
            chart_bars=rankings.CHART_BARS,
            chart_half=rankings.CHART_BARS // 2,
            rag_colours=rankings.RAG_COLOURS,
            rag_labels=dict(Rag.choices),
        )
        return render(request, "reports/rankings.html", context)


# Rows of a ranking on a page: the chart draws them all (up to rankings.CHART_BARS).
RANKING_PAGE_SIZE = 50


class RankingExport(ScopedView):
    """A ranking as an Excel workbook in Vietnamese (the rank, the name, the counts and the rate), audited as
    an export; a bad month or kind is a 404 here, the page says what is wrong with a month."""

    permission = can_read_rankings

    @reads_from_replica
    def get(self, request):
        kind, raw = _ranking_request(request)
        if kind not in rankings.KINDS:
            raise Http404
        try:
            period = ranking_month(raw) if raw else last_complete_month()
        except ValidationError as exc:
            raise Http404 from exc
        with translation.override("vi"):
            result = rankings.ranking(user=request.user, kind=kind, period=period)
            data = ranking_workbook(result, organisation=committee_or_404(request.user).name)
        return xlsx_export(request, data, f"xep-hang-{kind}-{period.first:%Y-%m}")


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
