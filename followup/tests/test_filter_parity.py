"""One filter definition per list: the same query string gives the same rows in the page, the API list and the
Excel export, for obstacles, directives, re-supervision checks and conclusion notices."""

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from core.testing import assert_same_rows
from followup import services
from followup.models import ReSupervision

D = dt.date
NOW = dt.datetime(2026, 3, 10, 9, 0, tzinfo=dt.UTC)
API = "/api/v1/followup"


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def client(office):
    client = Client()
    client.force_login(office)
    return client


@pytest.fixture
def loop(hanoi, hk, office, in_charge, construction, finance):
    """Two obstacles, three directives (one overdue, two not yet due, one of them from a notice), their
    checks (one recorded), and two notices."""
    notice = services.notice_create(
        actor=office, organization=hanoi, number="12-TB/TU", issued_on=D(2026, 3, 1), title="Kết luận về vốn"
    )
    road = services.notice_create(
        actor=office,
        organization=hanoi,
        number="13-TB/TU",
        issued_on=D(2026, 3, 2),
        title="Kết luận về đường Đê La Thành",
    )

    def directive(content, lead, deadline, **extra):
        return services.directive_create(
            actor=office,
            organization=hanoi,
            content=content,
            issued_by=in_charge.person,
            lead_unit=lead,
            issued_on=D(2026, 2, 1),
            deadline=deadline,
            source_kind=extra.pop("source_kind", "other"),
            locality=hk,
            **extra,
        )

    late = directive("Giải phóng mặt bằng đường Đê La Thành", construction, D(2026, 3, 1))
    checked = directive("Báo cáo tiến độ thu hồi đất", finance, D(2026, 3, 5))
    soon = directive("Rà soát hồ sơ bồi thường", finance, D(2026, 4, 1), cooperating_units=[construction])
    funded = directive(
        "Bố trí vốn đối ứng", finance, D(2026, 5, 1), source_kind="conclusion_notice", source=notice
    )

    def obstacle(title, category):
        return services.obstacle_create(
            actor=office,
            organization=hanoi,
            title=title,
            description="…",
            category=category,
            resolution_level="department",
            locality=hk,
            raised_by=in_charge.person,
            raised_on=D(2026, 3, 2),
        )

    site = obstacle("Vướng mặt bằng đường Đê La Thành", "site_clearance")
    money = obstacle("Thiếu vốn đối ứng", "capital")
    checks = {c.directive_id: c for c in ReSupervision.objects.all()}
    recorded = services.resupervision_record(
        actor=office,
        check=checks[checked.pk],
        verdict="implemented",
        method="on_site",
        checked_on=D(2026, 3, 9),
        evidence="Đã kiểm tra tại hiện trường.",
    )
    return {
        "late": late.pk,
        "checked": checked.pk,
        "soon": soon.pk,
        "funded": funded.pk,
        "site": site.title,
        "money": money.title,
        "recorded": recorded.pk,
        "pending": {checks[late.pk].pk, checks[soon.pk].pk, checks[funded.pk].pk},
        "notice": notice.pk,
        "road": road.pk,
    }


def test_directives_agree_in_page_api_and_export(client, loop, construction):
    rows = {
        "page": "/followup/directives/",
        "api": f"{API}/directives/",
        "export": "/followup/directives/export.xlsx",
    }
    late, soon, funded, checked = loop["late"], loop["soon"], loop["funded"], loop["checked"]
    assert assert_same_rows(client, "", **rows) == {late, soon, funded, checked}
    assert assert_same_rows(client, "bucket=done_late", **rows) == {checked}
    assert assert_same_rows(client, "bucket=overdue", **rows) == {late}
    assert assert_same_rows(client, "bucket=not_due", **rows) == {soon, funded}
    assert assert_same_rows(client, "bucket=done_on_time", **rows) == set()
    assert assert_same_rows(client, f"unit={construction.pk}", **rows) == {late, soon}
    # The lead unit only (the monthly rankings' link): not the directive it merely cooperates on.
    assert assert_same_rows(client, f"lead_unit={construction.pk}", **rows) == {late}
    assert assert_same_rows(client, f"notice={loop['notice']}", **rows) == {funded}
    assert assert_same_rows(client, "source_kind=other&open=1", **rows) == {late, soon}
    assert assert_same_rows(client, "source_kind=other", **rows) == {late, soon, checked}
    assert assert_same_rows(client, "date_from=15/03/2026&date_to=2026-04-30", **rows) == {soon}
    # A search ignores diacritics both ways: "đ" finds "d", and "d" finds "đ".
    assert assert_same_rows(client, "q=%C4%91%C3%AA+la+th%C3%A0nh", **rows) == {late}  # "đê la thành"
    assert assert_same_rows(client, "q=de+la+thanh", **rows) == {late}
    assert assert_same_rows(client, "q=doi+ung&bucket=overdue", **rows) == set()
    assert assert_same_rows(client, "q=von+doi+ung&bucket=not_due", **rows) == {funded}


