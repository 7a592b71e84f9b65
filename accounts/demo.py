"""Demo data (`coso demo`): the Party committees of Hanoi and Ho Chi Minh City, their leaders and logins.

Every record is written through the services, so the demo is validated and on the audit trail like
real data. The people are fictional; the administrative units are the real ones. The data is
hand-written, so every load is the same.

Other apps add their own demo data by registering a step in a `demo` module of the app
(it is imported automatically, as Django's admin imports `admin` modules)::

    # fieldwork/demo.py
    from accounts.demo import register_step

    @register_step
    def calendars(context):
        lanhdao = context.people["lanhdao"]
        ...

Steps run after the organisation is loaded, in the order they were registered (for discovered
modules, the order of INSTALLED_APPS), inside the same transaction, each receiving the `DemoContext`.
"""

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules

from accounts.choices import Role
from accounts.models import User
from accounts.services import user_create
from core.registry import in_app_order
from org.choices import AgencyKind, AssignmentRole, BodyKind
from org.models import AdministrativeUnit, Agency, Field, PartyCommittee, Person
from org.services import (
    agency_create,
    assignment_create,
    body_create,
    committee_create,
    committee_update,
    field_create,
    membership_create,
    person_create,
    person_update,
    units_import,
)

TERM = "2025–2030"
TERM_START = dt.date(2025, 10, 1)
ASSIGNED_FROM = dt.date(2025, 7, 1)

# Where the demo places the wards of its two cities (the official units carry no coordinates): the wards
# the demo's stories name at their real place, the others at a fixed point around the city centre (the
# centre, and how far the wards spread, in degrees). The maps and the incidents' positions read them.
CITY_CENTRES = {"hanoi": (21.0285, 105.8542, 0.10), "hcmc": (10.7769, 106.7009, 0.16)}
KNOWN_WARDS = {("hanoi", 70): (21.0287, 105.8524), ("hcmc", 26743): (10.7725, 106.6980)}


def ward_point(city_code: str, ward_code: int) -> tuple[float, float]:
    """The demo's point for a ward: its real place when known, else a fixed point drawn from its code."""
    if (city_code, ward_code) in KNOWN_WARDS:
        return KNOWN_WARDS[city_code, ward_code]
    lat0, lon0, spread = CITY_CENTRES[city_code]
    place = random.Random(ward_code)  # noqa: S311 (a fixed point per ward, not a secret)
    return lat0 + place.uniform(-spread, spread), lon0 + place.uniform(-spread, spread)


def _place_wards(city_code: str, wards: dict) -> None:
    """Give the city's wards their demo coordinates (reference data, loaded with the units)."""
    for ward in wards.values():
        lat, lon = ward_point(city_code, ward.code)
        ward.latitude, ward.longitude = Decimal(f"{lat:.6f}"), Decimal(f"{lon:.6f}")
    AdministrativeUnit.objects.bulk_update(wards.values(), ["latitude", "longitude"])


HANDOVER_ON = dt.date(2026, 1, 1)  # the few localities that changed leader start again here
SEED = 2025

# --- what is loaded -------------------------------------------------------------------------------


@dataclass(frozen=True)
class CityPlan:
    """One city: its committee, its agencies and its leaders, as hand-written data."""

    code: str
    name: str
    province_code: int
    superior_body: str
    place_name: str
    # (code, name, short name, kind, parent code, ward code)
    agencies: tuple[tuple[str, str, str, str, str | None, int | None], ...]
    # (key, full name, Standing Committee position, Standing Board position or "", agency code or "")
    # The first is the Secretary (the committee's default leader); this is the order on the bodies.
    leaders: tuple[tuple[str, str, str, str, str], ...]
    # The leaders who share the communes and wards, in order: each takes the next run of codes
    # (neighbouring places). Everyone on the Standing Committee except the Secretary.
    sharing: tuple[str, ...]
    # Locality handed over on HANDOVER_ON: (ward code, previous leader's key)
    handovers: tuple[tuple[int, str], ...]
    # (leader key, agency code)
    agency_assignments: tuple[tuple[str, str], ...]
    # (leader key, field name)
    field_assignments: tuple[tuple[str, str], ...]


