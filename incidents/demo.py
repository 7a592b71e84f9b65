"""Demo data of incidents (`coso demo`): a year of believable incidents in Hanoi and Ho Chi Minh City.

Every incident is taken in through services.incident_create with its real (past) occurrence and report
times, so it is routed by the demo's real assignments on the day it occurred, frozen on that leader, and
given deadlines in working hours from the moment it was reported. Mostly routine reports, some urgent and
some complex, several of public concern (dư luận quan tâm). Most were resolved and closed in time, some late;
a few are still open and overdue, a few were rejected as duplicates of an earlier report or as not in scope,
and a couple were reopened. Phường Hoàn Kiếm has a hand-written set, so that `lanhdao` (its leader) and
`hoankiem` (its focal point) find open incidents in "my incidents" whatever day the demo is loaded.

The workflow is walked with services.incident_set_status, which stamps each step with the clock. A demo
cannot wait a year, so, as a demo-only shortcut, the times of those steps (acknowledged, resolved, closed,
the last status change, and the new deadline of a reopened incident) are then set to their planned past
values by one bulk update that bypasses the audit trail. The audit trail therefore shows the steps at the
moment the demo was loaded. Real data never does this.

Coordinates: the real position of each ward is not available offline, so each ward gets a fixed point near
its city's centre (Hoàn Kiếm its real one), drawn from its code, and each incident a small jitter around it.
The data is generated from fixed seeds: every load gives the same incidents relative to its day.
"""

import datetime as dt
import random
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone

from accounts.choices import Role
from accounts.demo import ASSIGNED_FROM, DemoContext, register_step, ward_point
from accounts.models import User
from core.calendar import WorkingCalendar
from incidents import services
from incidents.choices import IncidentField, IncidentSource, IncidentStatus, RejectReason, Severity
from incidents.models import Incident
from incidents.reminders import send_incident_reminders
from org.models import AdministrativeUnit

F, S = IncidentField, IncidentSource
HOAN_KIEM = 70

# How many generated incidents per city (the hand-written ones of Hoàn Kiếm come on top).
PER_CITY = {"hanoi": 300, "hcmc": 300}
# Wards that get more reports (the busy centres): weight by ward code.
BUSY = {
    "hanoi": {HOAN_KIEM: 8, 4: 4, 82: 4, 235: 4, 8: 3, 25: 3, 97: 2, 103: 2, 9556: 3},
    "hcmc": {26740: 6, 26743: 6, 26824: 4, 25747: 3, 26506: 3, 27664: 2},
}
STREETS = {
    "hanoi": (
        "đường Nguyễn Trãi",
        "đường Giải Phóng",
        "phố Xã Đàn",
        "đường Láng",
        "đường Cầu Giấy",
        "đường Phạm Văn Đồng",
        "đường Nguyễn Văn Cừ",
        "đường Lê Văn Lương",
        "đường Tố Hữu",
        "đường Quang Trung",
        "phố Kim Mã",
        "phố Đội Cấn",
        "đường Âu Cơ",
        "phố Chùa Bộc",
        "đường Trường Chinh",
    ),
    "hcmc": (
        "đường Nguyễn Huệ",
        "đường Lê Lợi",
        "đường Hai Bà Trưng",
        "đường Nam Kỳ Khởi Nghĩa",
        "đường Võ Văn Kiệt",
        "đường Cách Mạng Tháng Tám",
        "đường Điện Biên Phủ",
        "Xa lộ Hà Nội",
        "đường Phạm Văn Đồng",
        "đường Nguyễn Thị Minh Khai",
        "đường Lý Thường Kiệt",
        "đường 3 Tháng 2",
        "đường Trần Hưng Đạo",
        "đường Phan Xích Long",
        "đường Kha Vạn Cân",
    ),
}
HOAN_KIEM_STREETS = (
    "phố Tràng Tiền",
    "phố Hàng Bài",
    "phố Hàng Bạc",
    "phố Hàng Đào",
    "phố Đinh Tiên Hoàng",
    "phố Lý Thái Tổ",
    "phố Hàng Gai",
    "phố Hàng Bông",
    "phố Bà Triệu",
    "phố Lê Thái Tổ",
    "phố Tạ Hiện",
    "phố Lương Văn Can",
)
NAMES = (
    "Nguyễn Văn Hùng",
    "Trần Thị Lan",
    "Lê Minh Tuấn",
    "Phạm Thị Hoa",
    "Hoàng Văn Nam",
    "Vũ Thị Thu",
    "Đặng Quốc Bảo",
    "Bùi Thị Hạnh",
    "Đỗ Văn Long",
    "Ngô Thị Mai",
    "Dương Văn Tài",
    "Lý Thị Ngọc",
)


