"""`coso demo` gives the demo leaders of both cities a year of visits with opinions from several sides and
directives; lanhdao has carried-out visits to Phường Hoàn Kiếm and one planned there; one heard one side."""

import datetime as dt

import pytest
from django.utils import timezone

from conftest import demo_fixture
from fieldwork.choices import VisitStatus
from fieldwork.models import CalendarEntry, Opinion, Visit
from followup.models import Directive

# The whole demo: every app's steps.
loaded = demo_fixture()


@pytest.fixture
def demo(loaded, db):
    """The loaded demo, with the test database set up for the test (as when the module runs on its own)."""
    return loaded


def test_visits_of_the_last_year_in_both_cities(demo):
    today = timezone.localdate()
    for city in ("hanoi", "hcmc"):
        visits = Visit.objects.filter(organization=demo.committees[city])
        assert visits.filter(status=VisitStatus.CARRIED_OUT).count() >= 10
        first = timezone.localtime(visits.order_by("starts_at").first().starts_at).date()
        assert today - dt.timedelta(days=366) <= first
        sides = visits.filter(status=VisitStatus.CARRIED_OUT).values_list("sides_heard", flat=True)
        assert max(sides) >= 3
        assert Directive.objects.filter(organization=demo.committees[city], source_kind="visit").exists()
    assert Visit.objects.filter(status=VisitStatus.CARRIED_OUT, sides_heard=1).exists()
    carried = Visit.objects.filter(status=VisitStatus.CARRIED_OUT).count()
    assert CalendarEntry.objects.filter(visit__isnull=False, kind="field_visit").count() == carried
    assert Opinion.objects.count() >= 100


def test_lanhdao_visited_hoan_kiem_and_plans_to_go_again(demo):
    lanhdao = demo.people["lanhdao"]
    hoan_kiem = Visit.objects.filter(leader=lanhdao, localities__name="Phường Hoàn Kiếm")
    done = hoan_kiem.filter(status=VisitStatus.CARRIED_OUT)
    assert done.exists()
    assert done.filter(sides_heard__gte=3).exists()
    planned = hoan_kiem.get(status=VisitStatus.PLANNED)
    assert planned.starts_at > timezone.now()
    assert [s["key"] for s in planned.briefing["sections"]] == [
        "incidents",
        "directives",
        "obstacles",
        "investment",
    ]
    assert planned.briefing["sections"][0]["figures"][0]["value"] > 0  # the ward's open incidents
