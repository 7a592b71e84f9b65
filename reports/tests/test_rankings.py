"""The monthly rankings on the whole demo: who may read them, the same numbers as the lists their rows open
and as the disbursement dashboard, the order and its ties, an empty month, bad months refused in Vietnamese, a
query count that stays flat as rows grow, and the Excel exports."""

import datetime as dt
import io

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from accounts.models import User
from conftest import demo_fixture
from core.exports import read_rows
from core.models import AuditEvent
from core.periods import month_period
from core.testing import count_queries
from followup.models import Directive
from incidents.models import Incident
from reports.periods import last_complete_month, ranking_month
from reports.selectors import rankings
from reports.selectors.rankings import ranking

loaded = demo_fixture()

KINDS = ("incidents", "localities", "directives", "investors")


@pytest.fixture
def demo(loaded, db):
    return loaded


def client_for(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def user(username: str) -> User:
    return User.objects.get(username=username)


# --- who may read them


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
def test_only_the_office_and_the_standing_board_read_them(demo, username, status):
    client = client_for(username)
    for kind in KINDS:
        assert client.get("/reports/rankings/", {"kind": kind}).status_code == status
        assert client.get("/api/v1/reports/rankings", {"kind": kind}).status_code == status
        assert client.get("/reports/rankings/export/", {"kind": kind}).status_code == status
    menu = client.get("/").content.decode()
    assert ('href="/reports/rankings/"' in menu) is (status == 200)


def test_anonymous_is_asked_to_sign_in(demo):
    assert Client().get("/reports/rankings/").status_code == 302
    assert Client().get("/reports/rankings/export/").status_code == 302
    assert Client().get("/api/v1/reports/rankings").status_code == 401


def test_each_organisation_ranks_only_its_own(demo):
    """Ho Chi Minh City's office never sees a Hanoi unit, locality or investor, and the other way round."""
    period = last_complete_month()
    for username, other in (("vanphong", "hcmc"), ("vanphonghcm", "hanoi")):
        for kind in KINDS:
            ids = {row["unit_id"] for row in ranking(user=user(username), kind=kind, period=period).rows}
            if kind == "localities":
                theirs = set(
                    Incident.objects.filter(organization__code=other).values_list("locality_id", flat=True)
                ) - set(
                    Incident.objects.filter(
                        organization__code="hanoi" if other == "hcmc" else "hcmc"
                    ).values_list("locality_id", flat=True)
                )
                assert not ids & theirs
            elif kind == "incidents":
                mine = set(
                    Incident.objects.filter(organization=user(username).organization_id).values_list(
                        "handling_unit_id", flat=True
                    )
                )
                assert ids <= mine
            elif kind == "directives":
                mine = set(
                    Directive.objects.filter(organization=user(username).organization_id).values_list(
                        "lead_unit_id", flat=True
                    )
                )
                assert ids <= mine
    # Someone else's unit in the API's rows looks like any unit that is not there: nothing to read.
    hanoi = {
        r["id"] for r in client_for("vanphong").get("/api/v1/reports/rankings?kind=directives").json()["rows"]
    }
    hcmc = {
        r["id"]
        for r in client_for("vanphonghcm").get("/api/v1/reports/rankings?kind=directives").json()["rows"]
    }
    assert hanoi and hcmc and not hanoi & hcmc


# --- the same numbers as the lists behind the rows


@pytest.mark.parametrize("kind", ["incidents", "localities"])
def test_an_incident_row_counts_what_its_link_lists(demo, kind):
    period = last_complete_month()
    client = client_for("vanphong")
    result = ranking(user=user("vanphong"), kind=kind, period=period)
    assert result.rows, "the demo has incidents in the last month"
    for row in result.rows:
        page = client.get(row["url"])
        assert page.status_code == 200
        assert page.context["page"].paginator.count == row["total"]
        statistics = client.get(row["url"].replace("/incidents/?", "/incidents/statistics/?"))
        summary = statistics.context["summary"]
        assert (summary["total"], summary["resolved"]) == (row["total"], row["resolved"])
        assert summary["on_time_rate"] == row["on_time_rate"]


def test_a_directive_row_counts_what_its_link_lists(demo):
    period = last_complete_month()
    client = client_for("bithu")
    result = ranking(user=user("bithu"), kind="directives", period=period)
    assert result.rows
    for row in result.rows:
        page = client.get(row["url"])
        assert page.context["page"].paginator.count == row["due"]
        chips = {key: count for key, _label, count, _colour in page.context["chips"]}
        assert (chips["done_on_time"], chips["done_late"], chips["overdue"]) == (
            row["on_time"],
            row["late"],
            row["overdue"],
        )
        assert chips["awaiting_confirmation"] == row["awaiting"]
        assert row["on_time_rate"] == round(100 * row["on_time"] / row["due"], 1)


def test_the_investors_rates_equal_the_dashboards(demo):
    """Ho Chi Minh City's dashboard at the month's end ranks the investors as the ranking does, with the same
    rates and statuses; each row opens the investor's projects at that date."""
    period = last_complete_month()
    client = client_for("vanphonghcm")
    result = ranking(user=user("vanphonghcm"), kind="investors", period=period)
    page = client.get(f"/investment/?at={period.last:%d/%m/%Y}")
    dashboard = page.context["investor_ranking"]
    assert len(result.rows) == len(dashboard) > 3
    for row, (figures, agency) in zip(result.rows, dashboard, strict=True):
        assert row["unit_id"] == agency.pk
        assert (row["rate_assigned"], row["rate_allocated"], row["rate"], row["rag"]) == (
            figures.rate_assigned,
            figures.rate_allocated,
            figures.rate,
            figures.rag,
        )
        assert (row["assigned"], row["allocated"], row["disbursed"]) == (
            figures.assigned,
            figures.allocated,
            figures.disbursed,
        )
    assert {row["rag"] for row in result.rows} >= {"green", "red"}
    first = result.rows[0]
    projects = client.get(first["url"])
    assert projects.status_code == 200
    assert {p.investor_id for p in projects.context["page"]} == {first["unit_id"]}
    api = client.get(f"/api/v1/reports/rankings?kind=investors&month={period.first:%Y-%m}").json()
    assert [r["values"]["rate_assigned"] for r in api["rows"]] == [
        float(f.rate_assigned) if f.rate_assigned is not None else None for f, _a in dashboard
    ]


def test_the_api_gives_the_pages_numbers(demo):
    period = last_complete_month()
    client = client_for("vanphong")
    for kind in KINDS:
        body = client.get("/api/v1/reports/rankings", {"kind": kind, "month": f"{period.first:%Y-%m}"}).json()
        page = client.get("/reports/rankings/", {"kind": kind, "month": f"{period.first:%Y-%m}"})
        rows = page.context["ranking"].rows
        assert body["month"] == f"{period.first:%Y-%m}" and body["kind"] == kind
        assert [(r["rank"], r["id"], r["name"]) for r in body["rows"]] == [
            (r["rank"], r["unit_id"], r["name"]) for r in rows
        ]
        rate = page.context["ranking"].rate_key
        assert [r["values"][rate] for r in body["rows"]] == [
            float(r[rate]) if r[rate] is not None else None for r in rows
        ]
        assert body["columns"][0]["key"] == "rank"


# --- the order


def _ordered(rows, key):
    ranked = [r for r in rows if r["rank"] is not None]
    assert all(r["rank"] is None for r in rows[len(ranked) :]), "the rows without a rate come last"
    return ranked == sorted(ranked, key=key)


def test_the_demo_rankings_run_best_first(demo):
    period = last_complete_month()
    incidents = ranking(user=user("vanphong"), kind="localities", period=period).rows
    assert _ordered(incidents, lambda r: (-r["on_time"] / r["resolved"], -r["resolved"], -r["total"]))
    directives = ranking(user=user("vanphong"), kind="directives", period=period).rows
    assert _ordered(directives, lambda r: (-r["on_time"] / r["due"], -r["due"]))
    assert [r["rank"] for r in directives] == sorted(r["rank"] for r in directives)


def test_ties_go_to_the_bigger_volume_and_full_ties_share_a_rank(demo, monkeypatch):
    """Equal rates: the unit that resolved (or had due) more comes first; equal rate and volume share a
    rank, and the next rank skips (1, 2, 2, 4); no resolved incident, no rank."""

    def incident_rows(**kwargs):
        rows = [
            ("Đơn vị A", 4, 2, 1),  # 50 %, 2 resolved
            ("Đơn vị B", 8, 4, 2),  # 50 %, 4 resolved: before A
            ("Đơn vị C", 3, 3, 3),  # 100 %
            ("Đơn vị D", 5, 0, 0),  # nothing resolved: no rate, last
            ("Đơn vị E", 9, 2, 1),  # 50 %, 2 resolved, more incidents than A: before A
            ("Đơn vị F", 9, 2, 1),  # the same as E in every figure: the same rank
        ]
        return [
            {
                "unit_id": n,
                "name": name,
                "total": total,
                "resolved": resolved,
                "on_time": on_time,
                "open": total - resolved,
                "overdue": 0,
                "on_time_rate": round(100 * on_time / resolved, 1) if resolved else None,
            }
            for n, (name, total, resolved, on_time) in enumerate(rows, start=1)
        ]

    monkeypatch.setattr(rankings.incidents, "on_time_by", incident_rows)
    rows = ranking(user=user("vanphong"), kind="incidents", period=last_complete_month()).rows
    assert [(r["name"], r["rank"]) for r in rows] == [
        ("Đơn vị C", 1),
        ("Đơn vị B", 2),
        ("Đơn vị E", 3),
        ("Đơn vị F", 3),
        ("Đơn vị A", 5),
        ("Đơn vị D", None),
    ]

    def directive_rows(**kwargs):
        figures = [("Sở X", 2, 1), ("Sở Y", 6, 3), ("Sở Z", 1, 1)]
        return [
            {
                "unit_id": n,
                "name": name,
                "due": due,
                "on_time": on_time,
                "late": 0,
                "awaiting": 0,
                "overdue": 0,
            }
            for n, (name, due, on_time) in enumerate(figures, start=1)
        ]

    monkeypatch.setattr(rankings.followup, "directive_on_time_by_unit", directive_rows)
    rows = ranking(user=user("vanphong"), kind="directives", period=last_complete_month()).rows
    assert [(r["name"], r["rank"], r["on_time_rate"]) for r in rows] == [
        ("Sở Z", 1, 100.0),
        ("Sở Y", 2, 50.0),
        ("Sở X", 3, 50.0),
    ]


# --- an empty month, bad months


def test_an_empty_month_ranks_nothing(demo):
    client = client_for("vanphonghcm")
    for kind in KINDS:
        page = client.get("/reports/rankings/", {"kind": kind, "month": "2001-02"})
        assert page.status_code == 200
        assert 'data-testid="ranking-empty"' in page.content.decode()
        assert 'data-testid="ranking-chart"' not in page.content.decode()
        body = client.get("/api/v1/reports/rankings", {"kind": kind, "month": "2001-02"}).json()
        assert body["rows"] == [] and body["first"] == "2001-02-01" and body["last"] == "2001-02-28"
        export = client.get("/reports/rankings/export/", {"kind": kind, "month": "2001-02"})
        assert read_rows(export.content) == []


def test_the_month_is_read_as_written():
    today = dt.date(2026, 12, 3)
    assert ranking_month("2026-11", today) == month_period(dt.date(2026, 11, 1))
    assert ranking_month("11/2026", today) == month_period(dt.date(2026, 11, 1))
    assert ranking_month(" 2026-1 ", today).code == "2026-01"
    assert last_complete_month(today).code == "2026-11"
    assert last_complete_month(dt.date(2027, 1, 1)).code == "2026-12"


@pytest.mark.parametrize(
    ("month", "words"),
    [
        ("2026-13", "Tháng không hợp lệ"),
        ("tháng 11", "Tháng không hợp lệ"),
        ("2026-Q4", "Tháng không hợp lệ"),
        ("2026-11-01..2026-11-30", "Tháng không hợp lệ"),
        ("1850-01", "Tháng không hợp lệ"),
        ("running", "chưa kết thúc"),
        ("future", "chưa kết thúc"),
    ],
)
def test_a_bad_month_is_refused_in_vietnamese(demo, month, words):
    today = timezone.localdate()
    month = {
        "running": f"{today:%Y-%m}",
        "future": f"{today.year + 1}-{today.month:02d}",
    }.get(month, month)
    client = client_for("vanphong")
    answer = client.get("/api/v1/reports/rankings", {"month": month})
    assert answer.status_code == 400
    assert words in answer.json()["detail"] and words in answer.json()["errors"]["month"][0]
    page = client.get("/reports/rankings/", {"month": month})
    assert page.status_code == 400 and words in page.content.decode()
    assert 'data-testid="month-error"' in page.content.decode()
    assert client.get("/reports/rankings/export/", {"month": month}).status_code == 404


def test_an_unknown_kind_is_refused(demo):
    client = client_for("vanphong")
    answer = client.get("/api/v1/reports/rankings", {"kind": "leaders"})
    assert answer.status_code == 400 and "kind" in answer.json()["errors"]
    assert "incidents, localities, directives, investors" in answer.json()["detail"]
    assert client.get("/reports/rankings/", {"kind": "leaders"}).status_code == 404
    assert client.get("/reports/rankings/export/", {"kind": "leaders"}).status_code == 404


# --- the query count


def _grow():
    """Copies of the organisation's incidents and directives in the ranked month, under other units."""
    period = last_complete_month()
    middle = timezone.make_aware(dt.datetime.combine(period.first + dt.timedelta(days=10), dt.time(9)))
    units = list(
        Incident.objects.filter(organization__code="hanoi", handling_unit__isnull=False)
        .values_list("handling_unit_id", flat=True)
        .distinct()
    )
    localities = list(
        Incident.objects.filter(organization__code="hanoi").values_list("locality_id", flat=True).distinct()
    )
    for n, incident in enumerate(Incident.objects.filter(organization__code="hanoi")[:40]):
        incident.pk = incident.id = None
        incident.code = f"{incident.code}-R{n}"
        incident.occurred_at = incident.reported_at = middle
        incident.handling_unit_id = units[n % len(units)]
        incident.locality_id = localities[n % len(localities)] or incident.locality_id
        incident.save()
    agencies = list(
        Directive.objects.filter(organization__code="hanoi").values_list("lead_unit_id", flat=True).distinct()
    )
    for n, directive in enumerate(
        Directive.objects.filter(organization__code="hanoi", parent__isnull=True)[:40]
    ):
        directive.pk = directive.id = None
        directive.deadline = period.first + dt.timedelta(days=n % 28)
        directive.lead_unit_id = agencies[n % len(agencies)]
        directive.save()


def test_the_query_count_stays_flat_as_rows_grow(demo):
    client = client_for("vanphong")
    pages = {kind: f"/reports/rankings/?kind={kind}" for kind in KINDS}
    before = {kind: count_queries(lambda url=url: client.get(url)) for kind, url in pages.items()}
    rows_before = {
        kind: len(ranking(user=user("vanphong"), kind=kind, period=last_complete_month()).rows)
        for kind in KINDS
    }
    _grow()
    rows_after = {
        kind: len(ranking(user=user("vanphong"), kind=kind, period=last_complete_month()).rows)
        for kind in KINDS
    }
    assert rows_after["incidents"] > rows_before["incidents"]
    assert rows_after["directives"] > rows_before["directives"]
    assert rows_after["localities"] > rows_before["localities"]
    after = {kind: count_queries(lambda url=url: client.get(url)) for kind, url in pages.items()}
    assert after == before
    api = "/api/v1/reports/rankings?kind=directives"
    assert count_queries(lambda: client.get(api)) <= before["directives"]


# --- the exports


@pytest.mark.parametrize(
    ("username", "kind"), [("vanphong", "localities"), ("bithu", "directives"), ("vanphonghcm", "investors")]
)
def test_the_export_holds_every_row_in_vietnamese(demo, username, kind):
    period = last_complete_month()
    client = client_for(username)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = (
        "en"  # whatever the reader's language, the sheet is Vietnamese
    )
    answer = client.get("/reports/rankings/export/", {"kind": kind, "month": f"{period.first:%Y-%m}"})
    assert answer.status_code == 200 and answer["Content-Type"].endswith("spreadsheetml.sheet")
    assert f"xep-hang-{kind}-{period.first:%Y-%m}" in answer["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(answer.content)).worksheets[0]
    assert f"tháng {period.first:%m/%Y}" in sheet["A1"].value
    rows = read_rows(answer.content)
    result = ranking(user=user(username), kind=kind, period=period)
    assert len(rows) == len(result.rows) > 0
    assert [(r["Xếp hạng"], r["ID"]) for r in rows] == [(x["rank"], x["unit_id"]) for x in result.rows]
    rate = {"localities": "Tỷ lệ đúng hạn (%)", "directives": "Tỷ lệ đúng hạn (%)"}.get(kind)
    if rate:
        assert [r[rate] for r in rows] == [x["on_time_rate"] for x in result.rows]
    else:
        assert [r["Tỷ lệ so với kế hoạch Thủ tướng giao (%)"] for r in rows] == [
            float(x["rate_assigned"]) if x["rate_assigned"] is not None else None for x in result.rows
        ]
        assert "Kế hoạch Thủ tướng giao (triệu đồng)" in rows[0]
    assert AuditEvent.objects.filter(action="export", note__startswith=f"xep-hang-{kind}").exists()


def test_the_page_draws_a_chart_and_links_each_row(demo):
    period = last_complete_month()
    page = client_for("vanphonghcm").get("/reports/rankings/", {"kind": "investors"})
    html = page.content.decode()
    assert 'data-testid="ranking-chart"' in html and 'id="ranking-chart-data"' in html
    assert html.count('data-testid="row-link"') == len(page.context["ranking"].rows)
    assert f"/reports/rankings/export/?kind=investors&amp;month={period.first:%Y-%m}" in html
    chart = page.context["ranking"].chart
    assert chart["horizontal"] and chart["target"] is not None
    assert len(chart["labels"]) == page.context["ranking"].ranked
    for kind in KINDS:
        assert f'data-testid="tab-{kind}"' in html
