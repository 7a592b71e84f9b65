"""`coso demo`: every place has a leader, the logins work, and a second run changes nothing."""

import datetime as dt
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

import accounts.demo
from accounts.demo import DEMO_LOGINS
from accounts.models import User
from conftest import BA_DINH, HANOI, HCMC, HOAN_KIEM, unit
from core.models import AuditEvent
from org.choices import AgencyKind, BodyKind
from org.models import Agency, Assignment, Body, Field, PartyCommittee, Person
from org.selectors import responsible_leader

CITIES = [("hanoi", HANOI, 126), ("hcmc", HCMC, 168)]


@pytest.fixture(scope="module")
def loaded(django_db_setup, django_db_blocker):
    """Load the demo organisation once for this module, through the command, in a transaction rolled back at
    the end. The other apps' steps are left out (their own tests load them): only a step that records the
    context it is handed runs after the organisation.

    Each test still runs in its own savepoint, so what a test writes does not leak into the next.
    """
    from django.utils.module_loading import autodiscover_modules

    seen = []

    def record_context(context):
        seen.append(context)

    autodiscover_modules("demo")  # the apps' steps are registered now, not during the load
    steps = list(accounts.demo._steps)
    accounts.demo._steps[:] = [record_context]
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            out = StringIO()
            call_command("demo", stdout=out)
            yield {"output": out.getvalue(), "contexts": seen}
        finally:
            accounts.demo._steps[:] = steps
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def demo(loaded, db):
    return loaded


def committee(code: str) -> PartyCommittee:
    return PartyCommittee.objects.select_related("root_unit", "default_leader").get(code=code)


def test_load_reports_what_it_did(demo):
    assert "Đã nạp dữ liệu demo: 2 thành ủy" in demo["output"]
    assert set(PartyCommittee.objects.values_list("code", flat=True)) == {"hanoi", "hcmc"}


@pytest.mark.parametrize(("code", "province", "communes"), CITIES)
def test_every_commune_has_a_direct_leader_today(demo, code, province, communes):
    org_ = committee(code)
    assert org_.root_unit == unit(province, level=1)
    units = list(org_.root_unit.children.all())
    assert len(units) == communes
    today = timezone.localdate()
    secretary = org_.default_leader
    for place in units:
        answer = responsible_leader(place, at=today, organization=org_)
        assert answer.via == "direct", place
        assert answer.leader != secretary
        assert answer.leader.organization_id == org_.pk


@pytest.mark.parametrize(("code", "province", "communes"), CITIES)
def test_communes_are_shared_fairly_among_the_standing_committee(demo, code, province, communes):
    org_ = committee(code)
    today = timezone.localdate()
    current = Assignment.objects.filter(
        organization=org_, locality__isnull=False, valid_from__lte=today, valid_to__isnull=True
    )
    per_leader = {}
    for leader_id in current.values_list("leader_id", flat=True):
        per_leader[leader_id] = per_leader.get(leader_id, 0) + 1
    standing = Body.objects.get(organization=org_, kind=BodyKind.STANDING_COMMITTEE)
    members = set(standing.memberships.values_list("person_id", flat=True))
    assert 15 <= len(members) <= 17
    assert set(per_leader) == members - {org_.default_leader_id}
    assert all(8 <= n <= 12 for n in per_leader.values()), per_leader
    assert sum(per_leader.values()) == communes


def test_the_secretary_is_the_default_leader_and_heads_the_standing_board(demo):
    for code in ("hanoi", "hcmc"):
        org_ = committee(code)
        board = Body.objects.get(organization=org_, kind=BodyKind.STANDING_BOARD)
        first = board.memberships.order_by("order").first()
        assert first.person == org_.default_leader
        assert first.position == "Bí thư"
        assert board.term == "2025–2030"
        assert Field.objects.filter(organization=org_, name="Đầu tư công").exists()
    hanoi = committee("hanoi")
    assert hanoi.superior_body == "ĐẢNG BỘ THÀNH PHỐ HÀ NỘI"
    assert hanoi.document_symbol == "TU"
    assert hanoi.place_name == "Hà Nội"
    assert committee("hcmc").place_name == "Thành phố Hồ Chí Minh"


