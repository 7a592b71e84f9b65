"""The briefing to the Standing Committee on the whole demo: its sections and tables, the same numbers as the
other apps' pages, a query count that stays flat as rows grow, who may read it, and bad periods refused."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from accounts.models import User
from conftest import demo_fixture
from core.periods import parse_period
from core.testing import count_queries
from followup.models import Directive, Obstacle
from incidents.models import Incident
from reports.selectors.briefing import briefing
from reports.views import last_month

loaded = demo_fixture()


@pytest.fixture
def demo(loaded, db):
    return loaded


def client_for(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def table(report, key):
    return next(t for t in report.tables if t.key == key)


def row(t, name):
    return next(r for r in t.rows if r["name"] == name)


def test_the_sections_and_tables_are_numbered_in_order(demo):
    report = briefing(user=User.objects.get(username="vanphong"), period=last_month())
    assert [s.number for s in report.sections] == [1, 2, 3, 4, 5, 6]
    assert [s.key for s in report.sections] == [
        "disbursement",
        "obstacles",
        "directives",
        "incidents",
        "fieldwork",
        "groups",
    ]
    assert [t.number for t in report.tables] == list(range(1, len(report.tables) + 1))
    assert report.organisation.issuing_body == "THÀNH ỦY"
    assert report.organisation.superior_body == "ĐẢNG BỘ THÀNH PHỐ HÀ NỘI"
    assert report.title.startswith("Báo cáo")


def test_the_disbursement_equals_the_dashboards(demo):
    """Ho Chi Minh City's dashboard at the period's end shows the figures the briefing prints."""
    period = last_month()
    report = briefing(user=User.objects.get(username="vanphonghcm"), period=period)
    page = client_for("vanphonghcm").get(f"/investment/?at={period.last:%d/%m/%Y}")
    city = page.context["city"]
    assert city.disbursed > 0
    assert str(city.disbursed // 1_000_000) in report.sections[0].paragraphs[0].replace(".", "")
    groups = table(report, "disbursement_groups")
    assert [r["name"] for r in groups.rows] == [str(g) for _f, g in page.context["group_ranking"]]
    assert [r["disbursed"] for r in groups.rows] == [f.disbursed for f, _g in page.context["group_ranking"]]
    assert [r["rate_assigned"] for r in groups.rows] == [
        f.rate_assigned for f, _g in page.context["group_ranking"]
    ]
    lagging = table(report, "lagging_projects")
    assert [r["code"] for r in lagging.rows] == [p.code for _f, p in page.context["lagging"]]
    assert 0 < len(lagging.rows) <= 10
    sources = table(report, "disbursement_sources")
    assert sum(r["disbursed"] for r in sources.rows[:-1]) == city.disbursed
    assert row(sources, "Tổng cộng")["rate_assigned"] == city.rate_assigned


def test_the_directives_and_obstacles_equal_the_follow_up_lists(demo):
    today = timezone.localdate()
    period = parse_period(f"{today.year - 1}-01-01..{today.isoformat()}")
    report = briefing(user=User.objects.get(username="bithu"), period=period)
    page = client_for("bithu").get("/followup/directives/")
    buckets = table(report, "directive_buckets")
    total = row(buckets, "Tổng cộng")["count"]
    issued_by_end = Directive.objects.filter(organization__code="hanoi", archived_at__isnull=True).count()
    assert total == issued_by_end == page.context["page"].paginator.count
    chips = {key: count for key, _label, count, _colour in page.context["chips"]}
    assert {r["key"]: r["count"] for r in buckets.rows[:-1]} == chips
    assert chips["overdue"] > 0
    obstacles = table(report, "obstacles_category")
    open_now = Obstacle.objects.filter(
        organization__code="hanoi",
        archived_at__isnull=True,
        status__in=("new", "escalated", "assigned", "resolving", "resolved"),
    ).count()
    assert row(obstacles, "Tổng cộng")["open"] == open_now > 0
    assert sum(r["open"] for r in obstacles.rows[:-1]) == open_now


def test_the_incidents_equal_the_statistics(demo):
    period = last_month()
    report = briefing(user=User.objects.get(username="vanphong"), period=period)
    since = timezone.make_aware(dt.datetime.combine(period.first, dt.time.min))
    until = timezone.make_aware(dt.datetime.combine(period.last + dt.timedelta(days=1), dt.time.min))
    reported = Incident.objects.filter(
        organization__code="hanoi", archived_at__isnull=True, reported_at__gte=since, reported_at__lt=until
    )
    by_locality = table(report, "incidents_locality")
    assert row(by_locality, "Tổng cộng")["total"] == reported.count() > 0
    assert sum(r["total"] for r in by_locality.rows[:-1]) == reported.count()
    resolved = reported.filter(resolved_at__isnull=False)
    on_time = [i for i in resolved if i.resolve_due_at and i.resolved_at <= i.resolve_due_at]
    total = row(table(report, "incidents_field"), "Tổng cộng")
    assert (total["resolved"], total["on_time"]) == (resolved.count(), len(on_time))
    assert total["on_time_rate"] == (round(100 * len(on_time) / resolved.count(), 1) if resolved else None)
    public = table(report, "incidents_public_concern")
    assert {r["code"] for r in public.rows} <= set(
        reported.filter(is_public_concern=True).values_list("code", flat=True)
    )


def test_the_field_time_shares_equal_the_share_page(demo):
    period = last_month()
    report = briefing(user=User.objects.get(username="bithu"), period=period)
    page = client_for("bithu").get(f"/fieldwork/share/?period={period.code}")
    shares = {s.leader.full_name: s.share_percent for s in page.context["shares"]}
    leaders = table(report, "fieldwork_leaders")
    assert {r["name"]: r["share"] for r in leaders.rows[:-1]} == shares
    assert len(shares) > 3
    total = row(leaders, "Tổng cộng")
    assert (total["meetings"], total["meeting_hours"]) == (
        page.context["meetings"].total.count,
        page.context["meetings"].total.hours,
    )


def _grow():
    """Copies of the organisation's incidents, obstacles and directives: many more rows of each."""
    for n, incident in enumerate(Incident.objects.filter(organization__code="hanoi")[:40]):
        incident.pk = incident.id = None
        incident.code = f"{incident.code}-X{n}"
        incident.save()
    for obstacle in Obstacle.objects.filter(organization__code="hanoi")[:40]:
        obstacle.pk = obstacle.id = None
        obstacle.save()
    for directive in Directive.objects.filter(organization__code="hanoi", parent__isnull=True)[:40]:
        directive.pk = directive.id = None
        directive.save()