FIELDS = (
    "Đầu tư công",
    "Đất đai",
    "Trật tự đô thị",
    "An sinh xã hội",
    "Môi trường",
    "Phòng, chống tham nhũng, lãng phí",
    "Công tác cán bộ",
)

_P, _D, _I, _M, _E = (
    AgencyKind.PARTY_COMMITTEE,
    AgencyKind.DEPARTMENT,
    AgencyKind.INVESTOR,
    AgencyKind.MASS_ORGANISATION,
    AgencyKind.ENTERPRISE,
)


def _common_agencies(city: str) -> tuple:
    """The agencies every city has: the Party committee's own bodies, the People's Committee, departments."""
    return (
        ("VP-TU", "Văn phòng Thành ủy", "VPTU", _P, None, None),
        ("BTC-TU", "Ban Tổ chức Thành ủy", "BTCTU", _P, None, None),
        ("UBKT-TU", "Ủy ban Kiểm tra Thành ủy", "UBKTTU", _P, None, None),
        ("BTGDV-TU", "Ban Tuyên giáo và Dân vận Thành ủy", "BTGDVTU", _P, None, None),
        ("BNC-TU", "Ban Nội chính Thành ủy", "BNCTU", _P, None, None),
        ("MTTQ", f"Ủy ban Mặt trận Tổ quốc Việt Nam {city}", "MTTQ", _M, None, None),
        ("UBND", f"Ủy ban nhân dân {city}", "UBND", AgencyKind.PEOPLES_COMMITTEE, None, None),
        ("SO-TC", "Sở Tài chính", "", _D, "UBND", None),
        ("SO-XD", "Sở Xây dựng", "", _D, "UBND", None),
        ("SO-NNMT", "Sở Nông nghiệp và Môi trường", "", _D, "UBND", None),
        ("SO-NV", "Sở Nội vụ", "", _D, "UBND", None),
        ("SO-CT", "Sở Công Thương", "", _D, "UBND", None),
        ("SO-GDDT", "Sở Giáo dục và Đào tạo", "", _D, "UBND", None),
        ("SO-YT", "Sở Y tế", "", _D, "UBND", None),
        ("SO-VHTT", "Sở Văn hóa và Thể thao", "", _D, "UBND", None),
        ("SO-KHCN", "Sở Khoa học và Công nghệ", "", _D, "UBND", None),
        ("CA", f"Công an {city}", "", _D, None, None),
    )


