"""Synthetic field visits and opinions for `coso seed-scale` and their benchmark scenarios (`coso bench`).

At city scale: 20,000 visits over the last two years by the seeded leaders, to one or two communes each,
most carried out, and 200,000 opinions heard on them, written in bulk (binary COPY on PostgreSQL); the
database's text index over their folded text fills as they are written (the FTS5 triggers on SQLite, the
pg_trgm GIN index on PostgreSQL).
"""

import datetime as dt
import random

from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.scale import BENCH_USER
from core import bulk
from core.bench import Scenario, register_scenarios, register_seeder
from core.text import fold
from fieldwork.choices import OpinionKind, SpeakerKind, VisitStatus
from fieldwork.models import Opinion, Visit
from org.models import AdministrativeUnit, Agency, Field, PartyCommittee, Person

SIZES = {
    "small": {"visits": 500, "opinions": 5_000},
    "city": {"visits": 20_000, "opinions": 200_000},
    "national": {"visits": 100_000, "opinions": 1_000_000},
}
SEED = 20261203
BATCH = 20_000
TOPICS = ("Đất đai", "Môi trường", "Trật tự đô thị", "An sinh xã hội", "Giáo dục", "Y tế", "Giao thông")
PURPOSES = (
    "Kiểm tra tình hình giải phóng mặt bằng",
    "Làm việc với Đảng ủy về công tác xây dựng Đảng",
    "Khảo sát tình hình ngập úng",
    "Nắm tình hình đời sống nhân dân",
    "Kiểm tra công tác bảo đảm trật tự đô thị",
    "Đối thoại với doanh nghiệp trên địa bàn",
)
SENTENCES = (
    "Người dân đề nghị sớm giải quyết dứt điểm việc đền bù giải phóng mặt bằng",
    "Đường ngõ thường xuyên ngập úng sau mỗi trận mưa lớn",
    "Cán bộ phường tiếp dân tận tình, thủ tục hành chính được rút ngắn",
    "Doanh nghiệp phản ánh thủ tục cấp phép xây dựng còn chậm",
    "Đề nghị tăng cường kiểm tra lấn chiếm vỉa hè, lòng đường",
    "Rác thải sinh hoạt chưa được thu gom đúng giờ",
    "Trạm y tế phường thiếu bác sĩ vào buổi tối",
    "Hội Cựu chiến binh đề xuất cải tạo nhà văn hóa khu dân cư",
    "Đề nghị công khai quy hoạch chi tiết khu đô thị mới",
    "Tình hình an ninh trật tự khu vực chợ đã chuyển biến tốt",
    "Học sinh thiếu chỗ học do trường quá tải",
    "Đảng viên kiến nghị đổi mới nội dung sinh hoạt chi bộ",
)
NAMES = ("Nguyễn Văn An", "Trần Thị Bình", "Lê Đức Cường", "Phạm Thị Dung", "Đỗ Quang Đạt", "")


