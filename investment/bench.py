"""Benchmark scenarios of public investment (`coso bench`), on the data investment.scale seeded.

The pages are named by their URL names (investment/urls.py) and the API by its path. A page or an API
route that is not routed yet is not listed, so that the bench runs before every page exists.
"""

from django.urls import NoReverseMatch, Resolver404, resolve, reverse

from accounts.scale import BENCH_USER
from core.bench import Scenario, register_scenarios
from investment.models import Disbursement, Project, WorkingGroup
from org.models import PartyCommittee


def _page(name: str, *args) -> str | None:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def _api(path: str) -> str | None:
    try:
        resolve(path.split("?", 1)[0])
    except Resolver404:
        return None
    return path


@register_scenarios
def investment_scenarios() -> list[Scenario]:
    committee = PartyCommittee.objects.filter(code="scale-1").first()
    if committee is None:
        return []
    projects = Project.objects.filter(organization=committee)
    project = projects.order_by("pk").first()
    if project is None:
        return []
    # The group page of the first group: a thirteenth of the projects at city scale.
    group = WorkingGroup.objects.filter(organization=committee).order_by("number").first()
    count = projects.count()
    rows = Disbursement.objects.filter(organization=committee).count()
    in_group = group.project_links.count() if group else 0
    candidates = [
        ("page: investment projects", _page("investment:project_list"), count),
        ("page: investment project", _page("investment:project_detail", project.pk), rows // max(count, 1)),
        ("page: working group", _page("investment:group_detail", group.pk) if group else None, in_group),
        ("page: disbursement dashboard", _page("investment:dashboard"), rows),
        ("api: disbursement city", _api("/api/v1/investment/disbursement?scope=city"), rows),
    ]
    return [Scenario(name, BENCH_USER, url, n) for name, url, n in candidates if url]
