"""The investment pages and API per role, the lists' parity and flat query counts, and the journey from a
supervision session to an obstacle escalated to the Standing Committee."""

import datetime as dt
import itertools
from decimal import Decimal

import pytest
from django.test import Client

from accounts.choices import Role
from core.testing import assert_flat_queries, assert_same_rows
from followup.choices import ObstacleStatus
from followup.models import Directive, Obstacle
from investment import services
from investment.models import SupervisionSession
from org.services import agency_create

pytestmark = pytest.mark.django_db

B = 1_000_000_000
TODAY = dt.date(2026, 5, 20)
SERIAL = itertools.count(1)


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    """The pages read the figures as of 20/05/2026."""
    import django.utils.timezone as tz

    real = tz.localdate
    monkeypatch.setattr(
        tz, "localdate", lambda value=None, timezone=None: real(value, timezone) if value else TODAY
    )


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def city(hcmc, office_hcmc, group_one, make_project, civil_board):
    """Two projects with plans and money: group one's (green) and a civil one behind the curve (red)."""
    services.target_curve_set(
        actor=office_hcmc,
        organization=hcmc,
        year=2026,
        points={3: Decimal("7.5"), 6: Decimal(25), 9: Decimal(50), 12: Decimal(95)},
    )
    green = group_one.test_project
    red = make_project(investor=civil_board, is_key=True, name="Bệnh viện thử")
    for project, amounts in ((green, (5, 5, 10, 10)), (red, (1, 0, 0, 1))):
        services.plan_set(
            actor=office_hcmc,
            project=project,
            year=2026,
            source="local",
            assigned_amount=100 * B,
            allocated_amount=120 * B,
        )
        for month, amount in zip((1, 2, 4, 5), amounts, strict=True):
            if amount:
                services.disbursement_record(
                    actor=office_hcmc,
                    project=project,
                    source="local",
                    plan_year=2026,
                    month=dt.date(2026, month, 1),
                    amount=amount * B,
                )
    return {"green": green, "red": red, "group": group_one}


@pytest.fixture
def session(city, group_leader):
    return services.session_create(
        actor=group_leader,
        group=city["group"],
        held_on=dt.date(2026, 5, 10),
        title="Kiểm tra tiến độ giải ngân",
        projects=[city["green"]],
        participants=[group_leader.person],
        findings="Vướng mặt bằng ở đoạn 2.",
    )


@pytest.fixture
def hcmc_viewer(make_user, hcmc):
    return make_user(Role.VIEWER, hcmc, "thanhtra")


# --- pages per role ------------------------------------------------------------------------------------


def test_office_sees_every_page_with_figures(city, session, office_hcmc):
    client = client_for(office_hcmc)
    dashboard = client.get("/investment/")
    assert dashboard.status_code == 200
    city_figures = dashboard.context["city"]
    assert (city_figures.assigned, city_figures.disbursed) == (200 * B, 32 * B)
    ranking = dashboard.context["group_ranking"]
    assert [g.pk for _f, g in ranking] == [city["group"].pk]
    assert [p.pk for _f, p in dashboard.context["lagging"]] == [city["red"].pk]
    assert dashboard.context["rag_rule"] in dashboard.content.decode()

    listing = client.get("/investment/projects/")
    assert listing.status_code == 200
    rows = {p.pk: p.figures for p in listing.context["rows"]}
    assert rows[city["green"].pk].rag == "green" and rows[city["red"].pk].rag == "red"

    page = client.get(f"/investment/projects/{city['green'].pk}/")
    assert page.status_code == 200
    assert len(page.context["months"]) == 13
    assert page.context["months"][4]["cumulative"] == 30 * B  # May: 5 + 5 + 0 + 10 + 10
    assert [s.pk for s in page.context["sessions"]] == [session.pk]
    assert "project.disbursement" in {row.event.kind for row in page.context["events"]}

    group = client.get(f"/investment/groups/{city['group'].pk}/")
    assert group.status_code == 200 and group.context["rank"] == 1
    assert group.context["can"]["record_session"] is True
    assert client.get("/investment/groups/").status_code == 200
    assert client.get(f"/investment/sessions/{session.pk}/").status_code == 200


