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
from reports.models import IssuedReport
from reports.views import last_month

loaded = demo_fixture("followup", "incidents")


@pytest.fixture
def demo(loaded, db):
    return loaded


def client_for(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def test_issuing_takes_the_next_number_and_a_taken_one_is_a_conflict(demo):
    client = client_for("vanphong")
    period = last_month().code
    first = client.post("/api/v1/reports/briefings", {"period": period}, content_type="application/json")
    assert first.status_code == 201, first.content
    assert (first.json()["number"], first.json()["symbol"], first.json()["term"]) == (
        1,
        "1-BC/TU",
        "2025-2030",
    )
    second = client.post("/api/v1/reports/briefings", {"period": period}, content_type="application/json")
    assert second.json()["number"] == 2
    stored = bytes(IssuedReport.objects.get(pk=first.json()["id"]).docx)
    taken = client.post(
        "/api/v1/reports/briefings", {"period": period, "number": 1}, content_type="application/json"
    )
    assert taken.status_code == 409
    assert "1-BC/TU" in taken.json()["detail"] and "không có gì bị ghi đè" in taken.json()["detail"]
    assert IssuedReport.objects.count() == 2
    assert bytes(IssuedReport.objects.get(pk=first.json()["id"]).docx) == stored
    chosen = client.post(
        "/api/v1/reports/briefings", {"period": period, "number": 7}, content_type="application/json"
    )
    assert chosen.json()["symbol"] == "7-BC/TU"
    other_city = client_for("vanphonghcm").post(
        "/api/v1/reports/briefings", {"period": period}, content_type="application/json"
    )
    assert other_city.json()["number"] == 1  # numbered per organisation
    event = AuditEvent.objects.filter(kind="report.issued", object_id=str(first.json()["id"])).get()
    assert event.actor.username == "vanphong" and event.params["symbol"] == "1-BC/TU"


def test_an_issued_report_downloads_again_as_it_was_issued(demo):
    client = client_for("bithu")
    issued = client.post(
        "/api/v1/reports/briefings", {"period": last_month().code}, content_type="application/json"
    ).json()
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
    assert (
        client_for("lanhdao")
        .post("/api/v1/reports/briefings", {}, content_type="application/json")
        .status_code
        == 404
    )
    assert client_for("vanphonghcm").get("/api/v1/reports/briefings").json()["items"] == []


def test_the_page_issues_and_lists(demo):
    client = client_for("vanphong")
    period = last_month().code
    page = client.get(f"/reports/briefing/?period={period}").content.decode()
    assert 'data-testid="issue-form"' in page
    answer = client.post("/reports/briefing/issue/", {"period": period, "number": "12"})
    assert answer.status_code == 302 and answer["Location"] == "/reports/issued/"
    listing = client.get("/reports/issued/").content.decode()
    assert "Số 12-BC/TU" in listing and "Đã ban hành báo cáo số 12-BC/TU." in listing
    again = client.post("/reports/briefing/issue/", {"period": period, "number": "12"}, follow=True)
    assert "đã được dùng" in again.content.decode() and IssuedReport.objects.count() == 1
    bad = client.post("/reports/briefing/issue/", {"period": period, "number": "abc"}, follow=True)
    assert "số nguyên" in bad.content.decode() and IssuedReport.objects.count() == 1
    assert client_for("lanhdao").post("/reports/briefing/issue/", {"period": period}).status_code == 404
    assert client_for("lanhdao").get("/reports/issued/").status_code == 404
    assert (
        'data-testid="issue-form"'
        not in client_for("kiemtra").get(f"/reports/briefing/?period={period}").content.decode()
    )


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
