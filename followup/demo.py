"""Demo data of the follow-up loop (`coso demo`): conclusion notices, obstacles, directives, re-supervision.

Everything is written through the follow-up services, backdated with their date arguments, relative to
the demo's today, so that whenever the demo is loaded each city has directives in all five status buckets
(not yet due, in progress, done on time, done late, overdue), obstacles of every category at every stage
of their workflow, and re-supervision checks with every verdict, including follow-up chains. The focal
points who report progress get logins (not listed among the demo logins; same password). The reminders
due on the demo's today are sent at the end, so the inboxes are not empty.
"""

import datetime as dt
from dataclasses import dataclass

from accounts.choices import Role
from accounts.demo import DemoContext, register_step
from accounts.services import user_create
from core.calendar import WorkingCalendar
from followup import services
from followup.choices import CheckMethod, ObstacleCategory, ObstacleStatus, RaisedIn, SourceKind, Verdict
from followup.models import ReSupervision
from followup.reminders import send_reminders
from org.models import AdministrativeUnit

# --- what is loaded: hand-written, dates in days relative to the demo's today ----------------------


@dataclass(frozen=True)
class Check:
    """A re-supervision verdict: recorded `checked` days from today (negative: in the past)."""

    verdict: str
    checked: int
    evidence: str
    method: str = CheckMethod.ON_SITE
    place: str = ""
    follow_up: str = ""  # the follow-up directive's content, for a verdict short of implemented
    follow_up_deadline: int = 30


@dataclass(frozen=True)
class Order:
    """A directive: who must do what by when, and what became of it."""

    lead: str  # agency code
    content: str
    issued: int
    deadline: int
    issued_by: str  # person key (accounts.demo)
    source: str = ""  # a notice number, "visit:<day>" or "session:<day>"
    locality: int | None = None  # ward code
    cooperating: tuple[str, ...] = ()
    reports: tuple[str, ...] = ()  # progress reports from the lead unit's focal point
    done: int | None = None  # the day completion was claimed
    check: Check | None = None
    check_due: int | None = None  # a re-supervision date other than the default


@dataclass(frozen=True)
class Hurdle:
    """An obstacle and the path it has travelled so far."""

    category: str
    level: str
    title: str
    description: str
    raised_by: str
    raised: int
    raised_in: str = RaisedIn.SUPERVISION_SESSION
    locality: int | None = None
    agency: str = ""
    escalated: int | None = None
    assigned: int | None = None
    to: str = ""  # the agency that must resolve it
    deadline: int | None = None
    decision: str = ""  # the Standing Committee's decision (after an escalation)
    order: str = ""  # the directive issued with the assignment
    order_by: str = ""
    cooperating: tuple[str, ...] = ()
    reports: tuple[str, ...] = ()
    done: int | None = None
    resolving: int | None = None
    resolved: int | None = None
    resolution: str = ""
    closed: int | None = None
    closed_reason: str = ""
    check: Check | None = None  # the re-supervision of the resolution
    # The re-supervision of the directive issued with the assignment: found implemented, it closes the last
    # directive, and the loop resolves the obstacle.
    order_check: Check | None = None


@dataclass(frozen=True)
class Notice:
    number: str
    issued: int
    title: str
    summary: str
    signed_by: str


@dataclass(frozen=True)
class CityLoop:
    city: str
    office: str  # the office login that enters notices and obstacles
    notices: tuple[Notice, ...]
    orders: tuple[Order, ...]
    hurdles: tuple[Hurdle, ...]
    visit_place: str  # where the leader's field visits were
    group: str  # the working group whose sessions issued directives


PARTLY, NOT_DONE, DONE, MOOT = (
    Verdict.PARTLY,
    Verdict.NOT_IMPLEMENTED,
    Verdict.IMPLEMENTED,
    Verdict.NOT_APPLICABLE,
)
C = ObstacleCategory