def test_group_leader_records_a_session_and_the_outsider_cannot(city, group_leader, outsider):
    leader = client_for(group_leader)
    url = f"/investment/groups/{city['group'].pk}/sessions/new/"
    assert leader.get(url).status_code == 200
    response = leader.post(
        url,
        {
            "held_on": "12/05/2026",
            "title": "Giám sát công trường",
            "projects": [city["green"].pk],
            "participants": [group_leader.person.pk],
            "findings": "",
        },
    )
    assert response.status_code == 302
    recorded = SupervisionSession.objects.get(title="Giám sát công trường")
    assert response["Location"] == f"/investment/sessions/{recorded.pk}/"

    other = client_for(outsider)
    assert other.get(url).status_code == 404
    assert other.get(f"/investment/sessions/{recorded.pk}/").status_code == 404
    # The outsider sees the group (reference data) but not a project outside their reach.
    assert other.get(f"/investment/groups/{city['group'].pk}/").context["can"]["record_session"] is False
    assert other.get(f"/investment/projects/{city['red'].pk}/").status_code == 404


def test_a_session_in_the_future_is_refused_on_the_form(city, group_leader):
    response = client_for(group_leader).post(
        f"/investment/groups/{city['group'].pk}/sessions/new/",
        {"held_on": "01/06/2026", "title": "Sớm", "projects": [city["green"].pk]},
    )
    assert response.status_code == 200 and response.context["form"].errors["held_on"]


def test_hanoi_office_gets_404_on_hcmc_records(city, session, office):
    client = client_for(office)
    for url in (
        f"/investment/projects/{city['green'].pk}/",
        f"/investment/groups/{city['group'].pk}/",
        f"/investment/groups/{city['group'].pk}/sessions/new/",
        f"/investment/sessions/{session.pk}/",
        f"/api/v1/investment/projects/{city['green'].pk}",
        f"/api/v1/investment/groups/{city['group'].pk}",
        f"/api/v1/investment/disbursement?scope=project&id={city['green'].pk}",
    ):
        assert client.get(url).status_code == 404, url
    assert client.get("/investment/projects/").context["page"].paginator.count == 0


def test_viewer_reads_but_never_writes(city, session, hcmc_viewer):
    client = client_for(hcmc_viewer)
    assert client.get(f"/investment/projects/{city['red'].pk}/").status_code == 200
    page = client.get(f"/investment/sessions/{session.pk}/")
    assert page.status_code == 200 and page.context["may_raise"] is False
    assert client.get(f"/investment/groups/{city['group'].pk}/sessions/new/").status_code == 404
    response = client.post(
        f"/api/v1/investment/groups/{city['group'].pk}/sessions",
        {"held_on": "2026-05-12", "title": "x", "projects": [city["green"].pk]},
        content_type="application/json",
    )
    assert response.status_code == 404


# --- the journey ---------------------------------------------------------------------------------------


def test_session_to_obstacle_to_escalation(city, session, group_leader, office_hcmc, transport_board):
    leader = client_for(group_leader)
    response = leader.post(
        f"/investment/sessions/{session.pk}/obstacles/",
        {
            "project": city["green"].pk,
            "title": "Chưa bàn giao mặt bằng đoạn 2",
            "description": "Còn 12 hộ chưa nhận tiền bồi thường.",
            "category": "site_clearance",
            "resolution_level": "standing_committee",
        },
    )
    assert response.status_code == 302 and response["Location"] == f"/investment/sessions/{session.pk}/"
    obstacle = Obstacle.objects.get(title="Chưa bàn giao mặt bằng đoạn 2")
    assert (obstacle.subject_id, obstacle.origin_id) == (city["green"].pk, session.pk)

    page = leader.get(f"/investment/sessions/{session.pk}/")
    assert [o.pk for o in page.context["obstacles"]] == [obstacle.pk]
    assert f"/followup/obstacles/{obstacle.pk}/" in page.content.decode()
    project_page = leader.get(f"/investment/projects/{city['green'].pk}/")
    assert [o.pk for o in project_page.context["obstacles"]] == [obstacle.pk]

    # A project the session did not visit is refused on the form, with the page shown again.
    refused = leader.post(
        f"/investment/sessions/{session.pk}/obstacles/",
        {
            "project": city["red"].pk,
            "title": "x",
            "description": "y",
            "category": "other",
            "resolution_level": "investor",
        },
    )
    assert refused.status_code == 400 and refused.context["obstacle_form"].errors["project"]

    directive = leader.post(
        f"/investment/sessions/{session.pk}/directives/",
        {
            "content": "Hoàn thành bồi thường trước 30/6.",
            "lead_unit": transport_board.pk,
            "deadline": "30/06/2026",
        },
    )
    assert directive.status_code == 302
    issued = Directive.objects.get(content="Hoàn thành bồi thường trước 30/6.")
    page = leader.get(f"/investment/sessions/{session.pk}/")
    assert [d.pk for d in page.context["directives"]] == [issued.pk]

    # The office escalates it on followup's own page.
    office = client_for(office_hcmc)
    moved = office.post(
        f"/followup/obstacles/{obstacle.pk}/status/",
        {"status": ObstacleStatus.ESCALATED, "version": obstacle.version, "note": "Vượt thẩm quyền tổ."},
    )
    assert moved.status_code == 302
    obstacle.refresh_from_db()
    assert obstacle.status == ObstacleStatus.ESCALATED