@register_seeder
@transaction.atomic
def seed_visits(scale: str, progress) -> None:
    committee = PartyCommittee.objects.filter(code="scale-1").first()
    if committee is None or Visit.objects.filter(organization=committee).exists():
        return
    size = SIZES[scale]
    rng = random.Random(SEED)  # noqa: S311 - deterministic synthetic data, not security
    now = timezone.now()
    leaders = list(Person.objects.filter(organization=committee).order_by("pk").values_list("pk", flat=True))
    communes = list(
        AdministrativeUnit.objects.filter(parent=committee.root_unit).values_list("pk", flat=True)
    )
    agencies = list(Agency.objects.filter(organization=committee).order_by("pk").values_list("pk", flat=True))
    topics = list(Field.objects.filter(organization=committee).values_list("pk", flat=True))
    if not topics:
        created = Field.objects.bulk_create(Field(organization=committee, name=name) for name in TOPICS)
        topics = [f.pk for f in created]
    visits = []
    for i in range(size["visits"]):
        starts = now - dt.timedelta(days=rng.randint(-30, 730), hours=rng.randint(0, 6))
        status = (
            VisitStatus.PLANNED
            if starts > now
            else rng.choices([VisitStatus.CARRIED_OUT, VisitStatus.CANCELLED], [19, 1])[0]
        )
        visit = Visit(
            organization=committee,
            leader_id=rng.choice(leaders),
            purpose=f"{rng.choice(PURPOSES)} (đợt {i + 1})",
            starts_at=starts,
            ends_at=starts + dt.timedelta(hours=rng.choice((2, 3, 4, 8))),
            status=status,
            findings="Tình hình cơ bản ổn định." if status == VisitStatus.CARRIED_OUT else "",
            carried_out_at=starts if status == VisitStatus.CARRIED_OUT else None,
            cancel_reason="Trùng lịch họp." if status == VisitStatus.CANCELLED else "",
        )
        visit.refresh_derived()
        visits.append(visit)
    visits = Visit.objects.bulk_create(visits, batch_size=2000)
    Places = Visit.localities.through
    Units = Visit.agencies.through
    Places.objects.bulk_create(
        (
            Places(visit_id=v.pk, administrativeunit_id=unit)
            for v in visits
            for unit in rng.sample(communes, rng.choice((1, 1, 2)))
        ),
        batch_size=5000,
    )
    Units.objects.bulk_create(
        (Units(visit_id=v.pk, agency_id=rng.choice(agencies)) for v in visits if rng.random() < 0.3),
        batch_size=5000,
    )
    progress(f"{len(visits):,} visits")
    heard = [v for v in visits if v.status == VisitStatus.CARRIED_OUT]
    places = dict(
        Places.objects.filter(visit__organization=committee).values_list("visit_id", "administrativeunit_id")
    )
    fields = [
        "organization",
        "visit",
        "speaker_kind",
        "speaker_name",
        "topic",
        "kind",
        "content",
        "locality",
        "heard_on",
        "search_text",
        "version",
        "created_at",
        "updated_at",
    ]
    speakers, kinds = SpeakerKind.values, OpinionKind.values
    sides: dict[int, set] = {}
    rows, written = [], 0
    for i in range(size["opinions"]):
        visit = heard[i % len(heard)] if i < len(heard) else rng.choice(heard)
        # One visit in ten hears one side only.
        speaker = speakers[0] if visit.pk % 10 == 0 else rng.choice(speakers)
        sides.setdefault(visit.pk, set()).add(speaker)
        name = rng.choice(NAMES)
        content = f"{rng.choice(SENTENCES)}; {rng.choice(SENTENCES).lower()} (ý kiến {i + 1})"
        rows.append(
            [
                committee.pk,
                visit.pk,
                speaker,
                name,
                rng.choice(topics),
                rng.choice(kinds),
                content,
                places.get(visit.pk),
                timezone.localtime(visit.starts_at).date(),
                fold(f"{content} {name}"),
                1,
                now,
                now,
            ]
        )
        if len(rows) >= BATCH:
            bulk.insert(Opinion, fields, rows)
            written += len(rows)
            rows = []
            progress(f"opinions {written:,}/{size['opinions']:,}")
    bulk.insert(Opinion, fields, rows)
    written += len(rows)
    by_count: dict[int, list[int]] = {}
    for pk, kinds_heard in sides.items():
        by_count.setdefault(len(kinds_heard), []).append(pk)
    for count, pks in by_count.items():
        for start in range(0, len(pks), 900):
            Visit.objects.filter(pk__in=pks[start : start + 900]).update(sides_heard=count)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE fieldwork_opinion")
            cursor.execute("ANALYZE fieldwork_visit")
    progress(f"{written:,} opinions heard on {len(heard):,} visits")


@register_scenarios
def visit_scenarios() -> list[Scenario]:
    committee = PartyCommittee.objects.filter(code="scale-1").first()
    if committee is None:
        return []
    visits = Visit.objects.filter(organization=committee)
    visit = visits.filter(status=VisitStatus.CARRIED_OUT).order_by("-sides_heard", "pk").first()
    if visit is None:
        return []
    count = visits.count()
    opinions = Opinion.objects.filter(organization=committee).count()
    word = "ngap ung"
    return [
        Scenario("page: field visits", BENCH_USER, reverse("fieldwork:visit_list"), count),
        Scenario(
            "page: field visit",
            BENCH_USER,
            reverse("fieldwork:visit_detail", args=[visit.pk]),
            visit.opinions.count(),
        ),
        Scenario("page: one-side visits", BENCH_USER, reverse("fieldwork:one_side_visits"), count),
        Scenario(
            "page: opinion search", BENCH_USER, f"{reverse('fieldwork:opinion_search')}?q={word}", opinions
        ),
        Scenario(
            "page: opinion search 'đền bù'",
            BENCH_USER,
            f"{reverse('fieldwork:opinion_search')}?q=đền+bù",
            opinions,
        ),
        Scenario("page: opinions (no words)", BENCH_USER, reverse("fieldwork:opinion_search"), opinions),
        Scenario("api: opinion search", BENCH_USER, f"/api/v1/fieldwork/opinions/?q={word}", opinions),
        Scenario("api: field visits", BENCH_USER, "/api/v1/fieldwork/visits/", count),
    ]
