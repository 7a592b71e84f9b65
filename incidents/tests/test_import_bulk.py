"""The bulk import: the incidents it writes are the ones incident_create makes of the same rows, their codes
follow each other, one audit event records the import, the people concerned are told after the commit, and
progress is reported batch by batch. COSO_MEASURE=1 also times large generated sheets."""

import dataclasses
import datetime as dt
import hashlib
import io
import os
import time
import tracemalloc

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import Workbook

from conftest import BA_DINH, HOAN_KIEM, unit
from core import bulk, excel, excel_reader
from core.models import AuditEvent, Notification
from core.tests.test_excel_reader import with_shared_strings
from incidents import importers, services
from incidents.importers import import_incidents
from incidents.models import Incident
from incidents.tests.conftest import at

NOW = at(2026, 3, 10, 10, 0)  # a Tuesday
HEADINGS = [
    "Tiêu đề",
    "Nội dung",
    "Mã địa bàn",
    "Mã đơn vị",
    "Địa điểm",
    "Vĩ độ",
    "Kinh độ",
    "Thời điểm xảy ra",
    "Thời điểm tiếp nhận",
    "Mức độ",
    "Nguồn",
    "Lĩnh vực",
    "Tính chất",
    "Người phản ánh",
    "Liên hệ",
]
# The rows, and the keyword arguments incident_create takes for each (locality and agency by code).
ROWS = [
    (
        ["Rác thải phố Hàng Bạc", "Rác ba ngày.", HOAN_KIEM, None, "Số 20 Hàng Bạc", 21.0343, 105.8522,
         dt.datetime(2026, 3, 9, 8, 30), None, "Thông thường", "Đường dây nóng", "Môi trường",
         "Bức xúc; dư luận quan tâm", "Trần Văn A", "0912 345 678"],
        {"locality": HOAN_KIEM, "agency": None, "occurred_at": at(2026, 3, 9, 8, 30), "reported_at": None,
         "severity": "normal", "source": "hotline", "field": "environment", "place": "Số 20 Hàng Bạc",
         "latitude": "21.034300", "longitude": "105.852200", "reporter_name": "Trần Văn A",
         "reporter_contact": "0912 345 678", "flags": {"is_pressing": True, "is_public_concern": True}},
    ),
    (
        ["Cây đổ phố Lý Thái Tổ", "Cây đổ đè xe máy.", None, "DU-HK", "", None, None,
         dt.datetime(2026, 3, 6, 16, 0), dt.datetime(2026, 3, 6, 17, 15), "Khẩn cấp", "", "", "", "", ""],
        {"locality": None, "agency": "DU-HK", "occurred_at": at(2026, 3, 6, 16, 0),
         "reported_at": at(2026, 3, 6, 17, 15), "severity": "urgent", "source": "citizen", "field": "other",
         "flags": {}},
    ),
    (
        ["Lấn chiếm vỉa hè Ba Đình", "Quán lấn chiếm vỉa hè.", BA_DINH, None, "", None, None,
         "09/03/2026 07:15", None, "Phức tạp", "Báo chí", "urban order", "Nổi cộm", "", ""],
        {"locality": BA_DINH, "agency": None, "occurred_at": at(2026, 3, 9, 7, 15), "reported_at": None,
         "severity": "complex", "source": "press", "field": "urban_order", "flags": {"is_prominent": True}},
    ),
]  # fmt: skip
KEY_FIELDS = [
    "title",
    "description",
    "locality_id",
    "agency_id",
    "place",
    "latitude",
    "longitude",
    "occurred_at",
    "reported_at",
    "source",
    "field",
    "severity",
    "reporter_id",
    "reporter_name",
    "reporter_contact",
    "responsible_leader_id",
    "responsible_assignment_id",
    "routed_via",
    "handling_unit_id",
    "focal_point_id",
    "ack_due_at",
    "resolve_due_at",
    "is_new",
    "is_prominent",
    "is_pressing",
    "is_complex",
    "is_sudden",
    "is_public_concern",
    "status",
]


def workbook(rows: list[list]) -> bytes:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Vụ việc")
    ws.append(HEADINGS)
    for r in rows:
        ws.append(r)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def key_fields(incident: Incident) -> dict:
    incident.refresh_from_db()
    return {name: getattr(incident, name) for name in KEY_FIELDS}


