"""The table of every leader on the whole demo: who may read it (page, export, API, home panel), each cell
equal to the list it links to (each link followed), the marks, the sorts, the period, the workbook, and a
query count that stays flat as leaders and incidents grow."""

import datetime as dt
import io
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from accounts.models import User
from conftest import demo_fixture
from core.models import AuditEvent
from core.periods import parse_period
from core.testing import count_queries
from followup.models import Directive
from incidents.models import Incident
from org.models import Assignment, Person
from reports.selectors.leaders import MARKS, leader_table
from reports.views import this_month

loaded = demo_fixture()


@pytest.fixture
def demo(loaded, db):
    return loaded


def client_for(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def wide_period():
    """From the start of last year to today: the demo's incidents, visits and meetings fall in it."""
    today = timezone.localdate()
    return parse_period(f"{today.year - 1}-01-01..{today.isoformat()}")


# --- who may read it ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("username", "status"),
    [
        ("vanphong", 200),  # the office
        ("bithu", 200),  # the Secretary (Standing Board)
        ("vanphonghcm", 200),  # another organisation's office: its own leaders only (below)
        ("lanhdao", 404),  # a leader
        ("totruong", 404),  # a leader who leads a working group
        ("hoankiem", 404),  # a ward's focal point
        ("kiemtra", 404),  # a viewer (inspection)
    ],
)
def test_only_the_office_and_the_standing_board_read_it(demo, username, status):
    client = client_for(username)
    assert client.get("/reports/leaders/").status_code == status
    assert client.get("/reports/leaders/export/").status_code == status
    assert client.get("/api/v1/reports/leaders").status_code == status
    home = client.get("/").content.decode()
    assert ('href="/reports/leaders/"' in home) is (status == 200)  # the menu and the panel
    assert ('data-testid="leaders-panel"' in home) is (status == 200)


def test_a_user_without_a_role_or_an_organisation_is_told_it_does_not_exist(demo):
    nobody = User.objects.create_user("norole", password="x")
    client = Client()
    client.force_login(nobody)
    assert client.get("/reports/leaders/").status_code == 404
    assert client.get("/api/v1/reports/leaders").status_code == 404


def test_anonymous_is_asked_to_sign_in(demo):
    assert Client().get("/reports/leaders/").status_code == 302
    assert Client().get("/reports/leaders/export/").status_code == 302
    assert Client().get("/api/v1/reports/leaders").status_code == 401


def test_each_organisation_sees_only_its_own_leaders(demo):
    hanoi = set(Person.objects.filter(organization__code="hanoi").values_list("pk", flat=True))
    hcmc = {r["id"] for r in client_for("vanphonghcm").get("/api/v1/reports/leaders").json()["leaders"]}
    assert hcmc and not hcmc & hanoi
    page = client_for("vanphonghcm").get("/reports/leaders/")
    assert {r.leader.organization_id for r in page.context["table"].rows} == {
        User.objects.get(username="vanphonghcm").organization_id
    }


# --- the rows -----------------------------------------------------------------------------------------------


def test_every_leader_of_the_organisation_has_a_row(demo):
    bithu = User.objects.get(username="bithu")
    table = leader_table(user=bithu, period=this_month())
    leaders = set(
        Person.objects.filter(organization=bithu.organization, archived_at__isnull=True)
        .filter(pk__in=Assignment.objects.values("leader"))
        .values_list("pk", flat=True)
    )
    rows = {r.leader.pk for r in table.rows}
    assert leaders and leaders <= rows
    assert len(rows) == len(table.rows)  # one row each


def _count(client: Client, url: str) -> int:
    """How many rows the list at `url` holds (its paginator's count)."""
    page = client.get(url)
    assert page.status_code == 200, url
    return page.context["page"].paginator.count


def test_each_cell_equals_the_list_it_links_to(demo):
    client = client_for("bithu")
    period = wide_period()
    page = client.get("/reports/leaders/", {"period": period.code, "sort": "-reported"})
    assert page.status_code == 200
    rows = page.context["table"].rows
    busy = [r for r in rows if r.reported][:3]
    assert busy, "the demo routes incidents to its leaders"
    assert any(r.directives_overdue for r in rows), "the demo has overdue directives"
    checked = set()
    for row in [*busy, *(r for r in rows if r.directives_overdue and r not in busy)][:5]:
        links = row.links
        assert _count(client, links["reported"]) == row.reported
        assert _count(client, links["resolved"]) == row.resolved
        assert _count(client, links["on_time"]) == row.on_time
        assert _count(client, links["open"]) == row.open
        assert _count(client, links["overdue"]) == row.overdue
        assert _count(client, links["directives_overdue"]) == row.directives_overdue
        share_page = client.get(links["share"])
        (share,) = share_page.context["shares"]
        assert share.leader.pk == row.leader.pk and share.share_percent == row.share_percent
        (meetings,) = share_page.context["meetings"].rows
        assert (meetings.count, meetings.hours) == (row.meeting_count, row.meeting_hours)
        checked.add(row.leader.pk)
        # The links the page prints are the row's.
        html = page.content.decode()
        assert f'href="{links["reported"].replace("&", "&amp;")}"' in html
    assert len(checked) >= 2