HANOI = CityLoop(
    city="hanoi",
    office="vanphong",
    visit_place="Phường Hoàn Kiếm",
    group="Tổ công tác giám sát đầu tư công",
    notices=(
        Notice(
            "186-TB/TU",
            -70,
            "Kết luận của Ban Thường vụ Thành ủy về tình hình giải ngân vốn đầu tư công và tiến độ "
            "các dự án trọng điểm của Thành phố",
            "Ban Thường vụ Thành ủy yêu cầu các sở, ngành, chủ đầu tư và đảng ủy các xã, phường tập trung "
            "tháo gỡ khó khăn, vướng mắc, đẩy nhanh giải ngân vốn đầu tư công; người đứng đầu chịu trách "
            "nhiệm trước Ban Thường vụ nếu để chậm tiến độ.",
            "hanoi.deputy",
        ),
        Notice(
            "214-TB/TU",
            -38,
            "Kết luận của Ban Thường vụ Thành ủy về chỉnh trang đô thị, lập lại trật tự lòng đường, "
            "vỉa hè tại các phường trung tâm",
            "Các đảng ủy phường trung tâm lãnh đạo xử lý dứt điểm lấn chiếm lòng đường, vỉa hè; lấy ý kiến "
            "nhân dân, hộ kinh doanh trước khi triển khai các phương án chỉnh trang.",
            "hanoi.deputy",
        ),
    ),
    orders=(
        Order(
            "BQLDA-GT",
            "Hoàn thành bàn giao toàn bộ mặt bằng còn lại của Dự án đường Vành đai 4 – Vùng Thủ đô "
            "đoạn qua xã Sóc Sơn cho nhà thầu thi công.",
            -70,
            -40,
            "hanoi.deputy",
            source="186-TB/TU",
            locality=376,
            cooperating=("SO-TC", "SO-NNMT", "DU-SS"),
            reports=(
                "Đã bàn giao 96% diện tích; còn 7 hộ đang vận động.",
                "Đã bàn giao đủ mặt bằng, kèm biên bản bàn giao ngày cuối.",
            ),
            done=-42,
            check=Check(
                DONE,
                -8,
                "Kiểm tra thực địa: mặt bằng đã bàn giao đủ, nhà thầu đang thi công nền đường liên tục.",
                place="Xã Sóc Sơn",
            ),
        ),
        Order(
            "SO-TC",
            "Rà soát, tham mưu điều chuyển kế hoạch vốn từ các dự án giải ngân dưới 30% sang các dự án "
            "có khả năng giải ngân tốt; báo cáo Thường trực Thành ủy.",
            -70,
            -35,
            "hanoi.deputy",
            source="186-TB/TU",
            reports=(
                "Đã rà soát 42 dự án, đề xuất điều chuyển 1.250 tỷ đồng.",
                "Ủy ban nhân dân Thành phố đã ban hành quyết định điều chuyển vốn.",
            ),
            done=-28,
            check=Check(
                PARTLY,
                -4,
                "Mới điều chuyển được 780/1.250 tỷ đồng; còn 5 dự án chưa điều chỉnh kế hoạch vốn.",
                method=CheckMethod.DOCUMENTS,
                follow_up="Hoàn thành điều chuyển 470 tỷ đồng kế hoạch vốn còn lại của 5 dự án chậm giải "
                "ngân, báo cáo Thường trực Thành ủy.",
                follow_up_deadline=21,
            ),
        ),
        Order(
            "BQL-DSDT",
            "Hoàn thiện hồ sơ điều chỉnh Dự án tuyến đường sắt đô thị thí điểm đoạn Nhổn – ga Hà Nội "
            "(đoạn đi ngầm), trình cấp có thẩm quyền phê duyệt.",
            -70,
            -12,
            "hanoi.deputy",
            source="186-TB/TU",
            cooperating=("SO-QHKT", "SO-XD"),
            reports=("Đã lấy ý kiến các bộ, ngành; đang hoàn thiện hồ sơ theo ý kiến thẩm định.",),
        ),
        Order(
            "SO-XD",
            "Công bố giá vật liệu xây dựng, nhất là cát và đất đắp nền, sát giá thị trường để các chủ đầu "
            "tư kịp điều chỉnh dự toán.",
            -70,
            18,
            "hanoi.deputy",
            source="186-TB/TU",
            cooperating=("SO-TC",),
            reports=("Đã khảo sát giá tại 14 mỏ vật liệu; dự thảo công bố giá đang lấy ý kiến các sở.",),
        ),
        Order(
            "DU-HK",
            "Lãnh đạo xử lý dứt điểm tình trạng lấn chiếm vỉa hè, lòng đường để kinh doanh trên các tuyến "
            "phố Hàng Bạc, Hàng Buồm, Mã Mây; báo cáo kết quả về Thường trực Thành ủy.",
            -38,
            -6,
            "hanoi.deputy",
            source="214-TB/TU",
            locality=70,
            cooperating=("CA",),
            reports=("Đã ra quân 12 đợt, lập biên bản 46 trường hợp; vẫn còn tái lấn chiếm vào buổi tối.",),
        ),
        Order(
            "DU-HK",
            "Xây dựng phương án tổ chức không gian đi bộ và điểm trông giữ xe quanh hồ Hoàn Kiếm; lấy ý "
            "kiến nhân dân và hộ kinh doanh trước khi trình.",
            -38,
            16,
            "hanoi.deputy",
            source="214-TB/TU",
            locality=70,
        ),
        Order(
            "DU-CN",
            "Vận động các hộ kinh doanh trên phố Điện Biên Phủ ký cam kết không lấn chiếm vỉa hè.",
            -38,
            -20,
            "hanoi.deputy",
            source="214-TB/TU",
            locality=82,
            reports=("Đã có 126/130 hộ ký cam kết; 4 hộ còn lại đã ngừng kinh doanh.",),
            done=-24,
        ),
        Order(
            "DU-DD",
            "Rà soát, sắp xếp lại các điểm trông giữ xe trên vỉa hè quanh hồ Ba Mẫu.",
            -38,
            -28,
            "hanoi.deputy",
            source="214-TB/TU",
            locality=235,
            reports=("Đã sắp xếp lại 9/11 điểm; 2 điểm chờ ý kiến của Sở Xây dựng.", "Đã hoàn thành."),
            done=-21,
            check=Check(
                MOOT,
                -2,
                "Thành phố đã ban hành quy định mới về điểm trông giữ xe; nội dung này thực hiện theo kế "
                "hoạch chung, không còn theo dõi riêng.",
                method=CheckMethod.DOCUMENTS,
            ),
        ),
        Order(
            "DU-BD",
            "Hoàn thành cải tạo vỉa hè các phố Đội Cấn, Liễu Giai theo thiết kế được duyệt.",
            -38,
            30,
            "hanoi.deputy",
            source="214-TB/TU",
            locality=4,
            reports=("Đã khảo sát hiện trạng, đang lập dự toán.",),
        ),
        # Directives of lanhdao's field visits to Hoàn Kiếm.
        Order(
            "DU-HK",
            "Rà soát, lập danh sách hộ nghèo, hộ có hoàn cảnh khó khăn trên địa bàn để kịp thời hỗ trợ.",
            -14,
            5,
            "lanhdao",
            source="visit:-14",
            locality=70,
            reports=("Đã rà soát 18/18 tổ dân phố; đang tổng hợp danh sách.",),
        ),
        Order(
            "DU-HK",
            "Giải quyết dứt điểm kiến nghị của cử tri về ngập úng cục bộ tại phố Hàng Mành sau mưa lớn.",
            -50,
            -35,
            "lanhdao",
            source="visit:-50",
            locality=70,
            reports=("Đã nạo vét 300 m cống ngầm.", "Đã hoàn thành cải tạo ga thu nước."),
            done=-31,
            check_due=2,
        ),
        Order(
            "SO-VHTT",
            "Hoàn thành hồ sơ tu bổ, tôn tạo di tích Đình Kim Ngân (phố Hàng Bạc), trình phê duyệt.",
            -50,
            -30,
            "lanhdao",
            source="visit:-50",
            locality=70,
            cooperating=("DU-HK",),
            reports=("Đã hoàn thành hồ sơ, gửi Sở Xây dựng thẩm định.",),
            done=-32,
            check=Check(
                NOT_DONE,
                -3,
                "Hồ sơ tu bổ mới ở bước lấy ý kiến thẩm định, chưa được phê duyệt như báo cáo.",
                place="Đình Kim Ngân, phố Hàng Bạc",
                follow_up="Hoàn thành phê duyệt hồ sơ tu bổ Đình Kim Ngân; báo cáo kết quả.",
                follow_up_deadline=30,
            ),
        ),
        Order(
            "DU-BD",
            "Kiểm tra, xử lý công trình xây dựng sai phép tại ngõ 12 phố Đội Cấn theo phản ánh của nhân dân.",
            -50,
            -40,
            "lanhdao",
            source="visit:-50",
            locality=4,
            reports=("Đã lập biên bản, yêu cầu chủ đầu tư tạm dừng thi công.",),
        ),
    ),
    hurdles=(
        Hurdle(
            C.SITE_CLEARANCE,
            "standing_committee",
            "Vành đai 4 – Vùng Thủ đô: còn 23 hộ tại xã Sóc Sơn chưa nhận tiền bồi thường",
            "23 hộ chưa đồng thuận đơn giá bồi thường đất nông nghiệp xen kẹt; nhà thầu thiếu mặt bằng thi "
            "công liên tục 1,2 km.",
            "hanoi.vice_chair",
            -40,
            locality=376,
            agency="BQLDA-GT",
            escalated=-33,
            assigned=-26,
            to="DU-SS",
            deadline=12,
            decision="Ban Thường vụ giao Đảng ủy xã Sóc Sơn chủ trì vận động, hoàn thành bàn giao mặt bằng; "
            "Sở Tài chính thẩm định lại đơn giá bồi thường đất nông nghiệp xen kẹt.",
            order="Chủ trì vận động 23 hộ nhận tiền bồi thường, bàn giao mặt bằng Vành đai 4 đoạn qua xã.",
            order_by="hanoi.deputy",
            cooperating=("SO-TC", "BQLDA-GT"),
            reports=("Đã vận động được 15/23 hộ nhận tiền bồi thường.",),
            resolving=-10,
        ),
        Hurdle(
            C.INVESTMENT_PROCEDURES,
            "city_peoples_committee",
            "Trường THPT Phúc Lợi: chậm điều chỉnh chủ trương đầu tư do tăng quy mô lớp học",
            "Dự án tăng từ 30 lên 45 lớp nhưng chủ trương đầu tư chưa được điều chỉnh, chưa thể phê duyệt "
            "thiết kế.",
            "hanoi.vice_chair",
            -30,
            agency="BQLDA-DD",
            assigned=-25,
            to="SO-TC",
            deadline=-3,
            order="Thẩm định, trình điều chỉnh chủ trương đầu tư Dự án Trường THPT Phúc Lợi.",
            order_by="hanoi.vice_chair",
            reports=("Đã có ý kiến của các sở; đang hoàn thiện báo cáo thẩm định.",),
        ),
        Hurdle(
            C.PLANNING,
            "standing_committee",
            "Đường sắt đô thị số 2 (Nam Thăng Long – Trần Hưng Đạo): chưa thống nhất vị trí ga ngầm khu "
            "vực hồ Hoàn Kiếm",
            "Phương án vị trí ga C9 ảnh hưởng cảnh quan khu vực hồ Hoàn Kiếm; nhân dân và chuyên gia còn "
            "nhiều ý kiến khác nhau.",
            "lanhdao",
            -12,
            raised_in=RaisedIn.VISIT,
            locality=70,
            escalated=-5,
        ),
        Hurdle(
            C.MECHANISM_POLICY,
            "standing_committee",
            "Giãn dân phố cổ: chưa có cơ chế bố trí quỹ nhà tái định cư phù hợp",
            "Các hộ đăng ký di dời chưa có quỹ nhà tái định cư gần nơi ở cũ; chưa có cơ chế hỗ trợ đặc thù.",
            "lanhdao",
            -45,
            raised_in=RaisedIn.VISIT,
            locality=70,
            escalated=-40,
            assigned=-30,
            to="UBND",
            deadline=45,
            decision="Giao Ban cán sự đảng Ủy ban nhân dân Thành phố chỉ đạo xây dựng cơ chế đặc thù giãn "
            "dân phố cổ, báo cáo Ban Thường vụ.",
            order="Xây dựng, trình cơ chế đặc thù về quỹ nhà tái định cư phục vụ giãn dân phố cổ.",
            order_by="hanoi.deputy",
            cooperating=("SO-XD", "SO-TC", "DU-HK"),
            resolving=-20,
        ),
        Hurdle(
            C.CAPITAL,
            "city_peoples_committee",
            "Thoát nước lưu vực sông Tô Lịch: thiếu 320 tỷ đồng vốn đối ứng",
            "Dự án chưa được bố trí đủ vốn đối ứng ngân sách Thành phố, có nguy cơ dừng thi công.",
            "hanoi.vice_chair",
            -60,
            agency="BQLDA-HTKT",
            assigned=-55,
            to="SO-TC",
            deadline=-20,
            order="Tham mưu bố trí bổ sung 320 tỷ đồng vốn đối ứng cho dự án thoát nước lưu vực sông "
            "Tô Lịch.",
            order_by="hanoi.vice_chair",
            reports=("Đã trình Hội đồng nhân dân Thành phố điều chỉnh kế hoạch đầu tư công.",),
            done=-25,
            resolved=-24,
            resolution="Đã bố trí bổ sung 320 tỷ đồng tại Nghị quyết điều chỉnh kế hoạch đầu tư công.",
        ),
        Hurdle(
            C.MATERIALS_PRICES,
            "department",
            "Vành đai 4: thiếu đất đắp nền, giá cát tăng cao",
            "Nguồn đất đắp nền tại chỗ không đủ; giá cát tăng khoảng 40% so với dự toán.",
            "hanoi.vice_chair",
            -80,
            locality=376,
            agency="BQLDA-GT",
            assigned=-75,
            to="SO-NNMT",
            deadline=-45,
            order="Cấp phép khai thác bổ sung các mỏ đất đắp nền phục vụ Dự án Vành đai 4 theo cơ chế "
            "đặc thù.",
            order_by="hanoi.vice_chair",
            reports=("Đã cấp phép 3 mỏ đất đắp với trữ lượng 2,1 triệu m³.",),
            done=-47,
            resolved=-46,
            resolution="Đã cấp phép 3 mỏ đất đắp; nhà thầu đã ký hợp đồng mua vật liệu.",
            check=Check(DONE, -14, "Kiểm tra thực tế: nhà thầu đã khai thác, cung ứng đủ vật liệu đắp nền."),
        ),
        Hurdle(
            C.CONTRACTOR_CAPACITY,
            "investor",
            "Cầu Trần Hưng Đạo: nhà thầu chậm huy động máy móc, nhân lực",
            "Sản lượng thi công hai tháng liền chỉ đạt khoảng 60% kế hoạch.",
            "hanoi.vice_chair",
            -50,
            agency="BQLDA-GT",
            assigned=-45,
            to="BQLDA-GT",
            deadline=-10,
            order="Yêu cầu nhà thầu bổ sung thiết bị, tổ chức thi công 3 ca; xử lý theo hợp đồng nếu tiếp "
            "tục chậm.",
            order_by="hanoi.vice_chair",
            reports=("Nhà thầu đã bổ sung 2 mũi thi công; sản lượng mới đạt 70% kế hoạch.",),
            resolving=-30,
        ),
        Hurdle(
            C.INFRASTRUCTURE_RELOCATION,
            "commune",
            "Cải tạo vỉa hè phố Hàng Bài: chậm di dời cột điện, tủ cáp viễn thông",
            "14 cột điện và 6 tủ cáp viễn thông nằm trên phần vỉa hè cải tạo; các đơn vị quản lý chưa bố trí "
            "kinh phí di dời.",
            "lanhdao",
            -52,
            raised_in=RaisedIn.VISIT,
            locality=70,
            assigned=-46,
            to="DU-HK",
            deadline=-16,
            order="Chủ trì làm việc với Điện lực Hoàn Kiếm và các doanh nghiệp viễn thông, hoàn thành di dời "
            "cột điện, tủ cáp trên vỉa hè phố Hàng Bài.",
            order_by="lanhdao",
            reports=(
                "Điện lực Hoàn Kiếm đã di dời 9/14 cột điện.",
                "Đã di dời xong 14 cột điện và 6 tủ cáp; hoàn trả mặt bằng vỉa hè.",
            ),
            done=-18,
            order_check=Check(
                DONE,
                -6,
                "Kiểm tra thực địa: cột điện và tủ cáp đã được di dời hết, vỉa hè phố Hàng Bài thông thoáng.",
                place="Phố Hàng Bài, phường Hoàn Kiếm",
            ),
        ),
        Hurdle(
            C.INFRASTRUCTURE_RELOCATION,
            "department",
            "Vành đai 3,5 đoạn qua phường Hà Đông: đường dây 110 kV chưa được di dời",
            "Đường dây 110 kV nằm trong phạm vi thi công; chưa thống nhất phương án và kinh phí di dời.",
            "hanoi.vice_chair",
            -3,
            raised_in=RaisedIn.REPORT,
            locality=9556,
            agency="BQLDA-GT",
        ),
        Hurdle(
            C.FEAR_OF_RESPONSIBILITY,
            "department",
            "Cán bộ ngại thẩm định, trình hồ sơ giao đất, cho thuê đất",
            "Nhiều hồ sơ giao đất, cho thuê đất quá hạn giải quyết; cán bộ né tránh, đùn đẩy trách nhiệm.",
            "hanoi.internal",
            -65,
            raised_in=RaisedIn.REPORT,
            agency="SO-NNMT",
            closed=-20,
            closed_reason="Đã chuyển Ủy ban Kiểm tra Thành ủy xem xét trách nhiệm; các hồ sơ đã được giải "
            "quyết.",
        ),
        Hurdle(
            C.OTHER,
            "commune",
            "Người dân phản ánh bụi, tiếng ồn từ công trường thi công ban đêm tại phường Hà Đông",
            "Công trường thi công sau 22 giờ, xe chở vật liệu không che chắn.",
            "hanoi.inspection",
            -40,
            raised_in=RaisedIn.REPORT,
            locality=9556,
            agency="DU-HD",
            assigned=-38,
            to="DU-HD",
            deadline=-20,
            resolved=-22,
            resolution="Đã yêu cầu che chắn, tưới nước và dừng thi công sau 22 giờ.",
            check=Check(
                PARTLY,
                -2,
                "Ban ngày đã che chắn, tưới nước; ban đêm vẫn còn xe chở vật liệu ra vào sau 22 giờ.",
                place="Phường Hà Đông",
                follow_up="Giám sát việc chấp hành giờ thi công, xử lý dứt điểm xe chở vật liệu ban đêm.",
                follow_up_deadline=14,
            ),
        ),
    ),
)