HANOI = CityPlan(
    code="hanoi",
    name="Thành ủy Hà Nội",
    province_code=1,
    superior_body="ĐẢNG BỘ THÀNH PHỐ HÀ NỘI",
    place_name="Hà Nội",
    agencies=(
        *_common_agencies("Thành phố Hà Nội"),
        ("SO-QHKT", "Sở Quy hoạch - Kiến trúc", "", _D, "UBND", None),
        (
            "BQLDA-GT",
            "Ban Quản lý dự án đầu tư xây dựng công trình giao thông Thành phố Hà Nội",
            "Ban QLDA giao thông",
            _I,
            "UBND",
            None,
        ),
        (
            "BQLDA-DD",
            "Ban Quản lý dự án đầu tư xây dựng công trình dân dụng Thành phố Hà Nội",
            "Ban QLDA dân dụng",
            _I,
            "UBND",
            None,
        ),
        (
            "BQLDA-HTKT",
            "Ban Quản lý dự án đầu tư xây dựng công trình hạ tầng kỹ thuật và nông nghiệp Thành phố Hà Nội",
            "Ban QLDA hạ tầng kỹ thuật",
            _I,
            "UBND",
            None,
        ),
        ("BQL-DSDT", "Ban Quản lý đường sắt đô thị Hà Nội", "Ban đường sắt đô thị", _I, "UBND", None),
        ("TCT-VT", "Tổng Công ty Vận tải Hà Nội", "", _E, "UBND", None),
        ("DU-HK", "Đảng ủy Phường Hoàn Kiếm", "", _P, None, 70),
        ("DU-BD", "Đảng ủy Phường Ba Đình", "", _P, None, 4),
        ("DU-CN", "Đảng ủy Phường Cửa Nam", "", _P, None, 82),
        ("DU-DD", "Đảng ủy Phường Đống Đa", "", _P, None, 235),
        ("DU-HD", "Đảng ủy Phường Hà Đông", "", _P, None, 9556),
        ("DU-SS", "Đảng ủy Xã Sóc Sơn", "", _P, None, 376),
    ),
    leaders=(
        ("hanoi.secretary", "Trịnh Quang Khải", "Bí thư Thành ủy", "Bí thư", ""),
        (
            "hanoi.deputy",
            "Hoàng Minh Đạt",
            "Phó Bí thư Thường trực Thành ủy",
            "Phó Bí thư Thường trực",
            "",
        ),
        (
            "hanoi.chair",
            "Vũ Ngọc Thạch",
            "Phó Bí thư Thành ủy, Chủ tịch Ủy ban nhân dân Thành phố",
            "Phó Bí thư",
            "UBND",
        ),
        (
            "hanoi.council",
            "Đặng Thu Phương",
            "Phó Bí thư Thành ủy, Chủ tịch Hội đồng nhân dân Thành phố",
            "Phó Bí thư",
            "",
        ),
        (
            "lanhdao",
            "Lương Đức Thịnh",
            "Ủy viên Ban Thường vụ, Trưởng Ban Tuyên giáo và Dân vận Thành ủy",
            "",
            "BTGDV-TU",
        ),
        (
            "hanoi.organisation",
            "Tạ Minh Quân",
            "Ủy viên Ban Thường vụ, Trưởng Ban Tổ chức Thành ủy",
            "",
            "BTC-TU",
        ),
        (
            "hanoi.inspection",
            "Kiều Thị Lan Anh",
            "Ủy viên Ban Thường vụ, Chủ nhiệm Ủy ban Kiểm tra Thành ủy",
            "",
            "UBKT-TU",
        ),
        ("hanoi.office", "Lại Văn Khiêm", "Ủy viên Ban Thường vụ, Chánh Văn phòng Thành ủy", "", "VP-TU"),
        (
            "hanoi.internal",
            "Mai Xuân Trường",
            "Ủy viên Ban Thường vụ, Trưởng Ban Nội chính Thành ủy",
            "",
            "BNC-TU",
        ),
        (
            "hanoi.vice_chair",
            "Ninh Thị Hải Yến",
            "Ủy viên Ban Thường vụ, Phó Chủ tịch Thường trực Ủy ban nhân dân Thành phố",
            "",
            "UBND",
        ),
        (
            "hanoi.front",
            "Cao Văn Tiến",
            "Ủy viên Ban Thường vụ, Chủ tịch Ủy ban Mặt trận Tổ quốc Việt Nam Thành phố",
            "",
            "MTTQ",
        ),
        ("hanoi.police", "Bạch Quốc Hưng", "Ủy viên Ban Thường vụ, Giám đốc Công an Thành phố", "", "CA"),
        (
            "hanoi.command",
            "Đoàn Quốc Việt",
            "Ủy viên Ban Thường vụ, Tư lệnh Bộ Tư lệnh Thủ đô Hà Nội",
            "",
            "",
        ),
        (
            "hanoi.cua_nam",
            "Khúc Thị Minh Nguyệt",
            "Ủy viên Ban Thường vụ, Bí thư Đảng ủy Phường Cửa Nam",
            "",
            "DU-CN",
        ),
        (
            "hanoi.dong_da",
            "Phí Mạnh Cường",
            "Ủy viên Ban Thường vụ, Bí thư Đảng ủy Phường Đống Đa",
            "",
            "DU-DD",
        ),
    ),
    sharing=(
        "lanhdao",  # the central wards: Ba Đình, Hoàn Kiếm, Cửa Nam, ...
        "hanoi.dong_da",
        "hanoi.cua_nam",
        "hanoi.deputy",
        "hanoi.chair",
        "hanoi.council",
        "hanoi.organisation",
        "hanoi.inspection",
        "hanoi.office",
        "hanoi.internal",
        "hanoi.vice_chair",
        "hanoi.front",
        "hanoi.police",
        "hanoi.command",
    ),
    handovers=((4, "hanoi.office"),),  # Phường Ba Đình passed from the Office chief to `lanhdao`
    agency_assignments=(
        ("hanoi.vice_chair", "SO-TC"),
        ("hanoi.vice_chair", "BQLDA-GT"),
        ("hanoi.organisation", "SO-NV"),
        ("lanhdao", "SO-VHTT"),
        ("hanoi.chair", "BQL-DSDT"),
    ),
    field_assignments=(
        ("hanoi.vice_chair", "Đầu tư công"),
        ("hanoi.deputy", "Đất đai"),
        ("lanhdao", "Trật tự đô thị"),
        ("hanoi.front", "An sinh xã hội"),
        ("hanoi.chair", "Môi trường"),
        ("hanoi.internal", "Phòng, chống tham nhũng, lãng phí"),
        ("hanoi.organisation", "Công tác cán bộ"),
    ),
)

