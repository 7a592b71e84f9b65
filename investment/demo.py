"""Demo data of public investment (`coso demo`): key projects, capital plans, monthly disbursement, the
working groups and their supervision sessions, in both cities.

Ho Chi Minh City gets its 13 working groups, each led by a member of the Standing Committee (`totruong`
leads group 1), with deputies, a secretary and members, over about forty key projects with their
investors, sites in real wards, total investment, class, sector, status and progress. Hanoi gets its own
key projects (Vành đai 4, cầu Trần Hưng Đạo, the urban railway, ...) and two working groups.

Both cities get capital plans for the demo's year and the year before, by source and with both
denominators (the amount the Prime Minister assigned and the amount the city allocated), a few mid-year
adjustments, and the monthly disbursement up to the last full month, with the January carry-over of the
previous year. Each project follows a pace: most are on track, some behind the target curve, some lag
badly, one stopped disbursing for months, and the projects still in preparation hardly disburse. The
target curve (7.5 % by March, 25 % by June, 50 % by September, 95 % by December) is set for both years.

The supervision sessions of several groups raised obstacles (site clearance among them; one of group 1's
was escalated to the Standing Committee) and issued directives, through followup.

Everything goes through the services, so the demo is validated and on the audit trail like real data.
The amounts are drawn from fixed seeds, one per project: every load gives the same figures relative to
its day.
"""

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal

from accounts.demo import DemoContext, register_step
from core.calendar import default_deadline
from followup import services as followup_services
from followup.choices import ObstacleCategory, ResolutionLevel
from investment import services
from investment.choices import CapitalSource, Denominator, GroupRole, ProjectGroup, ProjectStatus, Sector
from investment.periods import month_start, plan_months
from org.choices import AgencyKind
from org.models import AdministrativeUnit
from org.services import agency_create, person_create

BILLION = 10**9  # tỷ đồng
MILLION = 10**6
GROUPS_FROM = dt.date(2025, 10, 15)  # the working groups were set up after the congress
TARGET_CURVE = {3: Decimal("7.5"), 6: Decimal("25"), 9: Decimal("50"), 12: Decimal("95")}

C, L, F = CapitalSource.CENTRAL, CapitalSource.LOCAL, CapitalSource.FOREIGN
NAT, A, B = ProjectGroup.NATIONAL, ProjectGroup.A, ProjectGroup.B
PREP, WORKS, DONE = ProjectStatus.PREPARATION, ProjectStatus.IMPLEMENTATION, ProjectStatus.COMPLETED

# Paces of disbursement: how far along the target curve a project runs (see _amounts).
GOOD, BEHIND, LAGGING, IDLE, SLOW = "good", "behind", "lagging", "idle", "slow"


@dataclass(frozen=True)
class KeyProject:
    code: str
    name: str
    investor: str  # agency code
    group: str  # ProjectGroup
    sector: str
    total: int  # tỷ đồng
    sites: tuple[tuple[int, float | None, float | None], ...]  # (ward code, latitude, longitude)
    plans: tuple[tuple[str, int], ...]  # (source, tỷ đồng this year); last year's is drawn near it
    pace: str = GOOD
    status: str = WORKS
    progress: int | None = None  # physical progress today, %
    team: int | None = None  # the working group that names it
    started: int = 2023  # the year works started (planned start for a project in preparation)
    ends: int = 2027


@dataclass(frozen=True)
class Team:
    number: int
    name: str
    leader: str  # person key (accounts.demo)
    deputy: tuple[str, str, str]  # (full name, position, agency code)
    secretary: tuple[str, str, str]
    members: tuple[str, ...]  # keys of MEMBERS
    investors: tuple[str, ...] = ()  # every project of these investors
    localities: tuple[int, ...] = ()  # every project in these wards


@dataclass(frozen=True)
class Finding:
    """An obstacle a session raised on one of its projects."""

    project: str
    category: str
    level: str
    title: str
    description: str
    responsible: str = ""  # agency code
    deadline: int | None = None  # days after the session
    escalate: int | None = None  # days after the session it went to the Standing Committee


@dataclass(frozen=True)
class Order:
    """A directive a session issued."""

    content: str
    lead: str  # agency code
    deadline: int  # days after the session
    project: str = ""
    cooperating: tuple[str, ...] = ()


@dataclass(frozen=True)
class Session:
    team: int
    held: int  # days before today
    title: str
    place: str
    projects: tuple[str, ...]
    findings: str
    obstacles: tuple[Finding, ...] = ()
    orders: tuple[Order, ...] = ()
    recorded_by: str = ""  # a login; the office's otherwise


@dataclass(frozen=True)
class CityInvestment:
    city: str
    office: str  # the office login
    agencies: tuple[tuple[str, str, str, int | None], ...]  # extra investors: (code, name, short, ward)
    members: dict  # key -> (full name, position, agency code): people seated on several groups
    teams: tuple[Team, ...]
    projects: tuple[KeyProject, ...]
    sessions: tuple[Session, ...]
    adjustments: tuple[tuple[str, str, str, int, float, str], ...]  # (code, source, denominator, year
    # offset (0 this year, -1 last), share of the first amount, decision)
    investment_changes: tuple[tuple[str, int, str], ...] = ()  # (code, new total tỷ, decision)


SC = ObstacleCategory
RL = ResolutionLevel

# --- Ho Chi Minh City -----------------------------------------------------------------------------------

HCMC_MEMBERS = {
    "tc": ("Phan Thị Kim Ngân", "Phó Giám đốc Sở Tài chính", "SO-TC"),
    "xd": ("Huỳnh Công Danh", "Phó Giám đốc Sở Xây dựng", "SO-XD"),
    "nnmt": ("Lê Hoàng Phúc", "Phó Giám đốc Sở Nông nghiệp và Môi trường", "SO-NNMT"),
    "vp": ("Trần Bảo Ngọc", "Phó Chánh Văn phòng Thành ủy", "VP-TU"),
    "kt": ("Đinh Quang Hiếu", "Phó Chủ nhiệm Ủy ban Kiểm tra Thành ủy", "UBKT-TU"),
    "nc": ("Nguyễn Thị Thu Hà", "Phó Trưởng Ban Nội chính Thành ủy", "BNC-TU"),
}

