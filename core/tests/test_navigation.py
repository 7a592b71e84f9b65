"""The navigation: a few groups that fit on one line, the group of the current page marked active."""

import re

from django.test import Client


def page_for(user, url: str) -> str:
    client = Client()
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def active_groups(html: str) -> list[str]:
    return re.findall(r'<li class="nav-item dropdown active">\s*<a [^>]*data-testid="nav-([a-z_]+)"', html)


def test_each_page_marks_its_group(office):
    assert active_groups(page_for(office, "/followup/notices/")) == ["followup"]
    assert active_groups(page_for(office, "/incidents/map/")) == ["incident_menu"]
    assert active_groups(page_for(office, "/org/units/")) == ["organisation"]
    assert active_groups(page_for(office, "/")) == []


def test_the_current_page_is_marked_for_screen_readers(office):
    html = page_for(office, "/incidents/statistics/")
    assert re.search(r'href="/incidents/statistics/" aria-current="page"', html)
    assert html.count('aria-current="page"') == 1


def test_the_groups_follow_the_role(office, leader_user, viewer, make_user, hanoi):
    office_nav = page_for(office, "/")
    for group in ("mine", "followup", "incident_menu", "organisation", "admin"):
        assert f'data-testid="nav-{group}"' in office_nav
    assert 'href="/followup/notices/"' in office_nav and 'href="/accounts/users/"' in office_nav
    leader_nav = page_for(leader_user, "/")
    assert 'data-testid="nav-followup"' in leader_nav and 'data-testid="nav-admin"' not in leader_nav
    no_role_nav = page_for(make_user("", hanoi, "norole"), "/")
    assert 'data-testid="nav-organisation"' in no_role_nav
    assert 'data-testid="nav-followup"' not in no_role_nav and 'data-testid="nav-mine"' not in no_role_nav
