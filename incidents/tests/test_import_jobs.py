"""Incident imports as background tasks: from the page and the API (a job with its progress and outcome),
and `coso import-incidents` on the command line (progress on stderr, exit status 1 on a refused sheet)."""

import datetime as dt
import io

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from conftest import HOAN_KIEM, unit
from core.models import AuditEvent, ImportJob
from incidents.models import Incident
from incidents.tests.test_excel import NOW, row, sheet
from incidents.tests.test_pages import client_for

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
API = "/api/v1/imports/"


@pytest.fixture(autouse=True)
def private_dirs(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.VAR_DIR = tmp_path / "var"


@pytest.fixture
def routed(hanoi, leader_user, assign, hoan_kiem_agency, focal_user):
    """Phường Hoàn Kiếm has a leader in charge, so that its incidents are routed."""
    return assign(leader_user.person, unit(HOAN_KIEM), dt.date(2025, 7, 1))


def upload(rows, name="vu-viec.xlsx"):
    return SimpleUploadedFile(name, sheet(rows), content_type=XLSX)


def test_the_page_runs_the_import_as_a_job_with_its_rows_counted(hanoi, routed, office, settings):
    client = client_for(office)
    rows = [row(f"Vụ việc {n}") for n in range(1, 4)]
    with time_machine.travel(NOW, tick=False):
        response = client.post("/incidents/import/", {"file": upload(rows)})
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/imports/{job.pk}/"
    assert (job.kind, job.status, job.created_by, job.organization) == ("incidents", "done", office, hanoi)
    assert (job.done, job.total, job.created_count) == (3, 3, 3)
    assert Incident.objects.count() == 3
    # A new client: the one that posted saved its session in the travelled time, long expired now.
    page = client_for(office).get(response["Location"]).content.decode()
    assert "Đã nhập và chuyển 3 vụ việc." in page and 'href="/incidents/"' in page
    assert "Nhập vụ việc" in page  # the registered title
    assert job.file.name == "" and not [p for p in settings.MEDIA_ROOT.rglob("*") if p.is_file()]


def test_the_api_imports_incidents_as_a_job(hanoi, routed, office, leader_user):
    client = client_for(office)
    with time_machine.travel(NOW, tick=False):
        started = client.post(API, {"kind": "incidents", "file": upload([row("Nhập qua API")])})
    assert started.status_code == 202
    url = started.json()["url"]
    got = client_for(office).get(url).json()
    assert (got["kind"], got["status"], got["created"], got["done"], got["total"]) == (
        "incidents",
        "done",
        1,
        1,
        1,
    )
    assert got["result_url"] == "/incidents/"
    assert Incident.objects.get().title == "Nhập qua API"
    # Someone else's job is not there; a leader may not import incidents at all.
    assert client_for(leader_user).get(url).status_code == 404
    assert (
        client_for(leader_user).post(API, {"kind": "incidents", "file": upload([row()])}).status_code == 404
    )
    assert ImportJob.objects.count() == 1


def test_the_api_reports_a_refused_sheet_by_row_and_column(hanoi, routed, office):
    client = client_for(office)
    with time_machine.travel(NOW, tick=False):
        url = client.post(API, {"kind": "incidents", "file": upload([row(), row("")])}).json()["url"]
    got = client_for(office).get(url).json()
    assert got["status"] == "refused" and got["created"] == 0
    assert [(e["sheet"], e["row"], e["column"]) for e in got["errors"]] == [("Vụ việc", 3, "A (Tiêu đề)")]
    assert not Incident.objects.exists()


def test_a_sheet_with_more_errors_than_are_listed_counts_them_all(hanoi, routed, office):
    # 1,200 rows without a title: the first 1,000 are listed, then one line for the rest, and the
    # heading, the last line and the API count every one of them, written as Vietnamese writes numbers.
    client = client_for(office)
    with time_machine.travel(NOW, tick=False):
        response = client.post("/incidents/import/", {"file": upload([row("")] * 1_200)})
    page = client_for(office).get(response["Location"]).content.decode()

    assert "1.200 lỗi: chưa nhập dữ liệu nào" in page
    assert "… và 200 lỗi khác." in page
    job = ImportJob.objects.get()
    assert (job.status, job.error_count, len(job.errors)) == ("refused", 1_200, 1_001)
    got = client_for(office).get(f"{API}{job.pk}").json()
    assert (got["error_count"], len(got["errors"])) == (1_200, 1_001)
    assert not Incident.objects.exists()


# --- the command line ----------------------------------------------------------------------------


def run(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_incidents", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def workbook(tmp_path):
    def write(rows, name="vu-viec.xlsx"):
        path = tmp_path / name
        path.write_bytes(sheet(rows))
        return str(path)

    return write


def test_the_command_imports_as_the_user_with_its_progress(hanoi, routed, office, workbook):
    path = workbook([row(f"Vụ việc {n}") for n in range(1, 6)])
    with time_machine.travel(NOW, tick=False):
        out, err = run(path, "--organization", "hanoi", "--user", "vanphong")
    assert out == "Đã nhập và chuyển 5 vụ việc.\n"
    lines = err.splitlines()
    assert lines[0] == "Đang đọc và kiểm tra bảng tính…"
    assert lines[-1] == "5/5 dòng (100%)" and "\r" not in err  # not a terminal: a line per tenth
    assert Incident.objects.count() == 5
    assert set(Incident.objects.values_list("organization_id", flat=True)) == {hanoi.pk}
    event = AuditEvent.objects.filter(action="import").latest("id")
    assert event.actor == office and event.params.get("file") == "vu-viec.xlsx"


def test_a_refused_sheet_lists_every_error_and_exits_with_status_1(hanoi, routed, office, workbook):
    path = workbook([row(), row("", **{"Mã địa bàn": 999999})])
    with time_machine.travel(NOW, tick=False), pytest.raises(CommandError) as refused:
        run(path, "--organization", "hanoi", "--user", "vanphong")
    assert refused.value.returncode == 1
    assert str(refused.value) == "Bảng tính bị từ chối: có 2 lỗi, chưa nhập dữ liệu nào."
    assert not Incident.objects.exists()


def test_the_errors_of_a_refused_sheet_name_their_row_and_column(hanoi, routed, office, workbook):
    path = workbook([row(), row("", **{"Mã địa bàn": 999999})])
    err = io.StringIO()
    with time_machine.travel(NOW, tick=False), pytest.raises(CommandError):
        call_command("import_incidents", path, "--organization", "hanoi", "--user", "vanphong", stderr=err)
    # Progress lines come first (the rows are checked a batch at a time), then one line an error.
    lines = [line for line in err.getvalue().splitlines() if line.startswith("trang ")]
    assert len(lines) == 2
    assert lines[0].startswith("trang Vụ việc, dòng 3, cột A (Tiêu đề): ")
    assert lines[1].startswith("trang Vụ việc, dòng 3, cột C (Mã địa bàn): ") and "999999" in lines[1]


def test_the_command_refuses_a_wrong_organisation_user_or_file(
    hanoi, hcmc, routed, office, leader_user, workbook
):
    path = workbook([row()])
    with pytest.raises(CommandError, match="không thuộc tổ chức hcmc"):
        run(path, "--organization", "hcmc", "--user", "vanphong")
    with pytest.raises(CommandError, match="không có quyền"):
        run(path, "--organization", "hanoi", "--user", leader_user.username)
    with pytest.raises(CommandError, match="Không có tài khoản nobody đang hoạt động"):
        run(path, "--organization", "hanoi", "--user", "nobody")
    with pytest.raises(CommandError, match="Không có tệp"):
        run(path + ".missing", "--organization", "hanoi", "--user", "vanphong")
    assert not Incident.objects.exists()