@dataclass(frozen=True)
class Story:
    """A kind of incident: its title and description (with {street} and {n}), field and resolution."""

    title: str
    description: str
    field: str
    resolution: str


URGENT = (
    Story(
        "Cháy nhà dân trên {street}",
        "Đám cháy phát sinh tại nhà ống 4 tầng, lực lượng phòng cháy chữa cháy đã có mặt; {n} hộ liền kề "
        "phải sơ tán tạm thời.",
        F.SECURITY,
        "Đám cháy được dập tắt, không có thương vong; phường bố trí chỗ ở tạm và hỗ trợ các hộ bị ảnh hưởng.",
    ),
    Story(
        "Cây xanh bật gốc đè phương tiện trên {street}",
        "Cây xà cừ cao khoảng 15 m bật gốc sau mưa giông, đè {n} xe máy, chắn một phần lòng đường.",
        F.OTHER,
        "Đã cắt, dọn cây đổ, thông đường; rà soát, cắt tỉa các cây có nguy cơ gãy đổ trên tuyến.",
    ),
    Story(
        "Sụt lún mặt đường trên {street}",
        "Hố sụt đường kính khoảng {n} m, sâu hơn 1 m; người dân đã tự rào chắn, nguy cơ mất an toàn "
        "giao thông.",
        F.TRAFFIC,
        "Đã rào chắn, phân luồng, xử lý đường ống rò rỉ gây sụt và hoàn trả mặt đường.",
    ),
    Story(
        "Vỡ đường ống cấp nước trên {street}",
        "Nước tràn mặt đường, khoảng {n}00 hộ dân mất nước sinh hoạt.",
        F.ENVIRONMENT,
        "Đơn vị cấp nước đã thay đoạn ống vỡ, cấp nước trở lại; bố trí xe chở nước cho các hộ trong "
        "thời gian sửa chữa.",
    ),
    Story(
        "Ngộ độc thực phẩm sau bữa ăn tập thể tại {street}",
        "{n}0 người có biểu hiện đau bụng, nôn sau bữa trưa tại một công ty; đã đưa đi cấp cứu.",
        F.HEALTH,
        "Các bệnh nhân đã ổn định; tạm dừng hoạt động bếp ăn, lấy mẫu xét nghiệm và xử lý cơ sở cung cấp.",
    ),
    Story(
        "Sập giàn giáo công trình xây dựng trên {street}",
        "Giàn giáo công trình nhà ở riêng lẻ đổ xuống vỉa hè, {n} người bị thương nhẹ.",
        F.CONSTRUCTION,
        "Đình chỉ thi công, lập biên bản vi phạm; chủ đầu tư khắc phục và bồi thường thiệt hại.",
    ),
)
COMPLEX = (
    Story(
        "Tranh chấp đất đai kéo dài giữa các hộ dân trên {street}",
        "{n} hộ dân có đơn thư nhiều lần về ranh giới thửa đất; hòa giải ở cơ sở chưa thành.",
        F.LAND,
        "Đo đạc lại hiện trạng, đối thoại với các hộ; hòa giải thành, các bên ký biên bản thống nhất "
        "ranh giới.",
    ),
    Story(
        "Công trình xây dựng sai phép, vượt tầng trên {street}",
        "Công trình xây vượt {n} tầng so với giấy phép; đã có biên bản nhưng chưa dừng thi công.",
        F.CONSTRUCTION,
        "Xử phạt vi phạm hành chính; chủ đầu tư đã tự tháo dỡ phần xây vượt phép.",
    ),
    Story(
        "Người dân phản đối điểm tập kết rác trên {street}",
        "Nhiều hộ dân ký đơn phản đối vì mùi hôi, nước rỉ rác; đề nghị di dời điểm tập kết.",
        F.ENVIRONMENT,
        "Đã di dời điểm tập kết, tăng tần suất thu gom; tổ chức đối thoại, người dân đồng thuận.",
    ),
    Story(
        "Chậm bồi thường, hỗ trợ tái định cư dự án mở rộng {street}",
        "{n} hộ chưa nhận tiền bồi thường dù đã bàn giao mặt bằng từ nhiều tháng trước.",
        F.LAND,
        "Đã phê duyệt bổ sung phương án, chi trả đủ tiền bồi thường, hỗ trợ cho các hộ.",
    ),
    Story(
        "Nứt tường nhà dân do thi công tầng hầm trên {street}",
        "{n} nhà liền kề bị nứt tường, lún nền; chủ đầu tư chưa thống nhất phương án hỗ trợ.",
        F.CONSTRUCTION,
        "Giám định độc lập, chủ đầu tư gia cố và bồi thường cho các hộ theo kết quả giám định.",
    ),
)
ROUTINE = (
    Story(
        "Rác thải tồn đọng nhiều ngày trên {street}",
        "Rác sinh hoạt để trên vỉa hè {n} ngày chưa được thu gom, bốc mùi.",
        F.ENVIRONMENT,
        "Đã thu gom, vệ sinh khu vực; nhắc nhở đơn vị vệ sinh môi trường thu gom đúng giờ.",
    ),
    Story(
        "Lấn chiếm vỉa hè, lòng đường để kinh doanh trên {street}",
        "Các hộ kinh doanh bày hàng, trông giữ xe trên vỉa hè, người đi bộ phải đi xuống lòng đường.",
        F.URBAN_ORDER,
        "Ra quân lập lại trật tự vỉa hè, xử phạt {n} trường hợp; duy trì kiểm tra thường xuyên.",
    ),
    Story(
        "Hố ga mất nắp trên {street}",
        "Hố ga trước số {n} mất nắp, nguy hiểm cho người đi đường nhất là ban đêm.",
        F.TRAFFIC,
        "Đã lắp nắp hố ga mới.",
    ),
    Story(
        "Đèn chiếu sáng công cộng hỏng trên {street}",
        "{n} cột đèn không sáng nhiều đêm liền.",
        F.URBAN_ORDER,
        "Đã thay bóng, sửa chữa đường dây; hệ thống chiếu sáng hoạt động bình thường.",
    ),
    Story(
        "Tiếng ồn từ quán karaoke sau 22 giờ trên {street}",
        "Quán karaoke hoạt động quá giờ quy định, ảnh hưởng giấc ngủ của người dân.",
        F.SECURITY,
        "Kiểm tra, lập biên bản, yêu cầu cơ sở chấm dứt hoạt động sau 22 giờ.",
    ),
    Story(
        "Ngập úng cục bộ sau mưa trên {street}",
        "Nước ngập sâu khoảng {n}0 cm sau mỗi trận mưa lớn, rút chậm.",
        F.ENVIRONMENT,
        "Nạo vét cống, khơi thông dòng chảy; nước rút nhanh trong các trận mưa sau.",
    ),
    Story(
        "Chậm chi trả trợ cấp xã hội cho người cao tuổi trên {street}",
        "{n} người cao tuổi phản ánh chưa nhận trợ cấp tháng này.",
        F.SOCIAL_WELFARE,
        "Đã chi trả đủ trợ cấp; rà soát danh sách, chi trả qua tài khoản từ tháng sau.",
    ),
    Story(
        "Quảng cáo rao vặt dán trái phép trên {street}",
        "Tờ rơi quảng cáo dán dày đặc trên cột điện, tường nhà.",
        F.URBAN_ORDER,
        "Tổ chức bóc xóa quảng cáo, xử lý các số điện thoại quảng cáo sai quy định.",
    ),
    Story(
        "Thu các khoản ngoài quy định đầu năm học tại trường học trên {street}",
        "Phụ huynh phản ánh nhà trường thu quỹ lớp, quỹ phụ huynh cao bất thường.",
        F.EDUCATION,
        "Kiểm tra, yêu cầu nhà trường hoàn trả các khoản thu sai quy định cho phụ huynh.",
    ),
    Story(
        "Đèn tín hiệu giao thông không hoạt động tại nút giao trên {street}",
        "Đèn tín hiệu tắt từ sáng, ùn tắc kéo dài vào giờ cao điểm.",
        F.TRAFFIC,
        "Đã sửa chữa tủ điều khiển, đèn hoạt động trở lại; bố trí lực lượng phân luồng trong thời gian sửa.",
    ),
    Story(
        "Đổ trộm phế thải xây dựng trên {street}",
        "Phế thải xây dựng bị đổ trộm vào ban đêm thành đống lớn ven đường.",
        F.ENVIRONMENT,
        "Đã thu dọn phế thải, lắp camera giám sát điểm nóng.",
    ),
    Story(
        "Cơ sở kinh doanh xả nước thải ra cống chung trên {street}",
        "Nước thải có mùi hôi chảy ra cống chung, người dân phản ánh nhiều lần.",
        F.ENVIRONMENT,
        "Kiểm tra, xử phạt cơ sở; yêu cầu lắp đặt hệ thống xử lý nước thải trước khi hoạt động lại.",
    ),
    Story(
        "Chậm cấp giấy chứng nhận quyền sử dụng đất trên {street}",
        "Hồ sơ nộp từ {n} tháng trước vẫn chưa được giải quyết, không rõ lý do.",
        F.LAND,
        "Đã giải quyết hồ sơ, trả giấy chứng nhận cho người dân; kiểm điểm bộ phận chậm trễ.",
    ),
    Story(
        "Trông giữ xe thu quá giá quy định trên {street}",
        "Điểm trông giữ xe thu {n}0.000 đồng một lượt xe máy.",
        F.URBAN_ORDER,
        "Xử phạt điểm trông giữ xe, yêu cầu niêm yết và thu đúng giá quy định.",
    ),
)
SOURCES = (
    (S.CITIZEN, 30),
    (S.HOTLINE, 22),
    (S.SOCIAL_MEDIA, 16),
    (S.PRESS, 8),
    (S.LOCALITY_REPORT, 14),
    (S.INSPECTION, 5),
    (S.VISIT, 5),
)

