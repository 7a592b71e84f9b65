"""What the incident forms propose and accept: the directive form's deadline on a working day, and the long
texts within their limit on the page, in the API and in the service, folded on the incident's page."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import translation

from conftest import HOAN_KIEM, unit
from core.validators import LONG_TEXT
from incidents import services
from incidents.models import Incident
from incidents.tests.conftest import at, report

# 16:00 on Wednesday 02/12/2026 in Hanoi: thirty days later is New Year's Day 2027.
DEC_2 = dt.datetime(2026, 12, 2, 9, 0, tzinfo=dt.UTC)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def december_2():
    with time_machine.travel(DEC_2, tick=False):
        yield


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_directive_forms_deadline_is_a_working_day(hanoi, routed, focal_user, leader_user):
    incident = report(hanoi, focal_user, when=at(2026, 12, 2, 9, 0), reported=at(2026, 12, 2, 9, 30))
    # The form the incident's page fetches when its "Issue a directive" section opens.
    client = client_for(leader_user)
    form = client.get(f"/incidents/{incident.pk}/directive/", headers={"HX-Request": "true"}).context["form"]
    # 02/12/2026 plus 30 days is 01/01/2027, New Year's Day: the form proposes Monday 04/01/2027.
    assert form.initial["deadline"] == dt.date(2027, 1, 4)


def test_a_long_description_is_refused_on_the_form_in_the_api_and_in_the_service(hanoi, routed, focal_user):
    long = "Hố sụt sâu 1 m. " * 400
    client = client_for(focal_user)
    page = client.post(
        "/incidents/new/",
        {
            "title": "Sụt lún mặt đường",
            "description": long,
            "locality": unit(HOAN_KIEM).pk,
            "occurred_at": "02/12/2026 08:00",
            "source": "citizen",
            "field": "urban_order",
            "severity": "normal",
        },
    )
    assert page.status_code == 200 and list(page.context["form"].errors) == ["description"]
    api = client.post(
        "/api/v1/incidents/",
        {
            "title": "Sụt lún mặt đường",
            "description": long,
            "unit": HOAN_KIEM,
            "occurred_at": "2026-12-02T08:00",
            "severity": "normal",
        },
        content_type="application/json",
    )
    assert api.status_code == 422 and list(api.json()["errors"]) == ["description"]
    with pytest.raises(ValidationError) as refused:
        services.incident_create(
            actor=focal_user,
            organization=hanoi,
            title="Sụt lún mặt đường",
            description=long,
            occurred_at=at(2026, 12, 2, 8, 0),
            source="citizen",
            field="urban_order",
            locality=unit(HOAN_KIEM),
        )
    assert set(refused.value.message_dict) == {"description"}
    assert not Incident.objects.exists()


def test_a_long_resolution_is_refused_and_a_long_description_folds(hanoi, routed, focal_user, leader_user):
    incident = report(hanoi, focal_user, when=at(2026, 12, 2, 9, 0), reported=at(2026, 12, 2, 9, 30))
    incident = services.incident_set_status(
        actor=leader_user, incident=incident, status="handling", version=incident.version
    )
    with pytest.raises(ValidationError) as refused:
        services.incident_set_status(
            actor=leader_user,
            incident=incident,
            status="resolved",
            version=incident.version,
            resolution="x" * (LONG_TEXT + 1),
        )
    assert set(refused.value.message_dict) == {"resolution"}
    Incident.objects.filter(pk=incident.pk).update(description="Hố sụt sâu 1 m trước số 12. " * 100)
    with translation.override("vi"):
        page = client_for(leader_user).get(f"/incidents/{incident.pk}/").content.decode()
    assert '<details class="long-text"' in page and "Xem thêm" in page
