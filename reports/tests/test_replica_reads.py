"""The reports' read-only pages, exports and API reads are the reads a replica serves (core.replica); the
other pages' are not. A router that records the router's choice, and keeps every query on the test
database, stands in for the replica."""

import pytest
from django.test import override_settings

from accounts.choices import Role
from core import replica
from core.replica import ReplicaRouter

decisions: list[str | None] = []


class RecordingRouter(ReplicaRouter):
    def db_for_read(self, model, **hints):
        decisions.append(super().db_for_read(model, **hints))
        return None  # the test has one database


@pytest.fixture
def recorded(monkeypatch):
    monkeypatch.setattr(replica, "replica_configured", lambda: True)
    decisions.clear()
    with override_settings(DATABASE_ROUTERS=["reports.tests.test_replica_reads.RecordingRouter"]):
        yield decisions


@pytest.mark.django_db(transaction=True)  # outside a transaction, as a request is
@pytest.mark.parametrize(
    "url",
    [
        "/reports/leaders/",
        "/reports/leaders/export/",
        "/reports/rankings/",
        "/api/v1/reports/leaders",
        "/api/v1/reports/rankings",
    ],
)
def test_the_reports_figures_are_read_from_the_replica(client, make_user, hanoi, recorded, url):
    client.force_login(make_user(Role.STANDING_BOARD, hanoi))
    recorded.clear()  # signing in read from the primary
    assert client.get(url).status_code == 200
    assert "replica" in recorded


@pytest.mark.django_db(transaction=True)  # outside a transaction, as a request is
@pytest.mark.parametrize("url", ["/", "/incidents/", "/api/v1/incidents/"])
def test_other_pages_read_from_the_primary(client, make_user, hanoi, recorded, url):
    client.force_login(make_user(Role.STANDING_BOARD, hanoi))
    recorded.clear()
    assert client.get(url).status_code == 200
    assert recorded and set(recorded) == {None}
