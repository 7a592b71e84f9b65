"""Benchmark scenarios of public investment (`coso bench`), on the data investment.scale seeded.

The pages are named by their URL names (investment/urls.py) and the API by its path.
"""

from django.urls import reverse

from accounts.scale import BENCH_USER
from core.bench import Scenario, register_scenarios
from investment.models import Disbursement, Project, WorkingGroup
from org.models import PartyCommittee


@register_scenarios
def investment_scenarios() -> list[Scenario]:
    committee = PartyCommittee.objects.filter(code="scale-1").first()
    if committee is None:
        return []
    projects = Project.objects.filter(organization=committee)
    project = projects.order_by("pk").first()
    group = WorkingGroup.objects.filter(organization=committee).order_by("number").first()
    if project is None or group is None:
        return []
    count = projects.count()
    rows = Disbursement.objects.filter(organization=committee).count()
    # The group page of the first group: a thirteenth of the projects at city scale.
    in_group = group.project_links.count()
    candidates = [
        ("page: investment projects", reverse("investment:project_list"), count),
        (
            "page: investment project",
            reverse("investment:project_detail", args=[project.pk]),
            rows // max(count, 1),
        ),
        ("page: working group", reverse("investment:group_detail", args=[group.pk]), in_group),
        ("page: disbursement dashboard", reverse("investment:dashboard"), rows),
        ("api: disbursement city", "/api/v1/investment/disbursement?scope=city", rows),
    ]
    return [Scenario(name, BENCH_USER, url, n) for name, url, n in candidates]
