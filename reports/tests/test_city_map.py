"""The city map on the demo: who may open it, what each layer holds for each reader (exactly what they may
see in the layer's own app), the cut at the limit, the basemap the page carries, and a query count that
stays flat as the points grow."""

import datetime as dt
import re

import pytest
from django.test import Client
from django.utils import timezone

from accounts.models import User
from conftest import demo_fixture
from core.testing import ANONYMOUS, Operation, count_queries, permission_matrix
from core.tests.pmtiles import archive
from fieldwork.choices import VisitStatus
from fieldwork.models import Visit
from fieldwork.selectors.visits import visit_list
from incidents.choices import OPEN_STATUSES
from incidents.models import Incident
from incidents.selectors import incident_list
from investment.choices import Rag
from investment.models import Project, ProjectLocality
from investment.selectors import project_list
from org.models import AdministrativeUnit
from reports.selectors import city_map

loaded = demo_fixture()

PAGE = "/reports/map/"
API = "/api/v1/reports/map/"


@pytest.fixture
def demo(loaded, db):
    return loaded


def client_for(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def layer(username: str, name: str) -> dict:
    response = client_for(username).get(f"{API}{name}")
    assert response.status_code == 200, response.content
    return response.json()


def ids(data: dict) -> set[int]:
    return {p["id"] for p in data["points"]}


def test_everyone_with_a_role_may_open_the_map_and_nobody_else(demo, make_user):
    hanoi = User.objects.get(username="vanphong").organization
    users = {
        ANONYMOUS: None,
        "no role": make_user("", hanoi, "norole_map"),
        **{name: User.objects.get(username=name) for name in ("vanphong", "bithu", "lanhdao", "hoankiem")},
        "viewer": User.objects.get(username="kiemtra"),
        "other organisation": User.objects.get(username="vanphonghcm"),
    }
    allowed = {label: 200 for label in users if label not in (ANONYMOUS, "no role")}
    ops = [Operation("the page", "GET", PAGE, {ANONYMOUS: 302, "no role": 404, **allowed})]
    ops += [
        Operation(f"the {name} layer", "GET", f"{API}{name}", {ANONYMOUS: 401, "no role": 404, **allowed})
        for name in city_map.LAYERS
    ]
    assert permission_matrix(users, ops) == []
    page = Client().get(PAGE)
    assert page["Location"].startswith("/accounts/login/")


def test_the_office_sees_every_open_incident_with_a_position_and_its_link(demo):
    data = layer("vanphong", "incidents")
    hanoi = User.objects.get(username="vanphong").organization
    expected = set(
        Incident.objects.active()
        .filter(organization=hanoi, status__in=OPEN_STATUSES, latitude__isnull=False)
        .values_list("pk", flat=True)
    )
    assert expected and ids(data) == expected
    assert data["layer"] == "incidents" and data["count"] == len(expected) and data["truncated"] is False
    point = data["points"][0]
    incident = Incident.objects.get(pk=point["id"])
    assert point["code"] == incident.code and point["title"] == incident.title
    assert (point["lat"], point["lng"]) == (float(incident.latitude), float(incident.longitude))
    assert point["url"] == f"/incidents/{incident.pk}/"
    assert point["severity"] == incident.severity and point["severity_label"]
    assert client_for("vanphong").get(point["url"]).status_code == 200


def test_the_key_projects_carry_their_sites_and_their_status(demo):
    data = layer("vanphonghcm", "projects")
    hcmc = User.objects.get(username="vanphonghcm").organization
    sites = ProjectLocality.objects.filter(
        project__organization=hcmc,
        project__is_key=True,
        project__archived_at__isnull=True,
        latitude__isnull=False,
    )
    assert data["count"] == sites.count() > 0
    assert ids(data) == set(sites.values_list("project_id", flat=True))
    assert {p["rag"] for p in data["points"]} <= set(Rag.values)
    assert {p["rag"] for p in data["points"]} & {Rag.RED, Rag.AMBER, Rag.GREEN}
    point = data["points"][0]
    project = Project.objects.get(pk=point["id"])
    assert (point["code"], point["title"], point["url"]) == (
        project.code,
        project.name,
        f"/investment/projects/{project.pk}/",
    )
    site = sites.get(project=project, latitude=point["lat"], longitude=point["lng"])
    assert point["place"] == site.locality.name


def test_the_visits_are_those_of_the_last_90_days_at_their_localities(demo):
    user = User.objects.get(username="vanphong")
    data = layer("vanphong", "visits")
    now = timezone.now()
    since = now - dt.timedelta(days=city_map.VISIT_DAYS)
    expected = set(
        Visit.objects.active()
        .filter(organization=user.organization, starts_at__gte=since, starts_at__lte=now)
        .exclude(status=VisitStatus.CANCELLED)
        .filter(localities__latitude__isnull=False)
        .values_list("pk", flat=True)
    )
    assert expected and ids(data) == expected
    older = Visit.objects.filter(organization=user.organization, starts_at__lt=since)
    assert older.exists() and not ids(data) & set(older.values_list("pk", flat=True))
    for point in data["points"]:
        visit = Visit.objects.get(pk=point["id"])
        unit = visit.localities.get(name=point["place"])
        assert (point["lat"], point["lng"]) == (float(unit.latitude), float(unit.longitude))
        assert point["url"] == f"/fieldwork/visits/{visit.pk}/" and point["leader"] == visit.leader.full_name


def test_the_other_organisation_sees_none_of_hanoi(demo):
    hanoi = User.objects.get(username="vanphong").organization
    for name, model in (("incidents", Incident), ("projects", Project), ("visits", Visit)):
        theirs = ids(layer("vanphonghcm", name))
        assert theirs, name
        assert not model.objects.filter(pk__in=theirs, organization=hanoi).exists(), name


def test_a_ward_focal_point_sees_only_their_reach(demo):
    focal = User.objects.get(username="hoankiem")
    incidents = layer("hoankiem", "incidents")
    assert incidents["count"] > 0
    assert ids(incidents) <= set(incident_list(user=focal).values_list("pk", flat=True))
    assert len(ids(incidents)) < len(ids(layer("vanphong", "incidents")))
    visits = layer("hoankiem", "visits")
    assert ids(visits) <= set(visit_list(user=focal).values_list("pk", flat=True))
    assert ids(layer("hoankiem", "projects")) <= set(project_list(user=focal).values_list("pk", flat=True))


def test_a_layer_is_cut_at_its_limit_and_says_so(demo, monkeypatch):
    monkeypatch.setattr(city_map, "POINT_LIMIT", 2)
    data = layer("vanphong", "incidents")
    assert data["count"] == 2 and data["truncated"] is True and data["limit"] == 2
    newest = (
        Incident.objects.active()
        .filter(organization__code="hanoi", status__in=OPEN_STATUSES, latitude__isnull=False)
        .order_by("-reported_at", "-id")
        .values_list("pk", flat=True)[:2]
    )
    assert [p["id"] for p in data["points"]] == list(newest)


def test_the_page_carries_the_basemap_and_no_inline_script(demo, settings, tmp_path):
    client = client_for("hoankiem")
    settings.COSO_MAP_PMTILES = ""
    settings.COSO_MAP_TILE_URL = ""
    body = client.get(PAGE).content.decode()
    assert 'data-basemap="" data-basemap-url=""' in body
    assert "COSO_MAP_PMTILES" in body and "COSO_MAP_TILE_URL" in body  # how to add a basemap
    assert "leaflet.markercluster.js" in body and "coso/city-map.js" in body
    assert 'data-url-incidents="/api/v1/reports/map/incidents"' in body
    assert not re.search(r"<script(?![^>]*\bsrc=)", body) and not re.search(r"\sstyle=", body)

    (tmp_path / "hanoi.pmtiles").write_bytes(archive())
    settings.COSO_MAP_PMTILES = str(tmp_path / "hanoi.pmtiles")
    body = client.get(PAGE).content.decode()
    assert 'data-basemap="pmtiles" data-basemap-url="/basemap/basemap.pmtiles"' in body
    assert "vendor/protomaps-leaflet/protomaps-leaflet.js" in body and "COSO_MAP_TILE_URL" not in body

    settings.COSO_MAP_PMTILES = ""
    settings.COSO_MAP_TILE_URL = "https://tiles.thanhuy.vn/{z}/{x}/{y}.png"
    page = client.get(PAGE)
    assert "img-src 'self' data: https://tiles.thanhuy.vn" in page["Content-Security-Policy"]
    assert 'data-basemap="tiles"' in page.content.decode()


def test_the_layers_are_in_the_openapi_document(demo):
    paths = client_for("vanphong").get("/api/v1/openapi.json").json()["paths"]
    for name in city_map.LAYERS:
        operation = paths[f"{API}{name}"]["get"]
        assert operation["summary"].startswith("The city map")


def queries(user, name: str) -> int:
    return count_queries(lambda: city_map.layer(user=user, name=name))


def test_the_query_count_stays_flat_as_the_points_grow(demo):
    user = User.objects.get(username="vanphong")
    counts = {name: queries(user, name) for name in city_map.LAYERS}
    sizes = {name: city_map.layer(user=user, name=name)["count"] for name in city_map.LAYERS}
    hanoi = user.organization
    # More points in every layer: positions for the incidents without one, and every project and every
    # recent visit at five more localities.
    unplaced = Incident.objects.filter(organization=hanoi, latitude__isnull=True)
    unplaced.update(latitude=21.03, longitude=105.85)
    wards = list(AdministrativeUnit.objects.filter(parent=hanoi.root_unit, latitude__isnull=False)[:5])
    ProjectLocality.objects.bulk_create(
        [
            ProjectLocality(project=project, locality=ward, latitude=ward.latitude, longitude=ward.longitude)
            for project in Project.objects.filter(organization=hanoi)
            for ward in wards
        ],
        ignore_conflicts=True,
    )
    through = Visit.localities.through
    recent = Visit.objects.filter(organization=hanoi, starts_at__gte=timezone.now() - dt.timedelta(days=89))
    through.objects.bulk_create(
        [through(visit=visit, administrativeunit=ward) for visit in recent for ward in wards],
        ignore_conflicts=True,
    )
    grown = {name: city_map.layer(user=user, name=name)["count"] for name in city_map.LAYERS}
    assert all(grown[name] > sizes[name] for name in city_map.LAYERS), (sizes, grown)
    after = {name: queries(user, name) for name in city_map.LAYERS}
    assert after == counts
    assert counts["incidents"] <= 2 and counts["visits"] <= 2 and counts["projects"] <= 8