def test_the_bulk_import_makes_the_incidents_incident_create_makes(
    hanoi, routed, office, hoan_kiem_agency, django_capture_on_commit_callbacks
):
    data = workbook([r for r, _kwargs in ROWS])
    with time_machine.travel(NOW, tick=False):
        result = import_incidents(actor=office, organization=hanoi, file=data)
        assert result.errors == []
        agencies = {"DU-HK": hoan_kiem_agency}
        one_by_one = [
            services.incident_create(
                actor=office,
                organization=hanoi,
                title=r[0],
                description=r[1],
                **{
                    **kwargs,
                    "locality": unit(kwargs["locality"]) if kwargs["locality"] else None,
                    "agency": agencies.get(kwargs["agency"]),
                },
                notify_people=False,
            )
            for r, kwargs in ROWS
        ]
    imported = [key_fields(i) for i in result.created]
    assert imported == [key_fields(i) for i in one_by_one]
    # Routed as the rules say: the leader in charge of Hoàn Kiếm, its focal point; Ba Đình by default.
    assert imported[0]["responsible_leader_id"] == routed.leader_id
    assert imported[0]["focal_point_id"] is not None and imported[2]["routed_via"] == "default"
    assert [i.code for i in result.created] == ["VV-2026-00001", "VV-2026-00002", "VV-2026-00003"]
    assert [i.code for i in one_by_one] == ["VV-2026-00004", "VV-2026-00005", "VV-2026-00006"]
    for incident in (*result.created, *one_by_one):
        incident.refresh_from_db()
    assert [i.search_text for i in result.created] == [
        s.search_text.replace(s.code.lower(), i.code.lower()) for i, s in zip(result.created, one_by_one)
    ]
    assert result.created[0].search_text == "vv-2026-00001 rac thai pho hang bac so 20 hang bac"


def test_one_audit_event_with_the_count_and_the_files_sha256(hanoi, routed, office):
    data = workbook([r for r, _kwargs in ROWS])
    before = AuditEvent.objects.count()
    with time_machine.travel(NOW, tick=False):
        result = import_incidents(actor=office, organization=hanoi, file=data)
    assert len(result.created) == 3
    events = list(AuditEvent.objects.order_by("id")[before:])
    assert [(e.kind, e.params["count"], e.params["sha256"]) for e in events] == [
        ("incident.imported", 3, hashlib.sha256(data).hexdigest())
    ]


def test_the_people_are_told_after_the_commit_once_each(
    hanoi, routed, office, leader_user, focal_user, django_capture_on_commit_callbacks
):
    data = workbook([r for r, _kwargs in ROWS[:1]] + [[f"Vụ {n}", *ROWS[0][0][1:]] for n in range(4)])
    with (
        django_capture_on_commit_callbacks(execute=False) as callbacks,
        time_machine.travel(NOW, tick=False),
    ):
        result = import_incidents(actor=office, organization=hanoi, file=data)
    assert len(result.created) == 5
    assert not Notification.objects.exists()  # nothing before the commit
    for callback in callbacks:
        callback()
    notices = {(n.user_id, n.title) for n in Notification.objects.all()}
    assert {user for user, _title in notices} == {leader_user.pk, focal_user.pk}
    assert all(title.startswith("5 ") for _user, title in notices), notices


def test_progress_is_reported_batch_by_batch_and_the_rows_are_written_in_bulk(
    hanoi, routed, office, monkeypatch
):
    monkeypatch.setattr(excel, "BATCH_ROWS", 2)
    written = []
    insert = bulk.insert
    monkeypatch.setattr(
        services,
        "insert",
        lambda model, fields, rows: written.append(len(rows)) or insert(model, fields, rows),
    )
    seen = []
    rows = [[f"Vụ {n}", *ROWS[0][0][1:7], dt.datetime(2026, 3, 9, 8, n), *ROWS[0][0][8:]] for n in range(5)]
    with time_machine.travel(NOW, tick=False):
        result = import_incidents(
            actor=office, organization=hanoi, file=workbook(rows), progress=lambda *a: seen.append(a)
        )
    assert len(result.created) == 5
    assert seen == [(2, 5), (4, 5), (5, 5)]
    assert written == [2, 2, 1]  # one statement a batch
    assert [i.code for i in result.created] == [f"VV-2026-0000{n}" for n in range(1, 6)]


def numbered(count: int, bad: set[int] = frozenset()) -> list[list]:
    """`count` rows of the first example, one a minute; the positions in `bad` with an unknown severity."""
    return [
        [f"Vụ {n}", *ROWS[0][0][1:7], dt.datetime(2026, 3, 9, 8, 0) - dt.timedelta(minutes=n), None,
         "rất gấp" if n in bad else "Thông thường", *ROWS[0][0][10:]]
        for n in range(count)
    ]  # fmt: skip


def test_once_a_row_has_an_error_nothing_more_is_written_but_every_row_is_checked(
    hanoi, routed, office, monkeypatch
):
    monkeypatch.setattr(excel, "BATCH_ROWS", 2)
    written = []
    insert = bulk.insert
    monkeypatch.setattr(services, "insert", lambda *a: written.append(len(a[2])) or insert(*a))
    with time_machine.travel(NOW, tick=False):
        result = import_incidents(actor=office, organization=hanoi, file=workbook(numbered(7, bad={2, 5})))
    assert [(e.row, e.column.split(" ")[0]) for e in result.errors] == [(4, "J"), (7, "J")]
    assert written == [2]  # the first batch, before the error; then only checked
    assert result.created == [] and not Incident.objects.exists()