def test_the_query_count_stays_flat_as_rows_grow(demo):
    user = User.objects.get(username="vanphong")
    period = last_month()
    before = count_queries(lambda: briefing(user=user, period=period))
    incidents = Incident.objects.count()
    _grow()
    assert Incident.objects.count() >= incidents + 40
    assert count_queries(lambda: briefing(user=user, period=period)) == before


@pytest.mark.parametrize(
    ("username", "status"),
    [
        ("vanphong", 200),
        ("bithu", 200),
        ("vanphonghcm", 200),
        ("lanhdao", 404),
        ("totruong", 404),
        ("hoankiem", 404),
        ("kiemtra", 404),
    ],
)
def test_only_the_office_and_the_standing_board_read_it(demo, username, status):
    client = client_for(username)
    assert client.get("/api/v1/reports/briefing?format=json").status_code == status
    assert client.get("/reports/briefing/").status_code == status
    menu = client.get("/").content.decode()
    assert ('href="/reports/briefing/"' in menu) is (status == 200)


def test_anonymous_is_asked_to_sign_in(demo):
    assert Client().get("/api/v1/reports/briefing").status_code == 401
    assert Client().get("/reports/briefing/").status_code == 302


def test_the_json_holds_every_table_and_the_period(demo):
    period = last_month()
    body = client_for("vanphong").get(f"/api/v1/reports/briefing?period={period.code}&format=json").json()
    assert body["period"] == {
        "code": period.code,
        "first": period.first.isoformat(),
        "last": period.last.isoformat(),
        "figures_at": period.last.isoformat(),
    }
    report = briefing(user=User.objects.get(username="vanphong"), period=period)
    assert [t["key"] for s in body["sections"] for t in s["tables"]] == [t.key for t in report.tables]
    incidents = next(s for s in body["sections"] if s["key"] == "incidents")
    assert (
        incidents["tables"][0]["rows"][-1]["total"]
        == row(table(report, "incidents_locality"), "Tổng cộng")["total"]
    )


@pytest.mark.parametrize(
    ("period", "words"),
    [
        ("2026-13", "không hợp lệ"),
        ("tháng 11", "không hợp lệ"),
        ("2020-01-01..2025-06-30", "5 năm"),
        (f"{timezone.localdate().year + 1}-01", "chưa bắt đầu"),
    ],
)
def test_a_bad_period_is_refused_in_vietnamese(demo, period, words):
    client = client_for("vanphong")
    answer = client.get("/api/v1/reports/briefing", {"period": period})
    assert answer.status_code == 422
    assert words in answer.json()["detail"] and "period" in answer.json()["errors"]
    page = client.get("/reports/briefing/", {"period": period})
    assert page.status_code == 400 and words in page.content.decode()
    assert client.get("/api/v1/reports/briefing", {"format": "rtf"}).status_code == 422


def test_the_page_shows_every_section_and_table(demo):
    page = client_for("bithu").get("/reports/briefing/", {"period": last_month().code}).content.decode()
    for key in ("disbursement", "obstacles", "directives", "incidents", "fieldwork", "groups"):
        assert f'data-testid="section-{key}"' in page
    assert "Bảng 1." in page and 'data-testid="table-incidents_locality"' in page
    for key in ("disbursement_curve", "incidents_by_field", "fieldwork_share"):
        assert f'data-testid="chart-{key}"' in page and f'id="chart-data-{key}"' in page