HCMC_TEAMS = (
    Team(
        1,
        "Tổ công tác số 1: các dự án giao thông trọng điểm khu vực phía Đông",
        "totruong",
        ("Trần Quang Lâm", "Giám đốc Sở Xây dựng", "SO-XD"),
        ("Võ Minh Khôi", "Chuyên viên Văn phòng Thành ủy", "VP-TU"),
        ("tc", "nnmt", "kt"),
    ),
    Team(
        2,
        "Tổ công tác số 2: đường sắt đô thị",
        "hcmc.deputy",
        ("Nguyễn Văn Tâm", "Trưởng Ban Quản lý đường sắt đô thị", "BQL-DSDT"),
        ("Lý Thanh Trúc", "Chuyên viên Văn phòng Thành ủy", "VP-TU"),
        ("tc", "xd"),
    ),
    Team(
        3,
        "Tổ công tác số 3: chống ngập, thoát nước và cấp nước",
        "hcmc.chair",
        ("Phạm Hữu Nghĩa", "Giám đốc Ban Quản lý dự án đầu tư xây dựng hạ tầng đô thị", "BQLDA-HTDT"),
        ("Đỗ Ngọc Thảo", "Chuyên viên Văn phòng Thành ủy", "VP-TU"),
        ("nnmt", "vp"),
        investors=("TCT-CN",),
    ),
    Team(
        4,
        "Tổ công tác số 4: y tế",
        "hcmc.council",
        ("Bùi Thanh Sơn", "Giám đốc Sở Y tế", "SO-YT"),
        ("Hà Thị Mỹ Duyên", "Chuyên viên Văn phòng Thành ủy", "VP-TU"),
        ("tc", "kt"),
    ),
    Team(
        5,
        "Tổ công tác số 5: di dời nhà trên và ven kênh rạch",
        "hcmc.front",
        ("Tô Hoài Phong", "Phó Giám đốc Ban Quản lý dự án đầu tư xây dựng hạ tầng đô thị", "BQLDA-HTDT"),
        ("Mai Thị Yến Nhi", "Chuyên viên Văn phòng Thành ủy", "VP-TU"),
        ("xd", "nc"),
    ),
    Team(
        6,
        "Tổ công tác số 6: giao thông khu vực phía Nam và Tây Nam",
        "hcmc.vice_chair",
        ("Lâm Văn Hậu", "Giám đốc Ban Quản lý dự án đầu tư xây dựng các công trình giao thông", "BQLDA-GT"),
        ("Cao Thị Bích Vân", "Chuyên viên Văn phòng Thành ủy", "VP-TU"),
        ("tc", "nnmt"),
    ),
    Team(
        7,
        "Tổ công tác số 7: thủy lợi và nông nghiệp",
        "hcmc.organisation",
        ("Trịnh Văn Lộc", "Giám đốc Ban Quản lý dự án nông nghiệp", "BQLDA-NN"),
        ("Lưu Thị Hồng Nhung", "Chuyên viên Văn phòng Thành ủy", "VP-TU"),
        ("nnmt", "vp"),
    ),
    Team(
        8,
        "Tổ công tác số 8: khu vực Cần Giờ, Nhà Bè",
        "hcmc.inspection",
        ("Dương Minh Trí", "Giám đốc Ban Quản lý dự án khu vực Cần Giờ", "BQLDA-CG"),
        ("Quan Thị Ngọc Ánh", "Chuyên viên Văn phòng Thành ủy", "VP-TU"),
        ("xd", "kt"),
    ),
    Team(
        9,
        "Tổ công tác số 9: văn hóa và giáo dục",
        "hcmc.propaganda",
        ("Vương Đức Thịnh", "Giám đốc Sở Giáo dục và Đào tạo", "SO-GDDT"),
        ("Thái Thị Kim Oanh", "Chuyên viên Văn phòng Thành ủy", "VP-TU"),
        ("tc", "vp"),
    ),
    Team(
        10,
        "Tổ công tác số 10: cầu và nút giao",
        "hcmc.internal",
        ("Kiều Văn Thành", "Phó Giám đốc Sở Xây dựng", "SO-XD"),
        ("Ngô Thị Thanh Hương", "Chuyên viên Văn phòng Thành ủy", "VP-TU"),
        ("nc", "tc"),
    ),
    Team(
        11,
        "Tổ công tác số 11: khu vực Thủ Dầu Một, Tân Uyên, Bến Cát",
        "hcmc.thu_dau_mot",
        ("Hoàng Văn Tùng", "Giám đốc Ban Quản lý dự án khu vực Thủ Dầu Một", "BQLDA-TDM"),
        ("Phùng Thị Diễm", "Chuyên viên Văn phòng Thành ủy", "VP-TU"),
        ("xd", "nnmt"),
    ),
    Team(
        12,
        "Tổ công tác số 12: khu vực Vũng Tàu, Bà Rịa, Phú Mỹ",
        "hcmc.vung_tau",
        ("Trương Công Minh", "Giám đốc Ban Quản lý dự án khu vực Vũng Tàu", "BQLDA-VT"),
        ("Nghiêm Thị Hải", "Chuyên viên Văn phòng Thành ủy", "VP-TU"),
        ("tc", "kt"),
    ),
    Team(
        13,
        "Tổ công tác số 13: khu vực trung tâm",
        "hcmc.sai_gon",
        ("Châu Ngọc Hân", "Giám đốc Ban Quản lý dự án khu vực Sài Gòn", "BQLDA-SG"),
        ("Tất Minh Quang", "Chuyên viên Văn phòng Thành ủy", "VP-TU"),
        ("vp", "nc"),
        localities=(26740, 26743),  # Sài Gòn, Bến Thành: every project there
    ),
)