def test_the_codes_follow_the_highest_past_99999(hanoi, routed, office):
    with time_machine.travel(NOW, tick=False):
        for code in ("VV-2026-99999", "VV-2026-100000"):
            incident = services.incident_create(
                actor=office, organization=hanoi, **{**ROWS[1][1], "agency": None, "locality": unit(BA_DINH)},
                title=code, description="x", notify_people=False,
            )  # fmt: skip
            Incident.objects.filter(pk=incident.pk).update(code=code)
        result = import_incidents(actor=office, organization=hanoi, file=workbook(numbered(2)))
        after = services.incident_create(
            actor=office, organization=hanoi, **{**ROWS[1][1], "agency": None, "locality": unit(BA_DINH)},
            title="Sau", description="x", notify_people=False,
        )  # fmt: skip
    assert [i.code for i in result.created] == ["VV-2026-100001", "VV-2026-100002"]
    assert after.code == "VV-2026-100003"


def test_the_search_text_is_the_one_save_sets(hanoi, routed, office):
    rows = [
        [title, *ROWS[0][0][1:4], place, *ROWS[0][0][5:7], dt.datetime(2026, 3, 9, 8, n), *ROWS[0][0][8:]]
        for n, (title, place) in enumerate(
            [("ĐƯỜNG  Sụt Lún", "Ngõ 5\tphố Huế"), ("ΣΊΣΥΦΟΣ σ", ""), ("Nguye\u0302\u0303n Ω", "Ⅻ ß")]
        )
    ]
    with time_machine.travel(NOW, tick=False):
        result = import_incidents(actor=office, organization=hanoi, file=workbook(rows))
    assert result.errors == []
    for incident in result.created:
        expected = incident.search_text
        incident.refresh_derived()
        assert incident.search_text == expected, incident.title


def test_memory_does_not_grow_with_the_rows(hanoi, routed, office, monkeypatch):
    """The import reads, checks and writes a batch at a time: importing four times the rows takes about the
    same peak of Python allocations (what grows is the digest of each row's identity, to find a row
    repeated further down, 16 bytes and a dictionary entry a row)."""
    monkeypatch.setattr(excel, "BATCH_ROWS", 250)
    monkeypatch.setattr(excel_reader, "_READ", 64 * 1024)  # pieces of XML of the same size in both
    peaks = {}
    for count in (10, 500, 2000):  # the first warms what is made once (translations, tables)
        data = generated_workbook(count)
        Incident.objects.all().delete()
        tracemalloc.start()
        with time_machine.travel(NOW, tick=False):
            result = import_incidents(actor=office, organization=hanoi, file=data)
        peaks[count] = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        assert result.errors == [] and len(result.created) == count
    assert peaks[2000] - peaks[500] < 500_000, peaks


# --- measurement ----------------------------------------------------------------------------------


def generated_rows(count: int):
    units = [HOAN_KIEM, BA_DINH]
    severities = ["Thông thường", "Phức tạp", "Khẩn cấp"]
    start = dt.datetime(2026, 3, 9, 8, 0)
    for n in range(count):
        yield [
            f"Vụ việc số {n}",
            f"Nội dung vụ việc số {n}: rác thải tồn đọng trên vỉa hè.",
            units[n % 2],
            None,
            f"Số {n % 300} phố Hàng Bạc",
            21.0343,
            105.8522,
            start - dt.timedelta(seconds=n),
            None,
            severities[n % 3],
            "Đường dây nóng",
            "Môi trường",
            "Bức xúc",
            "Trần Văn A",
            "0912 345 678",
        ]


def generated_workbook(count: int) -> bytes:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Vụ việc")
    ws.append(HEADINGS)
    for r in generated_rows(count):
        ws.append(r)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _peak_rss_reset() -> bool:
    """Reset the process's peak resident size (Linux: /proc/self/clear_refs), so that VmHWM is the peak from
    now on. Whether it could."""
    try:
        with open("/proc/self/clear_refs", "w") as handle:
            handle.write("5")
    except OSError:
        return False
    return True


def _rss(field: str) -> float:
    """VmRSS (now) or VmHWM (peak) of the process, in MB."""
    with open("/proc/self/status") as handle:
        for line in handle:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return 0.0


