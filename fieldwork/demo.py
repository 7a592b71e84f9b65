"""The demo's work calendars (`coso demo`): twelve months of every Standing Committee member's calendar up to
the load day and three weeks ahead, Tết included, written through the services.

Every leader has a Monday briefing series, a monthly day receiving citizens, a week of leave in summer, and
field visits on working days at a rate of their own, so that some meet the one-third target and some fall
short; meetings grow fewer in the last quarter. `lanhdao` is just under the target this quarter: whole
field-visit days make exactly 30-32 % of the quarter's working days up to the load day.

`load_calendars(context)` loads them once per demo load: the visits demo calls it before it adds its own
field visits, whichever step runs first.
"""

import datetime as dt
import math

from django.utils import timezone

from accounts.demo import DemoContext, register_step
from core.calendar import WorkingCalendar
from core.periods import current_quarter
from fieldwork.choices import EntryKind
from fieldwork.services.calendar import entries_create_many

# The share each leader's field visits aim at, in turn (lanhdao is set apart).
RATES = (0.50, 0.45, 0.30, 0.48, 0.26, 0.44, 0.36, 0.52)
PLACES = (
    "Phường Hoàn Kiếm",
    "Phường Ba Đình",
    "Xã Sóc Sơn",
    "Phường Long Biên",
    "Xã Ba Vì",
    "Phường Cửa Nam",
    "Xã Đông Anh",
    "Phường Hà Đông",
)
HCMC_PLACES = ("Phường Sài Gòn", "Phường Bến Thành", "Xã Củ Chi", "Phường Thủ Đức", "Xã Cần Giờ")
VISITS = (
    "Khảo sát tình hình thực hiện nhiệm vụ chính trị tại {place}",
    "Làm việc với Đảng ủy {place}",
    "Đối thoại với Nhân dân {place}",
    "Kiểm tra công tác trật tự đô thị tại {place}",
    "Thăm, nắm tình hình cơ sở {place}",
)
LOADED = "_fieldwork_calendars_loaded"


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=timezone.get_default_timezone())


