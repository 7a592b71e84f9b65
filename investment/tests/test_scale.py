"""`coso seed-scale` adds public investment: groups, projects, plans, monthly disbursement; deterministic."""

from accounts.scale import seed_organisations
from investment.bench import investment_scenarios
from investment.models import (
    CapitalPlan,
    Disbursement,
    GroupMember,
    GroupProject,
    Project,
    ProjectLocality,
    TargetPoint,
    WorkingGroup,
)
from investment.scale import SIZES, seed_investment


def _snapshot():
    return (
        WorkingGroup.objects.count(),
        Project.objects.count(),
        CapitalPlan.objects.count(),
        Disbursement.objects.count(),
        sum(Disbursement.objects.values_list("amount", flat=True)),
    )


def test_small_scale_seeds_every_table_once(db):
    messages = []
    seed_organisations("small", messages.append)
    seed_investment("small", messages.append)
    size = SIZES["small"]
    groups, projects, plans, rows, total = _snapshot()
    assert groups == size["groups"] and projects == size["projects"]
    assert GroupProject.objects.count() == projects  # every project followed by one group
    assert 0.9 * size["disbursements"] <= rows <= 1.1 * size["disbursements"]
    assert plans >= projects and total > 0
    assert any("#" in m for m in messages)  # the progress bar
    seed_investment("small", messages.append)  # a second run adds nothing
    assert _snapshot() == (groups, projects, plans, rows, total)


def test_the_same_data_every_run(db):
    seed_organisations("small", lambda m: None)
    seed_investment("small", lambda m: None)
    first = _snapshot()
    for model in (
        Disbursement,
        CapitalPlan,
        GroupProject,
        GroupMember,
        WorkingGroup,
        ProjectLocality,
        TargetPoint,
        Project,
    ):
        model.objects.all().delete()
    seed_investment("small", lambda m: None)
    assert _snapshot() == first


def test_scenarios_are_listed_only_for_routed_pages(db):
    seed_organisations("small", lambda m: None)
    seed_investment("small", lambda m: None)
    for scenario in investment_scenarios():
        assert scenario.url.startswith(("/investment/", "/api/v1/investment/"))
        assert scenario.rows > 0
