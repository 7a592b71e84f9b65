"""Benchmarks of the reports (`coso bench`), on the organisation the scale seeders made: the leaders' table
(page, API and workbook) for the current month and a quarter; the city map's page and each of its layers as
the page's script asks them (reports.selectors.city_map). The home pages are in accounts.scale."""

from django.urls import reverse
from django.utils import timezone

from accounts.scale import BENCH_USER
from core.bench import Scenario, register_scenarios
from core.periods import quarter_period
from org.models import PartyCommittee, Person


@register_scenarios
def report_scenarios() -> list[Scenario]:
    committee = PartyCommittee.objects.filter(code="scale-1").first()
    if committee is None:
        return []
    leaders = Person.objects.filter(organization=committee).count()
    today = timezone.localdate()
    quarter = quarter_period(today.year, (today.month - 1) // 3 + 1).code
    page = reverse("reports:leaders")
    return [
        Scenario("page: leaders' scoreboard", BENCH_USER, page, leaders),
        Scenario("page: leaders' scoreboard, quarter", BENCH_USER, f"{page}?period={quarter}", leaders),
        Scenario("api: leaders' scoreboard", BENCH_USER, "/api/v1/reports/leaders", leaders),
        Scenario("export: leaders' scoreboard", BENCH_USER, reverse("reports:leaders_export"), leaders),
    ]


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
