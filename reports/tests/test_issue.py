"""Issuing the briefing: the next number of its kind in the term, stored immutably with who and when,
downloadable again as issued; a number already taken is a conflict and nothing is overwritten."""

import io

import pytest
from django.test import Client
from docx import Document

from accounts.models import User
from conftest import demo_fixture
from core.models import AuditEvent
from core.testing import assert_flat_queries
from incidents.models import Incident
from reports.models import IssuedReport, IssueJob
from reports.views import last_month

loaded = demo_fixture("followup", "incidents")


@pytest.fixture
def demo(loaded, db):
    return loaded


def client_for(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def issue(client: Client, **payload):
    """POST the API's issue operation; the immediate backend of the tests has run the task when it answers."""
    return client.post("/api/v1/reports/briefings", payload, content_type="application/json")


@pytest.fixture
def quick_pdf(monkeypatch):
    """The PDF stands in for itself (WeasyPrint takes most of a run): for the tests not about the PDF."""
    monkeypatch.setattr("reports.render.pdf.render_pdf", lambda report, **options: b"%PDF-1.7 stand-in")


def test_issuing_takes_the_next_number_and_a_taken_one_is_a_conflict(demo, quick_pdf):
    client = client_for("vanphong")
    period = last_month().code
    first = issue(client, period=period)
    assert first.status_code == 202, first.content
    job = first.json()
    assert (job["status"], job["step"], job["steps"]) == ("done", 5, 5)
    assert job["url"] == f"/api/v1/reports/issue-jobs/{job['id']}"
    assert job["page_url"] == f"/reports/briefing/issue/{job['id']}/"
    issued = job["issued"]
    assert (issued["number"], issued["symbol"], issued["term"]) == (1, "1-BC/TU", "2025-2030")
    assert client.get(job["url"]).json()["issued"]["symbol"] == "1-BC/TU"
    assert issue(client, period=period).json()["issued"]["number"] == 2
    stored = bytes(IssuedReport.objects.get(pk=issued["id"]).docx)
    jobs = IssueJob.objects.count()
    taken = issue(client, period=period, number=1)
    assert taken.status_code == 409
    assert "1-BC/TU" in taken.json()["detail"] and "không có gì bị ghi đè" in taken.json()["detail"]
    assert IssuedReport.objects.count() == 2 and IssueJob.objects.count() == jobs  # refused before a job
    assert bytes(IssuedReport.objects.get(pk=issued["id"]).docx) == stored
    assert issue(client, period=period, number=7).json()["issued"]["symbol"] == "7-BC/TU"
    assert issue(client_for("vanphonghcm"), period=period).json()["issued"]["number"] == 1  # per organisation
    event = AuditEvent.objects.filter(kind="report.issued", object_id=str(issued["id"])).get()
    assert event.actor.username == "vanphong" and event.params["symbol"] == "1-BC/TU"
    # A job is seen by the person who asked for it only.
    for username in ("bithu", "vanphonghcm", "lanhdao", "kiemtra"):
        assert client_for(username).get(job["url"]).status_code == 404
        assert client_for(username).get(job["page_url"]).status_code == 404
    assert Client().get(job["url"]).status_code == 401


def test_an_issued_report_downloads_again_as_it_was_issued(demo):
    client = client_for("bithu")
    issued = issue(client, period=last_month().code).json()["issued"]
    docx = client.get(issued["files"][0])
    assert docx.status_code == 200
    document = Document(io.BytesIO(docx.content))
    assert document.tables[0].rows[0].cells[0].paragraphs[3].text == "Số 1-BC/TU"
    Incident.objects.filter(organization__code="hanoi").update(is_public_concern=True)  # the data moves on
    again = client.get(f"/reports/issued/{issued['id']}/docx/")
    assert again.content == docx.content
    assert client.get(issued["files"][2]).content.startswith(b"%PDF")
    assert client.get(f"/api/v1/reports/briefings/{issued['id']}/rtf").status_code == 404
    assert client.get(f"/reports/issued/{issued['id']}/rtf/").status_code == 404
    listed = client.get("/api/v1/reports/briefings").json()
    assert [r["symbol"] for r in listed["items"]] == ["1-BC/TU"] and listed["items"][0]["issued_by"]
    for username in ("lanhdao", "kiemtra", "hoankiem", "vanphonghcm"):
        other = client_for(username)
        assert other.get(issued["files"][0]).status_code == 404
        assert other.get(f"/reports/issued/{issued['id']}/docx/").status_code == 404
    assert issue(client_for("lanhdao")).status_code == 404
    assert issue(client_for("kiemtra")).status_code == 404
    assert client_for("vanphonghcm").get("/api/v1/reports/briefings").json()["items"] == []


def test_the_page_issues_as_a_task_and_ends_on_the_issued_report(demo, quick_pdf):
    client = client_for("vanphong")
    period = last_month().code
    page = client.get(f"/reports/briefing/?period={period}").content.decode()
    assert 'data-testid="issue-form"' in page
    answer = client.post("/reports/briefing/issue/", {"period": period, "number": "12"})
    job = IssueJob.objects.get()
    assert answer.status_code == 302 and answer["Location"] == f"/reports/briefing/issue/{job.pk}/"
    shown = client.get(answer["Location"]).content.decode()
    assert 'data-status="done"' in shown and "Đã ban hành báo cáo số 12-BC/TU." in shown
    assert f'href="/reports/issued/{job.issued_id}/docx/"' in shown and "hx-get" not in shown
    assert "Số 12-BC/TU" in client.get("/reports/issued/").content.decode()
    again = client.post("/reports/briefing/issue/", {"period": period, "number": "12"}, follow=True)
    assert "đã được dùng" in again.content.decode() and IssuedReport.objects.count() == 1
    bad = client.post("/reports/briefing/issue/", {"period": period, "number": "abc"}, follow=True)
    assert "số nguyên" in bad.content.decode() and IssuedReport.objects.count() == 1
    assert client_for("lanhdao").post("/reports/briefing/issue/", {"period": period}).status_code == 404
    assert client_for("kiemtra").post("/reports/briefing/issue/", {"period": period}).status_code == 404
    assert client_for("lanhdao").get("/reports/issued/").status_code == 404
    assert (
        'data-testid="issue-form"'
        not in client_for("kiemtra").get(f"/reports/briefing/?period={period}").content.decode()
    )
    assert IssueJob.objects.count() == 1


def test_the_issued_list_keeps_a_flat_query_count(demo):
    office = User.objects.get(username="vanphong")
    client = client_for("vanphong")
    period = last_month()
    made = {"n": 0}

    def grow():
        for _ in range(30):
            made["n"] += 1
            IssuedReport.objects.create(
                organization_id=office.organization_id,
                kind="standing_committee",
                term="2025-2030",
                number=made["n"],
                symbol=f"{made['n']}-BC/TU",
                period_code=period.code,
                first_day=period.first,
                last_day=period.last,
                title="Báo cáo",
                issued_on=period.last,
                issued_at=f"{period.last.isoformat()}T10:00:00+07:00",
                issued_by=office,
                docx=b"d",
                xlsx=b"x",
                pdf=b"p",
                content={},
            )

    grow()
    assert_flat_queries(lambda: client.get("/reports/issued/"), grow)
    assert_flat_queries(lambda: client.get("/api/v1/reports/briefings"), grow)