HCMC_PROJECTS = (
    # Group 1 (totruong): the eastern transport projects of the transport board.
    KeyProject(
        "HCM-VD3-01",
        "Đường Vành đai 3 TP.HCM – dự án thành phần 1: xây dựng đoạn Tân Vạn – Nhơn Trạch",
        "BQLDA-GT",
        NAT,
        Sector.TRANSPORT,
        9_245,
        ((26860, 10.7903, 106.8285), (26833, 10.8906, 106.8405)),
        ((C, 2_150), (L, 1_320)),
        pace=GOOD,
        progress=68,
        team=1,
        started=2023,
        ends=2026,
    ),
    KeyProject(
        "HCM-VD3-02",
        "Đường Vành đai 3 TP.HCM – dự án thành phần 5: bồi thường, hỗ trợ, tái định cư đoạn qua Thủ Đức",
        "BQLDA-GT",
        NAT,
        Sector.TRANSPORT,
        3_870,
        ((26860, 10.7951, 106.8211), (26842, 10.8422, 106.7890)),
        ((L, 960),),
        pace=GOOD,
        progress=91,
        team=1,
        started=2022,
        ends=2026,
    ),
    KeyProject(
        "HCM-TD-01",
        "Nút giao An Phú (giai đoạn 1)",
        "BQLDA-GT",
        A,
        Sector.TRANSPORT,
        3_408,
        ((27094, 10.7996, 106.7476),),
        ((L, 820),),
        pace=GOOD,
        progress=74,
        team=1,
        started=2023,
        ends=2026,
    ),
    KeyProject(
        "HCM-TD-02",
        "Đường Vành đai 2 đoạn Phạm Văn Đồng – nút giao Gò Dưa – Quốc lộ 1",
        "BQLDA-GT",
        A,
        Sector.TRANSPORT,
        4_982,
        ((26803, 10.8594, 106.7338), (26809, 10.8452, 106.7285)),
        ((L, 1_150),),
        pace=LAGGING,
        progress=22,
        team=1,
        started=2025,
        ends=2027,
    ),
    KeyProject(
        "HCM-CT-01",
        "Đường cao tốc TP.HCM – Mộc Bài, đoạn qua Củ Chi",
        "BQLDA-GT",
        NAT,
        Sector.TRANSPORT,
        19_617,
        ((27553, 10.9731, 106.4932), (27496, 10.9325, 106.5470)),
        ((C, 2_500), (L, 1_800)),
        pace=BEHIND,
        progress=12,
        team=1,
        started=2025,
        ends=2028,
    ),
    KeyProject(
        "HCM-QL13-01",
        "Mở rộng Quốc lộ 13 đoạn cầu Bình Triệu – ranh Thuận An",
        "BQLDA-GT",
        A,
        Sector.TRANSPORT,
        6_130,
        ((26809, 10.8387, 106.7197),),
        ((L, 640),),
        pace=IDLE,
        progress=8,
        team=1,
        started=2025,
        ends=2028,
    ),
    KeyProject(
        "HCM-NUT-01",
        "Nút giao Mỹ Thủy (giai đoạn 1)",
        "BQLDA-GT",
        B,
        Sector.TRANSPORT,
        2_186,
        ((27112, 10.7715, 106.7780),),
        ((L, 210),),
        pace=GOOD,
        status=DONE,
        progress=100,
        team=1,
        started=2021,
        ends=2025,
    ),
    # Group 2: the urban railway board.
    KeyProject(
        "HCM-MRT2-01",
        "Tuyến đường sắt đô thị số 2 Bến Thành – Tham Lương",
        "BQL-DSDT",
        NAT,
        Sector.TRANSPORT,
        47_890,
        ((26743, 10.7721, 106.6983), (26977, 10.7976, 106.6603), (27013, 10.8150, 106.6320)),
        ((C, 3_600), (F, 1_900), (L, 2_400)),
        pace=BEHIND,
        progress=18,
        team=2,
        started=2024,
        ends=2030,
    ),
    KeyProject(
        "HCM-MRT1-01",
        "Tuyến đường sắt đô thị số 1 Bến Thành – Suối Tiên: quyết toán và hạng mục còn lại",
        "BQL-DSDT",
        NAT,
        Sector.TRANSPORT,
        43_757,
        ((26743, 10.7712, 106.6980), (26824, 10.8660, 106.8011)),
        ((F, 780), (L, 260)),
        pace=LAGGING,
        progress=99,
        team=2,
        started=2012,
        ends=2026,
    ),
    KeyProject(
        "HCM-DST-01",
        "Tuyến đường sắt Thủ Thiêm – Long Thành: chuẩn bị đầu tư",
        "BQL-DSDT",
        A,
        Sector.TRANSPORT,
        38_000,
        ((27094, 10.7860, 106.7200),),
        ((L, 150),),
        pace=SLOW,
        status=PREP,
        team=2,
        started=2027,
        ends=2032,
    ),
    # Group 3: flooding, drainage and water.
    KeyProject(
        "HCM-NUOC-01",
        "Giải quyết ngập do triều khu vực TP.HCM có xét đến yếu tố biến đổi khí hậu (giai đoạn 1)",
        "BQLDA-HTDT",
        NAT,
        Sector.WATER,
        9_995,
        ((27478, 10.7560, 106.7285), (26704, 10.7076, 106.7391)),
        ((L, 900),),
        pace=LAGGING,
        progress=93,
        team=3,
        started=2016,
        ends=2026,
    ),
    KeyProject(
        "HCM-NUOC-02",
        "Cải thiện môi trường nước lưu vực kênh Tham Lương – Bến Cát – rạch Nước Lên",
        "BQLDA-HTDT",
        A,
        Sector.ENVIRONMENT,
        8_200,
        ((27457, 10.7600, 106.5990), (27442, 10.7650, 106.6030)),
        ((F, 1_100), (L, 450)),
        pace=GOOD,
        progress=41,
        team=3,
        started=2023,
        ends=2028,
    ),
    KeyProject(
        "HCM-NUOC-03",
        "Nhà máy xử lý nước thải Tây Sài Gòn",
        "BQLDA-HTDT",
        A,
        Sector.ENVIRONMENT,
        5_600,
        ((27367, 10.7440, 106.6200),),
        ((F, 700), (L, 180)),
        pace=GOOD,
        progress=15,
        team=3,
        started=2025,
        ends=2029,
    ),
    KeyProject(
        "HCM-NUOC-04",
        "Tuyến ống cấp nước D1200 Tân Hiệp – Bình Chánh",
        "TCT-CN",
        B,
        Sector.WATER,
        1_450,
        ((27592, 10.8430, 106.6100), (27601, 10.8100, 106.5700)),
        ((L, 320),),
        pace=GOOD,
        progress=57,
        started=2024,
        ends=2026,
    ),
    # Group 4: hospitals.
    KeyProject(
        "HCM-YT-01",
        "Bệnh viện Ung Bướu cơ sở 2: hoàn thiện và mua sắm thiết bị (giai đoạn 2)",
        "BQLDA-DDCN",
        A,
        Sector.HEALTH,
        3_050,
        ((26842, 10.8465, 106.7810),),
        ((L, 620),),
        pace=GOOD,
        progress=63,
        team=4,
        started=2024,
        ends=2027,
    ),
    KeyProject(
        "HCM-YT-02",
        "Bệnh viện Nhi đồng Thành phố: khối điều trị kỹ thuật cao",
        "BQLDA-DDCN",
        B,
        Sector.HEALTH,
        1_760,
        ((27601, 10.8110, 106.5850),),
        ((L, 380),),
        pace=BEHIND,
        progress=35,
        team=4,
        started=2025,
        ends=2027,
    ),
    KeyProject(
        "HCM-YT-03",
        "Bệnh viện Chấn thương Chỉnh hình cơ sở 2",
        "BQLDA-DDCN",
        A,
        Sector.HEALTH,
        4_480,
        ((27619, 10.7140, 106.6620),),
        ((L, 260),),
        pace=SLOW,
        status=PREP,
        team=4,
        started=2027,
        ends=2030,
    ),
    # Group 5: canals.
    KeyProject(
        "HCM-KR-01",
        "Cải tạo, di dời nhà trên và ven kênh Xuyên Tâm",
        "BQLDA-HTDT",
        A,
        Sector.URBAN,
        8_600,
        ((26929, 10.8060, 106.6980), (26905, 10.8120, 106.7100)),
        ((L, 2_100),),
        pace=GOOD,
        progress=38,
        team=5,
        started=2024,
        ends=2027,
    ),
    KeyProject(
        "HCM-KR-02",
        "Cải tạo, di dời nhà trên và ven rạch Văn Thánh",
        "BQLDA-HTDT",
        B,
        Sector.URBAN,
        1_980,
        ((26956, 10.7985, 106.7160),),
        ((L, 540),),
        pace=LAGGING,
        progress=11,
        team=5,
        started=2025,
        ends=2027,
    ),
    # Group 6: the south and south-west.
    KeyProject(
        "HCM-QL50-01",
        "Mở rộng Quốc lộ 50 đoạn Nguyễn Văn Linh – Cần Giuộc",
        "BQLDA-GT",
        A,
        Sector.TRANSPORT,
        3_950,
        ((27619, 10.7035, 106.6560),),
        ((L, 700),),
        pace=GOOD,
        progress=29,
        team=6,
        started=2025,
        ends=2028,
    ),
    KeyProject(
        "HCM-CT-02",
        "Mở rộng cao tốc TP.HCM – Trung Lương đoạn qua Bình Chánh",
        "BQLDA-GT",
        NAT,
        Sector.TRANSPORT,
        11_800,
        ((27595, 10.6990, 106.5600), (27637, 10.6800, 106.5750)),
        ((C, 1_400), (L, 600)),
        pace=BEHIND,
        progress=9,
        team=6,
        started=2025,
        ends=2028,
    ),
    KeyProject(
        "HCM-VD3-03",
        "Đường Vành đai 3 TP.HCM – dự án thành phần 7: xây dựng đoạn Bình Chánh – Củ Chi",
        "BQLDA-GT",
        NAT,
        Sector.TRANSPORT,
        7_660,
        ((27601, 10.8200, 106.5500), (27592, 10.8600, 106.5900)),
        ((C, 1_900), (L, 850)),
        pace=GOOD,
        progress=55,
        team=6,
        started=2023,
        ends=2026,
    ),
    # Group 7: irrigation and farming.
    KeyProject(
        "HCM-NN-01",
        "Hệ thống thủy lợi Bắc Củ Chi giai đoạn 2",
        "BQLDA-NN",
        B,
        Sector.WATER,
        1_240,
        ((27541, 11.0500, 106.5550),),
        ((L, 230),),
        pace=GOOD,
        progress=47,
        team=7,
        started=2024,
        ends=2027,
    ),
    KeyProject(
        "HCM-NN-02",
        "Nạo vét, cải tạo kênh Thầy Cai – An Hạ",
        "BQLDA-NN",
        B,
        Sector.WATER,
        980,
        ((27577, 10.8750, 106.5600), (27601, 10.8300, 106.5550)),
        ((L, 190),),
        pace=GOOD,
        progress=14,
        team=7,
        started=2025,
        ends=2027,
    ),
    # Group 8: Cần Giờ and Nhà Bè.
    KeyProject(
        "HCM-CG-01",
        "Cầu Cần Giờ",
        "BQLDA-GT",
        A,
        Sector.TRANSPORT,
        10_900,
        ((27655, 10.6960, 106.7430), (27664, 10.6550, 106.7800)),
        ((L, 1_500),),
        pace=BEHIND,
        progress=6,
        team=8,
        started=2025,
        ends=2029,
    ),
    KeyProject(
        "HCM-CG-02",
        "Kè chống sạt lở bờ biển Cần Thạnh",
        "BQLDA-CG",
        B,
        Sector.ENVIRONMENT,
        620,
        ((27664, 10.4120, 106.9650),),
        ((L, 160),),
        pace=GOOD,
        progress=61,
        team=8,
        started=2024,
        ends=2026,
    ),
    KeyProject(
        "HCM-CG-03",
        "Đường Rừng Sác mở rộng",
        "BQLDA-CG",
        A,
        Sector.TRANSPORT,
        3_800,
        ((27664, 10.5500, 106.8600),),
        ((L, 400),),
        pace=SLOW,
        status=PREP,
        team=8,
        started=2027,
        ends=2029,
    ),
    # Group 9: culture and education.
    KeyProject(
        "HCM-VH-01",
        "Nhà hát Giao hưởng – Nhạc – Vũ kịch Thành phố tại Thủ Thiêm",
        "BQLDA-DDCN",
        A,
        Sector.CULTURE,
        1_510,
        ((27094, 10.7720, 106.7130),),
        ((L, 310),),
        pace=GOOD,
        progress=24,
        team=9,
        started=2025,
        ends=2027,
    ),
    KeyProject(
        "HCM-GD-01",
        "Xây dựng mới Trường Trung học phổ thông Thủ Thiêm",
        "BQLDA-DDCN",
        B,
        Sector.EDUCATION,
        420,
        ((27094, 10.7780, 106.7220),),
        ((L, 140),),
        pace=GOOD,
        progress=72,
        team=9,
        started=2025,
        ends=2026,
    ),
    # Group 10: bridges and junctions.
    KeyProject(
        "HCM-CAU-01",
        "Cầu Thủ Thiêm 4",
        "BQLDA-GT",
        A,
        Sector.TRANSPORT,
        5_300,
        ((27478, 10.7620, 106.7230), (27094, 10.7700, 106.7290)),
        ((L, 650),),
        pace=GOOD,
        progress=21,
        team=10,
        started=2025,
        ends=2028,
    ),
    KeyProject(
        "HCM-CAU-02",
        "Cầu Nam Lý",
        "BQLDA-GT",
        B,
        Sector.TRANSPORT,
        870,
        ((26842, 10.8330, 106.7760),),
        ((L, 230),),
        pace=GOOD,
        progress=33,
        team=10,
        started=2024,
        ends=2026,
    ),
    # Group 11: the former Bình Dương.
    KeyProject(
        "HCM-VD4-01",
        "Đường Vành đai 4 TP.HCM đoạn qua Tân Uyên – Bến Cát",
        "BQLDA-TDM",
        NAT,
        Sector.TRANSPORT,
        16_800,
        ((25888, 11.0800, 106.7950), (25813, 11.1450, 106.5880)),
        ((C, 1_200), (L, 900)),
        pace=BEHIND,
        progress=4,
        team=11,
        started=2025,
        ends=2029,
    ),
    KeyProject(
        "HCM-BD-01",
        "Nâng cấp, mở rộng đường ĐT.746",
        "BQLDA-TDM",
        B,
        Sector.TRANSPORT,
        1_350,
        ((25888, 11.0620, 106.7700),),
        ((L, 300),),
        pace=GOOD,
        progress=52,
        team=11,
        started=2024,
        ends=2026,
    ),
    KeyProject(
        "HCM-BD-02",
        "Trục thoát nước suối Cái, đoạn qua Thủ Dầu Một",
        "BQLDA-TDM",
        B,
        Sector.WATER,
        760,
        ((25747, 10.9810, 106.6540),),
        ((L, 170),),
        pace=GOOD,
        progress=66,
        team=11,
        started=2024,
        ends=2026,
    ),
    # Group 12: the former Bà Rịa – Vũng Tàu.
    KeyProject(
        "HCM-VT-01",
        "Đường ven biển Vũng Tàu – Bình Thuận, đoạn qua Bà Rịa",
        "BQLDA-VT",
        A,
        Sector.TRANSPORT,
        2_650,
        ((26560, 10.4960, 107.1680),),
        ((L, 420),),
        pace=GOOD,
        progress=58,
        team=12,
        started=2023,
        ends=2026,
    ),
    KeyProject(
        "HCM-VT-02",
        "Đường cao tốc Biên Hòa – Vũng Tàu, đoạn qua Phú Mỹ",
        "BQLDA-VT",
        NAT,
        Sector.TRANSPORT,
        5_900,
        ((26704, 10.5900, 107.0500),),
        ((C, 1_050), (L, 350)),
        pace=BEHIND,
        progress=47,
        team=12,
        started=2023,
        ends=2026,
    ),
    # Group 13: the centre (and every project in Sài Gòn and Bến Thành, through its localities).
    KeyProject(
        "HCM-SG-01",
        "Chỉnh trang công viên bến Bạch Đằng và không gian bờ sông Sài Gòn",
        "BQLDA-SG",
        B,
        Sector.URBAN,
        690,
        ((26740, 10.7745, 106.7060),),
        ((L, 210),),
        pace=GOOD,
        progress=44,
        team=13,
        started=2025,
        ends=2026,
    ),
    KeyProject(
        "HCM-SG-02",
        "Bãi đỗ xe ngầm công viên Lê Văn Tám",
        "BQLDA-SG",
        B,
        Sector.URBAN,
        1_180,
        ((26737, 10.7880, 106.6950),),
        ((L, 150),),
        pace=SLOW,
        status=PREP,
        team=13,
        started=2027,
        ends=2029,
    ),
)

