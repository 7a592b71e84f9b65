"""Rates, targets, status and projections, against figures computed by hand."""

import datetime as dt
from decimal import Decimal

import pytest

from investment import analytics, services
from investment.choices import Rag
from investment.models import Project

pytestmark = pytest.mark.django_db

B = 1_000_000_000  # one tỷ đồng


@pytest.fixture
def curve(hcmc, office_hcmc):
    """Ho Chi Minh City's floors for 2025 and 2026: Q1 7.5 %, Q2 25 %, Q3 50 %, Q4 95 %."""
    for year in (2025, 2026):
        services.target_curve_set(
            actor=office_hcmc,
            organization=hcmc,
            year=year,
            points={3: Decimal("7.5"), 6: Decimal(25), 9: Decimal(50), 12: Decimal(95)},
        )


def _figures(hcmc, project, at, **kwargs):
    return analytics.figures(Project.objects.filter(pk=project.pk), organization_id=hcmc.pk, at=at, **kwargs)


def test_target_curve_is_the_point_or_the_line_between_points():
    points = {3: Decimal("7.5"), 6: Decimal(25), 9: Decimal(50), 12: Decimal(95)}
    assert analytics.target_at(points, 3) == Decimal("7.5")
    assert analytics.target_at(points, 1) == Decimal("2.5")  # 7.5 × 1/3
    assert analytics.target_at(points, 4) == Decimal("13.3")  # 7.5 + 17.5 / 3 = 13.33…
    assert analytics.target_at(points, 13) == Decimal(95)  # January of the next year keeps the last floor
    assert analytics.target_at({}, 5) is None
    # On a day, the line from the end of the previous month to the end of this one.
    assert analytics.target_on(points, 2026, dt.date(2026, 3, 31)) == Decimal("7.5")
    assert analytics.target_on(points, 2026, dt.date(2026, 1, 1)) == Decimal("0.1")  # 2.5 × 1/31
    assert analytics.target_on(points, 2026, dt.date(2026, 12, 3)) == Decimal("81.5")  # 80 + 15 × 3/31
    assert analytics.target_on(points, 2026, dt.date(2027, 1, 15)) == Decimal(95)
    assert analytics.target_on(points, 2027, dt.date(2026, 12, 3)) is None  # before the plan year


def test_before_january_ends_there_is_no_projection_and_no_idle_month(hcmc, office_hcmc, make_project, curve):
    project = make_project()
    services.plan_set(
        actor=office_hcmc,
        project=project,
        year=2026,
        source="local",
        assigned_amount=100 * B,
        allocated_amount=100 * B,
    )
    f = _figures(hcmc, project, dt.date(2026, 1, 20))
    assert f.disbursed == 0 and f.finished_months == 0
    assert f.projection is None and f.projected_rate is None
    assert (f.idle_months, f.idle_streak) == (0, 0)


def test_rates_gap_status_and_projection_by_hand(hcmc, office_hcmc, make_project, curve):
    project = make_project()
    services.plan_set(
        actor=office_hcmc,
        project=project,
        year=2026,
        source="local",
        assigned_amount=100 * B,
        allocated_amount=120 * B,
    )
    for month, amount in ((1, 5), (2, 5), (4, 10), (5, 10)):
        services.disbursement_record(
            actor=office_hcmc,
            project=project,
            source="local",
            plan_year=2026,
            month=dt.date(2026, month, 1),
            amount=amount * B,
        )
    f = _figures(hcmc, project, dt.date(2026, 5, 20))
    assert (f.assigned, f.allocated) == (100 * B, 120 * B)
    assert f.disbursed == 30 * B and f.disbursed_month == 10 * B
    assert f.rate_assigned == Decimal("30.0")
    assert f.rate_allocated == Decimal("25.0")
    # 20 May: the floor runs from the end of April (7.5 + 17.5 / 3 = 13.3 %) to the end of May
    # (7.5 + 17.5 × 2/3 = 19.2 %): 13.3 + 5.9 × 20/31 = 17.1 %; 30.0 − 17.1 = +12.9 points.
    assert f.target == Decimal("17.1")
    assert f.gap == Decimal("12.9")
    assert f.rag == Rag.GREEN
    # The pace of the four months that have ended (20 tỷ from January to April) → 60 tỷ by December, 60 %
    # of the assigned plan; May's 10 tỷ, in a month still running, is counted but not extrapolated.
    assert f.finished_months == 4
    assert f.projection == 60 * B
    assert f.projected_rate == Decimal("60.0")
    # March had no money: one idle month, not at the end; May is still running, so it is not idle.
    assert (f.idle_months, f.idle_streak) == (1, 0)