HCMC = CityPlan(
    code="hcmc",
    name="Thành ủy Thành phố Hồ Chí Minh",
    province_code=79,
    superior_body="ĐẢNG BỘ THÀNH PHỐ HỒ CHÍ MINH",
    place_name="Thành phố Hồ Chí Minh",
    agencies=(
        *_common_agencies("Thành phố Hồ Chí Minh"),
        ("SO-DL", "Sở Du lịch", "", _D, "UBND", None),
        (
            "BQLDA-GT",
            "Ban Quản lý dự án đầu tư xây dựng các công trình giao thông Thành phố",
            "Ban QLDA giao thông",
            _I,
            "UBND",
            None,
        ),
        (
            "BQLDA-DDCN",
            "Ban Quản lý dự án đầu tư xây dựng các công trình dân dụng và công nghiệp Thành phố",
            "Ban QLDA dân dụng và công nghiệp",
            _I,
            "UBND",
            None,
        ),
        (
            "BQLDA-HTDT",
            "Ban Quản lý dự án đầu tư xây dựng hạ tầng đô thị Thành phố",
            "Ban QLDA hạ tầng đô thị",
            _I,
            "UBND",
            None,
        ),
        (
            "BQL-DSDT",
            "Ban Quản lý đường sắt đô thị Thành phố Hồ Chí Minh",
            "Ban đường sắt đô thị",
            _I,
            "UBND",
            None,
        ),
        ("TCT-CN", "Tổng Công ty Cấp nước Sài Gòn", "", _E, "UBND", None),
        ("DU-SG", "Đảng ủy Phường Sài Gòn", "", _P, None, 26740),
        ("DU-BT", "Đảng ủy Phường Bến Thành", "", _P, None, 26743),
        ("DU-TD", "Đảng ủy Phường Thủ Đức", "", _P, None, 26824),
        ("DU-TDM", "Đảng ủy Phường Thủ Dầu Một", "", _P, None, 25747),
        ("DU-VT", "Đảng ủy Phường Vũng Tàu", "", _P, None, 26506),
        ("DU-CG", "Đảng ủy Xã Cần Giờ", "", _P, None, 27664),
    ),
    leaders=(
        ("hcmc.secretary", "Lâm Chí Thành", "Bí thư Thành ủy", "Bí thư", ""),
        (
            "hcmc.deputy",
            "Trương Thị Mỹ Hạnh",
            "Phó Bí thư Thường trực Thành ủy",
            "Phó Bí thư Thường trực",
            "",
        ),
        (
            "hcmc.chair",
            "Dương Hoài Nam",
            "Phó Bí thư Thành ủy, Chủ tịch Ủy ban nhân dân Thành phố",
            "Phó Bí thư",
            "UBND",
        ),
        (
            "hcmc.council",
            "Quách Ngọc Bảo Trân",
            "Phó Bí thư Thành ủy, Chủ tịch Hội đồng nhân dân Thành phố",
            "Phó Bí thư",
            "",
        ),
        (
            "hcmc.front",
            "Tăng Văn Phúc",
            "Phó Bí thư Thành ủy, Chủ tịch Ủy ban Mặt trận Tổ quốc Việt Nam Thành phố",
            "Phó Bí thư",
            "MTTQ",
        ),
        (
            "totruong",
            "Châu Minh Triết",
            "Ủy viên Ban Thường vụ, Phó Chủ tịch Thường trực Ủy ban nhân dân Thành phố",
            "",
            "UBND",
        ),
        (
            "hcmc.organisation",
            "La Thị Ngọc Diệp",
            "Ủy viên Ban Thường vụ, Trưởng Ban Tổ chức Thành ủy",
            "",
            "BTC-TU",
        ),
        (
            "hcmc.inspection",
            "Thạch Văn Sang",
            "Ủy viên Ban Thường vụ, Chủ nhiệm Ủy ban Kiểm tra Thành ủy",
            "",
            "UBKT-TU",
        ),
        (
            "hcmc.propaganda",
            "Ông Quốc Khang",
            "Ủy viên Ban Thường vụ, Trưởng Ban Tuyên giáo và Dân vận Thành ủy",
            "",
            "BTGDV-TU",
        ),
        ("hcmc.office", "Diệp Bảo Long", "Ủy viên Ban Thường vụ, Chánh Văn phòng Thành ủy", "", "VP-TU"),
        (
            "hcmc.internal",
            "Từ Thị Cẩm Tú",
            "Ủy viên Ban Thường vụ, Trưởng Ban Nội chính Thành ủy",
            "",
            "BNC-TU",
        ),
        ("hcmc.police", "Lư Hoàng Vũ", "Ủy viên Ban Thường vụ, Giám đốc Công an Thành phố", "", "CA"),
        ("hcmc.command", "Kha Văn Dũng", "Ủy viên Ban Thường vụ, Tư lệnh Bộ Tư lệnh Thành phố", "", ""),
        (
            "hcmc.vice_chair",
            "Âu Dương Khoa",
            "Ủy viên Ban Thường vụ, Phó Chủ tịch Ủy ban nhân dân Thành phố",
            "",
            "UBND",
        ),
        (
            "hcmc.thu_dau_mot",
            "Nghiêm Thị Thu Thảo",
            "Ủy viên Ban Thường vụ, Bí thư Đảng ủy Phường Thủ Dầu Một",
            "",
            "DU-TDM",
        ),
        (
            "hcmc.vung_tau",
            "Hồ Sĩ Thắng",
            "Ủy viên Ban Thường vụ, Bí thư Đảng ủy Phường Vũng Tàu",
            "",
            "DU-VT",
        ),
        (
            "hcmc.sai_gon",
            "Mạc Thanh Bình",
            "Ủy viên Ban Thường vụ, Bí thư Đảng ủy Phường Sài Gòn",
            "",
            "DU-SG",
        ),
    ),
    sharing=(
        "hcmc.thu_dau_mot",  # Thủ Dầu Một and its neighbours
        "totruong",
        "hcmc.organisation",
        "hcmc.inspection",
        "hcmc.vung_tau",
        "hcmc.propaganda",
        "hcmc.sai_gon",  # Tân Định, Sài Gòn, Bến Thành, ...
        "hcmc.deputy",
        "hcmc.chair",
        "hcmc.council",
        "hcmc.front",
        "hcmc.office",
        "hcmc.internal",
        "hcmc.police",
        "hcmc.command",
        "hcmc.vice_chair",
    ),
    handovers=((26743, "hcmc.office"),),  # Phường Bến Thành changed leader on 1 January 2026
    agency_assignments=(
        ("totruong", "BQLDA-GT"),
        ("totruong", "BQLDA-DDCN"),
        ("totruong", "SO-TC"),
        ("hcmc.vice_chair", "SO-XD"),
        ("hcmc.chair", "BQL-DSDT"),
    ),
    field_assignments=(
        ("totruong", "Đầu tư công"),
        ("hcmc.vice_chair", "Đất đai"),
        ("hcmc.police", "Trật tự đô thị"),
        ("hcmc.front", "An sinh xã hội"),
        ("hcmc.chair", "Môi trường"),
        ("hcmc.internal", "Phòng, chống tham nhũng, lãng phí"),
        ("hcmc.organisation", "Công tác cán bộ"),
    ),
)

