"""The supervision sessions list per role (page, API and export alike), its filters, its detail in the API,
and flat query counts as sessions grow."""

import datetime as dt
import itertools

import pytest
from django.test import Client

from accounts.choices import Role
from core.testing import assert_flat_queries, assert_same_rows
from investment import services

pytestmark = pytest.mark.django_db

PAGE, API, EXPORT = "/investment/sessions/", "/api/v1/investment/sessions/", "/investment/sessions/export/"
SERIAL = itertools.count(1)


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def two_groups(hcmc, office_hcmc, group_one, group_leader, make_project, civil_board):
    """Group one (led by totruong) and group two, each with a session; one more of group one in March."""
    other_project = make_project(investor=civil_board, name="Bệnh viện Ung bướu cơ sở 2")
    group_two = services.group_create(
        actor=office_hcmc,
        organization=hcmc,
        number=2,
        name="Tổ công tác số 2",
        term_start=dt.date(2025, 10, 1),
        projects=[other_project],
    )
    own = services.session_create(
        actor=group_leader,
        group=group_one,
        held_on=dt.date(2026, 5, 10),
        title="Kiểm tra giải phóng mặt bằng",
        place="Thủ Đức",
        projects=[group_one.test_project],
        participants=[group_leader.person],
        findings="Vướng mặt bằng ở đoạn 2.",
    )
    early = services.session_create(
        actor=office_hcmc,
        group=group_one,
        held_on=dt.date(2026, 3, 2),
        title="Giám sát tiến độ quý I",
        projects=[group_one.test_project],
    )
    theirs = services.session_create(
        actor=office_hcmc,
        group=group_two,
        held_on=dt.date(2026, 4, 15),
        title="Làm việc với chủ đầu tư bệnh viện",
        projects=[other_project],
    )
    return {"one": group_one, "two": group_two, "own": own, "early": early, "theirs": theirs}


def test_office_sees_every_session_with_the_same_rows_in_page_api_and_export(two_groups, office_hcmc):
    client = client_for(office_hcmc)
    own, early, theirs = two_groups["own"].pk, two_groups["early"].pk, two_groups["theirs"].pk
    rows = dict(page=PAGE, api=API, export=EXPORT)
    assert assert_same_rows(client, "", **rows) == {own, early, theirs}
    assert assert_same_rows(client, f"group={two_groups['two'].pk}", **rows) == {theirs}
    project = two_groups["one"].test_project.pk
    assert assert_same_rows(client, f"project={project}", **rows) == {own, early}
    assert assert_same_rows(client, "held_from=01/04/2026&held_to=2026-04-30", **rows) == {theirs}
    assert assert_same_rows(client, "q=giai phong mat bang", **rows) == {own}

    page = client.get(PAGE)
    assert [s.pk for s in page.context["rows"]] == [own, theirs, early]  # newest first
    html = page.content.decode()
    assert "Kiểm tra giải phóng mặt bằng" in html and 'href="/investment/sessions/"' in html
    by_group = client.get(PAGE + "?sort=group")
    assert [s.group.number for s in by_group.context["rows"]] == [1, 1, 2]
    chosen = client.get(PAGE + f"?project={project}")
    assert chosen.context["chosen_project"].pk == project

    # A bad filter value: the page drops it, the API names it.
    assert client.get(PAGE + "?held_from=32/13/2026").status_code == 200
    refused = client.get(API + "?held_from=32/13/2026")
    assert refused.status_code == 422 and "held_from" in refused.json()["errors"]

    item = client.get(f"{API}{theirs}").json()
    assert (item["group_number"], item["title"]) == (2, "Làm việc với chủ đầu tư bệnh viện")
    assert item["project_ids"] == [two_groups["theirs"].projects.get().pk]


def test_group_leader_sees_only_the_sessions_of_the_group(two_groups, group_leader):
    client = client_for(group_leader)
    own, early, theirs = two_groups["own"].pk, two_groups["early"].pk, two_groups["theirs"].pk
    assert assert_same_rows(client, "", page=PAGE, api=API, export=EXPORT) == {own, early}
    assert assert_same_rows(client, f"group={two_groups['two'].pk}", page=PAGE, api=API) == set()
    assert client.get(f"{API}{own}").status_code == 200
    assert client.get(f"{API}{theirs}").status_code == 404
    assert client.get(f"/investment/sessions/{theirs}/").status_code == 404


def test_hanoi_office_sees_none_of_hcmc_sessions(two_groups, office):
    client = client_for(office)
    assert assert_same_rows(client, "", page=PAGE, api=API, export=EXPORT) == set()
    for session in ("own", "theirs"):
        pk = two_groups[session].pk
        assert client.get(f"{API}{pk}").status_code == 404
        assert client.get(f"{API}{pk + 10_000}").status_code == 404  # the same as a missing one
    assert client.get(API).json()["count"] == 0


def test_viewer_reads_the_list_and_anonymous_is_sent_to_sign_in(two_groups, make_user, hcmc):
    viewer = client_for(make_user(Role.VIEWER, hcmc, "thanhtra"))
    assert assert_same_rows(viewer, "", page=PAGE, api=API) == {
        two_groups[k].pk for k in ("own", "early", "theirs")
    }
    anonymous = Client()
    assert anonymous.get(PAGE).status_code == 302
    assert anonymous.get(API).status_code in (401, 403)


def _more_sessions(groups, office_hcmc):
    def grow():
        for _ in range(3):
            n = next(SERIAL)
            for group in (groups["one"], groups["two"]):
                services.session_create(
                    actor=office_hcmc,
                    group=group,
                    held_on=dt.date(2026, 5, 1),
                    title=f"Buổi thêm {n}",
                    projects=[group.project_links.first().project],
                )

    return grow


@pytest.mark.parametrize("url", [PAGE, API, f"{PAGE}?sort=group&held_from=01/01/2026"])
def test_the_list_runs_flat_queries(url, two_groups, office_hcmc):
    client = client_for(office_hcmc)
    client.get(url)  # warm the caches
    assert_flat_queries(lambda: client.get(url), _more_sessions(two_groups, office_hcmc))
