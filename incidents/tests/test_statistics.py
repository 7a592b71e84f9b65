"""The incident statistics: medians and rates computed by the database, equal to a computation in Python;
the page's charts, tables and pagination; the API's same numbers; a query count that stays flat."""

import datetime as dt
import statistics
from decimal import Decimal

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from conftest import HANOI, HOAN_KIEM, unit
from core.testing import assert_flat_queries
from incidents import services
from incidents.choices import IncidentStatus
from incidents.models import Incident
from incidents.selectors import incident_list, incident_statistics_by
from incidents.tests.conftest import at, report
from org.models import AdministrativeUnit

GROUPINGS = ("locality", "field", "leader")
_codes = iter(range(1, 10**6))


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def make(hanoi, leader, *, field="land", locality=None, agency=None, ack=None, took=None, on_time=True):
    """An incident written as a bulk import would, with the working hours its workflow took."""
    reported = timezone.now() - dt.timedelta(days=30)
    resolved = reported + dt.timedelta(hours=10) if took is not None else None
    incident = Incident(
        organization=hanoi,
        code=f"VV-2026-T{next(_codes):06d}",
        title="Phản ánh",
        description="…",
        locality=locality if locality is not None or agency is not None else unit(HOAN_KIEM),
        agency=agency,
        occurred_at=reported,
        reported_at=reported,
        source="citizen",
        field=field,
        responsible_leader=leader,
        status=IncidentStatus.RESOLVED if took is not None else IncidentStatus.RECEIVED,
        ack_due_at=reported + dt.timedelta(hours=8),
        resolve_due_at=reported + dt.timedelta(hours=20 if on_time else 5),
        acknowledged_at=reported + dt.timedelta(hours=1) if ack is not None else None,
        resolved_at=resolved,
        ack_working_hours=Decimal(str(ack)) if ack is not None else None,
        resolve_working_hours=Decimal(str(took)) if took is not None else None,
    )
    incident.refresh_derived()
    return incident


# An odd count, an even count (the median is then the mean of the middle two), one group with no
# acknowledgement at all, and unsorted hours with fractions.
FIXED = {
    "land": {"ack": [5, 1, 3.25, 8, 0.5], "took": [40, 12.5, 7, 90, 3]},
    "environment": {"ack": [4, 1, 2.5, 10], "took": [16, 8.25, 30, 2]},
    "traffic": {"ack": [None, None, None], "took": [None, None, None]},
}


def python_median(values):
    values = [v for v in values if v is not None]
    return round(float(statistics.median(values)), 2) if values else None


@pytest.fixture
def fixed(hanoi, leader_user, hoan_kiem_agency):
    rows = []
    for field, hours in FIXED.items():
        for n, (ack, took) in enumerate(zip(hours["ack"], hours["took"], strict=True)):
            rows.append(make(hanoi, leader_user.person, field=field, ack=ack, took=took, on_time=n % 2 == 0))
    # One of a unit and no locality: the locality grouping counts it under "—".
    rows.append(make(hanoi, None, field="land", agency=hoan_kiem_agency, ack=2, took=None))
    Incident.objects.bulk_create(rows)
    return rows


def test_medians_and_rates_are_the_database_s_and_equal_python_s(hanoi, fixed, office):
    stats = incident_statistics_by(incident_list(user=office), GROUPINGS)
    by_field = {row["key"]: row for row in stats["field"]}
    for field, hours in FIXED.items():
        row = by_field[field]
        extra_ack = [2] if field == "land" else []
        assert row["median_ack_hours"] == python_median(hours["ack"] + extra_ack), field
        assert row["median_resolve_hours"] == python_median(hours["took"]), field
    # land: 0.5 1 2 3.25 5 8 (six with the unit's one): 2.62 (2.625 to the hundredth); resolve 3 7 12.5 40 90
    assert (by_field["land"]["median_ack_hours"], by_field["land"]["median_resolve_hours"]) == (2.62, 12.5)
    # environment, an even count: 1 2.5 4 10 gives 3.25; 2 8.25 16 30 gives 12.12 (12.125)
    assert (by_field["environment"]["median_ack_hours"], by_field["environment"]["median_resolve_hours"]) == (
        3.25,
        12.12,
    )
    assert by_field["traffic"]["median_ack_hours"] is None and by_field["traffic"]["on_time_rate"] is None
    # On time: the resolved ones with an even position in their field were resolved by their deadline.
    assert (by_field["land"]["resolved"], by_field["land"]["on_time"], by_field["land"]["on_time_rate"]) == (
        5,
        3,
        60.0,
    )
    assert by_field["environment"]["on_time_rate"] == 50.0
    assert (by_field["land"]["total"], by_field["land"]["open"]) == (6, 1)
    by_locality = {row["key"]: row for row in stats["locality"]}
    assert by_locality["—"]["total"] == 1 and by_locality["—"]["median_ack_hours"] == 2.0
    assert by_locality[unit(HOAN_KIEM).name]["total"] == 12
    all_ack = [h for hours in FIXED.values() for h in hours["ack"]]
    assert by_locality[unit(HOAN_KIEM).name]["median_ack_hours"] == python_median(all_ack)