# What becomes of an incident: the share of each outcome among the generated ones.
ON_TIME, LATE, OPEN, OPEN_UNACKNOWLEDGED, OUT_OF_SCOPE, REOPENED = (
    "on_time",
    "late",
    "open",
    "open_unacknowledged",
    "out_of_scope",
    "reopened",
)
OUTCOMES = ((ON_TIME, 76), (LATE, 13), (OPEN, 5), (OPEN_UNACKNOWLEDGED, 2), (OUT_OF_SCOPE, 3), (REOPENED, 1))
DUPLICATE_SHARE = 0.04  # reports that are followed by a second report of the same thing
NOTIFY_RECENT = dt.timedelta(days=3)  # older reports were announced when they came in


@dataclass
class Spec:
    """One incident to take in, and what becomes of it."""

    ward: AdministrativeUnit
    story: Story
    severity: str
    reported_at: dt.datetime
    occurred_at: dt.datetime
    source: str
    street: str
    number: int
    outcome: str
    flags: dict = field(default_factory=dict)
    reporter_name: str = ""
    reporter_contact: str = ""
    point: tuple[Decimal, Decimal] | None = None
    late_ack: bool = False
    assigned_first: bool = False
    closed: bool = True
    duplicate_of: "Spec | None" = None
    incident: Incident | None = None


