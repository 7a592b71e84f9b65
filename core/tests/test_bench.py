"""`coso seed-scale` builds city-scale organisation data, and `coso bench` times it and writes JSON."""

import json

from django.core.management import call_command

from org.models import AdministrativeUnit, Assignment, PartyCommittee, Person


def test_seed_scale_then_bench(db, tmp_path, capsys):
    call_command("seed_scale", "--scale", "city")
    committee = PartyCommittee.objects.get(code="scale-1")
    communes = AdministrativeUnit.objects.filter(parent=committee.root_unit).count()
    assert communes == 126
    assert Assignment.objects.filter(organization=committee).count() == communes
    assert 70 <= Person.objects.filter(organization=committee).count() <= 90
    call_command("seed_scale", "--scale", "city")  # idempotent: a second run adds nothing
    assert Assignment.objects.filter(organization=committee).count() == communes

    output = tmp_path / "bench.json"
    call_command("bench", "--repeat", "2", "--output", str(output))
    report = json.loads(output.read_text(encoding="utf-8"))
    assert len(report["results"]) >= 10
    assert all(r["status"] == 200 for r in report["results"]), report["results"]
    assert all(r["queries"] > 0 and r["median_ms"] > 0 for r in report["results"])
    assert "median ms" in capsys.readouterr().out
