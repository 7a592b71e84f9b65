"""Issuing as a task: queued by the page and the API, run by the tasks worker (`coso db_worker`) with its
steps on the job's page, ending on the issued report; a number taken meanwhile is refused and nothing is
overwritten; a failure in the middle leaves no half-issued report and takes no number."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.test import Client, override_settings
from django.utils import timezone

from accounts.models import User
from conftest import demo_fixture
from core.models import AuditEvent
from reports import services
from reports.models import IssuedReport, IssueJob, IssueStatus
from reports.selectors.jobs import issue_state
from reports.views import last_month

loaded = demo_fixture("followup", "incidents")

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def demo(loaded, db):
    return loaded


@pytest.fixture
def quick_pdf(monkeypatch):
    """The PDF stands in for itself (WeasyPrint takes most of a run): these tests are about the job."""
    monkeypatch.setattr("reports.render.pdf.render_pdf", lambda report, **options: b"%PDF-1.7 stand-in")


def user(username: str) -> User:
    return User.objects.get(username=username)


def client_for(username: str) -> Client:
    client = Client()
    client.force_login(user(username))
    return client


def run_worker() -> None:
    """The tasks worker, as `coso db_worker --batch` runs it: every queued task, then it stops. Inside the
    test's transaction the worker must not close the connection between tasks, as it does to drop stale ones
    (on PostgreSQL that would close the test's own transaction)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None)
        call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0", verbosity=0)


@override_settings(TASKS=DATABASE_TASKS)
def test_the_worker_issues_and_the_page_shows_the_steps_until_the_report(demo, quick_pdf):
    client = client_for("vanphong")
    answer = client.post("/reports/briefing/issue/", {"period": last_month().code})
    job = IssueJob.objects.get()
    assert answer["Location"] == f"/reports/briefing/issue/{job.pk}/"
    assert job.status == IssueStatus.QUEUED and not IssuedReport.objects.exists()
    waiting = client.get(answer["Location"]).content.decode()
    assert 'data-status="queued"' in waiting and 'data-testid="issue-progress"' in waiting
    assert f'hx-get="/reports/briefing/issue/{job.pk}/"' in waiting and 'hx-trigger="every 1s"' in waiting
    partial = client.get(answer["Location"], headers={"HX-Request": "true"})
    text = partial.content.decode()
    assert text.startswith('<div id="issue-job"') and "<html" not in text
    assert "no-cache" in partial["Cache-Control"]
    api = client.get(f"/api/v1/reports/issue-jobs/{job.pk}").json()
    assert (api["status"], api["issued"]) == ("queued", None)

    seen = []
    issue_briefing = services.issue_briefing

    def watching(**kwargs):  # what the page shows at each step, read while the task runs
        given = kwargs.pop("progress")

        def progress(step, steps):
            given(step, steps)
            page = client.get(f"/reports/briefing/issue/{job.pk}/", headers={"HX-Request": "true"})
            seen.append((step, page.content.decode()))

        return issue_briefing(progress=progress, **kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(services, "issue_briefing", watching)
        run_worker()
    assert [step for step, _ in seen] == [1, 2, 3, 4, 5]
    assert all('data-status="running"' in page and "hx-get" in page for _, page in seen)
    assert "Bước 3/5" in seen[2][1] and "Đang ghi tệp PDF" in seen[2][1] and 'value="40"' in seen[2][1]
    job.refresh_from_db()
    assert job.status == IssueStatus.DONE and job.issued.symbol == "1-BC/TU"
    assert job.started_at and job.finished_at
    done = client.get(answer["Location"]).content.decode()
    assert "Đã ban hành báo cáo số 1-BC/TU." in done and "hx-get" not in done
    assert client.get(f"/api/v1/reports/issue-jobs/{job.pk}").json()["issued"]["symbol"] == "1-BC/TU"


@override_settings(TASKS=DATABASE_TASKS)
def test_a_number_taken_before_the_worker_runs_is_refused_and_nothing_is_overwritten(demo, quick_pdf):
    office = client_for("vanphong")
    payload = {"period": last_month().code, "number": 5}
    started = office.post("/api/v1/reports/briefings", payload, content_type="application/json")
    assert started.status_code == 202 and started.json()["status"] == "queued"
    # The Secretary issues number 5 in the meantime (in the request, as the service does it).
    first = services.issue_briefing(actor=user("bithu"), period=last_month(), number=5)
    stored = bytes(first.docx)
    run_worker()
    job = IssueJob.objects.get(pk=started.json()["id"])
    assert job.status == IssueStatus.REFUSED and job.issued is None
    assert "5-BC/TU" in job.message and "không có gì bị ghi đè" in job.message
    assert IssuedReport.objects.count() == 1 and bytes(IssuedReport.objects.get().docx) == stored
    page = office.get(job.get_absolute_url()).content.decode()
    assert 'data-testid="issue-failed"' in page and "5-BC/TU" in page and "hx-get" not in page
    api = office.get(started.json()["url"]).json()
    assert (api["status"], api["issued"]) == ("refused", None) and "5-BC/TU" in api["message"]


def test_a_failure_in_the_middle_leaves_no_half_issued_report(demo, quick_pdf, monkeypatch):
    client = client_for("vanphong")

    def broken(report, **options):
        raise RuntimeError("the annex could not be written")

    monkeypatch.setattr("reports.render.xlsx.render_xlsx", broken)
    answer = client.post("/api/v1/reports/briefings", {}, content_type="application/json")
    assert answer.status_code == 202
    job = answer.json()
    assert (job["status"], job["step"], job["issued"]) == ("failed", 4, None)  # it broke at the annex
    assert "không có số nào bị lấy" in job["message"]
    assert not IssuedReport.objects.exists()
    assert not AuditEvent.objects.filter(kind="report.issued").exists()

    # Broken inside the transaction, after the row: the row goes with it.
    monkeypatch.undo()
    monkeypatch.setattr("reports.render.pdf.render_pdf", lambda report, **options: b"%PDF-1.7 stand-in")

    def audit_down(**kwargs):
        raise RuntimeError("the audit trail is unavailable")

    monkeypatch.setattr("reports.services.audit.record", audit_down)
    again = client.post("/api/v1/reports/briefings", {}, content_type="application/json").json()
    assert again["status"] == "failed" and not IssuedReport.objects.exists()
    monkeypatch.undo()
    monkeypatch.setattr("reports.render.pdf.render_pdf", lambda report, **options: b"%PDF-1.7 stand-in")
    then = client.post("/api/v1/reports/briefings", {}, content_type="application/json").json()
    assert then["issued"]["symbol"] == "1-BC/TU"  # no number was lost to the failures


@override_settings(TASKS=DATABASE_TASKS)
def test_a_job_is_run_once_and_as_someone_who_may_still_issue(demo, quick_pdf):
    office = user("vanphong")
    job = services.issue_start(actor=office, period=last_month())
    office.role = "viewer"
    office.save(update_fields=["role"])
    run_worker()
    job.refresh_from_db()
    assert job.status == IssueStatus.FAILED and job.failure == "not_allowed"
    assert not IssuedReport.objects.exists()
    assert services.issue_run(job.pk) == IssueStatus.FAILED  # taken already: a second run does nothing


def test_a_job_whose_worker_stopped_is_shown_as_interrupted(demo):
    job = IssueJob(
        organization_id=user("vanphong").organization_id,
        requested_by=user("vanphong"),
        period_code="2026-11",
        status=IssueStatus.RUNNING,
        step=3,
        steps=5,
        started_at=timezone.now() - dt.timedelta(minutes=20),
    )
    assert issue_state(job).status == IssueStatus.FAILED and "bị gián đoạn" in issue_state(job).message
    job.started_at = timezone.now()
    assert issue_state(job).status == IssueStatus.RUNNING
    job.status, job.created_at = IssueStatus.QUEUED, timezone.now() - dt.timedelta(minutes=2)
    assert issue_state(job).waiting_long