HCMC = CityLoop(
    city="hcmc",
    office="vanphonghcm",
    visit_place="Phường Thủ Dầu Một",
    group="Tổ công tác số 1",
    notices=(
        Notice(
            "412-TB/TU",
            -65,
            "Kết luận của Ban Thường vụ Thành ủy về đẩy nhanh giải ngân vốn đầu tư công và hoạt động "
            "của 13 tổ công tác",
            "13 tổ công tác do đồng chí Ủy viên Ban Thường vụ làm tổ trưởng trực tiếp giám sát, đôn đốc "
            "từng dự án; ghi nhận kịp thời khó khăn, vướng mắc về cơ chế, chính sách, báo cáo Ban Thường vụ.",
            "hcmc.deputy",
        ),
        Notice(
            "438-TB/TU",
            -30,
            "Kết luận của Ban Thường vụ Thành ủy về tháo gỡ vướng mắc các dự án trọng điểm tại Thủ Dầu "
            "Một, Vũng Tàu và Cần Giờ",
            "Đảng ủy các phường, xã phối hợp chủ đầu tư hoàn thành bồi thường, giải phóng mặt bằng; báo cáo "
            "kết quả về Thường trực Thành ủy.",
            "hcmc.deputy",
        ),
    ),
    orders=(
        Order(
            "BQLDA-GT",
            "Tập trung thi công, bảo đảm thông xe kỹ thuật các đoạn Vành đai 3 đã có mặt bằng qua phường "
            "Thủ Đức.",
            -65,
            -30,
            "hcmc.deputy",
            source="412-TB/TU",
            locality=26824,
            cooperating=("SO-XD",),
            reports=("Đã thảm bê tông nhựa 4,2 km.", "Đã thông xe kỹ thuật đoạn qua phường Thủ Đức."),
            done=-33,
            check=Check(
                DONE, -6, "Kiểm tra thực địa: đoạn tuyến đã thông xe kỹ thuật.", place="Phường Thủ Đức"
            ),
        ),
        Order(
            "SO-TC",
            "Hằng tháng tổng hợp tiến độ giải ngân của từng chủ đầu tư; công khai danh sách chủ đầu tư "
            "giải ngân dưới mức bình quân chung.",
            -65,
            -25,
            "hcmc.deputy",
            source="412-TB/TU",
            reports=("Đã có báo cáo tháng gửi Thường trực Thành ủy.",),
            done=-18,
            check=Check(
                PARTLY,
                -3,
                "Đã báo cáo hằng tháng nhưng chưa công khai danh sách chủ đầu tư chậm giải ngân.",
                method=CheckMethod.DOCUMENTS,
                follow_up="Công khai danh sách chủ đầu tư giải ngân dưới mức bình quân chung trên Cổng "
                "thông tin điện tử Thành phố.",
                follow_up_deadline=20,
            ),
        ),
        Order(
            "BQL-DSDT",
            "Hoàn thành lựa chọn nhà thầu các gói thầu xây lắp chính tuyến metro số 2 Bến Thành – Tham "
            "Lương.",
            -65,
            -8,
            "hcmc.deputy",
            source="412-TB/TU",
            cooperating=("SO-XD", "SO-TC"),
            reports=("Đã phát hành hồ sơ mời thầu 2/3 gói thầu.",),
        ),
        Order(
            "BQLDA-DDCN",
            "Đẩy nhanh xây dựng các trường học, bảo đảm đưa vào sử dụng đúng kế hoạch năm học mới.",
            -65,
            25,
            "hcmc.deputy",
            source="412-TB/TU",
            reports=("6/9 trường đã cất nóc; 3 trường đang thi công phần thân.",),
        ),
        Order(
            "DU-VT",
            "Hoàn thành kiểm đếm, lập phương án bồi thường các hộ trong phạm vi dự án mở rộng đường ven "
            "biển Vũng Tàu.",
            -30,
            10,
            "hcmc.deputy",
            source="438-TB/TU",
            locality=26506,
        ),
        Order(
            "DU-TDM",
            "Vận động các hộ dân còn lại bàn giao mặt bằng Dự án nâng cấp, mở rộng Quốc lộ 13 đoạn qua "
            "phường.",
            -30,
            -5,
            "hcmc.deputy",
            source="438-TB/TU",
            locality=25747,
            reports=("Đã vận động được 31/38 hộ bàn giao mặt bằng.",),
        ),
        Order(
            "DU-CG",
            "Phối hợp chủ đầu tư hoàn thành di dời các hộ dân trong phạm vi Dự án cầu Cần Giờ.",
            -30,
            -2,
            "hcmc.deputy",
            source="438-TB/TU",
            locality=27664,
            cooperating=("BQLDA-GT",),
            reports=("Đã di dời xong 54 hộ, bàn giao mặt bằng cho chủ đầu tư.",),
            done=-10,
        ),
        # Directives of Working group no. 1's supervision sessions (totruong leads it).
        Order(
            "BQLDA-GT",
            "Rà soát năng lực nhà thầu gói thầu XL-03 Vành đai 3; kiên quyết thay thế nhà thầu phụ yếu kém.",
            -45,
            -30,
            "totruong",
            source="session:-45",
            locality=26824,
            reports=("Đã làm việc với nhà thầu, yêu cầu bổ sung nhân lực.",),
            done=-26,
            check=Check(
                NOT_DONE,
                -5,
                "Nhà thầu phụ chưa được thay thế; sản lượng tháng vẫn đạt dưới 60% kế hoạch.",
                place="Gói thầu XL-03, phường Thủ Đức",
                follow_up="Hoàn thành thủ tục thay thế nhà thầu phụ gói thầu XL-03, báo cáo Tổ công tác "
                "số 1.",
                follow_up_deadline=15,
            ),
        ),
        Order(
            "BQLDA-DDCN",
            "Hoàn chỉnh hồ sơ quyết toán các dự án đã hoàn thành, đưa vào sử dụng.",
            -45,
            -35,
            "totruong",
            source="session:-45",
            reports=("Đã nộp hồ sơ quyết toán 7 dự án.",),
            done=-37,
            check=Check(
                MOOT,
                -4,
                "Các dự án đã chuyển giao cho Ban Quản lý dự án khu vực theo sắp xếp bộ máy; nội dung được "
                "theo dõi tại đơn vị mới.",
                method=CheckMethod.DOCUMENTS,
            ),
        ),
        Order(
            "SO-TC",
            "Tham mưu điều chuyển vốn từ các dự án chưa đủ thủ tục sang các dự án giải ngân tốt trong tháng.",
            -10,
            4,
            "totruong",
            source="session:-10",
            reports=("Đã tổng hợp đề xuất của 23 chủ đầu tư.",),
        ),
        Order(
            "SO-XD",
            "Hướng dẫn các chủ đầu tư điều chỉnh giá hợp đồng do biến động giá vật liệu xây dựng.",
            -45,
            -28,
            "totruong",
            source="session:-45",
        ),
    ),
    hurdles=(
        Hurdle(
            C.SITE_CLEARANCE,
            "standing_committee",
            "Vành đai 3 đoạn qua phường Thủ Đức: 17 hộ chưa bàn giao mặt bằng",
            "17 hộ chưa đồng ý phương án bồi thường; đoạn tuyến 800 m chưa thể thi công.",
            "totruong",
            -42,
            locality=26824,
            agency="BQLDA-GT",
            escalated=-35,
            assigned=-28,
            to="DU-TD",
            deadline=-4,
            decision="Ban Thường vụ giao Đảng ủy phường Thủ Đức chủ trì vận động; áp dụng cưỡng chế theo "
            "quy định nếu hộ dân không chấp hành.",
            order="Chủ trì vận động 17 hộ bàn giao mặt bằng Vành đai 3 đoạn qua phường.",
            order_by="hcmc.deputy",
            cooperating=("BQLDA-GT",),
            reports=("Đã vận động thêm 9 hộ bàn giao mặt bằng.",),
            resolving=-15,
        ),
        Hurdle(
            C.INVESTMENT_PROCEDURES,
            "central",
            "Metro số 2 Bến Thành – Tham Lương: vướng thủ tục điều chỉnh tổng mức đầu tư",
            "Tổng mức đầu tư tăng, cần Quốc hội cho phép áp dụng cơ chế đặc thù điều chỉnh dự án.",
            "totruong",
            -20,
            agency="BQL-DSDT",
            escalated=-9,
        ),
        Hurdle(
            C.PLANNING,
            "city_peoples_committee",
            "Quốc lộ 13 đoạn qua phường Thủ Dầu Một: chồng lấn quy hoạch khu dân cư",
            "Ranh quy hoạch khu dân cư chồng lấn hành lang tuyến mở rộng; chưa thể cấp phép xây dựng.",
            "hcmc.thu_dau_mot",
            -35,
            raised_in=RaisedIn.VISIT,
            locality=25747,
            agency="DU-TDM",
            assigned=-30,
            to="SO-XD",
            deadline=20,
            order="Rà soát, điều chỉnh cục bộ quy hoạch khu dân cư chồng lấn hành lang Quốc lộ 13.",
            order_by="hcmc.vice_chair",
            reports=("Đã lấy ý kiến cộng đồng dân cư về phương án điều chỉnh.",),
        ),
        Hurdle(
            C.MECHANISM_POLICY,
            "central",
            "Chưa có cơ chế giao mỏ cát cho nhà thầu Vành đai 3 không qua đấu giá",
            "Thủ tục cấp phép khai thác mỏ kéo dài; nhà thầu thiếu cát đắp nền.",
            "totruong",
            -55,
            agency="BQLDA-GT",
            escalated=-50,
            assigned=-44,
            to="UBND",
            deadline=-14,
            decision="Ban Thường vụ thống nhất kiến nghị Trung ương cho áp dụng cơ chế đặc thù giao mỏ vật "
            "liệu cho nhà thầu thi công.",
            order="Hoàn thiện hồ sơ kiến nghị Chính phủ cơ chế đặc thù về khai thác mỏ vật liệu.",
            order_by="hcmc.deputy",
            reports=("Đã gửi hồ sơ kiến nghị Chính phủ.",),
            done=-16,
            resolved=-12,
            resolution="Chính phủ đã cho phép áp dụng cơ chế đặc thù giao mỏ vật liệu cho nhà thầu.",
        ),
        Hurdle(
            C.CAPITAL,
            "city_peoples_committee",
            "Nút giao An Phú: thiếu vốn ngân sách Thành phố giai đoạn 2",
            "Giai đoạn 2 chưa được bố trí đủ vốn, có nguy cơ dừng thi công hầm chui.",
            "totruong",
            -70,
            agency="BQLDA-GT",
            assigned=-66,
            to="SO-TC",
            deadline=-40,
            order="Bố trí đủ vốn giai đoạn 2 Dự án nút giao An Phú trong kế hoạch điều chỉnh.",
            order_by="totruong",
            reports=("Đã bố trí đủ vốn tại kế hoạch điều chỉnh.",),
            done=-42,
            resolved=-41,
            resolution="Hội đồng nhân dân Thành phố đã thông qua kế hoạch vốn điều chỉnh.",
            check=Check(DONE, -9, "Vốn đã được giải ngân theo khối lượng; công trường thi công bình thường."),
        ),
        Hurdle(
            C.MATERIALS_PRICES,
            "department",
            "Vành đai 3: thiếu cát đắp nền, giá tăng khoảng 30%",
            "Nguồn cát từ các tỉnh lân cận không đủ; giá tăng khoảng 30% so với dự toán.",
            "totruong",
            -33,
            agency="BQLDA-GT",
            assigned=-30,
            to="SO-NNMT",
            deadline=-6,
            order="Rà soát, đề xuất các mỏ cát có thể khai thác ngay phục vụ Vành đai 3.",
            order_by="totruong",
            resolving=-15,
        ),
        Hurdle(
            C.CONTRACTOR_CAPACITY,
            "investor",
            "Dự án chống ngập khu vực trung tâm: nhà thầu yếu năng lực tài chính",
            "Nhà thầu không thu xếp được vốn, công trường ngừng thi công nhiều tuần.",
            "totruong",
            -60,
            agency="BQLDA-HTDT",
            closed=-25,
            closed_reason="Chủ đầu tư đã chấm dứt hợp đồng và lựa chọn nhà thầu mới; vướng mắc không còn.",
        ),
        Hurdle(
            C.INFRASTRUCTURE_RELOCATION,
            "department",
            "Metro số 2: chưa di dời đường ống cấp nước D1500 khu vực Bến Thành",
            "Đường ống cấp nước nằm trong phạm vi ga ngầm; chưa có phương án cấp nước tạm.",
            "totruong",
            -40,
            locality=26743,
            agency="BQL-DSDT",
            assigned=-36,
            to="TCT-CN",
            deadline=-10,
            order="Lập phương án cấp nước tạm và di dời đường ống D1500 khu vực ga Bến Thành.",
            order_by="hcmc.chair",
            reports=("Đã hoàn thành di dời, bảo đảm cấp nước liên tục.",),
            done=-12,
            resolved=-11,
            resolution="Đã di dời xong đường ống, bàn giao mặt bằng cho chủ đầu tư.",
        ),
        Hurdle(
            C.FEAR_OF_RESPONSIBILITY,
            "commune",
            "Cán bộ phường ngại ký xác nhận nguồn gốc đất để lập phương án bồi thường",
            "Hồ sơ xác nhận nguồn gốc đất của 12 hộ quá hạn giải quyết.",
            "hcmc.vung_tau",
            -4,
            raised_in=RaisedIn.REPORT,
            locality=26506,
        ),
        Hurdle(
            C.OTHER,
            "commune",
            "Xe phục vụ thi công cầu Cần Giờ làm hư hỏng đường dân sinh",
            "Người dân phản ánh đường dân sinh xuống cấp, bụi bẩn do xe tải phục vụ công trường.",
            "hcmc.front",
            -50,
            raised_in=RaisedIn.VISIT,
            locality=27664,
            agency="DU-CG",
            assigned=-45,
            to="DU-CG",
            deadline=-25,
            resolved=-27,
            resolution="Chủ đầu tư đã sửa chữa các đoạn đường dân sinh hư hỏng.",
            check=Check(
                NOT_DONE,
                -3,
                "Mới sửa chữa 1/3 tuyến; các đoạn còn lại vẫn hư hỏng, chưa tưới nước chống bụi.",
                place="Xã Cần Giờ",
                follow_up="Yêu cầu chủ đầu tư hoàn thành sửa chữa các đoạn đường dân sinh còn lại.",
                follow_up_deadline=20,
            ),
        ),
    ),
)

