"""Benchmarks of the reports (`coso bench`), on the organisation the scale seeders made: the leaders' table
(page, API and workbook) and the home page that carries its panel, for the current month and a quarter."""

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
        Scenario("page: home of the office", BENCH_USER, "/", leaders),
    ]
