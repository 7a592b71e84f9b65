"""The one scoping mechanism (core.scoping.visible) under each role's rules.

Organisation reference data is visible to every member; later apps' records use locality and agency
paths. Here the rules are exercised on agencies through an explicit record-style ScopeSpec.
"""

import datetime as dt

import pytest

from accounts.choices import Role
from conftest import BA_DINH, HANOI, HOAN_KIEM, unit
from core.scoping import Reach, ScopeSpec, register_reach_provider, visible
from org.models import AdministrativeUnit, Agency
from org.services import agency_create

RECORDS = ScopeSpec(locality="locality", agency="id")
D = dt.date


@pytest.fixture
def agencies(hanoi, hcmc, hoan_kiem_agency):
    ward_office = agency_create(
        actor=None,
        organization=hanoi,
        code="VP-HK",
        name="Văn phòng Đảng ủy Hoàn Kiếm",
        kind="party_committee",
        parent=hoan_kiem_agency,
    )
    ba_dinh = agency_create(
        actor=None,
        organization=hanoi,
        code="DU-BD",
        name="Đảng ủy Phường Ba Đình",
        kind="party_committee",
        locality=unit(BA_DINH),
    )
    department = agency_create(
        actor=None, organization=hanoi, code="SXD", name="Sở Xây dựng", kind="department"
    )
    other = agency_create(actor=None, organization=hcmc, code="SXD", name="Sở Xây dựng TP", kind="department")
    return {
        "hk": hoan_kiem_agency,
        "hk_office": ward_office,
        "ba_dinh": ba_dinh,
        "department": department,
        "other": other,
    }


def names(qs):
    return sorted(a.code for a in qs)


def test_office_board_and_viewer_see_their_whole_organisation(make_user, hanoi, agencies):
    for role in (Role.OFFICE, Role.STANDING_BOARD, Role.VIEWER):
        user = make_user(role, hanoi)
        assert names(visible(Agency.objects.all(), user, RECORDS)) == ["DU-BD", "DU-HK", "SXD", "VP-HK"]


def test_leader_sees_what_they_are_assigned_and_below(leader_user, agencies, assign):
    assert names(visible(Agency.objects.all(), leader_user, RECORDS)) == []
    assign(leader_user.person, unit(HOAN_KIEM), D(2025, 7, 1))
    leader_user._coso_reach = None  # reach is cached per request
    assert names(visible(Agency.objects.all(), leader_user, RECORDS)) == ["DU-HK"]
    assign(leader_user.person, agencies["department"], D(2025, 7, 1))
    leader_user._coso_reach = None
    assert names(visible(Agency.objects.all(), leader_user, RECORDS)) == ["DU-HK", "SXD"]


def test_leader_assigned_the_province_reaches_every_commune(leader_user, agencies, assign):
    assign(leader_user.person, unit(HANOI, level=1), D(2025, 7, 1))
    assert names(visible(Agency.objects.all(), leader_user, RECORDS)) == ["DU-BD", "DU-HK"]


def test_past_assignments_do_not_give_reach(leader_user, agencies, assign):
    assign(leader_user.person, unit(HOAN_KIEM), D(2020, 1, 1), D(2020, 12, 31))
    assert names(visible(Agency.objects.all(), leader_user, RECORDS)) == []


def test_focal_point_sees_their_unit_its_subunits_and_its_locality(focal_user, agencies):
    assert names(visible(Agency.objects.all(), focal_user, RECORDS)) == ["DU-HK", "VP-HK"]
    spec = ScopeSpec(organization=None, unit_path="path", locality="id")
    reached = visible(AdministrativeUnit.objects.all(), focal_user, spec)
    assert [u.code for u in reached] == [HOAN_KIEM]


def test_no_role_no_organisation_and_anonymous_see_nothing(make_user, hanoi, agencies):
    from django.contrib.auth.models import AnonymousUser

    assert not visible(Agency.objects.all(), make_user("", hanoi), RECORDS).exists()
    assert not visible(Agency.objects.all(), make_user(Role.OFFICE, None), RECORDS).exists()
    assert not visible(Agency.objects.all(), AnonymousUser(), RECORDS).exists()


def test_reference_data_is_visible_to_every_member_but_never_across_organisations(
    focal_user, office_hcmc, agencies
):
    assert names(visible(Agency.objects.all(), focal_user)) == ["DU-BD", "DU-HK", "SXD", "VP-HK"]
    assert names(visible(Agency.objects.all(), office_hcmc)) == ["SXD"]
    hanoi_units = visible(AdministrativeUnit.objects.all(), focal_user)
    assert hanoi_units.count() == 127
    assert not hanoi_units.filter(parent__code=79, parent__level=1).exists()


def test_a_registered_reach_provider_widens_reach(leader_user, agencies):
    def reach_department(user, reach: Reach):
        if user.pk == leader_user.pk:
            reach.agency_ids.add(agencies["department"].pk)

    from core import scoping

    register_reach_provider(reach_department)
    try:
        assert names(visible(Agency.objects.all(), leader_user, RECORDS)) == ["SXD"]
    finally:
        scoping._providers.remove(reach_department)


def test_more_agency_paths_and_people_paths(hanoi, leader_user, focal_user, agencies, make_user):
    """A record reached through a second agency path, or because the user is the person named on it."""
    from org.models import Person

    other_leader = make_user(Role.STANDING_MEMBER, hanoi, person=True)
    # Reached only through the further path: the agencies whose parent the focal point of DU-HK reaches.
    spec = ScopeSpec(more_agencies=("parent",))
    assert names(visible(Agency.objects.all(), focal_user, spec)) == ["VP-HK"]
    assert not visible(Agency.objects.all(), focal_user, ScopeSpec()).exists()
    people_spec = ScopeSpec(people=("id",))
    assert [p.pk for p in visible(Person.objects.all(), leader_user, people_spec)] == [leader_user.person.pk]
    assert [p.pk for p in visible(Person.objects.all(), other_leader, people_spec)] == [
        other_leader.person.pk
    ]
    assert not visible(Person.objects.all(), focal_user, people_spec).exists()
