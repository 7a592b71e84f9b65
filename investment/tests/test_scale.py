"""`coso seed-scale` adds public investment: groups, projects, plans, monthly disbursement; deterministic."""

from accounts.scale import seed_organisations
from followup.choices import RaisedIn, SourceKind
from followup.models import Directive, Obstacle
from investment.bench import investment_scenarios
from investment.models import (
    CapitalPlan,
    Disbursement,
    DisbursementYear,
    GroupMember,
    GroupProject,
    PlanAdjustment,
    Project,
    ProjectLocality,
    SupervisionSession,
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
        PlanAdjustment.objects.count(),
        SupervisionSession.objects.count(),
        Obstacle.objects.filter(raised_in=RaisedIn.SUPERVISION_SESSION).count(),
        Directive.objects.filter(source_kind=SourceKind.SUPERVISION_SESSION).count(),
    )


def test_small_scale_seeds_every_table_once(db):
    messages = []
    seed_organisations("small", messages.append)
    seed_investment("small", messages.append)
    size = SIZES["small"]
    groups, projects, plans, rows, total, adjustments, sessions, obstacles, directives = _snapshot()
    assert groups == size["groups"] and projects == size["projects"]
    assert GroupProject.objects.count() == projects  # every project followed by one group
    assert 0.9 * size["disbursements"] <= rows <= 1.1 * size["disbursements"]
    assert plans >= projects and total > 0
    assert any("#" in m for m in messages)  # the progress bar
    assert 0 < adjustments < plans
    summary = DisbursementYear.objects.values_list(*(f"m{i}" for i in range(1, 14)))
    assert sum(sum(months) for months in summary) == total  # the yearly summary holds every row
    assert sessions == size["sessions"] and 0 < obstacles < sessions and 0 < directives < sessions
    # Each session visits its own group's projects; what it raised names it as origin or source.
    session = SupervisionSession.objects.order_by("pk").first()
    assert set(session.projects.values_list("pk", flat=True)) <= set(
        GroupProject.objects.filter(group=session.group).values_list("project_id", flat=True)
    )
    for obstacle in Obstacle.objects.filter(raised_in=RaisedIn.SUPERVISION_SESSION)[:20]:
        assert obstacle.origin.group.organization_id == obstacle.organization_id
        assert obstacle.subject in obstacle.origin.projects.all()
    directive = Directive.objects.filter(source_kind=SourceKind.SUPERVISION_SESSION).first()
    assert isinstance(directive.source, SupervisionSession)
    seed_investment("small", messages.append)  # a second run adds nothing
    assert _snapshot() == (groups, projects, plans, rows, total, adjustments, sessions, obstacles, directives)


def test_the_same_data_every_run(db):
    seed_organisations("small", lambda m: None)
    seed_investment("small", lambda m: None)
    first = _snapshot()
    Directive.objects.all().delete()
    Obstacle.objects.all().delete()
    for model in (
        SupervisionSession,
        PlanAdjustment,
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


def test_the_import_measurement_writes_and_removes_only_its_own_year(db):
    """The measured sheet's figures all fall in the bench year once there are enough projects, and removing
    them leaves the seeded years (which the pages are measured on) alone."""
    from investment import bench

    codes = [f"X{n}" for n in range(-(-bench.BENCH_ROWS // bench.FIGURES_A_YEAR))]
    assert {year for _code, _source, year, _month in bench.keys(codes, bench.BENCH_ROWS)} == {
        bench.FIRST_BENCH_YEAR
    }
    seed_organisations("small", lambda m: None)
    seed_investment("small", lambda m: None)
    before = _snapshot()
    committee = Project.objects.order_by("pk").first().organization
    bench.remove_bench_years(committee)
    assert _snapshot() == before