def test_lanhdao_answers_for_hoan_kiem(demo):
    hanoi = committee("hanoi")
    lanhdao = User.objects.get(username="lanhdao").person
    answer = responsible_leader(unit(HOAN_KIEM), at=timezone.localdate(), organization=hanoi)
    assert answer.leader == lanhdao
    assert answer.via == "direct"
    # The ward's party committee is routed to the same leader through its locality.
    agency = Agency.objects.get(organization=hanoi, name="Đảng ủy Phường Hoàn Kiếm")
    assert agency.kind == AgencyKind.PARTY_COMMITTEE
    assert agency.locality == unit(HOAN_KIEM)
    assert responsible_leader(agency, at=timezone.localdate()).leader == lanhdao


def test_a_ward_changed_leader_and_the_history_is_kept(demo):
    hanoi = committee("hanoi")
    lanhdao = User.objects.get(username="lanhdao").person
    before = responsible_leader(unit(BA_DINH), at=dt.date(2025, 9, 2), organization=hanoi)
    after = responsible_leader(unit(BA_DINH), at=dt.date(2026, 1, 1), organization=hanoi)
    assert before.via == after.via == "direct"
    assert before.leader != lanhdao
    assert before.assignment.valid_to == dt.date(2025, 12, 31)
    assert after.leader == lanhdao


def test_agencies_and_fields_have_leaders(demo):
    for code in ("hanoi", "hcmc"):
        org_ = committee(code)
        kinds = set(Agency.objects.filter(organization=org_).values_list("kind", flat=True))
        assert {AgencyKind.DEPARTMENT, AgencyKind.PARTY_COMMITTEE, AgencyKind.INVESTOR} <= kinds
        assert Assignment.objects.filter(organization=org_, agency__isnull=False).count() >= 3
        assert Assignment.objects.filter(organization=org_, field__isnull=False).count() >= 3
    totruong = User.objects.get(username="totruong").person
    assert totruong.assignments.filter(agency__kind=AgencyKind.INVESTOR).exists()


def test_every_demo_login_exists_with_its_role_and_organisation(demo):
    assert len(DEMO_LOGINS) == 7
    for login in DEMO_LOGINS:
        user = User.objects.select_related("organization").get(username=login.username)
        assert user.role == login.role
        assert user.organization.code == login.city
        assert user.check_password(settings.COSO_DEMO_PASSWORD)
        assert user.get_full_name()
        assert Person.objects.get(user=user).organization_id == user.organization_id
    hanoi, hcmc = committee("hanoi"), committee("hcmc")
    assert User.objects.get(username="bithu").person == hanoi.default_leader
    assert User.objects.get(username="hoankiem").agency.locality == unit(HOAN_KIEM)
    assert User.objects.get(username="vanphong").person.position == "Chuyên viên Văn phòng Thành ủy"
    assert not User.objects.get(username="vanphong").person.assignments.exists()
    for username in ("lanhdao", "totruong"):
        person = User.objects.get(username=username).person
        assert person.memberships.filter(body__kind=BodyKind.STANDING_COMMITTEE).exists()
        assert person.assignments.filter(locality__isnull=False).count() >= 8
    assert User.objects.get(username="totruong").organization == hcmc


def test_if_empty_on_a_loaded_database_changes_nothing(demo):
    counts = (AuditEvent.objects.count(), Assignment.objects.count(), Person.objects.count())
    out = StringIO()
    call_command("demo", "--if-empty", stdout=out)
    assert (AuditEvent.objects.count(), Assignment.objects.count(), Person.objects.count()) == counts
    assert out.getvalue() == ""


def test_without_a_flag_a_loaded_database_is_left_alone(demo):
    counts = (AuditEvent.objects.count(), Assignment.objects.count())
    out = StringIO()
    call_command("demo", stdout=out)
    assert "đã có" in out.getvalue()
    assert (AuditEvent.objects.count(), Assignment.objects.count()) == counts


def test_print_logins_prints_every_login_and_the_password(demo):
    out = StringIO()
    call_command("demo", "--print-logins", stdout=out)
    text = out.getvalue()
    assert f"Tài khoản demo (mật khẩu: {settings.COSO_DEMO_PASSWORD})" in text
    for login in DEMO_LOGINS:
        assert f"  {login.username} " in text
    assert "Lương Đức Thịnh" in text


def test_registered_steps_run_after_the_organisation_with_the_context(demo):
    (context,) = demo["contexts"]
    assert set(context.committees) == {"hanoi", "hcmc"}
    assert context.users["lanhdao"].person == context.people["lanhdao"]
    assert (
        context.people["hanoi.secretary"]
        == context.people["bithu"]
        == context.committees["hanoi"].default_leader
    )
    assert len(context.standing_committee["hcmc"]) == 17
