"""The table of every leader (bảng theo dõi lãnh đạo): for the Secretary, the Standing Board and the office,
one row per leader of the organisation with their incidents, their overdue directives, their field-time share
and meetings, and the disbursement of the working groups they lead; each figure with the address of the list
behind it, filtered to that leader and period.

Every figure comes from the other apps' selectors as grouped SQL aggregates (one per app, whatever the number
of incidents, directives, calendar entries or projects); only the rows, one per leader, are assembled here.
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.periods import Period
from fieldwork.selectors import calendar as fieldwork
from followup import selectors as followup
from followup.choices import StatusBucket
from incidents import selectors as incidents
from investment import selectors as investment
from org.selectors import person_list
from reports.selectors.briefing import figures_at

# The cells a row can be behind in, in the order the table shows them.
INCIDENTS_ON_TIME = "on_time_rate"
INCIDENTS_OVERDUE = "incidents_overdue"
DIRECTIVES_OVERDUE = "directives_overdue"
SHARE = "share"
MEETINGS = "meetings"
DISBURSEMENT = "disbursement"
MARKS = (INCIDENTS_ON_TIME, INCIDENTS_OVERDUE, DIRECTIVES_OVERDUE, SHARE, MEETINGS, DISBURSEMENT)
# What each mark says, in the page's legend, the home panel and the workbook.
MARK_WORDS = {
    INCIDENTS_ON_TIME: _("on-time rate under the organisation's"),
    INCIDENTS_OVERDUE: _("incidents overdue"),
    DIRECTIVES_OVERDUE: _("directives overdue"),
    SHARE: _("field-time share under the target"),
    MEETINGS: _("meeting hours over the reduction target"),
    DISBURSEMENT: _("a group under the disbursement floor"),
}


@dataclass
class GroupRate:
    """A working group the leader leads, its disbursement rate and the floor at `at`, and its page."""

    group: object  # investment.WorkingGroup
    rate: Decimal | None
    target: Decimal | None
    url: str

    @property
    def behind(self) -> bool:
        return self.rate is not None and self.target is not None and self.rate < self.target


@dataclass
class LeaderRow:
    leader: object  # org.Person
    reported: int = 0  # incidents reported in the period and routed to the leader
    resolved: int = 0  # of which resolved
    on_time: int = 0  # of which resolved by the deadline
    open: int = 0  # of all their incidents, open now
    overdue: int = 0  # of which overdue now
    directives_overdue: int = 0  # directives they issued, overdue and not done today
    share: object = None  # fieldwork Share over the period
    meetings: object = None  # fieldwork MeetingRow over the period
    meeting_reduction: int = 0  # the organisation's reduction target, in %
    groups: list[GroupRate] = field(default_factory=list)
    links: dict[str, str] = field(default_factory=dict)
    behind: list[str] = field(default_factory=list)  # the MARKS the row is behind in

    @property
    def on_time_rate(self) -> float | None:
        return round(100 * self.on_time / self.resolved, 1) if self.resolved else None

    @property
    def share_percent(self) -> float | None:
        return self.share.share_percent if self.share is not None else None

    @property
    def meeting_count(self) -> int:
        return self.meetings.count if self.meetings is not None else 0

    @property
    def meeting_hours(self) -> float:
        return self.meetings.hours if self.meetings is not None else 0.0

    @property
    def meeting_limit_minutes(self) -> int | None:
        """At most this many meeting minutes against the previous period's (None when it had none)."""
        if self.meetings is None or not self.meetings.previous_minutes:
            return None
        return self.meetings.previous_minutes * (100 - self.meeting_reduction) // 100

    @property
    def lowest_rate(self) -> Decimal | None:
        rates = [g.rate for g in self.groups if g.rate is not None]
        return min(rates) if rates else None

    def is_behind(self, mark: str) -> bool:
        return mark in self.behind


@dataclass
class LeaderTable:
    period: Period
    at: dt.date  # the day the figures of the groups stand at: the period's last day, or today
    rows: list[LeaderRow]
    on_time_rate: float | None  # the organisation's, over the incidents reported in the period
    share_target: float | None  # in %
    meeting_reduction: int  # in %


