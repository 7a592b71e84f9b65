"""Follow-up's sections of a field visit's briefing: the overdue directives and the open obstacles of the
places to be visited."""

import datetime as dt

import pytest
from django.utils import timezone

from conftest import BA_DINH, unit
from followup import services
from followup.briefing import open_obstacles, overdue_directives
from followup.choices import SourceKind

pytestmark = pytest.mark.django_db


def test_overdue_directives_of_the_localities_and_units(hanoi, office, in_charge, hk, construction):
    today = timezone.localdate()

    def directive(deadline_days, **place):
        return services.directive_create(
            actor=office,
            organization=hanoi,
            content=f"Chỉ đạo hạn {deadline_days}",
            issued_by=in_charge.person,
            lead_unit=construction,
            deadline=today + dt.timedelta(days=deadline_days),
            source_kind=SourceKind.OTHER,
            issued_on=today - dt.timedelta(days=60),
            **place,
        )

    late = directive(-5, locality=hk)
    directive(10, locality=hk)  # not yet due
    directive(-3, locality=unit(BA_DINH))  # elsewhere
    section = overdue_directives(user=office, localities=[hk.pk], agencies=[], on=today)
    assert section["figures"] == [{"label": "chỉ đạo quá hạn", "value": 1}]
    assert [line["url"] for line in section["lines"]] == [late.get_absolute_url()]
    assert "Sở Xây dựng" in section["lines"][0]["note"]
    by_unit = overdue_directives(user=office, localities=[], agencies=[construction.pk], on=today)
    assert by_unit["figures"][0]["value"] == 2


def test_open_obstacles_of_the_localities(hanoi, office, in_charge, hk):
    obstacle = services.obstacle_create(
        actor=office,
        organization=hanoi,
        title="Chậm bàn giao mặt bằng",
        description="Còn 3 hộ chưa nhận tiền bồi thường.",
        category="site_clearance",
        resolution_level="commune",
        locality=hk,
    )
    section = open_obstacles(user=office, localities=[hk.pk], agencies=[], on=timezone.localdate())
    assert section["figures"] == [{"label": "vướng mắc chưa tháo gỡ", "value": 1}]
    assert section["lines"][0]["url"] == obstacle.get_absolute_url()
    elsewhere = open_obstacles(
        user=office, localities=[unit(BA_DINH).pk], agencies=[], on=timezone.localdate()
    )
    assert elsewhere == {"figures": [{"label": "vướng mắc chưa tháo gỡ", "value": 0}], "lines": []}
