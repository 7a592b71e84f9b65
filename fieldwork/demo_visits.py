"""Demo field visits (`coso demo`): the last twelve months of visits of the demo leaders in both cities, with
the opinions heard from several sides and the directives given on them.

`lanhdao` carried out visits to Phường Hoàn Kiếm (one heard only citizens: the office's one-side list shows
it) and has one planned there next week, whose briefing is ready; the other leaders visit the wards their
assignments or their units name. Everything goes through the services, as real data would.
"""

import datetime as dt
import random

from django.utils import timezone

from accounts.demo import DemoContext
from core.calendar import default_deadline
from fieldwork.choices import EntryKind, OpinionKind, SpeakerKind
from fieldwork.models import CalendarEntry
from fieldwork.services import calendar as calendar_services
from fieldwork.services import visits as services
from org.models import AdministrativeUnit, Assignment

CITY_OFFICE = {"hanoi": "vanphong", "hcmc": "vanphonghcm"}
LEADS = {"hanoi": ("lanhdao", "bithu"), "hcmc": ("totruong",)}
PURPOSES = (
    "Kiểm tra tiến độ giải phóng mặt bằng và tái định cư",
    "Làm việc với Đảng ủy phường về công tác xây dựng Đảng",
    "Khảo sát điểm ngập úng và công trình thoát nước",
    "Nắm tình hình đời sống nhân dân, an sinh xã hội",
    "Kiểm tra công tác bảo đảm trật tự đô thị, lòng đường, vỉa hè",
    "Đối thoại với doanh nghiệp và hộ kinh doanh trên địa bàn",
)
FINDINGS = (
    "Tình hình chính trị, trật tự an toàn xã hội ổn định; một số việc tồn đọng kéo dài cần tập trung "
    "giải quyết.",
    "Công tác giải phóng mặt bằng còn chậm so với kế hoạch; người dân đồng thuận cao khi phương án "
    "được công khai.",
    "Hạ tầng thoát nước xuống cấp, cần bố trí vốn cải tạo trong năm.",
)
# (speaker, kind, content, speaker's name)
OPINIONS = (
    (
        SpeakerKind.CITIZEN,
        OpinionKind.COMPLAINT,
        "Ngõ 12 thường xuyên ngập sau mưa lớn, đề nghị sớm cải tạo cống.",
        "Bà Nguyễn Thị Hoa",
    ),
    (
        SpeakerKind.CITIZEN,
        OpinionKind.PROPOSAL,
        "Đề nghị công khai phương án bồi thường, hỗ trợ tái định cư.",
        "Ông Trần Văn Đức",
    ),
    (
        SpeakerKind.PARTY_MEMBER,
        OpinionKind.PROPOSAL,
        "Chi bộ đề xuất đổi mới nội dung sinh hoạt, gắn với việc cụ thể của khu dân cư.",
        "",
    ),
    (
        SpeakerKind.CADRE,
        OpinionKind.INFORMATION,
        "Phường đã rà soát 42 hộ bị ảnh hưởng, 35 hộ đã nhận tiền bồi thường.",
        "Chủ tịch UBND phường",
    ),
    (
        SpeakerKind.BUSINESS,
        OpinionKind.COMPLAINT,
        "Thủ tục cấp phép sửa chữa nhà kéo dài quá thời hạn quy định.",
        "Công ty TNHH Hồng Hà",
    ),
    (
        SpeakerKind.MASS_ORGANISATION,
        OpinionKind.PRAISE,
        "Hội Cựu chiến binh ghi nhận việc tiếp dân định kỳ của phường được duy trì tốt.",
        "",
    ),
    (
        SpeakerKind.CITIZEN,
        OpinionKind.PRAISE,
        "Vỉa hè phố Đinh Tiên Hoàng thông thoáng hơn nhiều sau đợt ra quân.",
        "Ông Lê Minh Tuấn",
    ),
)
TOPIC_OF = {
    0: "Môi trường",
    1: "Đất đai",
    2: "Công tác cán bộ",
    3: "Đất đai",
    4: "Trật tự đô thị",
    5: "An sinh xã hội",
    6: "Trật tự đô thị",
}
DIRECTIVES = (
    "Giao UBND phường phối hợp Sở Xây dựng khảo sát, cải tạo hệ thống thoát nước ngõ 12 trước mùa mưa.",
    "Giao Đảng ủy phường công khai phương án bồi thường, tổ chức đối thoại với các hộ còn băn khoăn.",
)