def _day(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


def _url(name: str, args=(), **query) -> str:
    return f"{reverse(name, args=args)}?{urlencode(query)}"


class _Links:
    """The lists behind a row's cells, filtered to the leader (and the period where the cell is of it). The
    addresses are resolved once for the table; a row only puts its leader's id in (80 rows of nine links
    each cost more in `reverse` and `urlencode` than every query of the table)."""

    def __init__(self, period: Period):
        incidents_list = reverse("incidents:list")
        days = urlencode({"reported_from": _day(period.first), "reported_to": _day(period.last)})
        self.reported = f"{incidents_list}?{days}&leader="
        self.incidents = f"{incidents_list}?leader="
        self.directives = f"{reverse('followup:directive_list')}?bucket={StatusBucket.OVERDUE}&leader="
        self.share = f"{reverse('fieldwork:share')}?{urlencode({'period': period.code})}&leader="

    def of(self, leader_id: int) -> dict[str, str]:
        reported, share = f"{self.reported}{leader_id}", f"{self.share}{leader_id}"
        return {
            "reported": reported,
            "resolved": f"{reported}&resolved=1",
            "on_time": f"{reported}&on_time=1",
            "open": f"{self.incidents}{leader_id}&open=1",
            "overdue": f"{self.incidents}{leader_id}&overdue=1",
            "directives_overdue": f"{self.directives}{leader_id}",
            "share": share,
            "meetings": share,
        }


def _mark(row: LeaderRow, on_time_rate: float | None) -> None:
    """Which cells are behind: the on-time rate under the organisation's, any incident or directive overdue,
    the share under the target, more meeting hours than the reduction target allows against the previous
    period, a group under the disbursement floor."""
    if row.on_time_rate is not None and on_time_rate is not None and row.on_time_rate < on_time_rate:
        row.behind.append(INCIDENTS_ON_TIME)
    if row.overdue:
        row.behind.append(INCIDENTS_OVERDUE)
    if row.directives_overdue:
        row.behind.append(DIRECTIVES_OVERDUE)
    if row.share is not None and row.share.share is not None and not row.share.meets_target:
        row.behind.append(SHARE)
    limit = row.meeting_limit_minutes
    if limit is not None and row.meetings.minutes > limit:
        row.behind.append(MEETINGS)
    if any(g.behind for g in row.groups):
        row.behind.append(DISBURSEMENT)


def leader_table(*, user, period: Period, sort: str = "", today: dt.date | None = None) -> LeaderTable:
    """Every leader's row over `period` (the office and the Standing Board of the user's organisation),
    sorted by `sort` (SORTS; the most behind first by default)."""
    today = today or timezone.localdate()
    at = figures_at(period, today)
    since = timezone.make_aware(dt.datetime.combine(period.first, dt.time.min))
    until = timezone.make_aware(dt.datetime.combine(period.last + dt.timedelta(days=1), dt.time.min))
    by_incidents = incidents.leader_figures(user=user, since=since, until=until, now=timezone.now())
    by_directives = followup.overdue_by_issuer(user=user, today=today)
    shares = fieldwork.share_table(user=user, period=period, today=today, sort="name")
    shares = {s.leader.pk: s for s in shares}
    meetings = fieldwork.meetings(user=user, period=period)
    held = {m.leader.pk: m for m in meetings.rows}
    led = investment.groups_led(user=user, at=at, year=at.year)

    leaders = person_list(user=user, leaders_only=True)
    # Whoever has incidents, directives or a group without being on a body or holding an assignment (the
    # organisation's default leader, say) has a row too: nothing routed to a person is left out.
    named = {pk for pk in (*by_incidents, *by_directives, *led) if pk is not None}
    people = {p.pk: p for p in leaders}
    missing = named - set(people)
    if missing:
        people.update({p.pk: p for p in person_list(user=user).filter(pk__in=missing)})

    resolved = sum(f["resolved"] for f in by_incidents.values())
    on_time = sum(f["on_time"] for f in by_incidents.values())
    org_rate = round(100 * on_time / resolved, 1) if resolved else None
    links = _Links(period)
    rows = []
    for pk, person in people.items():
        figures = by_incidents.get(pk, {})
        row = LeaderRow(
            leader=person,
            reported=figures.get("total", 0),
            resolved=figures.get("resolved", 0),
            on_time=figures.get("on_time", 0),
            open=figures.get("open", 0),
            overdue=figures.get("overdue", 0),
            directives_overdue=by_directives.get(pk, 0),
            share=shares.get(pk),
            meetings=held.get(pk),
            meeting_reduction=meetings.reduction_percent,
            groups=[
                GroupRate(
                    group=group,
                    rate=f.rate,
                    target=f.target,
                    url=_url("investment:group_detail", args=[group.pk], at=_day(at)),
                )
                for group, f in led.get(pk, [])
            ],
            links=links.of(pk),
        )
        _mark(row, org_rate)
        rows.append(row)
    target = next(iter(shares.values())).target_percent if shares else None
    return LeaderTable(
        period=period,
        at=at,
        rows=sort_rows(rows, sort),
        on_time_rate=org_rate,
        share_target=target,
        meeting_reduction=meetings.reduction_percent,
    )


def _name(row: LeaderRow):
    return (row.leader.sort_key, row.leader.pk)


# The sorts of the table: ?sort=key runs from the lowest, ?sort=-key from the highest; a cell without a
# figure (no incident resolved, no group) goes last either way.
SORTS = {
    "behind": lambda r: (len(r.behind), r.overdue + r.directives_overdue),
    "name": None,
    "reported": lambda r: r.reported,
    "on_time_rate": lambda r: r.on_time_rate,
    "open": lambda r: r.open,
    "overdue": lambda r: r.overdue,
    "directives": lambda r: r.directives_overdue,
    "share": lambda r: r.share_percent,
    "meetings": lambda r: r.meeting_hours,
    "disbursement": lambda r: r.lowest_rate,
}
DEFAULT_SORT = "-behind"


def sort_rows(rows: list[LeaderRow], sort: str) -> list[LeaderRow]:
    """The rows by `sort` (an unknown one: the most behind first), then by name."""
    key = sort.lstrip("-")
    if key not in SORTS:
        sort, key = DEFAULT_SORT, DEFAULT_SORT.lstrip("-")
    by_name = sorted(rows, key=_name)
    if SORTS[key] is None:
        return by_name[::-1] if sort.startswith("-") else by_name
    value = SORTS[key]
    present = [r for r in by_name if value(r) is not None]
    absent = [r for r in by_name if value(r) is None]
    return sorted(present, key=value, reverse=sort.startswith("-")) + absent


def current_sort(sort: str) -> str:
    return sort if sort.lstrip("-") in SORTS else DEFAULT_SORT
