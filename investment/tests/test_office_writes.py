"""What the office keeps, on the pages and in the API: projects (registered, corrected, moved, archived),
their progress, total investment, capital plans, adjustments and monthly disbursements, the target curve,
working groups and their members. Every write is the office's (progress also a leading member's of a group
following the project); anyone else, and the other city's office, is told the record does not exist."""

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext

from accounts.choices import Role
from conftest import unit
from core.errors import ConflictError
from core.models import AuditEvent
from core.testing import ANONYMOUS, Operation, permission_matrix
from investment import services
from investment.models import (
    CapitalPlan,
    Disbursement,
    GroupMember,
    InvestmentAdjustment,
    PlanAdjustment,
    ProgressObservation,
    Project,
    TargetPoint,
    WorkingGroup,
)
from investment.tests.conftest import BEN_THANH, SAI_GON

TODAY = dt.date(2026, 5, 20)
B = 1_000_000_000


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    import django.utils.timezone as tz

    real = tz.localdate
    monkeypatch.setattr(
        tz, "localdate", lambda value=None, timezone=None: real(value, timezone) if value else TODAY
    )


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def vi(message: str, **kwargs) -> str:
    with translation.override("vi"):
        return gettext(message).format(**kwargs)


def conflict_vi() -> str:
    with translation.override("vi"):
        return ConflictError().message


def audited(kind: str) -> bool:
    return AuditEvent.objects.filter(kind=kind).exists()


@pytest.fixture
def project(group_one):
    return group_one.test_project


@pytest.fixture
def plan(project, office_hcmc):
    return services.plan_set(
        actor=office_hcmc,
        project=project,
        year=2026,
        source="local",
        assigned_amount=100 * B,
        allocated_amount=90 * B,
    )


@pytest.fixture
def viewer_hcmc(make_user, hcmc):
    return make_user(Role.VIEWER, hcmc, "xemhcm")


@pytest.fixture
def office(make_user, hanoi):
    return make_user(Role.OFFICE, hanoi, "vanphonghn")


@pytest.fixture
def member(group_one):
    return GroupMember.objects.get(group=group_one)


# --- the pages, as the office ---------------------------------------------------------------------------


def test_the_office_registers_a_project_with_its_sites(office_hcmc, transport_board, group_one):
    client = client_for(office_hcmc)
    assert client.get("/investment/projects/new/").status_code == 200
    response = client.post(
        "/investment/projects/new/",
        {
            "code": "da-100",
            "name": "Cầu Thủ Thiêm 5",
            "investor": transport_board.pk,
            "group": "A",
            "sector": "transport",
            "is_key": "on",
            "total_investment": str(5 * B),
            "planned_start": "01/02/2026",
            "planned_end": "31/12/2028",
            "site1_locality": unit(SAI_GON).pk,
            "site1_latitude": "10.7769",
            "site1_longitude": "106.7009",
            "site2_locality": unit(BEN_THANH).pk,
        },
    )
    project = Project.objects.get(code="DA-100")
    assert response.status_code == 302 and response["Location"] == project.get_absolute_url()
    assert (
        project.is_key and project.total_investment == 5 * B and project.planned_end == dt.date(2028, 12, 31)
    )
    sites = {s.locality_id: s for s in project.sites.all()}
    assert set(sites) == {unit(SAI_GON).pk, unit(BEN_THANH).pk}
    assert sites[unit(SAI_GON).pk].latitude == Decimal("10.776900")
    assert audited("project.registered")


