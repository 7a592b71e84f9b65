"""The disbursement import: both layouts, upserts (a sheet imported twice changes nothing, a corrected one
corrects), every hostile cell refused on its row and column, all or nothing; the command, the page and the
API, and who may use them."""

import dataclasses
import datetime as dt
import io

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client
from openpyxl import Workbook, load_workbook

from accounts.choices import Role
from core.models import AuditEvent, ImportJob
from core.testing import count_queries
from investment import importers
from investment.exports import TEMPLATE_PROJECTS, disbursement_import_template
from investment.importers import import_disbursements
from investment.models import MAX_AMOUNT, Disbursement, DisbursementYear

TODAY = dt.date(2026, 3, 15)
NOW = dt.datetime(2026, 3, 15, 9, 0)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
LONG = ["Mã dự án", "Nguồn vốn", "Năm kế hoạch", "Tháng", "Số giải ngân (đồng)"]


@pytest.fixture(autouse=True)
def private_dirs(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.VAR_DIR = tmp_path / "var"


@pytest.fixture
def projects(make_project):
    return [make_project(code=code) for code in TEMPLATE_PROJECTS]


def book(rows, headings=LONG, *, edit=None) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "Giải ngân"
    ws.append(headings)
    for row in rows:
        ws.append(row)
    if edit:
        edit(ws)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def run(office, org, data, **kwargs):
    return import_disbursements(actor=office, organization=org, file=data, today=TODAY, **kwargs)


def figures():
    return {
        (d.project.code, d.source, d.plan_year, d.month.strftime("%m/%Y")): d.amount
        for d in Disbursement.objects.select_related("project")
    }


ROWS = [
    ["HCM-TD-01", "Ngân sách địa phương", 2026, "01/2026", 1_000_000_000],
    ["HCM-TD-01", "NSTW", 2026, dt.datetime(2026, 2, 1), 2_500_000_000],
    ["HCM-TD-02", "Vốn nước ngoài", 2025, "01/2026", 700_000_000],
    ["HCM-TD-02", "local", 2026, "03/2026", 0],
]


def summary_matches_rows() -> dict:
    """The yearly summary the figures are read from holds exactly the monthly rows, folded by month."""
    folded: dict[tuple, list[int]] = {}
    for project, source, year, month, amount in Disbursement.objects.values_list(
        "project_id", "source", "plan_year", "month", "amount"
    ):
        folded.setdefault((project, source, year), [0] * 13)[(month.year - year) * 12 + month.month - 1] += (
            amount
        )
    summary = {
        (row.project_id, row.source, row.plan_year): [getattr(row, f"m{i}") for i in range(1, 14)]
        for row in DisbursementYear.objects.all()
    }
    assert summary == folded
    return summary


def errors(result):
    return [(e.row, e.column, e.message) for e in result.errors]


def test_the_rows_layout_imports_each_figure_with_one_audit_event(hcmc, office_hcmc, projects):
    progress = []
    result = run(office_hcmc, hcmc, book(ROWS), progress=lambda done, total: progress.append((done, total)))
    assert result.ok, errors(result)
    assert figures() == {
        ("HCM-TD-01", "local", 2026, "01/2026"): 1_000_000_000,
        ("HCM-TD-01", "central", 2026, "02/2026"): 2_500_000_000,
        ("HCM-TD-02", "foreign", 2025, "01/2026"): 700_000_000,  # the 2025 plan's January of 2026
        ("HCM-TD-02", "local", 2026, "03/2026"): 0,
    }
    assert len(result.created) == 4 and {d.amount for d in result.created} == {0, 700_000_000, 1e9, 2.5e9}
    assert progress[-1] == (4, 4)
    event = AuditEvent.objects.get(kind="disbursement.imported")
    assert event.organization == hcmc and event.actor == office_hcmc
    assert {k: event.params[k] for k in ("rows", "figures", "created", "updated", "unchanged")} == {
        "rows": 4,
        "figures": 4,
        "created": 4,
        "updated": 0,
        "unchanged": 0,
    }
    assert len(event.params["sha256"]) == 64


def test_the_same_sheet_again_changes_nothing_and_a_corrected_one_corrects(hcmc, office_hcmc, projects):
    data = book(ROWS)
    assert run(office_hcmc, hcmc, data).ok
    stamps = dict(Disbursement.objects.values_list("pk", "updated_at"))
    events = AuditEvent.objects.count()

    again = run(office_hcmc, hcmc, data)
    assert again.ok and len(again.created) == 0 and list(again.created) == []
    assert dict(Disbursement.objects.values_list("pk", "updated_at")) == stamps
    assert AuditEvent.objects.count() == events + 1  # the import's own event, saying nothing changed
    params = AuditEvent.objects.filter(kind="disbursement.imported").latest("pk").params
    assert (params["created"], params["updated"], params["unchanged"]) == (0, 0, 4)

    corrected = [list(row) for row in ROWS]
    corrected[1][4] = 2_600_000_000
    corrected.append(["HCM-TD-02", "NSĐP", 2026, "02/2026", 50_000_000])
    result = run(office_hcmc, hcmc, book(corrected))
    assert result.ok and len(result.created) == 2
    assert figures()[("HCM-TD-01", "central", 2026, "02/2026")] == 2_600_000_000
    assert figures()[("HCM-TD-02", "local", 2026, "02/2026")] == 50_000_000
    assert Disbursement.objects.count() == 5
    params = AuditEvent.objects.filter(kind="disbursement.imported").latest("pk").params
    assert (params["created"], params["updated"], params["unchanged"]) == (1, 1, 3)
    summary = summary_matches_rows()
    assert sum(sum(months) for months in summary.values()) == sum(
        Disbursement.objects.values_list("amount", flat=True)
    )

    refused = [*corrected, ["HCM-TD-02", "NSĐP", 2026, "03/2026", -5]]
    assert not run(office_hcmc, hcmc, book(refused)).ok
    assert summary_matches_rows() == summary  # a refused sheet leaves the summary as it was


def test_the_month_columns_layout(hcmc, office_hcmc, projects):
    headings = ["STT", "Mã dự án", "Năm kế hoạch", *[f"T{m}" for m in range(1, 13)], "T1/2026"]
    rows = [
        [1, "HCM-TD-01", 2025, 10, None, 30, *[None] * 9, 5],
        [2, "HCM-TD-02", 2025, *[None] * 11, 12_000, None],
    ]
    result = run(office_hcmc, hcmc, book(rows, headings))
    assert result.ok, errors(result)
    assert figures() == {
        ("HCM-TD-01", "local", 2025, "01/2025"): 10,
        ("HCM-TD-01", "local", 2025, "03/2025"): 30,
        ("HCM-TD-01", "local", 2025, "01/2026"): 5,
        ("HCM-TD-02", "local", 2025, "12/2025"): 12_000,
    }


def test_month_columns_with_a_source_and_a_heading_of_another_year(hcmc, office_hcmc, projects):
    headings = ["Mã dự án", "Nguồn vốn", "Năm kế hoạch", "Tháng 1", "Tháng 2", "T1/2026"]
    rows = [
        ["HCM-TD-01", "Ngân sách trung ương", 2025, 1, 2, 3],
        ["HCM-TD-02", "Ngân sách trung ương", 2024, 1, 2, 3],  # the heading names 2026, not 2025
        ["HCM-TD-02", "Ngân sách trung ương", 2026, 4, None, None],
    ]
    result = run(office_hcmc, hcmc, book(rows, headings))
    assert errors(result) == [(3, "F (T1/2026)", "Cột có tiêu đề 2026, nhưng năm kế hoạch của dòng là 2024.")]
    assert not Disbursement.objects.exists()
    del rows[1]
    assert run(office_hcmc, hcmc, book(rows, headings)).ok
    assert figures()[("HCM-TD-01", "central", 2025, "01/2026")] == 3


def test_every_bad_cell_is_refused_on_its_row_and_column_and_nothing_is_written(hcmc, office_hcmc, projects):
    rows = [
        ["HCM-TD-01", "local", 2026, "01/2026", 1_000],  # good
        ["HCM-XX-99", "local", 2026, "01/2026", 1_000],  # unknown project
        ["HCM-TD-01", "local", 2026, "02/2026", "1.234.567"],  # separators written as text
        ["HCM-TD-01", "central", 2026, "02/2026", "một triệu"],  # text
        ["HCM-TD-02", "local", 2026, "01/2026", -5],  # negative
        ["HCM-TD-02", "central", 2026, "01/2026", MAX_AMOUNT * 10],  # absurd
        ["HCM-TD-02", "foreign", 2026, "02/2027", 1],  # outside the plan year
        ["HCM-TD-02", "foreign", 2026, "04/2026", 1],  # not begun (today is 15/03/2026)
        ["HCM-TD-01", "local", 2026, "01/2026", 2_000],  # a duplicate of row 2
        ["HCM-TD-01", "ngân sách xã", 2026, "03/2026", 1],  # unknown source
        ["HCM-TD-01", "local", 2026, "03/2026", 1.5],  # not whole đồng
    ]
    result = run(office_hcmc, hcmc, book(rows))
    assert errors(result) == [
        (3, "A (Mã dự án)", "Không có dự án nào của tổ chức mang mã “HCM-XX-99”."),
        (
            4,
            "E (Số giải ngân (đồng))",
            "Số tiền “1.234.567” là chữ, không phải số: hãy nhập dạng số, không có dấu chấm hay dấu phẩy "
            "(định dạng số của ô sẽ hiển thị dấu phân cách).",
        ),
        (5, "E (Số giải ngân (đồng))", "“một triệu” không phải là số tiền: hãy ghi số đồng."),
        (6, "E (Số giải ngân (đồng))", "Số tiền không được âm."),
        (
            7,
            "E (Số giải ngân (đồng))",
            "Số tiền 100.000.000.000.000.000 lớn hơn mọi khoản giải ngân có thể có (tối đa "
            "10.000.000.000.000.000 đồng).",
        ),
        (8, "D (Tháng)", "02/2027 nằm ngoài kế hoạch năm 2026, được giải ngân từ 01/2026 đến 01/2027."),
        (9, "D (Tháng)", "04/2026 chưa bắt đầu: chưa có số giải ngân."),
        (10, "D (Tháng)", "Cùng dự án, nguồn vốn và tháng này đã có ở một dòng phía trên của bảng."),
        (
            11,
            "B (Nguồn vốn)",
            "“ngân sách xã” không phải là nguồn vốn: hãy ghi ngân sách trung ương, ngân sách địa phương, "
            "vốn nước ngoài (ODA, vay ưu đãi).",
        ),
        (12, "E (Số giải ngân (đồng))", "Số tiền phải là số đồng chẵn."),
    ]
    assert result.errors[0].sheet == "Giải ngân"
    assert not Disbursement.objects.exists()
    assert AuditEvent.objects.filter(kind="import.refused").count() == 1
    assert not AuditEvent.objects.filter(kind="disbursement.imported").exists()


def test_a_valid_first_batch_is_rolled_back_when_a_later_row_is_wrong(
    hcmc, office_hcmc, projects, monkeypatch
):
    monkeypatch.setattr(importers.excel, "BATCH_ROWS", 2)
    rows = [[*row[:4], 1] for row in ROWS[:3]] + [["HCM-TD-01", "local", 2026, "03/2026", -1]]
    result = run(office_hcmc, hcmc, book(rows))
    assert errors(result) == [(5, "E (Số giải ngân (đồng))", "Số tiền không được âm.")]
    assert not Disbursement.objects.exists()


def test_merged_cells_formulas_empty_and_oversized_sheets(hcmc, office_hcmc, projects, monkeypatch):
    def merge(ws):
        ws.merge_cells("A2:A3")

    merged = run(office_hcmc, hcmc, book([ROWS[0], [None, *ROWS[1][1:]]], edit=merge))
    assert errors(merged) == [(2, "A", "Các ô A2:A3 đang được gộp: hãy bỏ gộp và điền từng ô.")]

    formula = run(office_hcmc, hcmc, book([ROWS[0], [*ROWS[1][:4], "=1000*2"]]))
    assert errors(formula) == [
        (3, "E (Số giải ngân (đồng))", "Ô chứa công thức: hãy sao chép và dán dưới dạng giá trị.")
    ]

    empty = Workbook()
    out = io.BytesIO()
    empty.save(out)
    assert errors(run(office_hcmc, hcmc, out.getvalue())) == [
        (None, "", "Trang tính “Sheet” không có dữ liệu.")
    ]
    assert errors(run(office_hcmc, hcmc, book([]))) == [
        (None, "", "Trang tính không có số giải ngân nào bên dưới dòng tiêu đề.")
    ]

    monkeypatch.setattr(importers, "SHEET", dataclasses.replace(importers.SHEET, max_rows=3))
    too_long = run(office_hcmc, hcmc, book(ROWS))
    assert errors(too_long) == [(None, "", "Trang tính có hơn 3 dòng: hãy chia thành nhiều lần nhập.")]
    assert not Disbursement.objects.exists()


def test_missing_and_mixed_columns(hcmc, office_hcmc, projects):
    missing = run(office_hcmc, hcmc, book([ROWS[0][:3]], LONG[:3]))
    assert errors(missing) == [
        (None, "", "Thiếu cột: Tháng, Số giải ngân (đồng). Hãy dùng dòng tiêu đề của bảng mẫu.")
    ]
    mixed = run(office_hcmc, hcmc, book([[*ROWS[0], 5]], [*LONG, "T1"]))
    assert len(mixed.errors) == 1 and "T1" in mixed.errors[0].message


def test_another_organisations_projects_are_unknown(hanoi, office, projects):
    result = import_disbursements(actor=office, organization=hanoi, file=book(ROWS[:1]), today=TODAY)
    assert errors(result) == [(2, "A (Mã dự án)", "Không có dự án nào của tổ chức mang mã “HCM-TD-01”.")]


def test_an_archived_project_is_refused(hcmc, office_hcmc, projects):
    from investment.services import project_archive

    project_archive(actor=office_hcmc, project=projects[0], version=projects[0].version)
    result = run(office_hcmc, hcmc, book(ROWS[:1]))
    assert [e.row for e in result.errors] == [2] and "HCM-TD-01" in result.errors[0].message


def test_the_template_imports_as_it_is(hcmc, office_hcmc, projects):
    data = disbursement_import_template(TODAY)
    headings = [c.value for c in next(load_workbook(io.BytesIO(data)).worksheets[0].iter_rows(max_row=1))]
    assert headings == LONG
    result = run(office_hcmc, hcmc, data)
    assert result.ok, errors(result)
    assert figures() == {
        ("HCM-TD-01", "local", 2026, "03/2026"): 12_500_000_000,
        ("HCM-TD-01", "central", 2026, "03/2026"): 30_000_000_000,
        ("HCM-TD-02", "local", 2026, "03/2026"): 4_750_000_000,
    }


def test_the_query_count_does_not_grow_with_the_rows(hcmc, office_hcmc, make_project):
    codes = [make_project(code=f"P-{n:03d}").code for n in range(40)]

    def sheet(count):
        return book([[codes[n % 40], "local", 2026, f"{1 + n // 40:02d}/2026", n] for n in range(count)])

    small, large = sheet(3), sheet(120)
    assert count_queries(lambda: run(office_hcmc, hcmc, small)) == count_queries(
        lambda: run(office_hcmc, hcmc, large)
    )


# --- the command, the page, the API -----------------------------------------------------------------


def test_the_command_imports_and_lists_errors(hcmc, office_hcmc, projects, tmp_path, capsys):
    path = tmp_path / "giai-ngan.xlsx"
    path.write_bytes(book(ROWS))
    with time_machine.travel(NOW):
        call_command("import_disbursements", str(path), organization="hcmc", user="vanphonghcm")
    out = capsys.readouterr()
    assert "4 số liệu giải ngân" in out.out and "4 / 4" not in out.err
    assert Disbursement.objects.count() == 4
    bad = tmp_path / "sai.xlsx"
    bad.write_bytes(book([["HCM-XX-99", "local", 2026, "01/2026", 1]]))
    with time_machine.travel(NOW), pytest.raises(CommandError) as refused:
        call_command("import_disbursements", str(bad), organization="hcmc", user="vanphonghcm")
    assert refused.value.returncode == 1
    assert "dòng 2, cột A (Mã dự án)" in capsys.readouterr().err


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


URL = "/investment/disbursements/import/"


def upload(data, name="giai-ngan.xlsx"):
    return SimpleUploadedFile(name, data, content_type=XLSX)


def test_the_office_imports_on_the_page_as_a_job(hcmc, office_hcmc, projects):
    client = client_for(office_hcmc)
    page = client.get(URL)
    assert page.status_code == 200 and "?template=1" in page.content.decode()
    template = client.get(URL + "?template=1")
    assert template.status_code == 200 and template["Content-Type"] == XLSX
    with time_machine.travel(NOW):
        response = client.post(URL, {"file": upload(book(ROWS))})
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/imports/{job.pk}/"
    assert (job.kind, job.status, job.organization, job.created_count) == ("disbursements", "done", hcmc, 4)
    assert Disbursement.objects.count() == 4


def test_the_api_imports_disbursements(hcmc, office_hcmc, projects):
    with time_machine.travel(NOW):
        started = client_for(office_hcmc).post(
            "/api/v1/imports/", {"kind": "disbursements", "file": upload(book(ROWS))}
        )
    assert started.status_code == 202
    assert ImportJob.objects.get().status == "done" and Disbursement.objects.count() == 4


@pytest.mark.parametrize("who", ["leader", "viewer", "hanoi_viewer", "hanoi_leader"])
def test_no_one_but_an_office_reaches_the_import(who, hcmc, make_user, viewer, leader_user, group_leader):
    user = {
        "leader": group_leader,
        "viewer": make_user(Role.VIEWER, hcmc, "xemhcm"),
        "hanoi_viewer": viewer,
        "hanoi_leader": leader_user,
    }[who]
    client = client_for(user)
    assert client.get(URL).status_code == 404
    assert client.post(URL, {"file": upload(book(ROWS))}).status_code == 404
    assert (
        client.post("/api/v1/imports/", {"kind": "disbursements", "file": upload(book(ROWS))}).status_code
        == 404
    )
    assert not ImportJob.objects.exists()


def test_a_hanoi_office_imports_only_into_hanoi(hanoi, office, projects):
    """The Hanoi office has its own page, for Hanoi's projects: HCMC's codes are unknown to it."""
    client = client_for(office)
    with time_machine.travel(NOW):
        response = client.post(URL, {"file": upload(book(ROWS))})
    job = ImportJob.objects.get()
    assert response.status_code == 302 and (job.organization, job.status) == (hanoi, "refused")
    assert {e["row"] for e in job.errors} == {2, 3, 4, 5}
    assert not Disbursement.objects.exists()


def test_the_months_sheet_moves_the_dashboard_and_the_rankings(hcmc, office_hcmc, make_project, civil_board):
    """The office imports the month's sheet: the city's figures and the investors' ranking change with it."""
    from investment import services

    first = make_project(code="HCM-TD-01")
    second = make_project(code="HCM-TD-02", investor=civil_board)
    for project in (first, second):
        services.plan_set(
            actor=office_hcmc,
            project=project,
            year=2026,
            source="local",
            assigned_amount=10**12,
            allocated_amount=10**12,
        )
    client = client_for(office_hcmc)
    with time_machine.travel(NOW):
        services.disbursement_record(
            actor=office_hcmc,
            project=first,
            source="local",
            plan_year=2026,
            month=dt.date(2026, 1, 1),
            amount=10**11,
        )
        before = client.get("/investment/?at=2026-03-15")
        assert before.context["city"].disbursed == 10**11
        assert [f.rate for f, _agency in before.context["investor_ranking"]][:1] == [10]
        assert before.context["investor_ranking"][0][1] == first.investor
        sheet = book(
            [
                ["HCM-TD-02", "local", 2026, "02/2026", 300_000_000_000],
                ["HCM-TD-02", "local", 2026, "03/2026", 50_000_000_000],
            ]
        )
        assert client.post(URL, {"file": upload(sheet)}).status_code == 302
        after = client.get("/investment/?at=2026-03-15")
    assert ImportJob.objects.get().status == "done"
    assert after.context["city"].disbursed == 450_000_000_000
    assert after.context["city"].disbursed_month == 50_000_000_000
    ranking = [(agency, f.rate) for f, agency in after.context["investor_ranking"]]
    assert ranking == [(civil_board, 35), (first.investor, 10)]
