"""The briefing on a schedule: the reminders' run prepares the draft of the last complete period for each
organisation, once, stores it for the office to download from the issued reports, and tells the office."""

import datetime as dt
import io
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client, override_settings
from django.utils import timezone, translation
from docx import Document

from accounts.models import User
from conftest import demo_fixture
from core.models import AuditEvent, Notification
from core.reminders import run_all
from core.testing import assert_flat_queries
from reports import services
from reports.models import BriefingDraft
from reports.schedule import DRAFTS, last_complete_period
from reports.views import last_month

loaded = demo_fixture("followup", "incidents")


@pytest.fixture
def demo(loaded, db):
    return loaded


@pytest.fixture
def quick_pdf(monkeypatch):
    """The PDF stands in for itself (WeasyPrint takes most of a run): these tests are about the schedule."""
    monkeypatch.setattr("reports.render.pdf.render_pdf", lambda report, **options: b"%PDF-1.7 stand-in")


def client_for(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


@pytest.mark.parametrize(
    ("every", "today", "code", "first", "last"),
    [
        ("week", dt.date(2026, 12, 3), "2026-W48", dt.date(2026, 11, 23), dt.date(2026, 11, 29)),
        ("week", dt.date(2026, 11, 30), "2026-W48", dt.date(2026, 11, 23), dt.date(2026, 11, 29)),
        ("month", dt.date(2026, 12, 1), "2026-11", dt.date(2026, 11, 1), dt.date(2026, 11, 30)),
        ("month", dt.date(2027, 1, 31), "2026-12", dt.date(2026, 12, 1), dt.date(2026, 12, 31)),
        ("quarter", dt.date(2026, 12, 3), "2026-Q3", dt.date(2026, 7, 1), dt.date(2026, 9, 30)),
        ("quarter", dt.date(2027, 1, 2), "2026-Q4", dt.date(2026, 10, 1), dt.date(2026, 12, 31)),
    ],
)
def test_the_last_complete_period(every, today, code, first, last):
    period = last_complete_period(every, today)
    assert (period.code, period.first, period.last) == (code, first, last)


def test_the_schedule_is_off_unless_configured(demo):
    assert run_all()["reports"] == {DRAFTS: 0}
    assert not BriefingDraft.objects.exists()


@override_settings(COSO_BRIEFING_SCHEDULE="month")
def test_the_reminders_run_prepares_each_draft_once_and_tells_the_office(demo, quick_pdf):
    today = timezone.localdate().strftime("%d/%m/%Y")
    out = StringIO()
    with translation.override("en"):
        call_command("remind", "--today", today, stdout=out)
    assert "Draft briefings prepared: 2" in out.getvalue()
    period = last_month()
    drafts = BriefingDraft.objects.filter(period_code=period.code)
    assert sorted(drafts.values_list("organization__code", flat=True)) == ["hanoi", "hcmc"]
    hanoi = drafts.get(organization__code="hanoi")
    assert (hanoi.first_day, hanoi.last_day) == (period.first, period.last)
    assert hanoi.content["period"]["code"] == period.code
    told = Notification.objects.filter(kind="report_draft", key=f"report-draft:{hanoi.pk}")
    office_logins = User.objects.filter(organization__code="hanoi", role="office", is_active=True)
    office = set(office_logins.values_list("username", flat=True))
    assert set(told.values_list("user__username", flat=True)) == office
    note = told.first()
    assert note.url == "/reports/issued/" and period.code in note.title and "dự thảo" in note.title
    assert AuditEvent.objects.filter(kind="report.draft_prepared", object_id=str(hanoi.pk)).count() == 1
    # Running again (hourly, twice by mistake, by the worker's task) makes nothing more and tells nobody.
    again = StringIO()
    with translation.override("en"):
        call_command("remind", "--today", today, "--enqueue", stdout=again)
        call_command("remind", "--today", today, stdout=again)
    assert "Draft briefings prepared: 0" in again.getvalue()
    assert drafts.count() == 2 and told.count() == len(office)
    assert services.prepare_draft(reader=User.objects.get(username="vanphong"), period=period) is None


@override_settings(COSO_BRIEFING_SCHEDULE="month")
def test_the_office_finds_and_downloads_the_draft_from_the_issued_list(demo, quick_pdf):
    run_all(today=timezone.localdate())
    draft = BriefingDraft.objects.get(organization__code="hanoi")
    client = client_for("vanphong")
    page = client.get("/reports/issued/").content.decode()
    assert 'data-testid="drafts"' in page and f'href="/reports/drafts/{draft.pk}/docx/"' in page
    assert f'href="/reports/briefing/?period={draft.period_code}"' in page  # to issue it
    docx = client.get(f"/reports/drafts/{draft.pk}/docx/")
    assert docx.status_code == 200 and "du-thao" in docx["Content-Disposition"]
    header = Document(io.BytesIO(docx.content)).tables[0].rows[0].cells[0].paragraphs[3].text
    assert header == "Số \u00a0\u00a0\u00a0\u00a0\u00a0\u00a0-BC/TU"  # a draft leaves room for the number
    assert AuditEvent.objects.filter(action="export", note__startswith="du-thao", actor__username="vanphong")
    assert client.get(f"/reports/drafts/{draft.pk}/xlsx/").status_code == 200
    api = client.get("/api/v1/reports/drafts").json()["items"]
    assert [d["period"] for d in api] == [draft.period_code]
    assert client.get(api[0]["files"][0]).content == docx.content
    assert client_for("bithu").get(f"/reports/drafts/{draft.pk}/pdf/").status_code == 200
    for username in ("vanphonghcm", "lanhdao", "kiemtra", "hoankiem"):
        other = client_for(username)
        assert other.get(f"/reports/drafts/{draft.pk}/docx/").status_code == 404
        assert other.get(f"/api/v1/reports/drafts/{draft.pk}/docx").status_code == 404
    assert client_for("kiemtra").get("/api/v1/reports/drafts").status_code == 404  # viewers read no briefing
    theirs = client_for("vanphonghcm").get("/api/v1/reports/drafts").json()["items"]
    assert [d["id"] for d in theirs] == [BriefingDraft.objects.get(organization__code="hcmc").pk]  # their own
    assert Client().get("/api/v1/reports/drafts").status_code == 401


def test_the_issued_list_with_its_drafts_keeps_a_flat_query_count(demo):
    office = User.objects.get(username="vanphong")
    client = client_for("vanphong")
    made = {"n": 0}

    def grow():
        for _ in range(12):
            made["n"] += 1
            first = dt.date(2020, 1, 1) + dt.timedelta(days=7 * made["n"])
            BriefingDraft.objects.create(
                organization_id=office.organization_id,
                kind="standing_committee",
                period_code=f"{first.isoformat()}..{(first + dt.timedelta(days=6)).isoformat()}",
                first_day=first,
                last_day=first + dt.timedelta(days=6),
                title="Báo cáo",
                prepared_at=timezone.now(),
                docx=b"d",
                xlsx=b"x",
                pdf=b"p",
                content={},
            )

    grow()
    assert_flat_queries(lambda: client.get("/reports/issued/"), grow)
    assert_flat_queries(lambda: client.get("/reports/issued/?drafts=2"), grow)
    assert_flat_queries(lambda: client.get("/api/v1/reports/drafts"), grow)