def test_obstacles_agree_in_page_api_and_export(client, loop):
    by_title = {
        "page": "/followup/obstacles/",
        "api": f"{API}/obstacles/",
        "export": "/followup/obstacles/export.xlsx",
        "page_key": lambda o: o.title,
        "api_key": lambda item: item["title"],
        "export_key": lambda row: row["Tiêu đề"],
    }
    site, money = loop["site"], loop["money"]
    assert assert_same_rows(client, "", **by_title) == {site, money}
    assert assert_same_rows(client, "category=capital", **by_title) == {money}
    assert assert_same_rows(client, "status=new&open=1&level=department", **by_title) == {site, money}
    assert assert_same_rows(client, "escalated=1", **by_title) == set()
    assert assert_same_rows(client, "date_from=03/03/2026", **by_title) == set()
    road = "q=%C4%91%C6%B0%E1%BB%9Dng+%C4%91%C3%AA"  # "đường đê"
    assert assert_same_rows(client, road, **by_title) == {site}
    assert assert_same_rows(client, "q=duong+de", **by_title) == {site}
    assert assert_same_rows(client, "q=von&category=site_clearance", **by_title) == set()


def test_resupervision_checks_agree_in_page_api_and_export(client, loop, in_charge):
    rows = {
        "page": "/followup/resupervisions/",
        "api": f"{API}/resupervisions/",
        "export": "/followup/resupervisions/export.xlsx",
    }
    recorded, pending = loop["recorded"], loop["pending"]
    assert assert_same_rows(client, "", **rows) == {recorded, *pending}
    assert assert_same_rows(client, "state=recorded", **rows) == {recorded}
    assert assert_same_rows(client, "state=pending", **rows) == pending
    assert assert_same_rows(client, "state=due", **rows) == set()  # none is due yet on 10/03/2026
    assert assert_same_rows(client, "verdict=implemented", **rows) == {recorded}
    assert assert_same_rows(client, f"leader={in_charge.person.pk}&state=pending", **rows) == pending


def test_notices_agree_in_page_and_api(client, loop):
    rows = {"page": "/followup/notices/", "api": f"{API}/notices/"}
    notice, road = loop["notice"], loop["road"]
    assert assert_same_rows(client, "", **rows) == {notice, road}
    assert assert_same_rows(client, "q=%C4%91%C6%B0%E1%BB%9Dng", **rows) == {road}  # "đường"
    assert assert_same_rows(client, "q=duong", **rows) == {road}
    assert assert_same_rows(client, "q=12-TB", **rows) == {notice}


def test_an_invalid_filter_is_dropped_by_the_page_and_refused_by_the_api(client, loop):
    page = client.get("/followup/directives/?bucket=bogus&unit=abc")
    listed = {d.pk for d in page.context["page"].paginator.object_list}
    assert listed == {loop["late"], loop["soon"], loop["funded"], loop["checked"]}
    refused = client.get(f"{API}/directives/?bucket=bogus&unit=abc")
    assert refused.status_code == 422
    assert set(refused.json()["errors"]) == {"bucket", "unit"}


def test_the_bucket_chips_count_every_bucket_under_the_other_filters(client, loop, construction):
    response = client.get(f"/followup/directives/?bucket=overdue&unit={construction.pk}")
    chips = {key: count for key, _label, count, _colour in response.context["chips"]}
    assert chips["overdue"] == 1 and chips["not_due"] == 1 and response.context["total"] == 2
    assert [d.pk for d in response.context["page"]] == [loop["late"]]
    api = client.get(f"{API}/directives/buckets?bucket=overdue&unit={construction.pk}").json()
    assert {b["bucket"]: b["count"] for b in api["buckets"]} == chips


def test_the_api_labels_choices_in_the_readers_language(client, loop):
    items = client.get(f"{API}/obstacles/?category=capital").json()["items"]
    assert [(i["category_label"], i["status_label"]) for i in items] == [("Vốn", "Mới")]


def _count_queries_on_directives(captured) -> list[str]:
    """The paginator's own count of the directive list (the bucket tally is a grouped count, not this)."""
    return [
        q["sql"]
        for q in captured
        if 'COUNT(*) AS "__count"' in q["sql"] and '"followup_directive"' in q["sql"]
    ]


@pytest.mark.parametrize(
    "query", ["", "bucket=overdue", "bucket=not_due", "bucket=done_late", "bucket=bogus"]
)
def test_the_list_s_length_comes_from_the_bucket_tally_not_a_count_of_its_own(client, loop, query):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(f"/followup/directives/?{query}")
    assert response.status_code == 200
    assert _count_queries_on_directives(ctx.captured_queries) == []
    paginator = response.context["page"].paginator
    chips = {key: count for key, _label, count, _colour in response.context["chips"]}
    assert response.context["total"] == sum(chips.values()) == 4
    bucket = query.removeprefix("bucket=")
    expected = chips[bucket] if bucket in chips else sum(chips.values())
    assert paginator.count == expected == len(list(paginator.object_list))