# The hand-written incidents of Phường Hoàn Kiếm: (story, severity, hours before now it was reported,
# outcome, flags). Open ones are what lanhdao and hoankiem find in "my incidents".
HOAN_KIEM_SET = (
    (ROUTINE[1], Severity.NORMAL, 24 * 30, OPEN, {"is_pressing": True}),  # acknowledged, resolution overdue
    (ROUTINE[2], Severity.NORMAL, 24 * 20, OPEN_UNACKNOWLEDGED, {"is_new": True}),  # never acknowledged
    (URGENT[2], Severity.URGENT, 24 * 15, OPEN, {"is_sudden": True, "is_public_concern": True}),
    (COMPLEX[4], Severity.COMPLEX, 26, OPEN, {"is_complex": True, "is_prominent": True}),
    (ROUTINE[0], Severity.NORMAL, 2, OPEN, {"is_new": True}),  # reported this morning: within its deadlines
    (ROUTINE[5], Severity.NORMAL, 24 * 40, ON_TIME, {}),
    (ROUTINE[9], Severity.NORMAL, 24 * 60, LATE, {"is_pressing": True}),
    (COMPLEX[1], Severity.COMPLEX, 24 * 90, ON_TIME, {"is_complex": True, "is_public_concern": True}),
)


def _place(spec: Spec) -> str:
    """A house number on the street, or the residential group."""
    first = spec.street.split(",")[0]
    if first.startswith("tổ dân phố"):
        return first[0].upper() + first[1:]
    return f"Số {spec.number * 7} {first}"