LOOPS = (HANOI, HCMC)

# Fictional names of the focal points who report on their unit's directives.
FOCAL_NAMES = (
    "Nguyễn Thị Thu Hà",
    "Trần Minh Đức",
    "Lê Thị Hồng Nhung",
    "Phạm Quốc Bảo",
    "Hoàng Thị Mai Anh",
    "Vũ Đình Khánh",
    "Đỗ Thị Ngọc Lan",
    "Bùi Văn Hiếu",
    "Đinh Thị Phương Thảo",
    "Ngô Quang Vinh",
    "Dương Thị Kim Oanh",
    "Lý Minh Tuấn",
    "Tôn Nữ Diễm My",
    "Huỳnh Văn Lộc",
    "Phan Thị Bích Ngọc",
    "Trịnh Công Sơn Lâm",
    "Lã Thị Thanh Xuân",
    "Kim Văn Toàn",
    "Mạc Thị Hải Yến",
    "Cù Văn Thành",
    "Thái Thị Minh Hằng",
    "Quan Văn Nghĩa",
    "Lưu Thị Thanh Tâm",
    "Hứa Quốc Trung",
)


# --- loading ----------------------------------------------------------------------------------------


class _Loader:
    """Loads one city's follow-up data through the services."""

    def __init__(self, context: DemoContext, loop: CityLoop, names: list[str]):
        self.context, self.loop, self.names = context, loop, names
        self.city = loop.city
        self.committee = context.committees[loop.city]
        self.calendar = WorkingCalendar.for_organization(self.committee)
        self.today = context.today
        self.office = context.users[loop.office]
        self.notices: dict[str, object] = {}
        self.focal: dict[str, object] = {}
        codes = {o.locality for o in loop.orders} | {h.locality for h in loop.hurdles}
        self.units = {
            u.code: u
            for u in AdministrativeUnit.objects.filter(
                parent=self.committee.root_unit, code__in=[c for c in codes if c]
            )
        }

    def day(self, offset: int) -> dt.date:
        return self.today + dt.timedelta(days=offset)

    def due(self, offset: int, *, after: int | None = None) -> dt.date:
        """A deadline `offset` days from today, on a working day like every deadline the app proposes: a
        coming one moves on to the next working day, a past one back to the working day before (not before
        the day `after`), so that it stays on its side of today."""
        day = self.day(offset)
        if offset >= 0:
            return self.calendar.next_working_day(day)
        back = day
        while not self.calendar.is_working_day(back):
            back -= dt.timedelta(days=1)
        return day if after is not None and back < self.day(after) else back

    def agency(self, code: str):
        return self.context.agencies[self.city, code] if code else None

    def person(self, key: str):
        return self.context.people[key] if key else None

    def user_of(self, person):
        """The login of a person (a leader with a demo login), or the office, which records for the rest."""
        for user in self.context.users.values():
            if person is not None and user.pk == person.user_id:
                return user
        return self.office

    def focal_point(self, code: str):
        """The lead unit's focal point: the demo login `hoankiem` for Hoàn Kiếm, a new login otherwise."""
        if code not in self.focal:
            demo_focal = [
                u
                for u in self.context.users.values()
                if u.role == Role.FOCAL_POINT and u.agency_id == self.agency(code).pk
            ]
            if demo_focal:
                self.focal[code] = demo_focal[0]
            else:
                self.focal[code] = user_create(
                    actor=None,
                    username=f"daumoi.{self.city}.{code.lower()}",
                    password=None,
                    password_hash=self.context.users["hoankiem"].password,  # the demo password, hashed once
                    organization=self.committee,
                    role=Role.FOCAL_POINT,
                    full_name=self.names.pop(0),
                    agency=self.agency(code),
                    validate_password=False,
                )
        return self.focal[code]

    # --- notices and directives ---------------------------------------------------------------------

    def load(self) -> None:
        for notice in self.loop.notices:
            self.notices[notice.number] = services.notice_create(
                actor=self.office,
                organization=self.committee,
                number=notice.number,
                issued_on=self.day(notice.issued),
                title=notice.title,
                summary=notice.summary,
            )
        items: dict[str, int] = {}
        for order in self.loop.orders:
            if order.source in self.notices:
                items[order.source] = items.get(order.source, 0) + 1
            self.order(order, item=items.get(order.source, 0))
        for hurdle in self.loop.hurdles:
            self.hurdle(hurdle)

    def source_of(self, order: Order) -> dict:
        if order.source in self.notices:
            return {"source_kind": SourceKind.CONCLUSION_NOTICE, "source": self.notices[order.source]}
        kind, _sep, offset = order.source.partition(":")
        when = self.day(int(offset)).strftime("%d/%m/%Y")
        if kind == "visit":
            label = f"Chuyến đi cơ sở tại {self.loop.visit_place} ngày {when}"
            return {"source_kind": SourceKind.VISIT, "source_label": label}
        return {
            "source_kind": SourceKind.SUPERVISION_SESSION,
            "source_label": f"Buổi giám sát của {self.loop.group} ngày {when}",
        }

    def order(self, order: Order, *, item: int) -> None:
        issuer = self.person(order.issued_by)
        directive = services.directive_create(
            actor=self.user_of(issuer) if order.source not in self.notices else self.office,
            organization=self.committee,
            content=order.content,
            issued_by=issuer,
            issued_on=self.day(order.issued),
            lead_unit=self.agency(order.lead),
            cooperating_units=[self.agency(c) for c in order.cooperating],
            deadline=self.due(order.deadline, after=order.issued),
            locality=self.units.get(order.locality),
            number=f"{order.source} – mục {item}" if order.source in self.notices else "",
            resupervision_due_on=self.due(order.check_due) if order.check_due is not None else None,
            # Directives issued weeks ago were announced then; the reminders run says what is due now.
            notify_people=order.issued >= -14,
            **self.source_of(order),
        )
        self.progress(directive, order.lead, order.reports, order.done)
        if order.check is not None:
            self.record(directive.resupervisions.get(), order.check)

    def progress(
        self, directive, lead: str, reports: tuple[str, ...], done: int | None, *, confirm: bool = True
    ) -> int:
        """The lead unit's reports, and the issuing leader's confirmation unless `confirm` is False (the
        caller confirms later, in date order); returns the directive's version."""
        version = directive.version
        for index, text in enumerate(reports):
            last = index == len(reports) - 1
            services.directive_report_progress(
                actor=self.focal_point(lead),
                directive=directive,
                version=version,
                text=text,
                claims_done=last and done is not None,
                on=self.day(done) if last and done is not None else None,
            )
            version += 1
        if confirm:
            version = self.confirm(directive, version, done)
        return version

    def confirm(self, directive, version: int, done: int | None) -> int:
        """The issuing leader has confirmed the completions reported 25 days ago or more; newer ones await."""
        if done is not None and done <= -25:
            directive = services.directive_confirm_completion(
                actor=self.user_of(directive.issued_by) or self.office,
                directive=directive,
                version=version,
                on=self.day(done + 3),
            )
            version = directive.version
        return version

    def record(self, check: ReSupervision, verdict: Check) -> ReSupervision:
        return services.resupervision_record(
            actor=self.user_of(check.assigned_to) if check.assigned_to_id else self.office,
            check=check,
            verdict=verdict.verdict,
            method=verdict.method,
            checked_on=self.day(verdict.checked),
            evidence=verdict.evidence,
            place=verdict.place,
            follow_up_content=verdict.follow_up,
            follow_up_deadline=self.due(verdict.follow_up_deadline) if verdict.follow_up else None,
        )

    # --- obstacles ------------------------------------------------------------------------------------

    def hurdle(self, hurdle: Hurdle) -> None:
        raised_by = self.person(hurdle.raised_by)
        obstacle = services.obstacle_create(
            actor=self.office,
            organization=self.committee,
            title=hurdle.title,
            description=hurdle.description,
            category=hurdle.category,
            resolution_level=hurdle.level,
            locality=self.units.get(hurdle.locality),
            agency=self.agency(hurdle.agency),
            raised_by=raised_by,
            raised_in=hurdle.raised_in,
            raised_on=self.day(hurdle.raised),
        )

        def move(status: str, on: int, **details):
            return services.obstacle_set_status(
                actor=self.office,
                obstacle=obstacle,
                version=obstacle.version,
                status=status,
                on=self.day(on),
                **details,
            )

        directive, version = None, 0
        if hurdle.escalated is not None:
            obstacle = move(ObstacleStatus.ESCALATED, hurdle.escalated)
        if hurdle.assigned is not None:
            issuer = self.person(hurdle.order_by)
            obstacle, directive = services.obstacle_assign(
                actor=self.office,
                obstacle=obstacle,
                version=obstacle.version,
                responsible_agency=self.agency(hurdle.to),
                deadline=self.due(hurdle.deadline, after=hurdle.assigned),
                committee_decision=hurdle.decision,
                issued_by=issuer,
                directive_content=hurdle.order,
                cooperating_units=[self.agency(c) for c in hurdle.cooperating],
                on=self.day(hurdle.assigned),
            )
            if directive is not None:
                # Confirmed after the obstacle's own moves: a confirmation three days after the unit's
                # report comes after the day the obstacle was marked resolved.
                version = self.progress(directive, hurdle.to, hurdle.reports, hurdle.done, confirm=False)
                if hurdle.order_check is not None:
                    self.record(directive.resupervisions.get(), hurdle.order_check)
                    obstacle.refresh_from_db()
        if hurdle.resolving is not None:
            obstacle = move(ObstacleStatus.RESOLVING, hurdle.resolving)
        if hurdle.resolved is not None:
            obstacle = move(ObstacleStatus.RESOLVED, hurdle.resolved, resolution=hurdle.resolution)
            if hurdle.check is not None:
                self.record(obstacle.resupervisions.get(verdict=""), hurdle.check)
        if directive is not None and hurdle.order_check is None:
            self.confirm(directive, version, hurdle.done)
        if hurdle.closed is not None:
            move(ObstacleStatus.CLOSED, hurdle.closed, closed_reason=hurdle.closed_reason)


@register_step
def followup_loop(context: DemoContext) -> None:
    """Both cities' conclusion notices, obstacles, directives and re-supervision, then today's reminders."""
    names = list(FOCAL_NAMES)
    for loop in LOOPS:
        _Loader(context, loop, names).load()
    send_reminders(today=context.today)
