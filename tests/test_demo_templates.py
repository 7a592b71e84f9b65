"""Every import template's own example rows import cleanly into the demo data, as the office of each city
would try them: the directive template into a new notice, the incident template into the committee."""

import pytest
from django.utils import translation

from accounts.models import User
from conftest import demo_fixture
from followup import services as followup_services
from followup.exports import directive_import_template
from followup.importers import import_directives
from incidents.exports import incident_import_template
from incidents.importers import import_incidents

OFFICES = {"hanoi": "vanphong", "hcmc": "vanphonghcm"}


# Only the steps these tests read (the others' data would only cost time).
loaded = demo_fixture("followup", "incidents")


@pytest.fixture
def demo(loaded, db):
    return loaded


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_directive_template_imports_into_a_demo_notice(demo, language):
    office = User.objects.get(username=OFFICES["hanoi"])
    notice = followup_services.notice_create(
        actor=office,
        organization=office.organization,
        number="999-TB/TU",
        issued_on=demo.today,
        title="Kết luận thử mẫu nhập",
    )
    with translation.override(language):
        data = directive_import_template()
        result = import_directives(actor=office, notice=notice, file=data)
    assert result.errors == []
    [directive] = result.created
    assert (directive.lead_unit.code, directive.locality.code) == ("SO-XD", 70)
    assert sorted(directive.cooperating_units.values_list("code", flat=True)) == ["SO-NNMT", "SO-TC"]
    assert directive.deadline.weekday() < 5


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_incident_template_imports_into_the_demo(demo, language):
    office = User.objects.get(username=OFFICES["hanoi"])
    with translation.override(language):
        data = incident_import_template()
        result = import_incidents(actor=office, organization=office.organization, file=data)
    assert result.errors == []
    assert len(result.created) == 2
