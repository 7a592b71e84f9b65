"""Benchmarks of the monthly rankings (`coso bench`), on the data the apps' `scale` modules seeded: each
ranking's page and the API, for the last month that is over, as the seeded organisation's office."""

from django.urls import reverse

from accounts.scale import BENCH_USER
from core.bench import Scenario, register_scenarios
from followup.models import Directive
from incidents.models import Incident
from investment.models import Project
from org.models import PartyCommittee
from reports.periods import last_complete_month
from reports.selectors.rankings import KINDS


@register_scenarios
def ranking_scenarios() -> list[Scenario]:
    committee = PartyCommittee.objects.filter(code="scale-1").first()
    if committee is None:
        return []
    month = f"{last_complete_month().first:%Y-%m}"
    rows = {
        "incidents": Incident.objects.filter(organization=committee).count(),
        "directives": Directive.objects.filter(organization=committee).count(),
    }
    rows["localities"] = rows["incidents"]
    rows["investors"] = Project.objects.filter(organization=committee).count()
    page = reverse("reports:rankings")
    scenarios = [
        Scenario(f"page: rankings {kind}", BENCH_USER, f"{page}?kind={kind}&month={month}", rows.get(kind, 0))
        for kind in KINDS
    ]
    scenarios.append(
        Scenario(
            "api: rankings directives",
            BENCH_USER,
            f"/api/v1/reports/rankings?kind=directives&month={month}",
            rows["directives"],
        )
    )
    return scenarios