def test_the_project_form_refuses_an_end_before_the_start(office_hcmc, transport_board, hcmc):
    response = client_for(office_hcmc).post(
        "/investment/projects/new/",
        {
            "code": "DA-101",
            "name": "Dự án",
            "investor": transport_board.pk,
            "group": "B",
            "sector": "other",
            "total_investment": "-5",
            "planned_start": "01/02/2026",
            "planned_end": "01/01/2026",
        },
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert "total_investment" in form.errors  # a negative amount
    assert not Project.objects.filter(code="DA-101").exists()
    response = client_for(office_hcmc).post(
        "/investment/projects/new/",
        {
            "code": "DA-101",
            "name": "Dự án",
            "investor": transport_board.pk,
            "group": "B",
            "sector": "other",
            "total_investment": "5",
            "planned_start": "01/02/2026",
            "planned_end": "01/01/2026",
        },
    )
    assert response.context["form"].errors["planned_end"] == [vi("The end cannot come before the start.")]
    assert not Project.objects.filter(code="DA-101").exists()


def _edit_data(project, **changes):
    data = {
        "name": project.name,
        "investor": project.investor_id,
        "group": project.group,
        "sector": project.sector,
        "version": project.version,
        "site1_locality": unit(SAI_GON).pk,
    }
    data.update(changes)
    return data


def test_the_office_corrects_a_project_and_a_stale_version_changes_nothing(office_hcmc, project, civil_board):
    client = client_for(office_hcmc)
    page = client.get(f"/investment/projects/{project.pk}/edit/")
    assert page.status_code == 200 and page.context["form"].initial["site1_locality"] == unit(SAI_GON).pk
    response = client.post(
        f"/investment/projects/{project.pk}/edit/",
        _edit_data(project, name="Tên mới", investor=civil_board.pk, site2_locality=unit(BEN_THANH).pk),
    )
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.name == "Tên mới" and project.investor_id == civil_board.pk
    assert project.sites.count() == 2
    assert audited("project.sites")
    stale = client.post(
        f"/investment/projects/{project.pk}/edit/", _edit_data(project, name="Khác", version=1)
    )
    assert stale.status_code == 200
    assert stale.context["form"].non_field_errors() == [conflict_vi()]
    project.refresh_from_db()
    assert project.name == "Tên mới"


def test_the_status_moves_archive_and_restore(office_hcmc, project):
    client = client_for(office_hcmc)
    page = client.get(project.get_absolute_url())
    assert [s for s, _label in page.context["moves"]] == ["implementation", "suspended", "cancelled"]
    assert b'data-move="implementation"' in page.content
    url = f"/investment/projects/{project.pk}/status/"
    client.post(url, {"status": "implementation", "version": project.version})
    project.refresh_from_db()
    assert project.status == "implementation" and project.actual_start == TODAY
    assert audited("project.status")
    refused = client.post(url, {"status": "preparation", "version": project.version}, follow=True)
    assert Project.objects.get(pk=project.pk).status == "implementation"
    assert any("không thể" in str(m).lower() or "cannot" in str(m) for m in refused.context["messages"])
    stale = client.post(url, {"status": "completed", "version": 1}, follow=True)
    assert [str(m) for m in stale.context["messages"]] == [conflict_vi()]
    assert Project.objects.get(pk=project.pk).status == "implementation"
    project.refresh_from_db()
    client.post(f"/investment/projects/{project.pk}/archive/", {"version": project.version})
    project.refresh_from_db()
    assert project.archived_at is not None
    client.post(f"/investment/projects/{project.pk}/restore/", {"version": project.version})
    project.refresh_from_db()
    assert project.archived_at is None


def test_the_office_records_the_figures_from_the_project_page(office_hcmc, project, plan):
    client = client_for(office_hcmc)
    base = f"/investment/projects/{project.pk}"
    page = client.get(base + "/")
    for name in ("progress_form", "investment_form", "plan_form", "adjust_form", "disbursement_form"):
        assert name in page.context
    assert (
        client.post(base + "/progress/", {"observed_on": "15/05/2026", "percent": "42.5"}).status_code == 302
    )
    assert ProgressObservation.objects.get(project=project).percent == Decimal("42.5")
    project.refresh_from_db()
    assert project.progress_percent == Decimal("42.5") and audited("project.progress")

    assert (
        client.post(base + "/investment/", {"effective_on": "10/05/2026", "amount": str(7 * B)}).status_code
        == 302
    )
    assert InvestmentAdjustment.objects.get(project=project).amount == 7 * B
    assert Project.objects.get(pk=project.pk).total_investment == 7 * B and audited(
        "project.investment_adjusted"
    )

    data = {
        "year": "2027",
        "source": "central",
        "assigned_amount": str(50 * B),
        "allocated_amount": str(40 * B),
    }
    assert client.post(base + "/plans/", data).status_code == 302
    assert CapitalPlan.objects.get(project=project, year=2027).assigned_amount == 50 * B and audited(
        "plan.entered"
    )

    data = {"plan": plan.pk, "denominator": "assigned", "effective_on": "01/04/2026", "amount": str(120 * B)}
    assert client.post(base + "/plan-adjustments/", data).status_code == 302
    assert PlanAdjustment.objects.get(plan=plan).amount == 120 * B and audited("plan.adjusted")

    data = {"source": "local", "plan_year": "2026", "month": "04/2026", "amount": str(3 * B)}
    assert client.post(base + "/disbursements/", data).status_code == 302
    row = Disbursement.objects.get(project=project)
    assert row.month == dt.date(2026, 4, 1) and row.amount == 3 * B and audited("project.disbursement")


def test_bad_figures_come_back_on_the_field_in_vietnamese(office_hcmc, project, plan):
    client = client_for(office_hcmc)
    base = f"/investment/projects/{project.pk}"
    data = {"source": "local", "plan_year": "2026", "month": "03/2027", "amount": str(B)}
    response = client.post(base + "/disbursements/", data)
    assert response.status_code == 400
    assert response.context["disbursement_form"].errors["month"] == [
        vi("The {year} plan is disbursed from 01/{year} to 01/{next}.", year=2026, next=2027)
    ]
    assert response.context["open_form"] == "disbursement_form"
    negative = client.post(base + "/disbursements/", {**data, "month": "04/2026", "amount": "-1"})
    assert negative.status_code == 400 and "amount" in negative.context["disbursement_form"].errors
    data = {"plan": plan.pk, "denominator": "assigned", "effective_on": "01/03/2027", "amount": str(B)}
    response = client.post(base + "/plan-adjustments/", data)
    assert response.status_code == 400
    assert response.context["adjust_form"].errors["effective_on"] == [
        vi(
            "An adjustment of the {year} plan takes effect between {first} and {last}.",
            year=2026,
            first="01/01/2026",
            last="31/01/2027",
        )
    ]
    assert not Disbursement.objects.exists() and not PlanAdjustment.objects.exists()


def test_the_office_sets_a_year_target_curve(office_hcmc, hcmc):
    client = client_for(office_hcmc)
    assert b'data-testid="curve-link"' in client.get("/investment/").content
    assert client.get("/investment/target-curve/2026/").status_code == 200
    response = client.post(
        "/investment/target-curve/2026/", {"m3": "10", "m6": "30", "m12": "90", "m13": "100"}
    )
    assert response.status_code == 302
    points = dict(TargetPoint.objects.filter(organization=hcmc, year=2026).values_list("month", "percent"))
    assert points == {3: Decimal(10), 6: Decimal(30), 12: Decimal(90), 13: Decimal(100)}
    assert audited("target_curve.set")
    falling = client.post("/investment/target-curve/2026/", {"m3": "50", "m6": "30"})
    assert falling.status_code == 200
    assert (
        vi("The floors cannot fall from one point to the next.") in falling.context["form"].non_field_errors()
    )
    assert TargetPoint.objects.filter(organization=hcmc, year=2026).count() == 4


def test_the_office_sets_up_and_corrects_a_working_group(office_hcmc, project, civil_board, hcmc):
    client = client_for(office_hcmc)
    assert client.get("/investment/groups/new/").status_code == 200
    response = client.post(
        "/investment/groups/new/",
        {
            "number": "2",
            "name": "Tổ công tác số 2",
            "term_start": "01/01/2026",
            "investors": [civil_board.pk],
        },
    )
    group = WorkingGroup.objects.get(organization=hcmc, number=2)
    assert response.status_code == 302 and list(group.investors.all()) == [civil_board]
    assert audited("group.created")
    data = {
        "name": "Tổ 2",
        "term_start": "01/01/2026",
        "projects": [project.pk],
        "localities": [unit(BEN_THANH).pk],
        "version": group.version,
    }
    assert client.post(f"/investment/groups/{group.pk}/edit/", data).status_code == 302
    group.refresh_from_db()
    assert group.name == "Tổ 2" and list(group.investors.all()) == []
    assert group.project_links.filter(project=project, via="project").exists() and audited("group.scope")
    stale = client.post(f"/investment/groups/{group.pk}/edit/", {**data, "name": "Khác", "version": 1})
    assert stale.context["form"].non_field_errors() == [conflict_vi()]
    assert WorkingGroup.objects.get(pk=group.pk).name == "Tổ 2"
    bad = client.post(f"/investment/groups/{group.pk}/edit/", {**data, "term_end": "01/12/2025"})
    assert bad.context["form"].errors["term_end"] == [vi("The end cannot come before the start.")]


def test_the_office_adds_and_ends_a_membership(office_hcmc, group_one, outsider, member):
    client = client_for(office_hcmc)
    page = client.get(group_one.get_absolute_url())
    assert "member_form" in page.context and b'data-testid="member-end"' in page.content
    data = {"person": outsider.person.pk, "role": "member", "valid_from": "01/05/2026"}
    assert client.post(f"/investment/groups/{group_one.pk}/members/", data).status_code == 302
    assert GroupMember.objects.filter(group=group_one, person=outsider.person, role="member").exists()
    assert audited("group.member_added")
    twice = client.post(f"/investment/groups/{group_one.pk}/members/", data)
    assert twice.status_code == 400
    assert twice.context["member_form"].errors["person"] == [
        vi("This person already sits on the group for these dates.")
    ]
    early = client.post(f"/investment/members/{member.pk}/end/", {"valid_to": "01/01/2025"}, follow=True)
    assert [str(m) for m in early.context["messages"]] == [vi("The end cannot come before the start.")]
    assert GroupMember.objects.get(pk=member.pk).valid_to is None
    assert client.post(f"/investment/members/{member.pk}/end/", {"valid_to": "19/05/2026"}).status_code == 302
    assert GroupMember.objects.get(pk=member.pk).valid_to == dt.date(2026, 5, 19) and audited(
        "group.member_left"
    )


def test_a_group_leader_records_progress_but_nothing_else(group_leader, project, outsider):
    client = client_for(group_leader)
    page = client.get(project.get_absolute_url())
    assert "progress_form" in page.context and "plan_form" not in page.context
    response = client.post(
        f"/investment/projects/{project.pk}/progress/", {"observed_on": "19/05/2026", "percent": "10"}
    )
    assert response.status_code == 302
    api = client.post(
        f"/api/v1/investment/projects/{project.pk}/progress",
        {"observed_on": "2026-05-19", "percent": "12"},
        content_type="application/json",
    )
    assert api.status_code == 201
    assert ProgressObservation.objects.filter(project=project).count() == 2
    assert client.post(f"/investment/projects/{project.pk}/plans/", {"year": "2026"}).status_code == 404


# --- the API, as the office -------------------------------------------------------------------------------


def post(client, url, body, method="post"):
    return getattr(client, method)(url, body, content_type="application/json")


def test_the_api_keeps_projects(office_hcmc, transport_board, project):
    client = client_for(office_hcmc)
    api = "/api/v1/investment"
    body = {
        "code": "da-200",
        "name": "Metro số 2",
        "group": "national",
        "investor": transport_board.pk,
        "total_investment": 47 * B,
        "sites": [{"locality": unit(SAI_GON).pk, "latitude": "10.77", "longitude": "106.69"}],
    }
    created = post(client, f"{api}/projects/", body)
    assert created.status_code == 201, created.content
    new = Project.objects.get(code="DA-200")
    assert created.json()["version"] == new.version and new.sites.get().latitude == Decimal("10.77")
    changed = post(client, f"{api}/projects/{new.pk}", {"version": new.version, "name": "Metro 2"}, "patch")
    assert changed.status_code == 200 and Project.objects.get(pk=new.pk).name == "Metro 2"
    stale = post(client, f"{api}/projects/{new.pk}", {"version": new.version, "name": "X"}, "patch")
    assert stale.status_code == 409 and stale.json()["detail"] == conflict_vi()
    assert Project.objects.get(pk=new.pk).name == "Metro 2"
    version = changed.json()["version"]
    moved = post(client, f"{api}/projects/{new.pk}/status", {"version": version, "status": "completed"})
    assert moved.status_code == 422 and "status" in moved.json()["errors"]
    moved = post(client, f"{api}/projects/{new.pk}/status", {"version": version, "status": "implementation"})
    assert moved.status_code == 200 and moved.json()["status"] == "implementation"
    archived = post(client, f"{api}/projects/{new.pk}/archive", {"version": moved.json()["version"]})
    assert archived.status_code == 200 and archived.json()["archived"]
    restored = post(client, f"{api}/projects/{new.pk}/restore", {"version": archived.json()["version"]})
    assert restored.status_code == 200 and not restored.json()["archived"]
    bad = post(
        client,
        f"{api}/projects/",
        {**body, "code": "DA-201", "planned_start": "2026-05-01", "planned_end": "2026-01-01"},
    )
    assert bad.status_code == 422 and bad.json()["errors"]["planned_end"] == [
        vi("The end cannot come before the start.")
    ]


def test_the_api_keeps_the_figures(office_hcmc, project, plan, hcmc):
    client = client_for(office_hcmc)
    api = f"/api/v1/investment/projects/{project.pk}"
    assert post(client, f"{api}/progress", {"observed_on": "2026-05-10", "percent": "55"}).status_code == 201
    assert Project.objects.get(pk=project.pk).progress_percent == Decimal(55)
    adjusted = post(client, f"{api}/investment-adjustments", {"effective_on": "2026-05-01", "amount": 9 * B})
    assert adjusted.status_code == 201 and Project.objects.get(pk=project.pk).total_investment == 9 * B
    negative = post(client, f"{api}/investment-adjustments", {"effective_on": "2026-05-01", "amount": -1})
    assert negative.status_code == 422
    entered = post(
        client,
        f"{api}/plans",
        {"year": 2025, "source": "central", "assigned_amount": B, "allocated_amount": B},
    )
    assert entered.status_code == 201 and CapitalPlan.objects.filter(project=project, year=2025).exists()
    body = {"denominator": "allocated", "effective_on": "2026-06-01", "amount": 80 * B}
    assert post(client, f"/api/v1/investment/plans/{plan.pk}/adjustments", body).status_code == 201
    assert PlanAdjustment.objects.get(plan=plan).denominator == "allocated"
    body = {"source": "local", "plan_year": 2026, "month": "2026-02-14", "amount": 2 * B}
    assert post(client, f"{api}/disbursements", body).status_code == 201
    assert Disbursement.objects.get(project=project).month == dt.date(2026, 2, 1)
    outside = post(client, f"{api}/disbursements", {**body, "month": "2025-12-01"})
    assert outside.status_code == 422
    assert outside.json()["errors"]["month"] == [
        vi("The {year} plan is disbursed from 01/{year} to 01/{next}.", year=2026, next=2027)
    ]
    curve = post(client, "/api/v1/investment/target-curve/2026", {"points": {"6": "30", "13": "100"}}, "put")
    assert curve.status_code == 200 and len(curve.json()["points"]) == 2
    assert TargetPoint.objects.filter(organization=hcmc, year=2026).count() == 2
    falling = post(client, "/api/v1/investment/target-curve/2026", {"points": {"6": "30", "7": "20"}}, "put")
    assert (
        falling.status_code == 422 and TargetPoint.objects.filter(organization=hcmc, year=2026).count() == 2
    )


def test_the_api_keeps_groups(office_hcmc, project, civil_board, outsider, member, hcmc):
    client = client_for(office_hcmc)
    api = "/api/v1/investment"
    created = post(
        client,
        f"{api}/groups/",
        {"number": 5, "name": "Tổ 5", "term_start": "2026-01-01", "projects": [project.pk]},
    )
    assert created.status_code == 201 and created.json()["project_ids"] == [project.pk]
    group = WorkingGroup.objects.get(organization=hcmc, number=5)
    body = {"version": group.version, "investors": [civil_board.pk], "note": "Ghi chú"}
    changed = post(client, f"{api}/groups/{group.pk}", body, "patch")
    assert changed.status_code == 200 and list(WorkingGroup.objects.get(pk=group.pk).investors.all()) == [
        civil_board
    ]
    stale = post(client, f"{api}/groups/{group.pk}", {**body, "note": "Khác"}, "patch")
    assert stale.status_code == 409 and WorkingGroup.objects.get(pk=group.pk).note == "Ghi chú"
    seated = post(
        client,
        f"{api}/groups/{group.pk}/members",
        {"person": outsider.person.pk, "role": "leader", "valid_from": "2026-02-01"},
    )
    assert seated.status_code == 201 and GroupMember.objects.filter(group=group, role="leader").exists()
    early = post(client, f"{api}/members/{member.pk}/end", {"valid_to": "2020-01-01"})
    assert early.status_code == 422 and early.json()["errors"]["valid_to"] == [
        vi("The end cannot come before the start.")
    ]
    ended = post(client, f"{api}/members/{member.pk}/end", {"valid_to": "2026-05-01"})
    assert ended.status_code == 200 and GroupMember.objects.get(pk=member.pk).valid_to == dt.date(2026, 5, 1)
    assert audited("group.member_left")


# --- who may: everyone else is told the record does not exist ---------------------------------------------


@pytest.fixture
def matrix_users(office_hcmc, outsider, viewer_hcmc, office):
    return {
        "office": office_hcmc,
        "outsider": outsider,
        "viewer": viewer_hcmc,
        "hanoi": office,
        ANONYMOUS: None,
    }


def _expect(name, ok, anonymous):
    """The office may; anyone else is told it does not exist; Hanoi's office may register its own projects
    and groups and set its own curve, never touch Ho Chi Minh City's records."""
    own = any(word in name for word in ("create", "form", "curve")) and "edit" not in name
    hanoi = ok if own else 404
    if "project create" in name:  # with Ho Chi Minh City's investor, out of its reach: refused on the field
        hanoi = 422 if name.startswith("api") else 200
    return {"office": ok, "outsider": 404, "viewer": 404, "hanoi": hanoi, ANONYMOUS: anonymous}


def test_every_office_write_is_refused_to_anyone_else(matrix_users, project, plan, member, transport_board):
    p, g = project.pk, member.group_id
    v = project.version
    page_ops = [
        ("project form", "get", "/investment/projects/new/", None, 200),
        (
            "project create",
            "post",
            "/investment/projects/new/",
            {
                "code": "Z1",
                "name": "Z",
                "investor": transport_board.pk,
                "group": "C",
                "sector": "other",
                "total_investment": "0",
            },
            302,
        ),
        ("project edit form", "get", f"/investment/projects/{p}/edit/", None, 200),
        ("project edit", "post", f"/investment/projects/{p}/edit/", _edit_data(project), 302),
        (
            "project status",
            "post",
            f"/investment/projects/{p}/status/",
            {"status": "suspended", "version": v},
            302,
        ),
        ("project archive", "post", f"/investment/projects/{p}/archive/", {"version": v}, 302),
        ("project restore", "post", f"/investment/projects/{p}/restore/", {"version": v}, 302),
        (
            "progress",
            "post",
            f"/investment/projects/{p}/progress/",
            {"observed_on": "01/05/2026", "percent": "5"},
            302,
        ),
        (
            "investment",
            "post",
            f"/investment/projects/{p}/investment/",
            {"effective_on": "01/05/2026", "amount": "5"},
            302,
        ),
        (
            "plan",
            "post",
            f"/investment/projects/{p}/plans/",
            {"year": "2026", "source": "central", "assigned_amount": "1", "allocated_amount": "1"},
            302,
        ),
        (
            "plan adjust",
            "post",
            f"/investment/projects/{p}/plan-adjustments/",
            {"plan": plan.pk, "denominator": "assigned", "effective_on": "01/05/2026", "amount": "1"},
            302,
        ),
        (
            "disbursement",
            "post",
            f"/investment/projects/{p}/disbursements/",
            {"source": "local", "plan_year": "2026", "month": "05/2026", "amount": "1"},
            302,
        ),
        ("curve page", "get", "/investment/target-curve/2026/", None, 200),
        ("curve", "post", "/investment/target-curve/2026/", {"m12": "90"}, 302),
        ("group form", "get", "/investment/groups/new/", None, 200),
        (
            "group create",
            "post",
            "/investment/groups/new/",
            {"number": "9", "name": "Tổ 9", "term_start": "01/01/2026"},
            302,
        ),
        ("group edit form", "get", f"/investment/groups/{g}/edit/", None, 200),
        (
            "group edit",
            "post",
            f"/investment/groups/{g}/edit/",
            {"name": "Tổ", "term_start": "01/10/2025", "version": member.group.version},
            302,
        ),
        (
            "member add",
            "post",
            f"/investment/groups/{g}/members/",
            {"person": matrix_users["outsider"].person.pk, "role": "member", "valid_from": "01/05/2026"},
            302,
        ),
        ("member end", "post", f"/investment/members/{member.pk}/end/", {"valid_to": "01/05/2026"}, 302),
    ]
    api = "/api/v1/investment"
    api_ops = [
        (
            "api project create",
            "post",
            f"{api}/projects/",
            {"code": "Z2", "name": "Z", "group": "C", "investor": transport_board.pk},
            201,
        ),
        ("api project patch", "patch", f"{api}/projects/{p}", {"version": v, "name": "Đổi tên"}, 200),
        ("api status", "post", f"{api}/projects/{p}/status", {"version": v, "status": "suspended"}, 200),
        ("api archive", "post", f"{api}/projects/{p}/archive", {"version": v}, 200),
        ("api restore", "post", f"{api}/projects/{p}/restore", {"version": v}, 200),
        (
            "api progress",
            "post",
            f"{api}/projects/{p}/progress",
            {"observed_on": "2026-05-01", "percent": "5"},
            201,
        ),
        (
            "api investment",
            "post",
            f"{api}/projects/{p}/investment-adjustments",
            {"effective_on": "2026-05-01", "amount": 5},
            201,
        ),
        (
            "api plan",
            "post",
            f"{api}/projects/{p}/plans",
            {"year": 2026, "source": "central", "assigned_amount": 1, "allocated_amount": 1},
            201,
        ),
        (
            "api plan adjust",
            "post",
            f"{api}/plans/{plan.pk}/adjustments",
            {"denominator": "assigned", "effective_on": "2026-05-01", "amount": 1},
            201,
        ),
        (
            "api disbursement",
            "post",
            f"{api}/projects/{p}/disbursements",
            {"source": "local", "plan_year": 2026, "month": "2026-05-01", "amount": 1},
            201,
        ),
        ("api curve", "put", f"{api}/target-curve/2026", {"points": {"12": "90"}}, 200),
        (
            "api group create",
            "post",
            f"{api}/groups/",
            {"number": 9, "name": "Tổ 9", "term_start": "2026-01-01"},
            201,
        ),
        (
            "api group patch",
            "patch",
            f"{api}/groups/{g}",
            {"version": member.group.version, "note": "x"},
            200,
        ),
        (
            "api member add",
            "post",
            f"{api}/groups/{g}/members",
            {"person": matrix_users["outsider"].person.pk, "role": "member", "valid_from": "2026-05-01"},
            201,
        ),
        ("api member end", "post", f"{api}/members/{member.pk}/end", {"valid_to": "2026-05-01"}, 200),
    ]
    operations = [
        Operation(name, method, url, _expect(name, ok, 302), data=data)
        for name, method, url, data, ok in page_ops
    ] + [
        Operation(name, method, url, _expect(name, ok, 401), json=body)
        for name, method, url, body, ok in api_ops
    ]
    assert permission_matrix(matrix_users, operations) == []