class _City:
    """Generates and loads one city's incidents."""

    def __init__(self, context: DemoContext, code: str, now: dt.datetime):
        self.context = context
        self.code = code
        self.now = now
        self.committee = context.committees[code]
        self.rng = random.Random(f"incidents-{code}")  # noqa: S311 (demo data, seeded)
        self.calendar = WorkingCalendar.for_organization(self.committee)  # one per organisation: it caches
        self.wards = list(
            AdministrativeUnit.objects.active().filter(parent=self.committee.root_unit).order_by("code")
        )
        busy = BUSY[code]
        self.weights = [busy.get(w.code, 1) for w in self.wards]
        self.office = next(
            u
            for u in context.users.values()
            if u.organization_id == self.committee.pk and u.role == Role.OFFICE
        )
        # Focal points report for their unit's ward; leaders with a login act on their own incidents.
        self.focal_by_ward: dict[int, User] = {}
        for user in (
            User.objects.filter(organization=self.committee, role=Role.FOCAL_POINT, is_active=True)
            .select_related("agency")
            .order_by("pk")
        ):
            if user.agency is not None and user.agency.locality_id:
                self.focal_by_ward.setdefault(user.agency.locality_id, user)
        self.updates: dict[int, dict] = {}
        # Reports start when the demo's assignments do, so every incident is routed by a real assignment.
        self.start = max(
            now - dt.timedelta(days=365),
            timezone.make_aware(dt.datetime.combine(ASSIGNED_FROM, dt.time(8, 0))),
        )

    # --- generating ---------------------------------------------------------------------------------

    def point(self, ward: AdministrativeUnit) -> tuple[Decimal, Decimal] | None:
        if self.rng.random() < 0.12:
            return None  # not every report comes with a position
        if ward.latitude is not None and ward.longitude is not None:
            lat, lon = float(ward.latitude), float(ward.longitude)
        else:  # the demo places its wards (accounts.demo.ward_point); a unit added since may have none
            lat, lon = ward_point(self.code, ward.code)
        lat += self.rng.uniform(-0.004, 0.004)
        lon += self.rng.uniform(-0.004, 0.004)
        return Decimal(f"{lat:.6f}"), Decimal(f"{lon:.6f}")

    def street(self, ward: AdministrativeUnit) -> str:
        if self.code == "hanoi" and ward.code == HOAN_KIEM:
            return self.rng.choice(HOAN_KIEM_STREETS)
        if self.rng.random() < 0.35:
            return f"tổ dân phố số {self.rng.randint(1, 30)}, {ward.name}"
        return f"{self.rng.choice(STREETS[self.code])}, {ward.name}"

    def flags(self, severity: str) -> dict:
        r = self.rng.random
        if severity == Severity.URGENT:
            return {
                "is_sudden": True,
                "is_new": True,
                "is_public_concern": r() < 0.6,
                "is_pressing": r() < 0.3,
            }
        if severity == Severity.COMPLEX:
            return {
                "is_complex": True,
                "is_prominent": r() < 0.4,
                "is_pressing": r() < 0.5,
                "is_public_concern": r() < 0.3,
            }
        return {"is_new": r() < 0.3, "is_pressing": r() < 0.15, "is_public_concern": r() < 0.04}

    def reporter(self, source: str) -> tuple[str, str]:
        if source not in (S.CITIZEN, S.HOTLINE) or self.rng.random() < 0.3:
            return "", ""
        phone = f"09{self.rng.randint(10, 99)} {self.rng.randint(100, 999)} {self.rng.randint(100, 999)}"
        return self.rng.choice(NAMES), phone

    def spec(self, *, ward, story, severity, reported_at, outcome, flags=None) -> Spec:
        rng = self.rng
        source = rng.choices([s for s, _w in SOURCES], weights=[w for _s, w in SOURCES])[0]
        if severity == Severity.URGENT:
            occurred = reported_at - dt.timedelta(minutes=rng.randint(10, 90))
        else:
            occurred = reported_at - dt.timedelta(hours=rng.randint(2, 72))
        occurred = min(max(occurred, self.start), reported_at)
        name, contact = self.reporter(source)
        return Spec(
            ward=ward,
            story=story,
            severity=severity,
            reported_at=reported_at,
            occurred_at=occurred,
            source=source,
            street=self.street(ward),
            number=rng.randint(2, 9),
            outcome=outcome,
            flags=flags if flags is not None else self.flags(severity),
            reporter_name=name,
            reporter_contact=contact,
            point=self.point(ward),
            late_ack=rng.random() < 0.08,
            assigned_first=rng.random() < 0.1,
            closed=rng.random() < 0.6,
        )

    def generated(self) -> list[Spec]:
        rng = self.rng
        start = self.start
        span = (self.now - dt.timedelta(hours=1) - start).total_seconds()
        specs = []
        for _n in range(PER_CITY[self.code]):
            ward = rng.choices(self.wards, weights=self.weights)[0]
            roll = rng.random()
            severity = Severity.URGENT if roll < 0.1 else Severity.COMPLEX if roll < 0.25 else Severity.NORMAL
            story = rng.choice({Severity.URGENT: URGENT, Severity.COMPLEX: COMPLEX}.get(severity, ROUTINE))
            moment = start + dt.timedelta(seconds=rng.uniform(0, span))
            if severity != Severity.URGENT:  # routine reports come in by day; emergencies at any hour
                local = timezone.localtime(moment)
                moment = local.replace(hour=rng.randint(7, 19), minute=rng.randint(0, 59))
            moment = min(max(moment, start), self.now - dt.timedelta(minutes=30))
            outcome = rng.choices([o for o, _w in OUTCOMES], weights=[w for _o, w in OUTCOMES])[0]
            spec = self.spec(ward=ward, story=story, severity=severity, reported_at=moment, outcome=outcome)
            specs.append(spec)
            if rng.random() < DUPLICATE_SHARE:
                again = moment + dt.timedelta(hours=rng.randint(1, 20))
                if again < self.now:
                    twin = self.spec(ward=ward, story=story, severity=severity, reported_at=again, outcome="")
                    twin.street, twin.number, twin.duplicate_of = spec.street, spec.number, spec
                    twin.occurred_at = spec.occurred_at
                    specs.append(twin)
        return specs

    def hand_written(self) -> list[Spec]:
        ward = next((w for w in self.wards if w.code == HOAN_KIEM), None)
        if self.code != "hanoi" or ward is None:
            return []
        specs = []
        for story, severity, hours_ago, outcome, flags in HOAN_KIEM_SET:
            spec = self.spec(
                ward=ward,
                story=story,
                severity=severity,
                reported_at=self.now - dt.timedelta(hours=hours_ago),
                outcome=outcome,
                flags=flags,
            )
            spec.late_ack = False
            specs.append(spec)
        # The urgent one was reported twice: the second report is rejected as a duplicate.
        first = specs[2]
        twin = self.spec(
            ward=ward, story=first.story, severity=first.severity, reported_at=first.reported_at, outcome=""
        )
        twin.reported_at += dt.timedelta(minutes=40)
        twin.street, twin.number, twin.occurred_at, twin.duplicate_of = (
            first.street,
            first.number,
            first.occurred_at,
            first,
        )
        twin.source = S.SOCIAL_MEDIA
        specs.append(twin)
        return specs

    # --- loading ------------------------------------------------------------------------------------

    def load(self) -> int:
        specs = sorted(self.generated() + self.hand_written(), key=lambda s: s.reported_at)
        for spec in specs:
            self.take_in(spec)
        self.apply_times()
        return len(specs)

    def actor_for(self, spec: Spec):
        return self.focal_by_ward.get(spec.ward.pk) or self.office

    def take_in(self, spec: Spec) -> None:
        story = spec.story
        values = {"street": spec.street, "n": spec.number}
        incident = services.incident_create(
            actor=self.actor_for(spec),
            organization=self.committee,
            title=story.title.format(**values),
            description=story.description.format(**values),
            occurred_at=spec.occurred_at,
            reported_at=spec.reported_at,
            source=spec.source,
            field=story.field,
            severity=spec.severity,
            locality=spec.ward,
            place=_place(spec),
            latitude=spec.point[0] if spec.point else None,
            longitude=spec.point[1] if spec.point else None,
            reporter_name=spec.reporter_name,
            reporter_contact=spec.reporter_contact,
            flags=spec.flags,
            notify_people=self.now - spec.reported_at < NOTIFY_RECENT,
        )
        spec.incident = incident
        if spec.duplicate_of is not None:
            self.reject_duplicate(spec)
        else:
            self.walk(spec)

    def move(self, incident: Incident, status: str, **details) -> Incident:
        return services.incident_set_status(
            actor=self.office, incident=incident, version=incident.version, status=status, **details
        )

    def taken(self, spec: "Spec", moment: dt.datetime) -> Decimal:
        return services.working_hours_taken(None, spec.reported_at, moment, self.calendar)

    def after(self, start: dt.datetime, hours: float) -> dt.datetime:
        return self.calendar.add_working_hours(start, Decimal(str(round(hours, 2))))

    def reject_duplicate(self, spec: Spec) -> None:
        original = spec.duplicate_of.incident
        incident = services.incident_link_duplicate(
            actor=self.office, incident=spec.incident, version=spec.incident.version, duplicate_of=original
        )
        when = min(self.after(spec.reported_at, self.rng.uniform(0.2, 2)), self.now)
        self.updates[incident.pk] = {"status_changed_at": when}

    def walk(self, spec: Spec) -> None:
        """Move the incident as far as its planned times have come, and note those times."""
        rng = self.rng
        incident = spec.incident
        ack_hours, resolve_hours = (float(h) for h in services.deadline_hours(spec.severity))
        if spec.outcome == OUT_OF_SCOPE:
            when = self.after(spec.reported_at, rng.uniform(0.2, ack_hours))
            if when <= self.now:
                self.move(incident, IncidentStatus.REJECTED, reject_reason=RejectReason.OUT_OF_SCOPE)
                self.updates[incident.pk] = {"status_changed_at": when}
            return
        if spec.outcome == OPEN_UNACKNOWLEDGED:
            return
        ack_share = rng.uniform(1.2, 3) if spec.late_ack else rng.uniform(0.1, 0.9)
        acknowledged = self.after(spec.reported_at, ack_hours * ack_share)
        if acknowledged > self.now:
            return  # still waiting to be acknowledged, within its deadline
        times: dict = {}
        if spec.assigned_first:
            incident = self.move(incident, IncidentStatus.ASSIGNED)
        incident = self.move(incident, IncidentStatus.HANDLING)
        times.update(
            acknowledged_at=acknowledged,
            ack_working_hours=self.taken(spec, acknowledged),
            status_changed_at=acknowledged,
        )
        self.updates[incident.pk] = times
        if spec.outcome == OPEN:
            return
        share = rng.uniform(1.1, 2.2) if spec.outcome == LATE else rng.uniform(max(ack_share, 0.2), 0.95)
        resolved = max(self.after(spec.reported_at, resolve_hours * share), acknowledged)
        if resolved > self.now:
            return
        incident = self.move(
            incident, IncidentStatus.RESOLVED, resolution=spec.story.resolution.format(n=spec.number)
        )
        times.update(
            resolved_at=resolved, resolve_working_hours=self.taken(spec, resolved), status_changed_at=resolved
        )
        if spec.outcome == REOPENED:
            reopened = self.after(resolved, rng.uniform(4, 16))
            if reopened <= self.now:
                self.move(incident, IncidentStatus.REOPENED, note="Người dân phản ánh sự việc tái diễn.")
                times.update(
                    resolved_at=None,
                    resolve_working_hours=None,
                    closed_at=None,
                    status_changed_at=reopened,
                    resolve_due_at=self.after(reopened, resolve_hours),
                )
            return
        closed = self.after(resolved, rng.uniform(2, 24))
        if spec.closed and closed <= self.now:
            self.move(incident, IncidentStatus.CLOSED, note="Đã kiểm tra kết quả xử lý.")
            times.update(closed_at=closed, status_changed_at=closed)

    def apply_times(self) -> None:
        """Demo-only: set the planned past times of the workflow steps (see the module's docstring); the
        services stamped them with the moment the demo was loaded. One plain UPDATE per incident: no
        version bump, no audit event."""
        for pk, times in self.updates.items():
            Incident.objects.filter(pk=pk).update(**times)


@register_step
def incidents(context: DemoContext) -> None:
    """A year of incidents in both cities, walked through their workflow, then today's escalations."""
    now = timezone.now()
    for code in ("hanoi", "hcmc"):
        if code in context.committees:
            _City(context, code, now).load()
    send_incident_reminders(now=now)