@pytest.mark.skipif(not os.environ.get("COSO_MEASURE"), reason="a measurement: COSO_MEASURE=1 to run it")
@pytest.mark.parametrize("count", [int(n) for n in os.environ.get("COSO_MEASURE_ROWS", "5000").split(",")])
@pytest.mark.django_db(transaction=True)
def test_measure_the_bulk_import(hanoi, routed, office, capsys, count, monkeypatch):
    """Not a timed test (the figure depends on the machine): rows/s to read, validate, write and commit
    `count` generated incidents (COSO_MEASURE_ROWS=5000,100000; transactional, so the commit is counted;
    COSO_MEASURE_SHARED_STRINGS=1 moves the texts to shared strings, as Excel writes them), with the
    process's CPU time, where the time goes (reading the sheet alone, in a separate pass; writing the
    rows; committing), and the peak resident size of the process during the import (VmHWM, reset just
    before it: the process's baseline, Django and the file's bytes included). With
    COSO_MEASURE_TRACEMALLOC=1, a second run gives the peak of Python's allocations while importing
    (tracemalloc slows Python several times, so it is not the timed run)."""
    data = generated_workbook(count)
    if os.environ.get("COSO_MEASURE_SHARED_STRINGS"):  # as Excel writes a sheet: its texts in shared strings
        data = with_shared_strings(data)
    started = time.perf_counter()
    source = excel.open_sheet(data, importers.SHEET)
    surveyed = time.perf_counter() - started
    assert sum(1 for _row in source.rows()) == count + 1 and source.fast
    reading = time.perf_counter() - started
    moments = {"writing": 0.0, "statements": 0}
    insert, written, notify = bulk.insert, services.BulkIntake.written, importers._notify

    def timed_insert(model, fields, rows):
        begun = time.perf_counter()
        insert(model, fields, rows)
        moments["writing"] += time.perf_counter() - begun
        moments["statements"] += 1

    def timed_written(self):
        found = written(self)
        moments["handled"] = time.perf_counter()  # the last thing done before the commit
        return found

    def timed_notify(*args):
        moments["committed"] = time.perf_counter()  # the first thing done after it
        notify(*args)

    monkeypatch.setattr(services, "insert", timed_insert)
    monkeypatch.setattr(services.BulkIntake, "written", timed_written)
    monkeypatch.setattr(importers, "_notify", timed_notify)
    reverse("incidents:list")  # the URLs, loaded in a running server: the notices link to them
    baseline = _rss("VmRSS")
    peak_known = _peak_rss_reset()
    calls = []
    started, cpu = time.perf_counter(), time.process_time()
    with CaptureQueriesContext(connection) as queries:
        result = import_incidents(
            actor=office, organization=hanoi, file=data, progress=lambda *a: calls.append(a)
        )
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    peak = _rss("VmHWM") if peak_known else float("nan")
    assert result.errors == [] and len(result.created) == count
    assert calls[-1] == (count, count) and len(calls) == -(-count // excel.BATCH_ROWS)
    writing, statements = moments["writing"], moments["statements"]
    committing = moments["committed"] - moments["handled"]
    traced = ""
    if os.environ.get("COSO_MEASURE_TRACEMALLOC"):
        Incident.objects.all().delete()
        tracemalloc.start()
        import_incidents(actor=office, organization=hanoi, file=data)
        traced = f", Python allocations peak {tracemalloc.get_traced_memory()[1] / 1e6:.0f} MB"
        tracemalloc.stop()
    Incident.objects.all().delete()
    with capsys.disabled():
        print(
            f"\n{connection.vendor}: {count:,} incidents ({len(data) / 1e6:.1f} MB) in {seconds:.1f} s: "
            f"{count / seconds:,.0f} rows/s ({cpu:.1f} s of CPU in this process); reading the sheet alone "
            f"{reading:.1f} s (survey {surveyed:.1f} s), writing {writing:.1f} s in {statements} statements, "
            f"committing {committing:.1f} s, "
            f"{len(queries)} other queries; process RSS {baseline:.0f} MB before, peak {peak:.0f} MB "
            f"during the import{traced}"
        )


def test_the_row_limit_is_the_specs(hanoi, routed, office, monkeypatch):
    """The incident spec allows MAX_ROWS data rows (100,000); past the spec's limit the file is refused."""
    assert importers.SHEET.max_rows == importers.MAX_ROWS == 100_000
    monkeypatch.setattr(importers, "SHEET", dataclasses.replace(importers.SHEET, max_rows=4))
    rows = [[f"Vụ {n}", *ROWS[0][0][1:7], dt.datetime(2026, 3, 9, 8, n), *ROWS[0][0][8:]] for n in range(5)]
    with time_machine.travel(NOW, tick=False):
        refused = import_incidents(actor=office, organization=hanoi, file=workbook(rows))
        accepted = import_incidents(actor=office, organization=hanoi, file=workbook(rows[:4]))
    assert [e.message for e in refused.errors] == ["Trang tính có hơn 4 dòng: hãy chia thành nhiều lần nhập."]
    assert accepted.errors == [] and len(accepted.created) == 4