# --- the API -------------------------------------------------------------------------------------------


def test_api_groups_projects_and_figures(city, office_hcmc, group_leader):
    client = client_for(office_hcmc)
    groups = client.get("/api/v1/investment/groups/").json()
    assert groups["items"][0]["leader"] == {
        "id": group_leader.person.pk,
        "name": "Châu Minh Triết",
        "login": "totruong",
    }
    detail = client.get(f"/api/v1/investment/groups/{city['group'].pk}").json()
    assert detail["project_ids"] == [city["green"].pk]
    red = client.get("/api/v1/investment/projects/?rag=red").json()
    assert [p["id"] for p in red["items"]] == [city["red"].pk]
    figures = client.get(
        f"/api/v1/investment/disbursement?scope=group&id={city['group'].pk}&at=2026-05-20"
    ).json()
    assert figures["disbursed"] == 30 * B and figures["rate_assigned"] == "30.0"
    # The floor on 20 May is 17.1 %; the pace of January to April (20 tỷ in 4 months) gives 60 tỷ by December.
    assert figures["target"] == "17.1" and figures["rag"] == "green" and figures["projection"] == 60 * B
    city_figures = client.get("/api/v1/investment/disbursement?at=2026-05-20&source=local").json()
    assert (city_figures["assigned"], city_figures["allocated"]) == (200 * B, 240 * B)
    bad = client.get("/api/v1/investment/projects/?rag=purple")
    assert bad.status_code == 422 and "rag" in bad.json()["errors"]
    assert client.get("/api/v1/investment/disbursement?at=20-05-2026").status_code == 422
    assert client.get("/api/v1/investment/disbursement?scope=group").status_code == 422


