"""Org tells core's scoping what a leader and a focal point reach, through the reach registry."""

import datetime as dt

from conftest import HOAN_KIEM, unit
from core import scoping
from org.models import AdministrativeUnit, Agency
from org.reach import assignment_reach, focal_point_reach


def test_org_registers_its_reach_providers_at_start_up():
    assert assignment_reach in scoping._providers
    assert focal_point_reach in scoping._providers


def test_a_leader_reaches_their_assigned_locality_and_everything_below(leader_user, assign):
    assert scoping.reach_of(leader_user).locality_ids == set()
    ward = unit(HOAN_KIEM)
    assign(leader_user.person, ward, dt.date(2025, 7, 1))
    leader_user._coso_reach = None  # reach is cached per request
    below = set(AdministrativeUnit.objects.filter(path__startswith=ward.path).values_list("id", flat=True))
    reach = scoping.reach_of(leader_user)
    assert reach.locality_ids == below
    assert ward.pk in reach.locality_ids
    assert reach.agency_ids == set()


def test_an_ended_assignment_gives_no_reach(leader_user, assign):
    assign(leader_user.person, unit(HOAN_KIEM), dt.date(2025, 7, 1), dt.date(2025, 7, 31))
    assert scoping.reach_of(leader_user).locality_ids == set()


def test_a_focal_point_reaches_their_unit_and_its_locality(focal_user, hoan_kiem_agency):
    reach = scoping.reach_of(focal_user)
    assert reach.agency_ids == {hoan_kiem_agency.pk}
    ward = unit(HOAN_KIEM)
    assert reach.locality_ids == set(
        AdministrativeUnit.objects.filter(path__startswith=ward.path).values_list("id", flat=True)
    )


def test_a_focal_point_gets_no_reach_from_assignments(focal_user, hoan_kiem_agency):
    """The leaders' rule does not apply to a focal point, even one linked to a person."""
    reach = scoping.Reach()
    assignment_reach(focal_user, reach)
    assert reach == scoping.Reach()
    assert set(Agency.objects.filter(pk__in=scoping.reach_of(focal_user).agency_ids)) == {hoan_kiem_agency}