def test_the_query_count_stays_flat_as_incidents_and_groups_grow(hanoi, leader_user, office):
    wards = list(AdministrativeUnit.objects.filter(parent__code=HANOI, level=2).order_by("code")[:60])
    qs = incident_list(user=office)

    def grow(count, offset):
        rows = [
            make(hanoi, leader_user.person, locality=wards[(offset + n) % len(wards)], ack=n % 7, took=n % 11)
            for n in range(count)
        ]
        Incident.objects.bulk_create(rows)

    grow(3, 0)
    assert_flat_queries(lambda: incident_statistics_by(qs, GROUPINGS), lambda: grow(400, 3))
    assert len(incident_statistics_by(qs, GROUPINGS)["locality"]) == 60


def test_the_page_draws_charts_first_and_pages_the_localities(hanoi, leader_user, office):
    wards = list(AdministrativeUnit.objects.filter(parent__code=HANOI, level=2).order_by("code")[:25])
    rows = [
        make(hanoi, leader_user.person, locality=ward, ack=1, took=20)
        for n, ward in enumerate(wards)
        for _ in range(n + 1)
    ]
    Incident.objects.bulk_create(rows)
    client = client_for(office)
    response = client.get("/incidents/statistics/")
    page = response.content.decode()
    # Charts come before the tables, their data a JSON element the page's script reads.
    assert page.index('data-testid="chart-field"') < page.index('data-testid="statistics-locality"')
    assert 'id="statistics-chart-data" type="application/json"' in page
    chart = response.context["chart"]
    assert len(chart["locality"]["names"]) == 15 and chart["locality"]["names"][0] == wards[-1].name
    assert chart["leader"]["on_time"] == [100.0] and chart["leader"]["median_resolve"] == [
        "2 ngày 4 giờ làm việc"
    ]
    [localities] = [t for t in response.context["tables"] if t["by"] == "locality"]
    assert localities["count"] == 25 and len(localities["rows"]) == 20
    assert "1–20 trên tổng số 25" in page and "?page=2" in page
    second = client.get("/incidents/statistics/?page=2")
    [localities] = [t for t in second.context["tables"] if t["by"] == "locality"]
    assert [row["key"] for row in localities["rows"]] == [w.name for w in reversed(wards[:5])]
    # Working days of 8 hours: 20 working hours read "2 ngày 4 giờ làm việc".
    assert ">2 ngày 4 giờ làm việc<" in page and ">1 giờ làm việc<" in page


@pytest.mark.parametrize("by", GROUPINGS)
def test_the_api_gives_the_page_s_numbers(hanoi, fixed, office, by):
    client = client_for(office)
    page = client.get("/incidents/statistics/?page=1")
    [table] = [t for t in page.context["tables"] if t["by"] == by]
    api = client.get(f"/api/v1/incidents/statistics?by={by}").json()
    assert len(api) == table["count"]
    shown = {
        row["key"]: (
            row["total"],
            row["open"],
            row["median_ack_hours"],
            row["median_resolve_hours"],
            row["on_time_rate"],
        )
        for row in table["rows"]
    }
    assert shown == {
        row["key"]: (
            row["total"],
            row["open"],
            row["median_ack_working_hours"],
            row["median_resolve_working_hours"],
            row["on_time_rate"],
        )
        for row in api
    }


def test_the_workflow_writes_the_working_hours_it_took(hanoi, routed, focal_user, leader_user):
    # Reported Friday 06/03/2026 09:30; accepted at 10:00, resolved Monday 09/03 at 09:00.
    incident = report(hanoi, focal_user)
    with time_machine.travel(at(2026, 3, 6, 10, 0), tick=False):
        incident = services.incident_set_status(
            actor=leader_user, incident=incident, version=incident.version, status=IncidentStatus.HANDLING
        )
    with time_machine.travel(at(2026, 3, 9, 9, 0), tick=False):
        incident = services.incident_set_status(
            actor=leader_user,
            incident=incident,
            version=incident.version,
            status=IncidentStatus.RESOLVED,
            resolution="Đã vá mặt đường.",
        )
    assert (incident.ack_working_hours, incident.resolve_working_hours) == (Decimal("0.5"), Decimal("7.5"))
    with time_machine.travel(at(2026, 3, 10, 9, 0), tick=False):
        incident = services.incident_set_status(
            actor=leader_user, incident=incident, version=incident.version, status=IncidentStatus.REOPENED
        )
    # Reopened, it is no longer resolved: its time to resolve goes; its acknowledgement stays.
    incident.refresh_from_db()
    assert (incident.ack_working_hours, incident.resolve_working_hours) == (Decimal("0.5"), None)


def test_a_list_that_can_match_nothing_counts_nothing(hanoi, fixed):
    assert incident_statistics_by(Incident.objects.none(), GROUPINGS) == {by: [] for by in GROUPINGS}
