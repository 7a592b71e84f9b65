"""The incidents' section of a field visit's briefing: the open incidents of the places to be visited, as
the reader may see them."""

import pytest
from django.utils import timezone

from conftest import BA_DINH, HOAN_KIEM, unit
from incidents.briefing import open_incidents
from incidents.tests.conftest import report

pytestmark = pytest.mark.django_db


def test_open_incidents_of_the_localities(hanoi, office, routed, hcmc_incident, office_hcmc):
    incident = report(hanoi, office)
    today = timezone.localdate()
    section = open_incidents(user=office, localities=[unit(HOAN_KIEM).pk], agencies=[], on=today)
    assert section["figures"][0] == {"label": "vụ việc đang xử lý", "value": 1}
    assert section["lines"][0]["url"] == incident.get_absolute_url()
    assert section["lines"][0]["text"].startswith(incident.code)
    empty = open_incidents(user=office, localities=[unit(BA_DINH).pk], agencies=[], on=today)
    assert empty["figures"][0]["value"] == 0 and empty["lines"] == []
    # Another city's office sees none of Hanoi's.
    other = open_incidents(user=office_hcmc, localities=[unit(HOAN_KIEM).pk], agencies=[], on=today)
    assert other["figures"][0]["value"] == 0