CITIES = (HANOI, HCMC)


@dataclass(frozen=True)
class DemoLogin:
    """One demo login: who it is and what it may do."""

    username: str
    city: str
    role: str
    who: str  # shown in the logins table, after the person's name
    person_key: str = ""  # a leader from CityPlan.leaders, or "" for a person made for the login
    full_name: str = ""  # for a person made for the login
    position: str = ""
    agency_code: str = ""  # where that person works; also the unit of a focal point


DEMO_LOGINS = (
    DemoLogin(
        "vanphong",
        "hanoi",
        Role.OFFICE,
        "chuyên viên Văn phòng Thành ủy, quản trị",
        full_name="Giáp Thị Thu Trang",
        position="Chuyên viên Văn phòng Thành ủy",
        agency_code="VP-TU",
    ),
    DemoLogin("bithu", "hanoi", Role.STANDING_BOARD, "Bí thư Thành ủy", person_key="hanoi.secretary"),
    DemoLogin(
        "lanhdao",
        "hanoi",
        Role.STANDING_MEMBER,
        "Ủy viên Ban Thường vụ, phụ trách Phường Hoàn Kiếm và các phường lân cận",
        person_key="lanhdao",
    ),
    DemoLogin(
        "hoankiem",
        "hanoi",
        Role.FOCAL_POINT,
        "đầu mối Phường Hoàn Kiếm",
        full_name="Âu Thị Thanh Tâm",
        position="Chánh Văn phòng Đảng ủy Phường Hoàn Kiếm",
        agency_code="DU-HK",
    ),
    DemoLogin(
        "kiemtra",
        "hanoi",
        Role.VIEWER,
        "chuyên viên Ủy ban Kiểm tra Thành ủy, chỉ xem",
        full_name="Hà Quang Huy",
        position="Chuyên viên Ủy ban Kiểm tra Thành ủy",
        agency_code="UBKT-TU",
    ),
    DemoLogin(
        "vanphonghcm",
        "hcmc",
        Role.OFFICE,
        "chuyên viên Văn phòng Thành ủy, quản trị",
        full_name="Võ Thị Ngọc Hân",
        position="Chuyên viên Văn phòng Thành ủy",
        agency_code="VP-TU",
    ),
    DemoLogin(
        "totruong",
        "hcmc",
        Role.STANDING_MEMBER,
        "Ủy viên Ban Thường vụ, tổ trưởng Tổ công tác số 1",
        person_key="totruong",
    ),
)


