"""A reference in a body that is unknown or out of reach is a 422 naming the field, in every app's API;
a record in the path that is missing or out of reach is a 404."""

import datetime as dt

import pytest
from django.test import Client

from conftest import HOAN_KIEM, unit
from org.services import agency_create, person_create

UNKNOWN = 999_999


@pytest.fixture
def world(hanoi, hcmc, office, leader_user, hoan_kiem_agency, assign):
    assign(leader_user.person, unit(HOAN_KIEM), dt.date(2025, 7, 1))
    elsewhere = agency_create(
        actor=None, organization=hcmc, code="SXD-HCM", name="Sở Xây dựng TP.HCM", kind="department"
    )
    stranger = person_create(actor=None, organization=hcmc, full_name="Người Thành phố")
    client = Client()
    client.force_login(office)
    return {"client": client, "agency": hoan_kiem_agency, "elsewhere": elsewhere, "stranger": stranger}


def _post(client, url, body):
    return client.post(url, body, content_type="application/json")


def _refused(response, field):
    assert response.status_code == 422, response.content
    assert list(response.json()["errors"]) == [field], response.json()


def test_followup_refuses_an_unknown_or_out_of_reach_reference_with_a_422_naming_it(world):
    client, agency = world["client"], world["agency"]
    obstacle = {
        "title": "Vướng mặt bằng",
        "description": "Còn 12 hộ.",
        "category": "site_clearance",
        "resolution_level": "department",
        "locality_code": HOAN_KIEM,
    }
    for value in (UNKNOWN, world["elsewhere"].pk):
        _refused(_post(client, "/api/v1/followup/obstacles/", {**obstacle, "agency_id": value}), "agency_id")
    _refused(
        _post(client, "/api/v1/followup/obstacles/", {**obstacle, "raised_by_id": world["stranger"].pk}),
        "raised_by_id",
    )
    _refused(_post(client, "/api/v1/followup/obstacles/", {**obstacle, "locality_code": 79}), "locality_code")
    directive = {
        "content": "Kiểm đếm.",
        "lead_unit_id": agency.pk,
        "deadline": "2026-12-31",
        "issued_by_id": None,
    }
    _refused(
        _post(client, "/api/v1/followup/directives/", {**directive, "lead_unit_id": UNKNOWN}), "lead_unit_id"
    )
    _refused(
        _post(
            client,
            "/api/v1/followup/directives/",
            {**directive, "cooperating_unit_ids": [world["elsewhere"].pk]},
        ),
        "cooperating_unit_ids",
    )


def test_incidents_refuse_an_unknown_or_out_of_reach_reference_with_a_422_naming_it(world):
    client = world["client"]
    incident = {
        "title": "Sụt lún",
        "description": "Hố sụt.",
        "unit": HOAN_KIEM,
        "severity": "normal",
        "occurred_at": "2026-03-06T09:00:00+07:00",
    }
    for value in (UNKNOWN, world["elsewhere"].pk):
        _refused(_post(client, "/api/v1/incidents/", {**incident, "agency_id": value}), "agency_id")
    _refused(_post(client, "/api/v1/incidents/", {**incident, "unit": 79}), "unit")


def test_org_refuses_an_unknown_or_out_of_reach_reference_with_a_422_naming_it(world):
    client = world["client"]
    for value in (UNKNOWN, world["elsewhere"].pk):
        response = _post(client, "/api/v1/org/people/", {"full_name": "Nguyễn Văn Mới", "agency_id": value})
        _refused(response, "agency_id")
    assignment = {"leader_id": world["stranger"].pk, "locality_code": HOAN_KIEM, "valid_from": "2026-01-01"}
    _refused(_post(client, "/api/v1/org/assignments/", assignment), "leader_id")


def test_a_missing_or_out_of_reach_record_in_the_path_is_a_404(world):
    client = world["client"]
    for pk in (UNKNOWN, world["elsewhere"].pk):
        assert client.get(f"/api/v1/org/agencies/{pk}").status_code == 404
    assert client.get(f"/api/v1/followup/obstacles/{UNKNOWN}").status_code == 404
    assert client.get(f"/api/v1/incidents/{UNKNOWN}").status_code == 404
    assert (
        _post(client, f"/api/v1/org/people/{world['stranger'].pk}/archive", {"version": 1}).status_code == 404
    )