def test_api_records_a_session_and_raises_an_obstacle(city, group_leader, outsider):
    client = client_for(group_leader)
    created = client.post(
        f"/api/v1/investment/groups/{city['group'].pk}/sessions",
        {"held_on": "2026-05-15", "title": "Giám sát", "projects": [city["green"].pk]},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    session_id = created.json()["id"]
    refused = client.post(
        f"/api/v1/investment/groups/{city['group'].pk}/sessions",
        {"held_on": "2026-05-15", "title": "Giám sát", "projects": [city["red"].pk]},
        content_type="application/json",
    )
    assert refused.status_code == 422
    obstacle = client.post(
        f"/api/v1/investment/sessions/{session_id}/obstacles",
        {
            "project": city["green"].pk,
            "title": "Thiếu vật liệu",
            "description": "Giá cát tăng.",
            "category": "materials_prices",
            "resolution_level": "department",
        },
        content_type="application/json",
    )
    assert obstacle.status_code == 201, obstacle.content
    assert obstacle.json()["origin_id"] == session_id
    other = client_for(outsider)
    assert (
        other.post(
            f"/api/v1/investment/sessions/{session_id}/obstacles",
            {
                "project": city["green"].pk,
                "title": "x",
                "description": "y",
                "category": "other",
                "resolution_level": "investor",
            },
            content_type="application/json",
        ).status_code
        == 404
    )


# --- parity and query counts ---------------------------------------------------------------------------


def test_project_list_parity(city, office_hcmc):
    client = client_for(office_hcmc)
    page, api = "/investment/projects/", "/api/v1/investment/projects/"
    green, red = city["green"].pk, city["red"].pk
    assert assert_same_rows(client, "", page=page, api=api) == {green, red}
    assert assert_same_rows(client, "rag=red", page=page, api=api) == {red}
    assert assert_same_rows(client, "rag=green&at=2026-05-20", page=page, api=api) == {green}
    assert assert_same_rows(client, f"group={city['group'].pk}", page=page, api=api) == {green}
    assert assert_same_rows(client, "key=1&q=benh vien", page=page, api=api) == {red}


def test_group_list_parity(city, office_hcmc, group_leader):
    client = client_for(office_hcmc)
    page, api = "/investment/groups/", "/api/v1/investment/groups/"
    assert assert_same_rows(client, "", page=page, api=api) == {city["group"].pk}
    assert assert_same_rows(client, f"member={group_leader.person.pk}", page=page, api=api) == {
        city["group"].pk
    }


def _grow(city, office_hcmc, hcmc, make_project, transport_board):
    def grow():
        for _ in range(3):
            n = next(SERIAL)
            investor = agency_create(
                actor=None,
                organization=hcmc,
                code=f"CDT-{n}",
                name=f"Chủ đầu tư {n}",
                kind="investor",
            )
            project = make_project(investor=investor)
            services.plan_set(
                actor=office_hcmc,
                project=project,
                year=2026,
                source="central",
                assigned_amount=10 * B,
                allocated_amount=10 * B,
            )
            services.disbursement_record(
                actor=office_hcmc,
                project=project,
                source="central",
                plan_year=2026,
                month=dt.date(2026, 4, 1),
                amount=B,
            )
            group = services.group_create(
                actor=office_hcmc,
                organization=hcmc,
                number=100 + n,
                name=f"Tổ {n}",
                term_start=dt.date(2025, 10, 1),
                projects=[project, city["green"]],
            )
            services.session_create(
                actor=office_hcmc,
                group=city["group"],
                held_on=dt.date(2026, 5, 1),
                title=f"Buổi {n}",
                projects=[city["green"]],
            )
            del group

    return grow


@pytest.mark.parametrize(
    "url",
    ["/investment/", "/investment/projects/", "/investment/groups/", "group", "project", "session"],
)
def test_pages_run_flat_queries(url, city, session, office_hcmc, hcmc, make_project, transport_board):
    client = client_for(office_hcmc)
    target = {
        "group": f"/investment/groups/{city['group'].pk}/",
        "project": f"/investment/projects/{city['green'].pk}/",
        "session": f"/investment/sessions/{session.pk}/",
    }.get(url, url)
    client.get(target)  # warm the caches (content types, the calendar)
    assert_flat_queries(
        lambda: client.get(target), _grow(city, office_hcmc, hcmc, make_project, transport_board)
    )


@pytest.mark.parametrize("url", ["/api/v1/investment/projects/", "/api/v1/investment/groups/"])
def test_api_lists_run_flat_queries(url, city, office_hcmc, hcmc, make_project, transport_board):
    client = client_for(office_hcmc)
    client.get(url)
    assert_flat_queries(
        lambda: client.get(url), _grow(city, office_hcmc, hcmc, make_project, transport_board)
    )


def test_the_map_points_come_after_the_page_with_its_filters_and_scope(city, office_hcmc, office):
    from investment.models import ProjectLocality

    ProjectLocality.objects.filter(project=city["red"]).update(
        latitude=Decimal("10.77"), longitude=Decimal("106.70")
    )
    client = client_for(office_hcmc)
    page = client.get("/investment/projects/?key=1")
    assert 'data-url="/investment/projects/map.json?key=1"' in page.content.decode()
    body = client.get("/investment/projects/map.json").json()
    assert [p["code"] for p in body["points"]] == [city["red"].code] and body["capped"] is False
    assert body["points"][0]["url"] == f"/investment/projects/{city['red'].pk}/"
    assert client.get(f"/investment/projects/map.json?group={city['group'].pk}").json()["points"] == []
    assert client_for(office).get("/investment/projects/map.json").json()["points"] == []  # Hanoi
    assert Client().get("/investment/projects/map.json").status_code == 302