HCMC_SESSIONS = (
    Session(
        1,
        40,
        "Kiểm tra tiến độ Vành đai 3 và Nút giao An Phú",
        "Công trường Nút giao An Phú, Phường An Khánh",
        ("HCM-VD3-01", "HCM-VD3-02", "HCM-TD-01"),
        "Vành đai 3 đoạn Tân Vạn – Nhơn Trạch đạt 68% khối lượng; còn 23 hộ tại Phường Long Trường chưa bàn "
        "giao mặt bằng. Nút giao An Phú vướng di dời đường dây 110 kV.",
        obstacles=(
            Finding(
                "HCM-VD3-02",
                SC.SITE_CLEARANCE,
                RL.STANDING_COMMITTEE,
                "Còn 23 hộ tại Phường Long Trường chưa bàn giao mặt bằng Vành đai 3",
                "Các hộ đề nghị áp giá bồi thường đất nông nghiệp xen kẽ khu dân cư cao hơn phương án đã "
                "duyệt; vượt thẩm quyền của Ủy ban nhân dân phường, cần Ban Thường vụ cho chủ trương.",
                responsible="BQLDA-GT",
                deadline=30,
                escalate=3,
            ),
            Finding(
                "HCM-TD-01",
                SC.INFRASTRUCTURE_RELOCATION,
                RL.CITY_PEOPLES_COMMITTEE,
                "Chậm di dời đường dây 110 kV tại Nút giao An Phú",
                "Đơn vị điện lực chưa bố trí được lịch cắt điện; nhánh cầu C2 không thể thi công mố trụ.",
                responsible="SO-CT",
                deadline=45,
            ),
        ),
        orders=(
            Order(
                "Hoàn thành bàn giao mặt bằng còn lại của Vành đai 3 đoạn qua Phường Long Trường; báo cáo "
                "kết quả về Tổ công tác số 1.",
                "BQLDA-GT",
                30,
                project="HCM-VD3-02",
                cooperating=("SO-NNMT",),
            ),
            Order(
                "Rà soát, đề xuất điều chuyển kế hoạch vốn của các dự án giải ngân dưới 30% trong tổ.",
                "SO-TC",
                21,
            ),
        ),
        recorded_by="totruong",
    ),
    Session(
        1,
        12,
        "Kiểm tra giải ngân Vành đai 2 và Quốc lộ 13",
        "Ủy ban nhân dân Phường Hiệp Bình",
        ("HCM-TD-02", "HCM-QL13-01"),
        "Quốc lộ 13 chưa giải ngân từ tháng 6 do vướng thủ tục điều chỉnh dự án; Vành đai 2 giải ngân "
        "thấp, mới đạt khoảng một phần ba kế hoạch.",
        obstacles=(
            Finding(
                "HCM-QL13-01",
                SC.INVESTMENT_PROCEDURES,
                RL.CITY_PEOPLES_COMMITTEE,
                "Chưa phê duyệt điều chỉnh dự án mở rộng Quốc lộ 13",
                "Hồ sơ điều chỉnh tổng mức đầu tư đã trình từ tháng 5, còn chờ ý kiến thẩm định của Sở Tài "
                "chính; nhà thầu tạm dừng, không có khối lượng để giải ngân.",
                responsible="SO-TC",
                deadline=20,
            ),
        ),
        orders=(
            Order(
                "Hoàn thành thẩm định hồ sơ điều chỉnh dự án mở rộng Quốc lộ 13, trình Ủy ban nhân dân "
                "Thành phố.",
                "SO-TC",
                15,
                project="HCM-QL13-01",
            ),
        ),
        recorded_by="totruong",
    ),
    Session(
        2,
        25,
        "Kiểm tra tuyến metro số 2",
        "Ga Bến Thành, Phường Bến Thành",
        ("HCM-MRT2-01",),
        "Đã bàn giao 98% mặt bằng; còn vướng di dời hạ tầng kỹ thuật tại ga Tham Lương.",
        obstacles=(
            Finding(
                "HCM-MRT2-01",
                SC.SITE_CLEARANCE,
                RL.COMMUNE,
                "Còn 6 trường hợp chưa bàn giao mặt bằng tại Phường Tây Thạnh",
                "Các hộ chưa đồng ý phương án tái định cư; Ủy ban nhân dân phường đang vận động.",
                responsible="BQL-DSDT",
                deadline=30,
            ),
        ),
        orders=(
            Order(
                "Lập kế hoạch di dời hạ tầng kỹ thuật tại ga Tham Lương, bảo đảm khởi công gói thầu chính "
                "đúng hạn.",
                "BQL-DSDT",
                45,
                project="HCM-MRT2-01",
                cooperating=("SO-XD",),
            ),
        ),
    ),
    Session(
        3,
        33,
        "Kiểm tra dự án chống ngập do triều",
        "Cống Tân Thuận, Phường Tân Thuận",
        ("HCM-NUOC-01",),
        "Dự án đạt 93% khối lượng nhưng tạm dừng nhiều năm; vướng cơ chế thanh toán theo hợp đồng BT.",
        obstacles=(
            Finding(
                "HCM-NUOC-01",
                SC.MECHANISM_POLICY,
                RL.CENTRAL,
                "Vướng cơ chế thanh toán hợp đồng BT của dự án chống ngập do triều",
                "Cần ý kiến của các bộ, ngành Trung ương về quỹ đất thanh toán hợp đồng BT.",
                responsible="SO-TC",
            ),
        ),
    ),
    Session(
        8,
        18,
        "Kiểm tra dự án cầu Cần Giờ",
        "Xã Nhà Bè",
        ("HCM-CG-01",),
        "Giải phóng mặt bằng phía Nhà Bè mới đạt 40%; chưa có khu tái định cư.",
        obstacles=(
            Finding(
                "HCM-CG-01",
                SC.SITE_CLEARANCE,
                RL.CITY_PEOPLES_COMMITTEE,
                "Chưa có quỹ nhà tái định cư cho dự án cầu Cần Giờ",
                "Khoảng 120 hộ phía Xã Nhà Bè đủ điều kiện tái định cư nhưng chưa bố trí được quỹ nhà.",
                responsible="SO-XD",
                deadline=60,
            ),
        ),
        orders=(
            Order(
                "Bố trí quỹ nhà tái định cư cho các hộ bị ảnh hưởng bởi dự án cầu Cần Giờ.",
                "SO-XD",
                60,
                project="HCM-CG-01",
            ),
        ),
    ),
)

