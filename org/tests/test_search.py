"""The searches behind the remote selects (core.forms.RemoteSelect): the org API's agency and leader lists,
searched as the user types, without diacritics, within the user's own organisation only."""

import datetime as dt

import pytest
from django.test import Client

from accounts.choices import Role
from conftest import HCMC, HOAN_KIEM, unit
from org.services import agency_create, person_create

AGENCIES = "/api/v1/org/agencies/?page_size=20&q="
LEADERS = "/api/v1/org/people/?leaders_only=true&page_size=20&q="


@pytest.fixture
def world(
    hanoi, hcmc, make_user, office, office_hcmc, leader_user, focal_user, viewer, assign, hoan_kiem_agency
):
    board = make_user(Role.STANDING_BOARD, hanoi, "bithu", person=True)
    building = agency_create(
        actor=None, organization=hanoi, code="SXD", name="Sở Xây dựng", kind="department"
    )
    agency_create(actor=None, organization=hcmc, code="SXD", name="Sở Xây dựng TP", kind="department")
    assign(leader_user.person, unit(HOAN_KIEM), dt.date(2025, 7, 1))
    clerk = person_create(actor=None, organization=hanoi, full_name="Trần Thị Lưu Trữ")  # not a leader
    other_leader = person_create(actor=None, organization=hcmc, full_name="Nguyễn Văn Lãnh Phương Nam")
    assign(other_leader, unit(HCMC, level=1).children.first(), dt.date(2025, 7, 1))
    readers = {"office": office, "board": board, "leader": leader_user, "focal": focal_user, "viewer": viewer}
    return {
        "readers": readers,
        "building": building,
        "party": hoan_kiem_agency,
        "clerk": clerk,
        "other_office": office_hcmc,
        "other_leader": other_leader,
    }


def _search(user, url):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client.get(url)


def _names(response, field="name"):
    assert response.status_code == 200, response.content
    return [item[field] for item in response.json()["items"]]


@pytest.mark.parametrize("role", ["office", "board", "leader", "focal", "viewer"])
def test_every_reader_finds_the_organisation_s_units_without_diacritics(world, role):
    user = world["readers"][role]
    assert _names(_search(user, AGENCIES + "so+xay+dung")) == ["Sở Xây dựng"]
    assert _names(_search(user, AGENCIES + "dang+uy+hoan")) == ["Đảng ủy Phường Hoàn Kiếm"]  # "đ" is "d"
    assert _names(_search(user, AGENCIES + "Xây")) == ["Sở Xây dựng"]
    assert _names(_search(user, LEADERS + "nguyen+van+lanh"), "full_name") == ["Nguyễn Văn Lãnh"]


def test_leaders_only_offers_no_one_without_an_assignment_or_a_seat(world):
    office = world["readers"]["office"]
    assert _names(_search(office, LEADERS + "luu+tru"), "full_name") == []
    assert _names(_search(office, "/api/v1/org/people/?q=luu+tru"), "full_name") == ["Trần Thị Lưu Trữ"]


def test_someone_else_s_organisation_finds_nothing_of_ours_and_we_nothing_of_theirs(world):
    other = world["other_office"]
    assert _names(_search(other, AGENCIES + "xay+dung")) == ["Sở Xây dựng TP"]
    assert _names(_search(other, AGENCIES + "hoan+kiem")) == []
    assert _names(_search(other, LEADERS + "nguyen+van+lanh"), "full_name") == ["Nguyễn Văn Lãnh Phương Nam"]
    office = world["readers"]["office"]
    assert _names(_search(office, AGENCIES + "xay+dung+tp")) == []
    assert _names(_search(office, LEADERS + "phuong+nam"), "full_name") == []


def test_a_search_needs_a_sign_in_and_pages_its_answer(world, hanoi):
    assert _search(None, AGENCIES + "xay").status_code == 401
    for n in range(25):
        agency_create(actor=None, organization=hanoi, code=f"P{n}", name=f"Phòng số {n}", kind="department")
    body = _search(world["readers"]["focal"], AGENCIES + "phong+so").json()
    assert body["count"] == 25 and len(body["items"]) == 20