def _months_back(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 - months
    return dt.date(index // 12, index % 12 + 1, 1)


def load_calendars(context: DemoContext) -> int:
    """Load the demo calendars once; the number of entries written (0 when already loaded)."""
    if getattr(context, LOADED, False):
        return 0
    setattr(context, LOADED, True)
    count = 0
    for code, members in context.standing_committee.items():
        committee = context.committees[code]
        calendar = WorkingCalendar.for_organization(committee)
        actor = next(
            (u for u in context.users.values() if u.organization_id == committee.pk and u.is_office), None
        )
        places = HCMC_PLACES if code == "hcmc" else PLACES
        for index, leader in enumerate(members):
            count += _Leader(context, committee, calendar, actor, leader, index, places).load()
    return count


class _Leader:
    def __init__(self, context, committee, calendar, actor, leader, index, places):
        self.context, self.committee, self.calendar = context, committee, calendar
        self.actor, self.leader, self.index, self.places = actor, leader, index, places
        self.rng = context.rng
        self.today = context.today
        self.first = _months_back(self.today, 12)
        self.last = self.today + dt.timedelta(days=21)
        self.is_lanhdao = leader.pk == getattr(context.people.get("lanhdao"), "pk", None)
        self.rate = RATES[index % len(RATES)]
        self.entries: list[dict] = []

    def add(self, kind, title, start, end, **kwargs) -> None:
        self.entries.append({"kind": kind, "title": title, "starts_at": start, "ends_at": end, **kwargs})

    def load(self) -> int:
        self.calendar.preload(self.first, self.last)
        monday = self.first + dt.timedelta(days=(7 - self.first.weekday()) % 7)
        weeks = (self.last - monday).days // 7 + 1
        self.add(
            EntryKind.MEETING,
            "Giao ban đầu tuần",
            _at(monday, 8),
            _at(monday, 10),
            chaired=self.index == 0,
            place="Trụ sở Thành ủy",
            recurrence=f"FREQ=WEEKLY;BYDAY=MO;COUNT={weeks}",
        )
        self.add(
            EntryKind.CITIZEN_RECEPTION,
            "Tiếp công dân định kỳ",
            _at(self.first.replace(day=15), 8),
            _at(self.first.replace(day=15), 11, 30),
            place="Trụ sở Tiếp công dân Thành phố",
            recurrence="FREQ=MONTHLY;BYMONTHDAY=15;COUNT=13",
        )
        leave_start = dt.date(self.first.year if self.first.month <= 7 else self.first.year + 1, 7, 13)
        leave_start += dt.timedelta(days=7 * (self.index % 4))
        if self.first <= leave_start <= self.today and not self.is_lanhdao:
            self.add(
                EntryKind.LEAVE,
                "Nghỉ phép năm",
                _at(leave_start, 0),
                _at(leave_start + dt.timedelta(days=5), 0),
                all_day=True,
            )
        quarter = current_quarter(self.today)
        days = self.calendar.working_days((self.first, self.last))
        lanhdao_days = self._lanhdao_days(quarter) if self.is_lanhdao else None
        for day in days:
            fixed = lanhdao_days is not None and quarter.first <= day <= self.today
            if fixed and day in lanhdao_days:
                self._visit(day, whole=True)
                continue
            if day.weekday() == 0 and self.rng.random() < 0.9:
                continue  # Monday: the briefing
            if not fixed and self.rng.random() < self.rate:
                self._visit(day, whole=day > self.today or self.rng.random() < 0.8)
            elif self.rng.random() < (0.18 if day >= quarter.first else 0.3):
                start = 14 if self.rng.random() < 0.6 else 9
                self.add(
                    EntryKind.MEETING,
                    self.rng.choice(("Họp Ban Thường vụ", "Họp bàn công tác", "Hội nghị chuyên đề")),
                    _at(day, start),
                    _at(day, start + 2),
                    chaired=self.rng.random() < 0.3,
                    place="Trụ sở Thành ủy",
                )
        self._tet()
        # A year of one leader's calendar, checked entry by entry, written at once (one audit event).
        return entries_create_many(
            actor=self.actor,
            organization=self.committee,
            leader=self.leader,
            entries=self.entries,
            calendar=self.calendar,
        )

    def _lanhdao_days(self, quarter) -> set[dt.date]:
        """Whole field days making 30-32 % of the quarter's working days so far, spread evenly."""
        so_far = [
            d for d in self.calendar.working_days((quarter.first, self.today)) if d.weekday() != 0 or True
        ]
        wanted = min(math.ceil(len(so_far) * 0.31), math.ceil(len(so_far) / 3) - 1)
        wanted = max(wanted, 0)
        if not wanted:
            return set()
        step = len(so_far) / wanted
        return {so_far[min(len(so_far) - 1, int(i * step))] for i in range(wanted)}

    def _visit(self, day: dt.date, *, whole: bool) -> None:
        place = self.rng.choice(self.places)
        title = self.rng.choice(VISITS).format(place=place)
        if whole:
            self.add(EntryKind.FIELD_VISIT, title, _at(day, 7, 30), _at(day, 17), place=place)
        else:
            self.add(EntryKind.FIELD_VISIT, title, _at(day, 13, 30), _at(day, 17), place=place)

    def _tet(self) -> None:
        """The lunar new year inside the twelve months: visiting families on the eve (a holiday)."""
        for year in (self.first.year, self.first.year + 1):
            for day, name in self.calendar_holidays(year):
                if "Giao thừa" in name and self.first <= day <= self.today:
                    self.add(
                        EntryKind.FIELD_VISIT,
                        "Thăm, chúc Tết gia đình chính sách, hộ nghèo",
                        _at(day, 8),
                        _at(day, 11),
                        place=self.places[0],
                    )

    def calendar_holidays(self, year: int):
        from core.calendar import national_holidays

        return national_holidays(year, "vi")


@register_step
def calendars(context: DemoContext) -> None:
    """Twelve months of work calendars for every demo leader."""
    load_calendars(context)


# --- visits and opinions
# (after the calendars' step: the visits' calendar entries land on calendars already laid out)
from fieldwork import demo_visits  # noqa: E402

register_step(demo_visits.load)