HCMC = CityInvestment(
    city="hcmc",
    office="vanphonghcm",
    agencies=(
        (
            "BQLDA-NN",
            "Ban Quản lý dự án đầu tư xây dựng các công trình nông nghiệp Thành phố",
            "Ban QLDA nông nghiệp",
            None,
        ),
        ("BQLDA-CG", "Ban Quản lý dự án đầu tư xây dựng khu vực Cần Giờ", "Ban QLDA khu vực Cần Giờ", 27664),
        (
            "BQLDA-TDM",
            "Ban Quản lý dự án đầu tư xây dựng khu vực Thủ Dầu Một",
            "Ban QLDA khu vực Thủ Dầu Một",
            25747,
        ),
        (
            "BQLDA-VT",
            "Ban Quản lý dự án đầu tư xây dựng khu vực Vũng Tàu",
            "Ban QLDA khu vực Vũng Tàu",
            26506,
        ),
        ("BQLDA-SG", "Ban Quản lý dự án đầu tư xây dựng khu vực Sài Gòn", "Ban QLDA khu vực Sài Gòn", 26740),
    ),
    members=HCMC_MEMBERS,
    teams=HCMC_TEAMS,
    projects=HCMC_PROJECTS,
    sessions=HCMC_SESSIONS,
    adjustments=(
        # Capital moved from the slow projects to those that disburse well, decided mid-year.
        ("HCM-TD-02", L, Denominator.ALLOCATED, 0, 0.75, "Quyết định điều chỉnh kế hoạch vốn tháng 7"),
        ("HCM-VD3-01", L, Denominator.ALLOCATED, 0, 1.2, "Quyết định điều chỉnh kế hoạch vốn tháng 7"),
        ("HCM-KR-01", L, Denominator.ALLOCATED, -1, 0.9, "Quyết định điều chỉnh kế hoạch vốn năm trước"),
    ),
    investment_changes=(("HCM-VD3-01", 9_480, "Quyết định điều chỉnh dự án thành phần 1"),),
)

