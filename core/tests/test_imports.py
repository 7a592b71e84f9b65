"""Imports run as background tasks (core.imports): the job's life, its progress published outside the
database while the importer runs, the page that polls it with htmx, the API, who may see a job, and the
command line's progress display. Exercised with a stand-in importer registered here; the apps' real
imports are tested through their own pages and commands."""

import datetime as dt
import hashlib
import io
import json
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.http import Http404
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core import imports
from core.excel import MAX_ERRORS, ImportErrorRow, ImportResult
from core.import_command import ProgressDisplay
from core.imports import ImportTarget, ProgressFile, job_state, progress_path, read_progress
from core.models import ImportJob, ImportStatus
from core.testing import Operation, assert_flat_queries, permission_matrix

KIND = "test-rows"
NO_WORKER = SimpleNamespace(enqueue=lambda job_id: None)  # the task is queued, and nothing runs it yet
API = "/api/v1/imports/"


class Behaviour:
    """What the stand-in importer does next, and what it saw."""

    def __init__(self):
        self.rows = 3
        self.errors: list[ImportErrorRow] = []
        self.raises: Exception | None = None
        self.during = None  # called with the progress callback halfway through
        self.calls: list[dict] = []


behaviour = Behaviour()


def import_rows(*, actor, file, note="", progress=None):
    behaviour.calls.append({"actor": actor, "name": file.name, "content": file.read(), "note": note})
    if behaviour.raises is not None:
        raise behaviour.raises
    total = behaviour.rows
    for done in range(1, total + 1):
        if progress is not None:
            progress(done, total)
        if behaviour.during is not None and done == total // 2:
            behaviour.during(progress)
    if behaviour.errors:
        return ImportResult(errors=list(behaviour.errors))
    return ImportResult(created=list(range(total)))


def rows_target(user, params):
    """The office of an organisation imports into it; `note` is passed through to the importer."""
    if not getattr(user, "is_office", False):
        raise Http404
    return ImportTarget(
        organization=user.organization,
        arguments={"note": params.get("note", "")},
        result_url="/records/",
        form_url="/records/import/",
    )