def test_lagging_project_is_red_and_idle_project_amber(hcmc, office_hcmc, make_project, curve):
    lagging, idle = make_project(), make_project()
    for project in (lagging, idle):
        services.plan_set(
            actor=office_hcmc,
            project=project,
            year=2026,
            source="central",
            assigned_amount=100 * B,
            allocated_amount=100 * B,
        )
    services.disbursement_record(
        actor=office_hcmc,
        project=lagging,
        source="central",
        plan_year=2026,
        month=dt.date(2026, 2, 1),
        amount=10 * B,
    )
    services.disbursement_record(
        actor=office_hcmc,
        project=idle,
        source="central",
        plan_year=2026,
        month=dt.date(2026, 2, 1),
        amount=60 * B,
    )
    at = dt.date(2026, 9, 30)  # floor 50 %
    red = _figures(hcmc, lagging, at)
    assert (red.rate, red.gap, red.rag) == (Decimal("10.0"), Decimal("-40.0"), Rag.RED)
    amber = _figures(hcmc, idle, at)
    # 60 % is above the floor, but nothing since February: seven months in a row.
    assert amber.gap == Decimal("10.0")
    assert amber.idle_streak == 7 and amber.idle_months == 8
    assert amber.rag == Rag.AMBER


def test_january_of_the_next_year_counts_for_the_plan_year(hcmc, office_hcmc, make_project, curve):
    project = make_project()
    services.plan_set(
        actor=office_hcmc,
        project=project,
        year=2025,
        source="local",
        assigned_amount=200 * B,
        allocated_amount=200 * B,
    )
    services.disbursement_record(
        actor=office_hcmc,
        project=project,
        source="local",
        plan_year=2025,
        month=dt.date(2025, 12, 1),
        amount=150 * B,
    )
    services.disbursement_record(
        actor=office_hcmc,
        project=project,
        source="local",
        plan_year=2025,
        month=dt.date(2026, 1, 1),
        amount=40 * B,
    )
    december = _figures(hcmc, project, dt.date(2025, 12, 31))
    assert december.disbursed == 150 * B and december.rate == Decimal("75.0")
    carried = _figures(hcmc, project, dt.date(2026, 1, 31), year=2025)
    assert carried.month == 13
    assert carried.disbursed == 190 * B and carried.disbursed_month == 40 * B
    assert carried.rate == Decimal("95.0") and carried.target == Decimal(95)
    assert carried.rag == Rag.GREEN
    assert carried.projection == 190 * B  # the year is over: what was disbursed is the figure
    # The 2026 plan year, seen the same day, has no plan and nothing disbursed.
    assert _figures(hcmc, project, dt.date(2026, 1, 31)).rag == Rag.NONE


def test_a_month_outside_the_plan_year_is_refused(office_hcmc, make_project):
    project = make_project()
    with pytest.raises(Exception) as refused:
        services.disbursement_record(
            actor=office_hcmc,
            project=project,
            source="local",
            plan_year=2026,
            month=dt.date(2027, 2, 1),
            amount=1,
        )
    assert "month" in refused.value.message_dict