# --- extension: steps of other apps ---------------------------------------------------------------


@dataclass
class DemoContext:
    """What the organisation step loaded, for the steps that follow it."""

    committees: dict[str, PartyCommittee] = field(default_factory=dict)  # by code: "hanoi", "hcmc"
    # By key ("hanoi.secretary", ...; see CityPlan.leaders) and by login ("bithu", "lanhdao", ...)
    people: dict[str, Person] = field(default_factory=dict)
    standing_committee: dict[str, list[Person]] = field(default_factory=dict)  # by committee, in order
    users: dict[str, User] = field(default_factory=dict)  # by login
    agencies: dict[tuple[str, str], Agency] = field(default_factory=dict)  # by (committee, agency code)
    fields: dict[tuple[str, str], Field] = field(default_factory=dict)  # by (committee, field name)
    assignments: int = 0
    today: dt.date = field(default_factory=timezone.localdate)
    rng: random.Random = field(default_factory=lambda: random.Random(SEED))  # noqa: S311 (demo data, seeded)


DemoStep = Callable[[DemoContext], None]
_steps: list[DemoStep] = []


def register_step(step: DemoStep) -> DemoStep:
    """Add a step that runs after the organisation is loaded (usable as a decorator)."""
    if step not in _steps:
        _steps.append(step)
    return step