def _moment(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def _wards(person, city_root) -> list:
    ids = list(
        Assignment.objects.filter(leader=person, locality__isnull=False, archived_at__isnull=True)
        .order_by("locality__code")
        .values_list("locality_id", flat=True)[:4]
    )
    wards = list(AdministrativeUnit.objects.filter(pk__in=ids, level=2).order_by("code"))
    if not wards:
        wards = list(AdministrativeUnit.objects.filter(parent=city_root).order_by("code")[:3])
    return wards


class _Loader:
    def __init__(self, context: DemoContext, city: str):
        self.context, self.city = context, city
        self.committee = context.committees[city]
        self.office = context.users[CITY_OFFICE[city]]
        self.today = context.today
        self.rng = random.Random(f"fieldwork-visits-{city}")  # noqa: S311 (demo data, seeded)
        self.topics = {name: field for (code, name), field in context.fields.items() if code == city}

    def leaders(self) -> list:
        named = [self.context.people[login] for login in LEADS[self.city] if login in self.context.people]
        others = [p for p in self.context.standing_committee.get(self.city, []) if p not in named]
        return named + others[:3]

    def _trip(self, leader, day):
        """The calendar's own field trip of the leader on `day` or the nearest day before it (within a week):
        a carried-out visit is that trip, so the visit takes its place and its hours, and the calendar's
        entry is archived. The shares the calendars were built to show stay as they were."""
        first = _moment(day - dt.timedelta(days=6), 0)
        return (
            CalendarEntry.objects.filter(
                leader=leader,
                kind=EntryKind.FIELD_VISIT,
                visit__isnull=True,
                archived_at__isnull=True,
                recurrence="",
                starts_at__gte=first,
                starts_at__lt=_moment(day + dt.timedelta(days=1), 0),
            )
            .order_by("-starts_at")
            .first()
        )

    def visit(self, leader, day, wards, agencies, *, opinions=(), directives=0, carried_out=True, hour=8):
        starts_at, ends_at = _moment(day, hour), _moment(day, hour + 3)
        trip = self._trip(leader, day) if carried_out else None
        if trip is not None:
            calendar_services.entry_archive(actor=self.office, entry=trip, version=trip.version)
            starts_at, ends_at = trip.starts_at, trip.ends_at
            day = timezone.localtime(starts_at).date()
        visit = services.visit_create(
            actor=self.office,
            organization=self.committee,
            leader=leader,
            purpose=self.rng.choice(PURPOSES),
            starts_at=starts_at,
            ends_at=ends_at,
            localities=wards,
            agencies=agencies,
            agenda="1. Nghe báo cáo tình hình.\n2. Đi thực địa.\n3. Gặp gỡ, lắng nghe ý kiến.",
        )
        if not carried_out:
            return visit
        for index in opinions:
            speaker, kind, content, name = OPINIONS[index]
            services.opinion_add(
                actor=self.office,
                visit=visit,
                speaker_kind=speaker,
                kind=kind,
                content=content,
                speaker_name=name,
                topic=self.topics.get(TOPIC_OF[index]),
                locality=wards[0] if wards else None,
            )
        visit.refresh_from_db()
        visit = services.visit_carry_out(
            actor=self.office,
            visit=visit,
            version=visit.version,
            findings=self.rng.choice(FINDINGS),
            results="Đã kết luận, giao việc cho các đơn vị liên quan.",
        )
        lead = agencies[0] if agencies else None
        for text in DIRECTIVES[:directives]:
            if lead is None:
                break
            services.visit_issue_directive(
                actor=self.office,
                visit=visit,
                content=text,
                lead_unit=lead,
                deadline=default_deadline(self.committee, 30, start=day),
            )
        return visit

    def load(self) -> None:
        root = self.committee.root_unit
        ward_units = {
            a.locality_id: a
            for (code, _c), a in self.context.agencies.items()
            if code == self.city and a.locality_id
        }
        for number, leader in enumerate(self.leaders()):
            wards = _wards(leader, root)
            for month in range(0, 12, 2 if number else 1):
                day = self.today - dt.timedelta(days=20 + 30 * month + self.rng.randint(0, 6))
                while day.weekday() >= 5:
                    day -= dt.timedelta(days=1)
                ward = wards[month % len(wards)]
                unit = ward_units.get(ward.pk)
                count = self.rng.randint(2, 4)
                picks = self.rng.sample(range(len(OPINIONS)), count)
                self.visit(
                    leader,
                    day,
                    [ward],
                    [unit] if unit else [],
                    opinions=picks,
                    directives=1 if month % 3 == 0 else 0,
                )

    def load_lanhdao(self) -> None:
        """`lanhdao`'s visits to Phường Hoàn Kiếm: one heard many sides and gave two directives, one heard
        only citizens, and one is planned next week."""
        unit = self.context.agencies.get(("hanoi", "DU-HK"))
        if unit is None or unit.locality is None or "lanhdao" not in self.context.people:
            return
        leader, ward = self.context.people["lanhdao"], unit.locality
        day = self.today - dt.timedelta(days=9)
        while day.weekday() >= 5:
            day -= dt.timedelta(days=1)
        self.visit(leader, day, [ward], [unit], opinions=(0, 2, 3, 4, 5), directives=2, hour=14)
        self.visit(leader, day - dt.timedelta(days=35), [ward], [unit], opinions=(0, 1, 6))
        planned = self.today + dt.timedelta(days=7)
        while planned.weekday() >= 5:
            planned += dt.timedelta(days=1)
        self.visit(leader, planned, [ward], [unit], carried_out=False)


def load(context: DemoContext) -> None:
    """Visits, opinions and directives in both cities (a step of `coso demo`, after the calendars)."""
    for city in CITY_OFFICE:
        if city in context.committees and CITY_OFFICE[city] in context.users:
            loader = _Loader(context, city)
            loader.load()
            if city == "hanoi":
                loader.load_lanhdao()
