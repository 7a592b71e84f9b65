"""Who sees which project: a group's members its projects, the other city nothing, and the loop's records."""

import datetime as dt

import pytest
from django.http import Http404

from followup import selectors as followup_selectors
from followup.models import Directive, Obstacle
from investment import selectors, services

pytestmark = pytest.mark.django_db


def test_group_members_see_their_projects_and_nobody_else_does(
    group_one, group_leader, outsider, office_hcmc, office, make_project, civil_board
):
    mine = group_one.test_project
    other = make_project(investor=civil_board)
    assert set(selectors.project_list(user=group_leader)) == {mine}
    assert set(selectors.project_list(user=outsider)) == set()
    assert set(selectors.project_list(user=office_hcmc)) == {mine, other}
    assert set(selectors.project_list(user=office)) == set()  # Hanoi's office sees none of HCMC's
    with pytest.raises(Http404):
        selectors.get_project_for_user(user=group_leader, pk=other.pk)
    with pytest.raises(Http404):
        selectors.get_project_for_user(user=office, pk=mine.pk)
    assert selectors.get_group_for_user(user=group_leader, pk=group_one.pk).viewer_role == "leader"
    assert selectors.get_group_for_user(user=outsider, pk=group_one.pk).viewer_role == ""


def test_a_member_who_left_no_longer_sees_the_projects(group_one, group_leader, office_hcmc):
    member = group_one.members.get(person=group_leader.person)
    services.group_member_end(actor=office_hcmc, member=member, valid_to=dt.date(2026, 1, 31))
    group_leader.__dict__.pop("_coso_reach", None)  # reach is computed once per request
    assert set(selectors.project_list(user=group_leader)) == set()


def test_scope_by_investor_follows_new_projects(hcmc, office_hcmc, group_one, civil_board, make_project):
    services.group_update(
        actor=office_hcmc, group=group_one, version=group_one.version, investors=[civil_board]
    )
    later = make_project(investor=civil_board)
    assert set(group_one.projects.all()) == {group_one.test_project, later}


def test_session_obstacle_and_directive_reach_the_group_and_stay_in_the_city(
    group_one, group_leader, outsider, office, transport_board
):
    project = group_one.test_project
    session = services.session_create(
        actor=group_leader,
        group=group_one,
        held_on=dt.date(2026, 11, 20),
        title="Kiểm tra tiến độ giải phóng mặt bằng",
        projects=[project],
        participants=[group_leader.person],
        findings="Còn 12 hộ chưa bàn giao mặt bằng.",
    )
    obstacle = services.session_raise_obstacle(
        actor=group_leader,
        session=session,
        project=project,
        title="Vướng mặt bằng 12 hộ dân",
        description="Chưa thống nhất đơn giá bồi thường.",
        category="site_clearance",
        resolution_level="standing_committee",
    )
    assert obstacle.subject == project and obstacle.origin == session
    directive = services.session_issue_directive(
        actor=group_leader,
        session=session,
        content="Ban Quản lý dự án hoàn thành phương án bồi thường trước ngày 31/12/2026.",
        lead_unit=transport_board,
        deadline=dt.date(2026, 12, 31),
        project=project,
    )
    assert directive.source == session
    assert set(followup_selectors.obstacle_list(user=group_leader)) == {obstacle}
    assert set(followup_selectors.directive_list(user=group_leader)) == {directive}
    assert set(selectors.session_list(user=group_leader)) == {session}
    for stranger in (outsider, office):
        assert not followup_selectors.obstacle_list(user=stranger).filter(pk=obstacle.pk).exists()
        assert not followup_selectors.directive_list(user=stranger).filter(pk=directive.pk).exists()
        assert not selectors.session_list(user=stranger).exists()
    assert Obstacle.objects.count() == 1 and Directive.objects.count() == 1


def test_a_session_visits_only_the_groups_projects(group_one, group_leader, make_project, civil_board):
    elsewhere = make_project(investor=civil_board)
    with pytest.raises(Exception) as refused:
        services.session_create(
            actor=group_leader,
            group=group_one,
            held_on=dt.date(2026, 11, 20),
            title="Kiểm tra",
            projects=[elsewhere],
        )
    assert "projects" in refused.value.message_dict