# --- loading --------------------------------------------------------------------------------------


def demo_is_empty() -> bool:
    """True while no Party committee exists: the demo loads only into an empty organisation."""
    return not PartyCommittee.objects.exists()


@transaction.atomic
def demo_load(*, actor=None, steps: bool | tuple[str, ...] = True) -> DemoContext:
    """Load the demo organisation, then every registered step (or none, or only the steps of the apps named,
    as tests that need one app's data do), in one transaction."""
    context = DemoContext()
    units_import(actor=actor, province_codes=[city.province_code for city in CITIES])
    for city in CITIES:
        _load_city(city, context, actor)
    _load_logins(context, actor)
    if not steps:
        return context
    autodiscover_modules("demo")
    for step in in_app_order(_steps):
        if steps is True or step.__module__.split(".")[0] in steps:
            step(context)
    return context


def _load_city(city: CityPlan, context: DemoContext, actor) -> None:
    """One city: committee, fields, agencies, leaders on their bodies, and their assignments."""
    province = AdministrativeUnit.objects.get(level=1, code=city.province_code)
    committee = committee_create(
        actor=actor,
        code=city.code,
        name=city.name,
        root_unit=province,
        superior_body=city.superior_body,
        document_symbol="TU",
        place_name=city.place_name,
    )
    context.committees[city.code] = committee
    wards = {u.code: u for u in AdministrativeUnit.objects.active().filter(parent=province).order_by("code")}
    _place_wards(city.code, wards)

    for name in FIELDS:
        context.fields[city.code, name] = field_create(actor=actor, organization=committee, name=name)
    for code, name, short_name, kind, parent, ward in city.agencies:
        context.agencies[city.code, code] = agency_create(
            actor=actor,
            organization=committee,
            code=code,
            name=name,
            short_name=short_name,
            kind=kind,
            parent=context.agencies[city.code, parent] if parent else None,
            locality=wards[ward] if ward else None,
        )

    board = body_create(
        actor=actor, organization=committee, kind=BodyKind.STANDING_BOARD, term=TERM, term_start=TERM_START
    )
    standing = body_create(
        actor=actor,
        organization=committee,
        kind=BodyKind.STANDING_COMMITTEE,
        term=TERM,
        term_start=TERM_START,
    )
    members = []
    for order, (key, full_name, position, board_position, agency_code) in enumerate(city.leaders, start=1):
        person = person_create(
            actor=actor,
            organization=committee,
            full_name=full_name,
            position=position,
            agency=context.agencies[city.code, agency_code] if agency_code else None,
        )
        context.people[key] = person
        members.append(person)
        membership_create(
            actor=actor, body=standing, person=person, position=position, order=order, valid_from=TERM_START
        )
        if board_position:
            membership_create(
                actor=actor,
                body=board,
                person=person,
                position=board_position,
                order=order,
                valid_from=TERM_START,
            )
    context.standing_committee[city.code] = members
    secretary = members[0]
    committee = committee_update(
        actor=actor, committee=committee, version=committee.version, default_leader=secretary
    )

    def assign(leader: Person, valid_from=ASSIGNED_FROM, valid_to=None, note="", **target) -> None:
        assignment_create(
            actor=actor,
            organization=committee,
            leader=leader,
            role=AssignmentRole.IN_CHARGE,
            valid_from=valid_from,
            valid_to=valid_to,
            decision="Quyết định phân công của Ban Thường vụ Thành ủy",
            note=note,
            **target,
        )
        context.assignments += 1

    # Every commune and ward gets a leader: consecutive codes (neighbouring places) in near-equal shares.
    if sorted(city.sharing) != sorted(key for key, *_rest in city.leaders[1:]):
        raise ValueError(f"{city.code}: the communes must be shared by every member but the Secretary")
    sharing = [context.people[key] for key in city.sharing]
    units = list(wards.values())
    handovers = dict(city.handovers)
    share, extra = divmod(len(units), len(sharing))
    start = 0
    for index, leader in enumerate(sharing):
        end = start + share + (1 if index < extra else 0)
        for unit in units[start:end]:
            previous = handovers.get(unit.code)
            if previous:
                handover = f"Điều chỉnh phân công từ ngày {HANDOVER_ON:%d/%m/%Y}"
                assign(
                    context.people[previous],
                    valid_to=HANDOVER_ON - dt.timedelta(days=1),
                    note=handover,
                    locality=unit,
                )
                assign(leader, valid_from=HANDOVER_ON, note=handover, locality=unit)
            else:
                assign(leader, locality=unit)
        start = end
    for key, agency_code in city.agency_assignments:
        assign(context.people[key], agency=context.agencies[city.code, agency_code])
    for key, name in city.field_assignments:
        assign(context.people[key], field=context.fields[city.code, name])