@pytest.fixture(autouse=True)
def registered(settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"
    settings.MEDIA_ROOT = tmp_path / "media"
    global behaviour
    behaviour = Behaviour()
    imports.register(
        KIND,
        title="Import rows",
        importer=import_rows,
        target=rows_target,
        success_message=lambda count: f"{count} rows imported",
        nav="records",
    )
    yield
    imports.unregister(KIND)


def upload(content=b"PK\x03\x04rows", name="danh-sach.xlsx"):
    return SimpleUploadedFile(name, content, content_type="application/vnd.ms-excel")


def start(user, **kwargs) -> ImportJob:
    return imports.import_start(actor=user, kind=KIND, file=upload(), language="vi", **kwargs)


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def media_files(settings) -> list:
    root = settings.MEDIA_ROOT
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


# --- the job's life ------------------------------------------------------------------------------


def test_a_clean_import_ends_done_with_its_count_and_its_upload_deleted(office, settings):
    job = start(office, params={"note": "đợt 1"})
    assert job.status == ImportStatus.DONE and job.created_count == 3
    assert (job.done, job.total) == (3, 3)
    assert job.started_at <= job.finished_at and job.failure == "" and job.errors == []
    assert job.file_name == "danh-sach.xlsx" and job.size == len(b"PK\x03\x04rows") == 8
    assert job.sha256 == hashlib.sha256(b"PK\x03\x04rows").hexdigest()
    # The importer read the stored upload under the name the user gave it, as the user, with its target.
    assert behaviour.calls == [
        {"actor": office, "name": "danh-sach.xlsx", "content": b"PK\x03\x04rows", "note": "đợt 1"}
    ]
    assert job.params == {"note": "đợt 1"} and job.organization_id == office.organization_id
    assert job.file.name == "" and media_files(settings) == []
    assert not progress_path(job).exists()


def test_progress_is_published_outside_the_database_while_the_importer_runs(office, monkeypatch):
    monkeypatch.setattr("core.imports.PROGRESS_INTERVAL", 3600)  # only the first row and the last are written
    seen = {}

    def during(progress):
        job = ImportJob.objects.get()
        seen["status"] = job.status
        seen["published"] = read_progress(job)[:2]
        seen["page"] = signed_in(office).get(job.get_absolute_url(), HTTP_HX_REQUEST="true")
        seen["api"] = signed_in(office).get(f"{API}{job.pk}").json()

    behaviour.rows, behaviour.during = 2468, during
    job = start(office)
    assert seen["status"] == ImportStatus.RUNNING
    assert seen["published"] == (1, 2468)  # the first call is written; the next ones wait their turn
    page = seen["page"].content.decode()
    assert seen["page"].status_code == 200
    assert 'data-status="running"' in page and 'hx-trigger="every 1s"' in page
    assert "1/2.468 dòng" in page and 'value="1" max="2468"' in page
    assert (seen["api"]["status"], seen["api"]["done"], seen["api"]["total"]) == ("running", 1, 2468)
    assert job.status == ImportStatus.DONE and (job.done, job.total, job.created_count) == (2468, 2468, 2468)
    assert not progress_path(job).exists()


def test_progress_writes_are_throttled_and_the_last_row_is_always_written(tmp_path):
    now = [0]
    progress = ProgressFile(tmp_path / "p.json", interval=25, clock=lambda: now[0])
    for done in range(1, 101):
        progress(done, 100)
        now[0] += 1  # a row every tick: at most one write every 25 rows
    assert progress.writes == 5  # rows 1, 26, 51, 76 and the last
    assert json.loads((tmp_path / "p.json").read_text()) == {"done": 100, "total": 100}
    assert [p.name for p in tmp_path.iterdir()] == ["p.json"]  # no half-written file left behind


def test_a_refused_sheet_keeps_every_error_by_row_and_column(office):
    behaviour.errors = [
        ImportErrorRow("Danh sách", 3, "A (Tiêu đề)", "Thiếu tiêu đề."),
        ImportErrorRow("Danh sách", 7, "C (Ngày)", "Ngày không hợp lệ: 31/02/2026"),
    ]
    job = start(office)
    assert job.status == ImportStatus.REFUSED and job.created_count == 0
    assert job.errors == [
        {"sheet": "Danh sách", "row": 3, "column": "A (Tiêu đề)", "message": "Thiếu tiêu đề."},
        {"sheet": "Danh sách", "row": 7, "column": "C (Ngày)", "message": "Ngày không hợp lệ: 31/02/2026"},
    ]
    response = signed_in(office).get(job.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200 and 'data-testid="import-errors"' in html
    assert "<td>3</td><td>A (Tiêu đề)</td><td>Thiếu tiêu đề.</td>" in html
    assert "<td>7</td><td>C (Ngày)</td><td>Ngày không hợp lệ: 31/02/2026</td>" in html
    assert "2 lỗi: chưa nhập dữ liệu nào" in html and 'href="/records/import/"' in html
    assert "hx-trigger" not in html


def test_the_errors_kept_are_capped_as_the_excel_reader_caps_them(office):
    behaviour.errors = [ImportErrorRow("S", n, "A", f"lỗi {n}") for n in range(1, MAX_ERRORS + 50)]
    job = start(office)
    assert len(job.errors) == MAX_ERRORS + 1


def test_a_service_refusal_raised_by_the_importer_is_a_refused_job(office):
    behaviour.raises = ValidationError("Thông báo này đã bị lưu trữ.")
    job = start(office)
    assert job.status == ImportStatus.REFUSED
    assert job.errors == [{"sheet": "", "row": None, "column": "", "message": "Thông báo này đã bị lưu trữ."}]


def test_an_importer_that_crashes_marks_the_job_failed_with_a_message_never_a_500(office, settings, caplog):
    behaviour.raises = RuntimeError("disk on fire")
    job = start(office)
    assert job.status == ImportStatus.FAILED and job.failure == "crashed" and job.finished_at
    assert "disk on fire" in caplog.text  # the traceback is in the log, for the administrator
    assert job.file.name == "" and media_files(settings) == []
    response = signed_in(office).get(job.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200 and 'data-testid="import-failed"' in html
    assert "Việc nhập bị dừng do một lỗi ngoài dự kiến" in html and "disk on fire" not in html
    assert "hx-trigger" not in html
    api = signed_in(office).get(f"{API}{job.pk}").json()
    assert api["status"] == "failed" and api["failure"].startswith("Việc nhập bị dừng")


def test_a_user_who_lost_the_right_before_the_task_ran_imports_nothing(office, monkeypatch):
    monkeypatch.setattr("core.tasks.run_import", NO_WORKER)  # the worker is busy
    job = start(office)
    assert job.status == ImportStatus.QUEUED
    office.role = "viewer"
    office.save()
    assert imports.import_run(job.pk) == ImportStatus.FAILED
    job.refresh_from_db()
    assert job.failure == "not_allowed" and behaviour.calls == []
    assert imports.import_run(job.pk) == ImportStatus.FAILED  # a second run of the task does nothing


def test_a_job_runs_once_however_often_its_task_is_run(office, monkeypatch):
    monkeypatch.setattr("core.tasks.run_import", NO_WORKER)
    job = start(office)
    assert imports.import_run(job.pk) == ImportStatus.DONE
    assert imports.import_run(job.pk) == ImportStatus.DONE
    assert len(behaviour.calls) == 1


def test_a_lost_upload_fails_the_job_with_a_message(office, monkeypatch):
    monkeypatch.setattr("core.tasks.run_import", NO_WORKER)
    job = start(office)
    job.file.delete(save=False)
    imports.import_run(job.pk)
    job.refresh_from_db()
    assert (job.status, job.failure) == (ImportStatus.FAILED, "file_missing")


def test_a_file_over_the_upload_limit_is_refused_before_it_is_stored(office, settings):
    settings.COSO_MAX_UPLOAD_MB = 1
    with pytest.raises(ValidationError) as refused:
        imports.import_start(actor=office, kind=KIND, file=upload(b"x" * (1024 * 1024 + 1)))
    assert refused.value.message_dict == {"file": ["Tệp vượt quá dung lượng cho phép 1 MB."]}
    assert not ImportJob.objects.exists() and media_files(settings) == []


def test_an_import_nobody_registered_is_not_found(office):
    with pytest.raises(Http404):
        imports.import_start(actor=office, kind="nothing", file=upload())


# --- the page --------------------------------------------------------------------------------------


def test_the_page_polls_while_the_job_waits_or_runs_and_stops_when_it_ends(office, monkeypatch):
    monkeypatch.setattr("core.tasks.run_import", NO_WORKER)
    job = start(office)
    client = signed_in(office)
    waiting = client.get(job.get_absolute_url())
    html = waiting.content.decode()
    assert 'data-status="queued"' in html and 'hx-trigger="every 1s"' in html
    assert f'hx-get="/imports/{job.pk}/"' in html and "Đang chờ đến lượt" in html
    assert waiting["Cache-Control"].startswith("max-age=0") and "no-store" in waiting["Cache-Control"]
    imports.import_run(job.pk)
    partial = client.get(job.get_absolute_url(), HTTP_HX_REQUEST="true")
    html = partial.content.decode()
    assert "<html" not in html and 'data-status="done"' in html
    assert "hx-trigger" not in html and "hx-get" not in html  # the swap replaces the polling element
    assert "3 rows imported" in html and 'href="/records/"' in html


def test_a_poll_does_not_write_the_session(office):
    """On SQLite a session write would wait for the import's transaction: the page only reads."""
    job = start(office)
    client = signed_in(office)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(job.get_absolute_url(), HTTP_HX_REQUEST="true").status_code == 200
        assert client.get(job.get_absolute_url()).status_code == 200
    writes = [
        q["sql"]
        for q in queries
        if not q["sql"].lstrip().upper().startswith(("SELECT", "SAVEPOINT", "RELEASE"))
    ]
    assert writes == []


def test_a_job_without_progress_for_a_long_time_shows_as_interrupted(office, monkeypatch):
    monkeypatch.setattr("core.tasks.run_import", NO_WORKER)
    job = start(office)
    assert job_state(job, now=job.created_at + dt.timedelta(seconds=10)).waiting_long is False
    assert job_state(job, now=job.created_at + dt.timedelta(minutes=1)).waiting_long is True
    started = timezone.now() - dt.timedelta(minutes=20)
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.RUNNING, started_at=started)
    job.refresh_from_db()
    state = job_state(job)
    assert state.status == ImportStatus.FAILED and state.finished
    assert state.failure.startswith("Việc nhập bị gián đoạn")
    ProgressFile(progress_path(job))(10, 20)  # progress a moment ago: still running
    assert job_state(job).status == ImportStatus.RUNNING and job_state(job).done == 10


def test_the_job_page_query_count_is_flat_as_the_errors_grow(office):
    behaviour.errors = [ImportErrorRow("S", 3, "A", "lỗi")]
    job = start(office)
    client = signed_in(office)

    def grow():
        ImportJob.objects.filter(pk=job.pk).update(
            errors=[
                {"sheet": "S", "row": n, "column": "A", "message": "lỗi"} for n in range(1, MAX_ERRORS + 2)
            ]
        )

    few, many = assert_flat_queries(lambda: client.get(job.get_absolute_url()), grow)
    assert few == many
    assert client.get(job.get_absolute_url()).content.decode().count("<tr>") == MAX_ERRORS + 2


def test_who_may_see_a_job(office, focal_user, make_user, hanoi, hcmc):
    """Only the person who started a job sees it: every other role of the organisation, another office
    administrator, another organisation's user, all get 404, on the page, its partial and the API."""
    job = start(office)
    users = {
        "anonymous": None,
        "owner": office,
        "office2": make_user("office", hanoi),
        "standing_board": make_user("standing_board", hanoi),
        "standing_member": make_user("standing_member", hanoi),
        "group_member": make_user("group_member", hanoi),
        "focal_point": focal_user,
        "viewer": make_user("viewer", hanoi),
        "no_role": make_user("", hanoi),
        "other_org": make_user("office", hcmc),
    }
    others = {label: 404 for label in users if label not in ("anonymous", "owner")}
    page = job.get_absolute_url()
    ops = [
        Operation("page", "GET", page, {"anonymous": 302, "owner": 200, **others}),
        Operation(
            "partial",
            "GET",
            page,
            {"anonymous": 302, "owner": 200, **others},
            headers={"HTTP_HX_REQUEST": "true"},
        ),
        Operation("api", "GET", f"{API}{job.pk}", {"anonymous": 401, "owner": 200, **others}),
        Operation("missing", "GET", f"/imports/{job.pk + 1000}/", {"anonymous": 302, "owner": 404, **others}),
    ]
    assert permission_matrix(users, ops) == []


# --- the toolkit's import view -------------------------------------------------------------------


def test_the_import_view_queues_the_job_and_redirects_to_its_page(office):
    from django import forms
    from django.http import HttpResponse
    from django.test import RequestFactory

    from core.toolkit import ObjectImportView, can_write

    class FileForm(forms.Form):
        file = forms.FileField()

    class RowsImport(ObjectImportView):
        permission = can_write
        form_class = FileForm
        import_kind = KIND

        def job_params(self, request, obj):
            return {"note": "từ trang"}

        def render_page(self, request, obj, form):
            return HttpResponse(form.errors.as_json(), status=200)

    request = RequestFactory().post("/", data={"file": upload()})
    request.user, request.LANGUAGE_CODE = office, "en"
    response = RowsImport.as_view()(request)
    job = ImportJob.objects.get()
    assert (response.status_code, response["Location"]) == (302, f"/imports/{job.pk}/")
    assert (job.status, job.language, job.params) == (ImportStatus.DONE, "en", {"note": "từ trang"})
    empty = RequestFactory().post("/", data={})
    empty.user, empty.LANGUAGE_CODE = office, "vi"
    assert "file" in json.loads(RowsImport.as_view()(empty).content)


# --- the API ------------------------------------------------------------------------------------


def test_the_api_starts_a_job_with_202_and_answers_how_it_stands(office, make_user, hanoi):
    client = signed_in(office)
    response = client.post(API, {"kind": KIND, "file": upload(), "note": "qua API"})
    assert response.status_code == 202
    body = response.json()
    job = ImportJob.objects.get()
    assert body == {
        "id": job.pk,
        "status": "done",  # the test settings run tasks at once
        "url": f"/api/v1/imports/{job.pk}",
        "page_url": f"/imports/{job.pk}/",
    }
    assert behaviour.calls[0]["note"] == "qua API"
    got = client.get(body["url"]).json()
    assert (got["status"], got["done"], got["total"], got["created"], got["errors"]) == ("done", 3, 3, 3, [])
    assert got["file_name"] == "danh-sach.xlsx" and got["result_url"] == "/records/"
    assert got["status_label"] == "đã nhập xong"
    assert signed_in(make_user("viewer", hanoi)).get(body["url"]).status_code == 404


def test_the_api_reports_a_refused_sheet_s_errors(office):
    behaviour.errors = [ImportErrorRow("S", 4, "B (Địa bàn)", "Không tìm thấy địa bàn.")]
    client = signed_in(office)
    url = client.post(API, {"kind": KIND, "file": upload()}).json()["url"]
    got = client.get(url).json()
    assert got["status"] == "refused" and got["created"] == 0
    assert got["errors"] == [
        {"sheet": "S", "row": 4, "column": "B (Địa bàn)", "message": "Không tìm thấy địa bàn."}
    ]


def test_the_api_refuses_what_it_cannot_start(office, viewer):
    client = signed_in(office)
    assert client.post(API, {"kind": "nothing", "file": upload()}).status_code == 404
    assert client.post(API, {"kind": KIND}).status_code == 422
    assert signed_in(viewer).post(API, {"kind": KIND, "file": upload()}).status_code == 404
    assert Client().post(API, {"kind": KIND, "file": upload()}).status_code == 401
    assert not ImportJob.objects.exists()


# --- the command line's progress ------------------------------------------------------------------


def test_the_progress_display_redraws_a_bar_on_a_terminal():
    out, now = io.StringIO(), [0.0]
    display = ProgressDisplay(out.write, tty=True, clock=lambda: now[0])
    for done in range(0, 12_346, 1000):
        display(done, 12_345)
        now[0] += 0.0625  # 16 calls a second: the bar is redrawn at most 10 times a second
    display(12_345, 12_345)
    display.finish()
    text = out.getvalue()
    assert text.count("\r") == 8  # every other call (a redraw at most every 0.1 s), and the last row
    assert "\r[##############################] 12.345/12.345 dòng (100%)" in text
    assert text.endswith("\n") and text.count("\n") == 1


def test_the_progress_display_writes_a_line_every_tenth_elsewhere():
    out = io.StringIO()
    display = ProgressDisplay(out.write, tty=False)
    for done in range(0, 100_001, 500):
        display(done, 100_000)
    lines = out.getvalue().splitlines()
    assert len(lines) == 11 and "\r" not in out.getvalue()
    assert lines[0] == "0/100.000 dòng (0%)"
    assert lines[5] == "50.000/100.000 dòng (50%)"
    assert lines[-1] == "100.000/100.000 dòng (100%)"