# --- Hanoi ------------------------------------------------------------------------------------------------

HANOI_MEMBERS = {
    "tc": ("Đào Thị Minh Thu", "Phó Giám đốc Sở Tài chính", "SO-TC"),
    "xd": ("Lã Văn Chiến", "Phó Giám đốc Sở Xây dựng", "SO-XD"),
    "vp": ("Khổng Thị Hằng", "Phó Chánh Văn phòng Thành ủy", "VP-TU"),
}

HANOI_TEAMS = (
    Team(
        1,
        "Tổ công tác số 1: các dự án giao thông trọng điểm",
        "hanoi.vice_chair",
        ("Nghiêm Xuân Bách", "Giám đốc Ban Quản lý dự án đầu tư xây dựng công trình giao thông", "BQLDA-GT"),
        ("Ứng Thị Thu", "Chuyên viên Văn phòng Thành ủy", "VP-TU"),
        ("tc", "xd"),
    ),
    Team(
        2,
        "Tổ công tác số 2: đường sắt đô thị và công trình dân dụng",
        "hanoi.chair",
        ("Lò Văn Quyết", "Trưởng Ban Quản lý đường sắt đô thị", "BQL-DSDT"),
        ("Vi Thị Hoa", "Chuyên viên Văn phòng Thành ủy", "VP-TU"),
        ("tc", "vp"),
    ),
)

HANOI_PROJECTS = (
    KeyProject(
        "HN-VD4-01",
        "Đường Vành đai 4 – Vùng Thủ đô: dự án thành phần 1.1, bồi thường, hỗ trợ, tái định cư",
        "BQLDA-GT",
        NAT,
        Sector.TRANSPORT,
        20_040,
        ((376, 21.2560, 105.8480), (9022, 21.1860, 105.7120), (9784, 21.1150, 105.6700)),
        ((C, 3_200), (L, 2_600)),
        pace=GOOD,
        progress=88,
        team=1,
        started=2023,
        ends=2026,
    ),
    KeyProject(
        "HN-VD4-02",
        "Đường Vành đai 4 – Vùng Thủ đô: dự án thành phần 2.1, đường song hành",
        "BQLDA-GT",
        NAT,
        Sector.TRANSPORT,
        12_810,
        ((9832, 21.0390, 105.7050), (10183, 20.8720, 105.8620)),
        ((L, 2_300),),
        pace=BEHIND,
        progress=37,
        team=1,
        started=2024,
        ends=2027,
    ),
    KeyProject(
        "HN-CAU-01",
        "Cầu Trần Hưng Đạo",
        "BQLDA-GT",
        A,
        Sector.TRANSPORT,
        15_983,
        ((70, 21.0190, 105.8620), (118, 21.0300, 105.8780)),
        ((L, 1_800),),
        pace=LAGGING,
        progress=5,
        team=1,
        started=2025,
        ends=2029,
    ),
    KeyProject(
        "HN-CAU-02",
        "Cầu Tứ Liên",
        "BQLDA-GT",
        A,
        Sector.TRANSPORT,
        19_747,
        ((103, 21.0620, 105.8350), (454, 21.0900, 105.8500)),
        ((L, 1_200),),
        pace=BEHIND,
        progress=3,
        team=1,
        started=2025,
        ends=2029,
    ),
    KeyProject(
        "HN-CAU-03",
        "Cầu Ngọc Hồi",
        "BQLDA-GT",
        A,
        Sector.TRANSPORT,
        19_300,
        ((640, 20.9300, 105.8800),),
        ((L, 900),),
        pace=IDLE,
        progress=2,
        team=1,
        started=2025,
        ends=2029,
    ),
    KeyProject(
        "HN-VD25-01",
        "Đường Vành đai 2,5 đoạn Đầm Hồng – Quốc lộ 1A",
        "BQLDA-GT",
        B,
        Sector.TRANSPORT,
        2_370,
        ((331, 20.9800, 105.8400), (367, 20.9940, 105.8130)),
        ((L, 520),),
        pace=GOOD,
        progress=71,
        started=2022,
        ends=2026,
    ),
    KeyProject(
        "HN-DSDT-03",
        "Tuyến đường sắt đô thị thí điểm Nhổn – ga Hà Nội, đoạn đi ngầm",
        "BQL-DSDT",
        NAT,
        Sector.TRANSPORT,
        34_826,
        ((82, 21.0240, 105.8410), (199, 21.0270, 105.8000)),
        ((F, 1_600), (L, 1_100)),
        pace=BEHIND,
        progress=72,
        team=2,
        started=2010,
        ends=2027,
    ),
    KeyProject(
        "HN-DSDT-02",
        "Tuyến đường sắt đô thị số 2 Nam Thăng Long – Trần Hưng Đạo",
        "BQL-DSDT",
        NAT,
        Sector.TRANSPORT,
        35_600,
        ((160, 21.0450, 105.8000), (70, 21.0230, 105.8550)),
        ((F, 900), (L, 700)),
        pace=LAGGING,
        progress=10,
        team=2,
        started=2025,
        ends=2030,
    ),
    KeyProject(
        "HN-YT-01",
        "Bệnh viện Nhi Hà Nội",
        "BQLDA-DD",
        A,
        Sector.HEALTH,
        4_300,
        ((9562, 20.9600, 105.7500),),
        ((L, 780),),
        pace=GOOD,
        progress=49,
        team=2,
        started=2024,
        ends=2027,
    ),
    KeyProject(
        "HN-TL-01",
        "Cải tạo, xử lý ô nhiễm sông Tô Lịch",
        "BQLDA-HTKT",
        B,
        Sector.ENVIRONMENT,
        1_650,
        ((166, 21.0300, 105.7900), (292, 21.0000, 105.8500)),
        ((L, 360),),
        pace=SLOW,
        status=PREP,
        started=2027,
        ends=2029,
    ),
)

