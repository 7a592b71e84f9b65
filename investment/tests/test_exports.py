"""The project list and the analytics as Excel: the rows the list selector gives the reader under the same
filters, money in whole đồng with the VND number format, user text as text, flat query counts, and who
may export."""

import datetime as dt
import io

import pytest
from django.http import QueryDict
from django.test import Client
from openpyxl import load_workbook

from core.models import AuditEvent
from core.testing import count_queries
from investment import selectors, services
from investment.exports import VND_FORMAT
from investment.filters import ProjectFilterSet

AT = dt.date(2026, 3, 31)


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def rows(response, sheet=0, header_row=3):
    ws = load_workbook(io.BytesIO(response.content)).worksheets[sheet]
    values = list(ws.iter_rows(min_row=header_row, values_only=True))
    return [dict(zip(values[0], row, strict=False)) for row in values[1:]]


@pytest.fixture
def city(hcmc, office_hcmc, make_project, civil_board, group_one):
    """Three projects of two investors, one in group 1, with plans and disbursements for 2026."""
    road = group_one.test_project
    school = make_project(investor=civil_board, name='=HYPERLINK("http://x")', is_key=False, group="B")
    bridge = make_project(name="Cầu thử")
    for project, assigned, paid in ((road, 100_000_000_000, 30_000_000_000), (school, 50_000_000_000, 1)):
        services.plan_set(
            actor=office_hcmc,
            project=project,
            year=2026,
            source="local",
            assigned_amount=assigned,
            allocated_amount=assigned,
        )
        services.disbursement_record(
            actor=office_hcmc,
            project=project,
            source="local",
            plan_year=2026,
            month=dt.date(2026, 2, 1),
            amount=paid,
        )
    return {"road": road, "school": school, "bridge": bridge}


def test_the_project_export_holds_the_filtered_rows_of_the_list_selector(city, office_hcmc):
    client = client_for(office_hcmc)
    for query in ("", "?key=yes", "?investor={}".format(city["school"].investor_id), "?q=thu%202"):
        response = client.get("/investment/projects/export/" + query)
        assert response.status_code == 200
        expected = ProjectFilterSet(
            QueryDict(query[1:]), queryset=selectors.project_list(user=office_hcmc), request=None
        ).qs.values_list("pk", flat=True)
        assert sorted(row["ID"] for row in rows(response)) == sorted(expected)
    assert AuditEvent.objects.filter(action="export").count() == 4


def test_the_project_export_writes_money_and_text_as_they_are(city, office_hcmc):
    response = client_for(office_hcmc).get("/investment/projects/export/")
    ws = load_workbook(io.BytesIO(response.content)).worksheets[0]
    headings = [c.value for c in ws[3]]
    money = headings.index("Tổng mức đầu tư (đồng)") + 1
    name = 3  # the project's name
    cells = {ws.cell(row=r, column=2).value: r for r in range(4, ws.max_row + 1)}
    row = cells[city["school"].code]
    assert ws.cell(row=row, column=money).value == 1_000_000_000_000
    assert ws.cell(row=row, column=money).number_format == VND_FORMAT
    text = ws.cell(row=row, column=name)
    assert text.value == '=HYPERLINK("http://x")' and text.data_type == "s" and text.quotePrefix


def test_a_group_member_exports_only_the_group_s_projects(city, group_leader):
    response = client_for(group_leader).get("/investment/projects/export/")
    assert [row["ID"] for row in rows(response)] == [city["road"].pk]


def test_the_project_export_runs_the_same_queries_for_more_projects(city, office_hcmc, make_project):
    client = client_for(office_hcmc)
    before = count_queries(lambda: client.get("/investment/projects/export/"))
    for _n in range(5):
        make_project()
    assert count_queries(lambda: client.get("/investment/projects/export/")) == before


def test_the_analytics_export(city, office_hcmc):
    response = client_for(office_hcmc).get(f"/investment/export/?at={AT.isoformat()}&year=2026")
    assert response.status_code == 200
    wb = load_workbook(io.BytesIO(response.content))
    assert wb.sheetnames == ["Toàn thành phố", "Theo nguồn vốn", "Tổ công tác", "Chủ đầu tư", "Dự án"]
    city_row = rows(response, 0)[0]
    assert city_row["Kế hoạch Thủ tướng giao (đồng)"] == 150_000_000_000
    assert city_row["Lũy kế giải ngân (đồng)"] == 30_000_000_001
    assert city_row["Tỷ lệ so với kế hoạch Thủ tướng giao (%)"] == 20.0
    assert wb.worksheets[0].cell(row=4, column=2).number_format == VND_FORMAT
    by_source = {r["Nguồn vốn"]: r["Lũy kế giải ngân (đồng)"] for r in rows(response, 1)}
    assert by_source["ngân sách địa phương"] == 30_000_000_001 and by_source["ngân sách trung ương"] == 0
    groups = rows(response, 2)
    assert [(g["Xếp hạng"], g["Lũy kế giải ngân (đồng)"]) for g in groups] == [(1, 30_000_000_000)]
    investors = rows(response, 3)
    assert [i["Xếp hạng"] for i in investors] == [1, 2]
    assert investors[0]["Tỷ lệ so với kế hoạch Thủ tướng giao (%)"] == 30.0  # the transport board first
    projects = {p["Mã dự án"]: p for p in rows(response, 4)}
    assert projects[city["road"].code]["Xếp hạng"] == 1 and projects[city["school"].code]["Xếp hạng"] == 2


def test_the_analytics_export_runs_the_same_queries_for_more_projects(city, office_hcmc, make_project):
    client = client_for(office_hcmc)
    url = f"/investment/export/?at={AT.isoformat()}"
    before = count_queries(lambda: client.get(url))
    for _n in range(4):
        project = make_project()
        services.plan_set(
            actor=office_hcmc,
            project=project,
            year=2026,
            source="central",
            assigned_amount=10,
            allocated_amount=10,
        )
    assert count_queries(lambda: client.get(url)) == before


def test_an_anonymous_visitor_is_sent_to_sign_in(hcmc):
    anonymous = Client()
    assert anonymous.get("/investment/projects/export/").status_code == 302
    assert anonymous.get("/investment/export/").status_code == 302


def test_a_hanoi_user_sees_none_of_hcmc_s_projects(city, office, viewer):
    for user in (office, viewer):
        response = client_for(user).get("/investment/projects/export/")
        assert response.status_code == 200 and rows(response) == []
        analytics = client_for(user).get("/investment/export/")
        assert rows(analytics, 4) == []


def test_the_pages_link_to_the_exports_and_the_office_to_the_import(city, office_hcmc, group_leader):
    page = client_for(office_hcmc).get("/investment/projects/?key=1").content.decode()
    assert 'href="/investment/projects/export/?key=1"' in page
    dashboard = client_for(office_hcmc).get("/investment/").content.decode()
    assert "/investment/export/?at=" in dashboard and 'href="/investment/disbursements/import/"' in dashboard
    member = client_for(group_leader).get("/investment/").content.decode()
    assert "/investment/export/?at=" in member and "/investment/disbursements/import/" not in member