def test_the_docx_comes_from_the_api_and_the_page_with_every_table(demo):
    import io

    from docx import Document

    from core.models import AuditEvent

    period = last_month()
    client = client_for("vanphonghcm")
    answer = client.get(
        f"/api/v1/reports/briefing?period={period.code}&format=docx&deputy=true&signer=Lê Văn B"
    )
    assert answer.status_code == 200
    assert answer["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.wordprocessingml")
    assert f"bao-cao-ban-thuong-vu-hcmc-{period.code}.docx" in answer["Content-Disposition"]
    document = Document(io.BytesIO(answer.content))
    header = document.tables[0].rows[0].cells
    assert header[0].paragraphs[0].text == "ĐẢNG BỘ THÀNH PHỐ HỒ CHÍ MINH"
    assert header[1].paragraphs[0].text == "ĐẢNG CỘNG SẢN VIỆT NAM"
    report = briefing(user=User.objects.get(username="vanphonghcm"), period=period)
    assert len(document.tables) == 1 + len(report.tables) + 1  # the header, every table, the signature
    assert len(document.inline_shapes) == len(report.charts) == 3
    assert "Lê Văn B" in document.tables[-1].rows[0].cells[1].paragraphs[-1].text
    assert AuditEvent.objects.filter(action="export", note__startswith="bao-cao-ban-thuong-vu-hcmc").exists()
    page = client.get(f"/reports/briefing/?period={period.code}").content.decode()
    assert f'href="/reports/briefing/download/?period={period.code}&amp;format=docx"' in page
    download = client.get("/reports/briefing/download/", {"period": period.code, "format": "docx"})
    assert download.status_code == 200 and Document(io.BytesIO(download.content)).tables
    assert client_for("lanhdao").get("/reports/briefing/download/", {"format": "docx"}).status_code == 404
    assert client.get("/reports/briefing/download/", {"format": "rtf"}).status_code == 404


def test_the_annex_and_the_pdf_come_from_the_api_with_every_table(demo):
    import io

    from openpyxl import load_workbook

    period = last_month()
    client = client_for("bithu")
    report = briefing(user=User.objects.get(username="bithu"), period=period)
    annex = client.get(f"/api/v1/reports/briefing?period={period.code}&format=xlsx")
    assert annex.status_code == 200 and annex["Content-Type"].endswith("spreadsheetml.sheet")
    workbook = load_workbook(io.BytesIO(annex.content))
    assert len(workbook.sheetnames) == 1 + len(report.tables)
    localities = workbook[f"Bảng {table(report, 'incidents_locality').number}"]
    assert localities.max_row == 4 + len(table(report, "incidents_locality").rows)  # every row, none cut
    pdf = client.get(f"/api/v1/reports/briefing?period={period.code}&format=pdf")
    assert (
        pdf.status_code == 200
        and pdf["Content-Type"] == "application/pdf"
        and pdf.content.startswith(b"%PDF")
    )
    page = client.get(f"/reports/briefing/?period={period.code}").content.decode()
    assert 'data-testid="download-xlsx"' in page and 'data-testid="download-pdf"' in page


def test_the_command_writes_the_files_with_progress(demo, tmp_path):
    import io

    from django.core.management import CommandError, call_command
    from docx import Document

    out, err = io.StringIO(), io.StringIO()
    period = last_month()
    call_command(
        "report",
        "standing-committee",
        period=period.code,
        format="docx,xlsx,json",
        output=str(tmp_path),
        organization="hcmc",
        stdout=out,
        stderr=err,
    )
    written = out.getvalue().split()
    assert [p.rsplit(".", 1)[1] for p in written] == ["docx", "xlsx", "json"]
    assert all((tmp_path / p.rsplit("/", 1)[1]).stat().st_size > 0 for p in written)
    assert (
        Document(written[0]).tables[0].rows[0].cells[0].paragraphs[0].text == "ĐẢNG BỘ THÀNH PHỐ HỒ CHÍ MINH"
    )
    progress = err.getvalue()
    assert (
        "[1/4] Đang đọc số liệu" in progress
        and "[4/4] Đang ghi tệp JSON" in progress
        and "Xong trong" in progress
    )
    with pytest.raises(CommandError, match="--organization"):
        call_command("report", "standing-committee", output=str(tmp_path), stdout=out, stderr=err)
    with pytest.raises(CommandError, match="không được xem"):
        call_command(
            "report", "standing-committee", user="lanhdao", output=str(tmp_path), stdout=out, stderr=err
        )
    with pytest.raises(CommandError, match="5 năm"):
        call_command(
            "report",
            "standing-committee",
            user="bithu",
            period="2019-01-01..2026-01-01",
            output=str(tmp_path),
            stdout=out,
            stderr=err,
        )