def _load_logins(context: DemoContext, actor) -> None:
    """The demo logins, each linked to its person (a leader, or a person made for the login)."""
    password_hash = make_password(settings.COSO_DEMO_PASSWORD)  # hashed once for all the demo logins
    for login in DEMO_LOGINS:
        committee = context.committees[login.city]
        agency = context.agencies[login.city, login.agency_code] if login.agency_code else None
        person = context.people.get(login.person_key)
        user = user_create(
            actor=actor,
            username=login.username,
            password=None,
            password_hash=password_hash,
            organization=committee,
            role=login.role,
            full_name=person.full_name if person else login.full_name,
            agency=agency if login.role == Role.FOCAL_POINT else None,
            validate_password=False,
        )
        if person is None:
            person = person_create(
                actor=actor,
                organization=committee,
                full_name=login.full_name,
                position=login.position,
                agency=agency,
                user=user,
            )
        else:
            person = person_update(actor=actor, person=person, version=person.version, user=user)
            context.people[login.person_key] = person
        context.people[login.username] = person  # every login's person, also by login
        context.users[login.username] = user


# --- the logins table -----------------------------------------------------------------------------


def demo_logins_text() -> str:
    """The demo logins that exist in this database, as a table for the console (in Vietnamese)."""
    users = {
        u.username: u
        for u in User.objects.filter(username__in=[d.username for d in DEMO_LOGINS]).select_related(
            "organization"
        )
    }
    rows = [
        (d.username, users[d.username].organization.name, f"{users[d.username].get_full_name()}, {d.who}")
        for d in DEMO_LOGINS
        if d.username in users and users[d.username].organization_id
    ]
    if not rows:
        return "Chưa có tài khoản demo: chạy `coso demo` để nạp dữ liệu demo."
    header = ("Tài khoản", "Thành ủy", "Người dùng")
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(2)]
    lines = [f"Tài khoản demo (mật khẩu: {settings.COSO_DEMO_PASSWORD})"]
    for row in [header, *rows]:
        lines.append(f"  {row[0].ljust(widths[0])}  {row[1].ljust(widths[1])}  {row[2]}")
    return "\n".join(lines)


__all__ = [
    "DEMO_LOGINS",
    "DemoContext",
    "demo_is_empty",
    "demo_load",
    "demo_logins_text",
    "register_step",
    "ward_point",
]