HANOI_SESSIONS = (
    Session(
        1,
        20,
        "Kiểm tra giải phóng mặt bằng Vành đai 4 và cầu Trần Hưng Đạo",
        "Ủy ban nhân dân Xã Sóc Sơn",
        ("HN-VD4-01", "HN-CAU-01"),
        "Vành đai 4 đoạn qua Sóc Sơn đã bàn giao 98% mặt bằng; cầu Trần Hưng Đạo chưa có phương án tái định "
        "cư cho các hộ ngoài đê.",
        obstacles=(
            Finding(
                "HN-CAU-01",
                SC.SITE_CLEARANCE,
                RL.CITY_PEOPLES_COMMITTEE,
                "Chưa có phương án tái định cư cho các hộ ngoài đê tại cầu Trần Hưng Đạo",
                "Khoảng 400 hộ phía Phường Bồ Đề phải di dời; quỹ nhà tái định cư chưa được bố trí.",
                responsible="SO-XD",
                deadline=45,
            ),
        ),
        orders=(
            Order(
                "Trình phương án bố trí tái định cư cho các hộ bị ảnh hưởng bởi cầu Trần Hưng Đạo.",
                "SO-XD",
                30,
                project="HN-CAU-01",
                cooperating=("BQLDA-GT",),
            ),
        ),
    ),
    Session(
        2,
        15,
        "Kiểm tra tuyến đường sắt đô thị Nhổn – ga Hà Nội",
        "Ga S12, Phường Cửa Nam",
        ("HN-DSDT-03",),
        "Đoạn đi ngầm đạt 72% khối lượng; giải ngân vốn ODA chậm do thủ tục rút vốn.",
        obstacles=(
            Finding(
                "HN-DSDT-03",
                SC.CAPITAL,
                RL.CENTRAL,
                "Chậm thủ tục rút vốn ODA của tuyến Nhổn – ga Hà Nội",
                "Nhà tài trợ chưa chấp thuận điều chỉnh hiệp định vay; các hồ sơ thanh toán bị treo.",
                responsible="SO-TC",
            ),
        ),
    ),
)

HANOI = CityInvestment(
    city="hanoi",
    office="vanphong",
    agencies=(),
    members=HANOI_MEMBERS,
    teams=HANOI_TEAMS,
    projects=HANOI_PROJECTS,
    sessions=HANOI_SESSIONS,
    adjustments=(
        ("HN-CAU-01", L, Denominator.ALLOCATED, 0, 0.6, "Nghị quyết điều chỉnh kế hoạch vốn giữa năm"),
        ("HN-VD4-01", L, Denominator.ALLOCATED, 0, 1.15, "Nghị quyết điều chỉnh kế hoạch vốn giữa năm"),
    ),
)

CITIES = (HCMC, HANOI)

# --- the amounts -----------------------------------------------------------------------------------------

# How far along the target curve each pace runs this year (a range, drawn per project), and last year.
PACE_FACTORS = {
    GOOD: (1.08, 1.2),
    BEHIND: (0.9, 0.96),
    LAGGING: (0.35, 0.6),
    IDLE: (1.0, 1.1),  # until it stops
    SLOW: (0.1, 0.25),
}
LAST_YEAR_FACTORS = {GOOD: (1.0, 1.06), BEHIND: (0.95, 1.02), LAGGING: (0.7, 0.85), IDLE: (0.9, 1.0)}
IDLE_FROM = 6  # the idle project's money stopped after May


def _curve(month: int) -> float:
    """The target curve as a share (0–1) at the end of month 1..12, straight between its points."""
    points = {0: 0.0, **{m: float(p) / 100 for m, p in TARGET_CURVE.items()}}
    low = max(m for m in points if m <= month)
    if low == month:
        return points[month]
    high = min(m for m in points if m > month)
    return points[low] + (points[high] - points[low]) * (month - low) / (high - low)


def _amounts(plan: int, factor: float, rng: random.Random, *, stop_after: int = 13) -> list[int]:
    """Monthly amounts over the 13 months of a disbursement year: the cumulative share runs at `factor`
    times the target curve (with some monthly noise), never above the plan, nothing after `stop_after`;
    the 13th month is the January carry-over, a last few percent."""
    cumulative, previous = [], 0
    for month in range(1, 13):
        share = min(1.0, factor * _curve(month) * rng.uniform(0.97, 1.03))
        if month > stop_after:
            share = 0.0
        amount = max(previous, round(plan * share / MILLION) * MILLION)
        cumulative.append(amount)
        previous = amount
    if stop_after >= 12:
        carry = min(plan, previous + round(plan * rng.uniform(0.01, 0.05) / MILLION) * MILLION)
        cumulative.append(max(previous, carry))
    else:
        cumulative.append(previous)
    return [b - a for a, b in zip([0, *cumulative[:-1]], cumulative, strict=True)]


# --- loading ----------------------------------------------------------------------------------------------


