"""Investment's section of a field visit's briefing: the lagging projects of the places to be visited."""

import datetime as dt
from decimal import Decimal

import pytest

from conftest import unit
from core.registry import build_briefing
from investment import services
from investment.briefing import lagging_projects
from investment.tests.conftest import BEN_THANH, SAI_GON

pytestmark = pytest.mark.django_db
B = 1_000_000_000


def test_lagging_projects_of_the_localities(hcmc, office_hcmc, make_project, transport_board):
    services.target_curve_set(
        actor=office_hcmc,
        organization=hcmc,
        year=2026,
        points={3: Decimal("7.5"), 6: Decimal(25), 9: Decimal(50), 12: Decimal(95)},
    )
    lagging, on_track, elsewhere = make_project(), make_project(), make_project(locality=BEN_THANH)
    for project, paid in ((lagging, 10), (on_track, 60), (elsewhere, 5)):
        services.plan_set(
            actor=office_hcmc,
            project=project,
            year=2026,
            source="central",
            assigned_amount=100 * B,
            allocated_amount=100 * B,
        )
        services.disbursement_record(
            actor=office_hcmc,
            project=project,
            source="central",
            plan_year=2026,
            month=dt.date(2026, 8, 1),
            amount=paid * B,
        )
    at = dt.date(2026, 9, 30)
    section = lagging_projects(user=office_hcmc, localities=[unit(SAI_GON).pk], agencies=[], on=at)
    assert [f["value"] for f in section["figures"]] == [2, 1]
    assert [line["url"] for line in section["lines"]] == [lagging.get_absolute_url()]
    assert "10,0 %" in section["lines"][0]["note"]
    # By the investor: all three are its projects.
    by_unit = lagging_projects(user=office_hcmc, localities=[], agencies=[transport_board.pk], on=at)
    assert by_unit["figures"][1]["value"] == 2
    assert lagging_projects(user=office_hcmc, localities=[], agencies=[], on=at) == {
        "figures": [],
        "lines": [],
    }
    briefing = build_briefing(user=office_hcmc, localities=[unit(SAI_GON).pk], agencies=[], on=at)
    assert [s["key"] for s in briefing["sections"]][-1] == "investment"
