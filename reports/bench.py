"""Benchmarks of the reports (`coso bench`), on the data the other apps' `scale` modules seeded: the city
map's page and each of its layers as the page's script asks them (reports.selectors.city_map)."""

from django.urls import reverse

from accounts.scale import BENCH_USER
from core.bench import Scenario, register_scenarios
from org.models import PartyCommittee


@register_scenarios
def city_map_scenarios() -> list[Scenario]:
    committee = PartyCommittee.objects.filter(code="scale-1").first()
    if committee is None:
        return []
    return [
        Scenario("page: city map", BENCH_USER, reverse("reports:city_map")),
        *(
            Scenario(f"api: city map {name}", BENCH_USER, reverse(f"api:reports_map_{name}"))
            for name in ("incidents", "projects", "visits")
        ),
    ]
