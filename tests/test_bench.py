"""`coso seed-scale` builds synthetic data (the small scale: the city's organisation, fewer records), and
`coso bench` times it and writes JSON."""

import json

from django.core.management import call_command

from followup.models import Directive, Obstacle, ReSupervision
from incidents.models import Incident
from org.models import AdministrativeUnit, Assignment, PartyCommittee, Person


def test_seed_scale_then_bench(db, tmp_path, capsys):
    call_command("seed_scale", "--scale", "small")
    committee = PartyCommittee.objects.get(code="scale-1")
    communes = AdministrativeUnit.objects.filter(parent=committee.root_unit).count()
    assert communes == 126
    assert Assignment.objects.filter(organization=committee).count() == communes
    assert 70 <= Person.objects.filter(organization=committee).count() <= 90
    # The follow-up seeder's directives, and two issued from the incident whose page is timed.
    assert Directive.objects.filter(organization=committee, source_kind="other").count() == 1_000
    assert Directive.objects.filter(organization=committee, source_kind="incident").count() == 2
    # The follow-up seeder's obstacles; the investment seeder's supervision sessions raise more of their own.
    obstacles = Obstacle.objects.filter(organization=committee)
    assert obstacles.exclude(raised_in="supervision_session").count() == 200
    assert obstacles.filter(raised_in="supervision_session").exists()
    assert ReSupervision.objects.filter(organization=committee).count() == 600 + 2  # and their checks
    assert Incident.objects.filter(organization=committee).count() == 500
    directives = Directive.objects.filter(organization=committee).count()  # the sessions' ones too
    call_command("seed_scale", "--scale", "small")  # idempotent: a second run adds nothing
    assert Assignment.objects.filter(organization=committee).count() == communes
    assert Directive.objects.filter(organization=committee).count() == directives
    assert Incident.objects.filter(organization=committee).count() == 500

    output = tmp_path / "bench.json"
    call_command("bench", "--repeat", "2", "--output", str(output))
    report = json.loads(output.read_text(encoding="utf-8"))
    assert len(report["results"]) >= 25  # organisation, follow-up and incident pages and API lists
    assert all(r["status"] == 200 for r in report["results"]), report["results"]
    assert all(r["queries"] > 0 and r["median_ms"] > 0 for r in report["results"])
    names = {r["name"] for r in report["results"]}
    assert {"page: incident", "api: unit picker 'tap doan'", "api: leader picker 'nguyen'"} <= names
    assert "median ms" in capsys.readouterr().out