class _Loader:
    def __init__(self, context: DemoContext, city: CityInvestment):
        self.context = context
        self.city = city
        self.committee = context.committees[city.city]
        self.office = context.users[city.office]
        self.today = context.today
        self.year = self.today.year
        # Money is reported for the months that have ended.
        self.last_month = month_start(month_start(self.today) - dt.timedelta(days=1))
        codes = {w for p in city.projects for w, _lat, _lon in p.sites}
        codes |= {a[3] for a in city.agencies if a[3]} | {w for t in city.teams for w in t.localities}
        self.units = {
            u.code: u
            for u in AdministrativeUnit.objects.filter(parent=self.committee.root_unit, code__in=codes)
        }
        self.projects = {}
        self.people = {}
        self.groups = {}

    def agency(self, code: str):
        return self.context.agencies[self.city.city, code]

    def day(self, days_ago: int) -> dt.date:
        return self.today - dt.timedelta(days=days_ago)

    def load(self) -> None:
        for code, name, short, ward in self.city.agencies:
            self.context.agencies[self.city.city, code] = agency_create(
                actor=self.office,
                organization=self.committee,
                code=code,
                name=name,
                short_name=short,
                kind=AgencyKind.INVESTOR,
                parent=self.agency("UBND"),
                locality=self.units[ward] if ward else None,
            )
        for year in (self.year - 1, self.year):
            services.target_curve_set(
                actor=self.office, organization=self.committee, year=year, points=TARGET_CURVE
            )
        for spec in self.city.projects:
            self.project(spec)
        for code, total, decision in self.city.investment_changes:
            services.total_investment_adjust(
                actor=self.office,
                project=self.projects[code],
                effective_on=dt.date(self.year, 3, 15),
                amount=total * BILLION,
                decision=decision,
            )
        self.adjustments()
        for team in self.city.teams:
            self.team(team)
        for session in self.city.sessions:
            self.session(session)

    def project(self, spec: KeyProject) -> None:
        project = services.project_create(
            actor=self.office,
            organization=self.committee,
            code=spec.code,
            name=spec.name,
            group=spec.group,
            investor=self.agency(spec.investor),
            sector=spec.sector,
            is_key=True,
            total_investment=spec.total * BILLION,
            planned_start=dt.date(spec.started, 1, 1) if spec.status == PREP else dt.date(spec.started, 3, 1),
            planned_end=dt.date(spec.ends, 12, 31),
            sites=[
                (
                    self.units[ward],
                    Decimal(f"{lat:.6f}") if lat is not None else None,
                    Decimal(f"{lon:.6f}") if lon is not None else None,
                )
                for ward, lat, lon in spec.sites
            ],
        )
        if spec.status != PREP:
            project = services.project_set_status(
                actor=self.office,
                project=project,
                version=project.version,
                status=WORKS,
                on=dt.date(min(spec.started, self.year), 4, 15),
            )
        if spec.status == DONE:
            project = services.project_set_status(
                actor=self.office,
                project=project,
                version=project.version,
                status=DONE,
                on=dt.date(self.year - 1, 12, 20),
            )
        if spec.progress is not None:
            if spec.progress > 10 and spec.status != DONE:
                services.progress_record(
                    actor=self.office,
                    project=project,
                    observed_on=dt.date(self.year - 1, 12, 31),
                    percent=Decimal(spec.progress * 3 // 4),
                    note="Báo cáo cuối năm của chủ đầu tư",
                )
            services.progress_record(
                actor=self.office,
                project=project,
                observed_on=min(self.today, self.last_month + dt.timedelta(days=27)),
                percent=Decimal(spec.progress),
                note="Báo cáo tháng của chủ đầu tư",
            )
        self.projects[spec.code] = project
        self.money(spec, project)

    def money(self, spec: KeyProject, project) -> None:
        """The project's plans for this year and the last, and what it disbursed month by month."""
        rng = random.Random(f"investment-{spec.code}")  # noqa: S311 (demo data, seeded)
        for source, billions in spec.plans:
            this_year = billions * BILLION
            last_year = round(this_year * rng.uniform(0.75, 1.1) / BILLION) * BILLION
            for year, plan, factors, stop in (
                (self.year - 1, last_year, LAST_YEAR_FACTORS.get(spec.pace, (0.1, 0.3)), 13),
                (self.year, this_year, PACE_FACTORS[spec.pace], IDLE_FROM - 1 if spec.pace == IDLE else 13),
            ):
                if spec.status == PREP and year < self.year:
                    continue  # no capital before its first plan
                # Central plans are assigned as given; the city tops up its own budget.
                allocated = plan if source != L else round(plan * rng.uniform(1.0, 1.2) / BILLION) * BILLION
                services.plan_set(
                    actor=self.office,
                    project=project,
                    year=year,
                    source=source,
                    assigned_amount=plan,
                    allocated_amount=allocated,
                )
                amounts = _amounts(plan, rng.uniform(*factors), rng, stop_after=stop)
                for month, amount in zip(plan_months(year), amounts, strict=True):
                    if amount and month <= self.last_month:
                        services.disbursement_record(
                            actor=self.office,
                            project=project,
                            source=source,
                            plan_year=year,
                            month=month,
                            amount=amount,
                        )

    def adjustments(self) -> None:
        from investment.models import CapitalPlan

        for code, source, denominator, offset, share, decision in self.city.adjustments:
            plan = CapitalPlan.objects.get(
                project=self.projects[code], year=self.year + offset, source=source
            )
            first = plan.allocated_amount if denominator == Denominator.ALLOCATED else plan.assigned_amount
            services.plan_adjust(
                actor=self.office,
                plan=plan,
                denominator=denominator,
                effective_on=dt.date(self.year + offset, 7, 15),
                amount=round(first * share / BILLION) * BILLION,
                decision=decision,
            )

    def person(self, full_name: str, position: str, agency_code: str):
        if full_name not in self.people:
            self.people[full_name] = person_create(
                actor=self.office,
                organization=self.committee,
                full_name=full_name,
                position=position,
                agency=self.agency(agency_code),
            )
        return self.people[full_name]

    def team(self, team: Team) -> None:
        group = services.group_create(
            actor=self.office,
            organization=self.committee,
            number=team.number,
            name=team.name,
            term_start=GROUPS_FROM,
            projects=[self.projects[p.code] for p in self.city.projects if p.team == team.number],
            investors=[self.agency(code) for code in team.investors],
            localities=[self.units[code] for code in team.localities],
        )
        self.groups[team.number] = group
        seats = [
            (self.context.people[team.leader], GroupRole.LEADER),
            (self.person(*team.deputy), GroupRole.DEPUTY),
            (self.person(*team.secretary), GroupRole.SECRETARY),
            *[(self.person(*self.city.members[key]), GroupRole.MEMBER) for key in team.members],
        ]
        for person, role in seats:
            services.group_member_add(
                actor=self.office, group=group, person=person, role=role, valid_from=GROUPS_FROM
            )
        if team.number == 1:
            # The group's history: its first secretary moved on and was replaced.
            first = group.members.get(role=GroupRole.SECRETARY)
            services.group_member_end(actor=self.office, member=first, valid_to=dt.date(self.year, 3, 31))
            successor = self.person("Huỳnh Thị Thanh Tuyền", "Chuyên viên Văn phòng Thành ủy", "VP-TU")
            services.group_member_add(
                actor=self.office,
                group=group,
                person=successor,
                role=GroupRole.SECRETARY,
                valid_from=dt.date(self.year, 4, 1),
            )

    def session(self, spec: Session) -> None:
        group = self.groups[spec.team]
        actor = self.context.users[spec.recorded_by] if spec.recorded_by else self.office
        held_on = self.day(spec.held)
        members = list(group.members.filter(valid_to__isnull=True).select_related("person"))
        session = services.session_create(
            actor=actor,
            group=group,
            held_on=held_on,
            title=spec.title,
            place=spec.place,
            projects=[self.projects[code] for code in spec.projects],
            participants=[m.person for m in members],
            findings=spec.findings,
        )
        leader = next(m.person for m in members if m.role == GroupRole.LEADER)
        for finding in spec.obstacles:
            obstacle = services.session_raise_obstacle(
                actor=actor,
                session=session,
                project=self.projects[finding.project],
                title=finding.title,
                description=finding.description,
                category=finding.category,
                resolution_level=finding.level,
                responsible_agency=self.agency(finding.responsible) if finding.responsible else None,
                deadline=default_deadline(self.committee, finding.deadline, start=held_on)
                if finding.deadline
                else None,
                raised_by=leader,
            )
            if finding.escalate is not None:
                followup_services.obstacle_escalate(
                    actor=actor,
                    obstacle=obstacle,
                    version=obstacle.version,
                    on=held_on + dt.timedelta(days=finding.escalate),
                    note="Tổ công tác báo cáo Ban Thường vụ Thành ủy cho chủ trương về giá bồi thường.",
                )
        for order in spec.orders:
            services.session_issue_directive(
                actor=actor,
                session=session,
                content=order.content,
                lead_unit=self.agency(order.lead),
                deadline=default_deadline(self.committee, order.deadline, start=held_on),
                issued_by=leader,
                cooperating_units=[self.agency(code) for code in order.cooperating],
                project=self.projects[order.project] if order.project else None,
            )


@register_step
def investment(context: DemoContext) -> None:
    """Both cities' key projects, plans, monthly disbursement, working groups and supervision sessions."""
    for city in CITIES:
        if city.city in context.committees:
            _Loader(context, city).load()