def test_the_groups_rates_equal_the_group_pages(demo):
    client = client_for("vanphonghcm")
    table = client.get("/reports/leaders/").context["table"]
    led = [(r, g) for r in table.rows for g in r.groups]
    assert led, "the demo's working groups have leaders"
    totruong = Person.objects.get(user__username="totruong")
    assert any(r.leader.pk == totruong.pk for r, _g in led)
    for row, group in led:
        page = client.get(group.url)
        assert page.status_code == 200
        assert page.context["group"].pk == group.group.pk
        assert page.context["figures"].rate == group.rate
        assert page.context["at"] == table.at
        assert ("disbursement" in row.behind) is any(g.behind for g in row.groups)
    leaders_without = [r for r in table.rows if not r.groups]
    assert leaders_without  # an empty cell for a leader who leads no group


def test_the_marks_follow_the_rules_and_the_legend_explains_them(demo):
    client = client_for("bithu")
    page = client.get("/reports/leaders/", {"period": wide_period().code})
    table = page.context["table"]
    for row in table.rows:
        assert ("incidents_overdue" in row.behind) is (row.overdue > 0)
        assert ("directives_overdue" in row.behind) is (row.directives_overdue > 0)
        if row.share is not None and row.share.share is not None:
            assert ("share" in row.behind) is (not row.share.meets_target)
        if row.on_time_rate is not None:
            assert ("on_time_rate" in row.behind) is (row.on_time_rate < table.on_time_rate)
        assert set(row.behind) <= set(MARKS)
    html = page.content.decode()
    assert 'data-testid="leaders-legend"' in html and "leader-behind" in html
    assert 'style="' not in html.split('data-testid="leaders-table"')[1]  # classes, never inline style
    # The most behind come first by default.
    counts = [len(r.behind) for r in table.rows]
    assert counts == sorted(counts, reverse=True)


def test_the_columns_sort(demo):
    client = client_for("bithu")
    period = wide_period().code
    by_name = client.get("/reports/leaders/", {"period": period, "sort": "name"}).context["table"].rows
    keys = [r.leader.sort_key for r in by_name]
    assert keys == sorted(keys)
    shares = client.get("/reports/leaders/", {"period": period, "sort": "-share"}).context["table"].rows
    values = [r.share_percent for r in shares if r.share_percent is not None]
    assert values == sorted(values, reverse=True) and len(values) > 3
    page = client.get("/reports/leaders/", {"period": period, "sort": "bogus"})
    assert page.status_code == 200 and page.context["sort"] == "-behind"
    html = page.content.decode()
    assert "sort=name" in html and "sort=share" in html and "sort=directives" in html


def test_the_current_month_by_default_and_a_bad_period_refused(demo):
    client = client_for("vanphong")
    page = client.get("/reports/leaders/")
    assert page.context["period"] == this_month()
    assert client.get("/reports/leaders/", {"period": "2026-W48"}).status_code == 200
    assert client.get("/reports/leaders/", {"period": "2026-Q4"}).status_code == 200
    bad = client.get("/reports/leaders/", {"period": "2026-13"})
    assert bad.status_code == 400 and "không hợp lệ" in bad.content.decode()
    future = f"{timezone.localdate().year + 1}-01"
    answer = client.get("/api/v1/reports/leaders", {"period": future})
    assert answer.status_code == 422 and "period" in answer.json()["errors"]
    assert client.get("/api/v1/reports/leaders", {"sort": "nonsense"}).status_code == 422
    assert client.get("/reports/leaders/export/", {"period": "2026-13"}).status_code == 404


def test_the_page_is_paginated(demo, settings):
    settings.COSO_PAGE_SIZE = 3
    client = client_for("bithu")
    first = client.get("/reports/leaders/")
    total = len(first.context["table"].rows)
    assert total > 3 and len(first.context["page"].object_list) == 3
    last = client.get("/reports/leaders/", {"page": 99})
    assert last.context["page"].number == first.context["page"].paginator.num_pages


# --- the API and the workbook -------------------------------------------------------------------------------