def test_plan_adjusted_mid_year(hcmc, office_hcmc, make_project, curve):
    project = make_project()
    plan = services.plan_set(
        actor=office_hcmc,
        project=project,
        year=2026,
        source="central",
        assigned_amount=100 * B,
        allocated_amount=100 * B,
    )
    services.plan_adjust(
        actor=office_hcmc,
        plan=plan,
        denominator="assigned",
        effective_on=dt.date(2026, 7, 1),
        amount=80 * B,
        decision="QĐ 1234/QĐ-TTg",
    )
    services.disbursement_record(
        actor=office_hcmc,
        project=project,
        source="central",
        plan_year=2026,
        month=dt.date(2026, 6, 1),
        amount=40 * B,
    )
    june = _figures(hcmc, project, dt.date(2026, 6, 30))
    assert (june.assigned, june.allocated, june.rate_assigned) == (100 * B, 100 * B, Decimal("40.0"))
    august = _figures(hcmc, project, dt.date(2026, 8, 15))
    assert (august.assigned, august.allocated) == (80 * B, 100 * B)
    assert august.rate_assigned == Decimal("50.0") and august.rate_allocated == Decimal("40.0")
    with pytest.raises(Exception) as refused:
        services.plan_adjust(
            actor=office_hcmc, plan=plan, denominator="assigned", effective_on=dt.date(2027, 2, 1), amount=1
        )
    assert "effective_on" in refused.value.message_dict


def test_figures_by_investor_and_group_add_up(hcmc, office_hcmc, make_project, civil_board, group_one, curve):
    other = make_project(investor=civil_board)
    for project, amount in ((group_one.test_project, 10), (other, 30)):
        services.plan_set(
            actor=office_hcmc,
            project=project,
            year=2026,
            source="local",
            assigned_amount=100 * B,
            allocated_amount=100 * B,
        )
        services.disbursement_record(
            actor=office_hcmc,
            project=project,
            source="local",
            plan_year=2026,
            month=dt.date(2026, 3, 1),
            amount=amount * B,
        )
    projects = Project.objects.filter(organization=hcmc)
    at = dt.date(2026, 3, 31)
    by_investor = analytics.figures_by(projects, "investor", organization_id=hcmc.pk, at=at)
    assert {k: f.disbursed for k, f in by_investor.items()} == {
        group_one.test_project.investor_id: 10 * B,
        civil_board.pk: 30 * B,
    }
    by_group = analytics.figures_by_group(projects, [group_one], organization_id=hcmc.pk, at=at)
    assert by_group[group_one.pk].rate == Decimal("10.0")
    city = analytics.figures(projects, organization_id=hcmc.pk, at=at)
    assert (city.assigned, city.disbursed, city.rate) == (200 * B, 40 * B, Decimal("20.0"))
    curve_of_city = analytics.monthly_curve(projects, organization_id=hcmc.pk, year=2026)
    assert curve_of_city["cumulative"][1] == 0 and curve_of_city["cumulative"][2] == 40 * B
    assert curve_of_city["cumulative"][12] == 40 * B
    assert curve_of_city["target"][2] == Decimal("7.5")


def test_the_monthly_form_keeps_the_yearly_summary(hcmc, office_hcmc, make_project):
    """The figures read the yearly summary: entering and correcting a month writes it again."""
    from investment.models import DisbursementYear

    project = make_project()

    def record(month, amount, year=2025):
        services.disbursement_record(
            actor=office_hcmc, project=project, source="local", plan_year=year, month=month, amount=amount
        )

    record(dt.date(2025, 2, 1), 3 * B)
    record(dt.date(2025, 2, 1), 4 * B)  # corrected
    record(dt.date(2026, 1, 1), 1 * B)  # the January carry-over, month 13
    record(dt.date(2024, 12, 1), 2 * B, year=2024)
    rows = {r.plan_year: r for r in DisbursementYear.objects.filter(project=project)}
    assert (rows[2025].m2, rows[2025].m13, rows[2025].m1) == (4 * B, 1 * B, 0)
    assert rows[2024].m12 == 2 * B and DisbursementYear.objects.count() == 2
    f = _figures(hcmc, project, dt.date(2026, 1, 31), year=2025)
    assert f.disbursed == 5 * B and f.disbursed_month == 1 * B