def test_the_api_gives_the_same_numbers(demo):
    period = wide_period()
    client = client_for("bithu")
    body = client.get("/api/v1/reports/leaders", {"period": period.code}).json()
    assert body["period"]["code"] == period.code and body["period"]["first"] == period.first.isoformat()
    table = client.get("/reports/leaders/", {"period": period.code}).context["table"]
    assert [r["id"] for r in body["leaders"]] == [r.leader.pk for r in table.rows]
    for api_row, row in zip(body["leaders"], table.rows, strict=True):
        assert api_row["incidents"] == {
            "reported": row.reported,
            "resolved": row.resolved,
            "on_time": row.on_time,
            "on_time_rate": row.on_time_rate,
            "open": row.open,
            "overdue": row.overdue,
        }
        assert api_row["directives_overdue"] == row.directives_overdue
        assert api_row["field"]["share"] == row.share_percent
        assert api_row["field"]["meeting_hours"] == row.meeting_hours
        assert api_row["behind"] == row.behind
        assert api_row["links"]["reported"] == row.links["reported"]
    assert body["on_time_rate"] == table.on_time_rate
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/reports/leaders" in schema["paths"]
    assert "LeaderTableOut" in schema["components"]["schemas"]


def test_the_workbook_is_in_vietnamese_with_every_row_and_audited(demo):
    client = client_for("bithu")
    period = wide_period()
    client.cookies["django_language"] = "en"
    answer = client.get("/reports/leaders/export/", {"period": period.code, "sort": "name"})
    assert answer.status_code == 200 and answer["Content-Type"].endswith("spreadsheetml.sheet")
    assert "bang-theo-doi-lanh-dao-" in answer["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(answer.content)).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0].startswith("Bảng theo dõi lãnh đạo")
    headings = rows[2]
    assert headings[1] == "Lãnh đạo" and "Tỷ lệ đi cơ sở (%)" in headings
    table = leader_table(user=User.objects.get(username="bithu"), period=period, sort="name")
    assert [r[0] for r in rows[3:]] == [r.leader.pk for r in table.rows]
    reported = headings.index("Vụ việc tiếp nhận trong kỳ")
    assert [r[reported] for r in rows[3:]] == [r.reported for r in table.rows]
    assert AuditEvent.objects.filter(action="export", note__startswith="bang-theo-doi-lanh-dao-").exists()


# --- the home panel ---------------------------------------------------------------------------------------


def test_the_home_panel_names_the_leaders_most_behind(demo):
    client = client_for("bithu")
    home = client.get("/")
    html = home.content.decode()
    assert 'data-testid="leaders-panel"' in html and 'data-testid="leaders-panel-link"' in html
    table = leader_table(user=User.objects.get(username="bithu"), period=this_month())
    first = [r.leader.pk for r in table.rows[:5]]
    assert [r.leader.pk for r in home.context["leaders_first"]] == first
    for pk in first:
        assert f'data-leader="{pk}"' in html
    assert 'data-testid="leaders-panel"' not in client_for("lanhdao").get("/").content.decode()


# --- queries ------------------------------------------------------------------------------------------------


def _grow(organization):
    """A new leader with an assignment, and many more incidents and directives routed to the leaders."""
    person = Person.objects.create(organization=organization, full_name="Nguyễn Văn Mới", position="Ủy viên")
    unit = Assignment.objects.filter(organization=organization).first()
    Assignment.objects.create(
        organization=organization,
        leader=person,
        locality=unit.locality,
        agency=unit.agency,
        field=unit.field,
        role=unit.role,
        valid_from=dt.date(2025, 1, 1),
    )
    for n, incident in enumerate(Incident.objects.filter(organization=organization)[:40]):
        incident.pk = incident.id = None
        incident.code = f"{incident.code}-L{n}"
        incident.responsible_leader = person if n % 2 else incident.responsible_leader
        incident.save()
    for directive in Directive.objects.filter(organization=organization, parent__isnull=True)[:40]:
        directive.pk = directive.id = None
        directive.issued_by = person
        directive.save()
    return person


def test_the_query_count_stays_flat_as_leaders_and_incidents_grow(demo):
    bithu = User.objects.get(username="bithu")
    client = client_for("bithu")
    period = wide_period()

    def read():
        return leader_table(user=bithu, period=period)

    def page():
        assert client.get("/reports/leaders/", {"period": period.code}).status_code == 200

    before, before_page = count_queries(read), count_queries(page)
    rows = len(read().rows)
    person = _grow(bithu.organization)
    table = read()
    assert len(table.rows) == rows + 1
    new = next(r for r in table.rows if r.leader.pk == person.pk)
    assert new.reported > 0 and new.directives_overdue >= 0
    assert count_queries(read) == before
    assert count_queries(page) == before_page
    assert before <= 20, before


def test_the_links_point_at_lists_that_have_their_filters(demo):
    """Each link's parameters are filters of the list it opens (an unknown one would be ignored silently)."""
    from followup.filters import DirectiveFilterSet
    from incidents.filters import IncidentFilterSet

    row = leader_table(user=User.objects.get(username="bithu"), period=this_month()).rows[0]
    for key in ("reported", "resolved", "on_time", "open", "overdue"):
        names = {part.split("=")[0] for part in urlsplit(row.links[key]).query.split("&")}
        assert names <= set(IncidentFilterSet.base_filters), key
    names = {part.split("=")[0] for part in urlsplit(row.links["directives_overdue"]).query.split("&")}
    assert names <= set(DirectiveFilterSet.base_filters)
