"""A leader's iCalendar feed through the API, as on its page: the office and the leader see, make and revoke
it (the same gate, `get_feed_leader_for_user`, and the same services); everyone else, and someone else's
leader, gets 404 as for a leader who does not exist; every change is on the audit trail."""

from urllib.parse import urlsplit

import pytest

from core.models import AuditAction, AuditEvent
from core.testing import Operation, permission_matrix
from fieldwork.models import CalendarFeed
from fieldwork.tests.conftest import client_for

pytestmark = pytest.mark.django_db

API = "/api/v1/fieldwork"


def _path(url: str) -> str:
    return urlsplit(url).path


def test_the_permission_matrix_of_the_feed_api_and_pages(roles, leader):
    api, page = f"{API}/leaders/{leader.pk}/feed", f"/fieldwork/leaders/{leader.pk}/feed/"
    keepers = {
        "vanphong": 200,
        "lanhdao": 200,
        "bithu": 404,
        "hoankiem": 404,
        "kiemtra": 404,
        "vanphonghcm": 404,
    }
    made = {k: 201 if v == 200 else v for k, v in keepers.items()}
    posts = {k: 302 if v == 200 else v for k, v in keepers.items()}
    ops = [
        Operation("api feed", "GET", api, keepers),
        Operation("api make", "POST", api, made, json={}),
        Operation("api revoke", "POST", f"{api}/revoke", keepers, json={}),
        Operation("feed page", "GET", page, keepers),
        Operation("make on the page", "POST", f"{page}new/", posts),
        Operation("revoke on the page", "POST", f"{page}revoke/", posts),
    ]
    assert permission_matrix(roles, ops) == []


def test_the_standing_board_member_keeps_their_own_feed(roles):
    secretary = roles["bithu"]
    client = client_for(secretary)
    url = f"{API}/leaders/{secretary.person.pk}/feed"
    assert client.get(url).json()["exists"] is False
    assert client.post(url, content_type="application/json").status_code == 201


def test_someone_elses_leader_is_not_found_like_a_missing_one(roles, other_leader):
    leader = client_for(roles["lanhdao"])
    answers = [
        (leader.get(f"{API}/leaders/{pk}/feed"), leader.post(f"{API}/leaders/{pk}/feed"))
        for pk in (other_leader.pk, other_leader.pk + 1000)
    ]
    assert [(g.status_code, p.status_code) for g, p in answers] == [(404, 404), (404, 404)]
    assert answers[0][0].json() == answers[1][0].json()
    outsider = client_for(roles["vanphonghcm"])
    assert outsider.post(f"{API}/leaders/{other_leader.pk}/feed/revoke").status_code == 404
    assert not CalendarFeed.objects.exists()


def test_make_replace_and_revoke_a_feed(roles, leader, add_entry):
    from fieldwork.tests.conftest import at

    add_entry(leader, at(2026, 12, 3, 8), at(2026, 12, 3, 12))
    client = client_for(roles["lanhdao"])
    url = f"{API}/leaders/{leader.pk}/feed"
    empty = client.get(url).json()
    assert empty == {
        "leader": {"id": leader.pk, "name": leader.full_name},
        "exists": False,
        "url": None,
        "created_at": None,
    }

    first = client.post(url)
    assert first.status_code == 201 and first.json()["exists"] is True
    address = first.json()["url"]
    assert address.startswith("http://testserver/fieldwork/feeds/") and address.endswith(".ics")
    assert client.get(url).json()["url"] == address  # the same address, for those who may see it
    anonymous = client_for(roles["kiemtra"])  # any client reads the secret address
    body = anonymous.get(_path(address))
    assert body.status_code == 200 and b"BEGIN:VEVENT" in body.content

    second = client_for(roles["vanphong"]).post(url).json()
    assert second["url"] != address
    assert anonymous.get(_path(address)).status_code == 404  # replaced: the old one no longer works
    assert anonymous.get(_path(second["url"])).status_code == 200

    revoked = client.post(f"{url}/revoke")
    assert revoked.status_code == 200 and revoked.json()["exists"] is False
    assert anonymous.get(_path(second["url"])).status_code == 404
    assert client.get(url).json()["exists"] is False

    events = list(
        AuditEvent.objects.filter(content_type__model="calendarfeed")
        .order_by("at", "id")
        .values_list("action", "actor__username")
    )
    assert events == [
        (AuditAction.CREATE, "lanhdao"),
        (AuditAction.ARCHIVE, "vanphong"),  # the first address revoked by the new one
        (AuditAction.CREATE, "vanphong"),
        (AuditAction.ARCHIVE, "lanhdao"),
    ]
    # Revoking when there is no live feed changes nothing and writes nothing.
    assert client.post(f"{url}/revoke").json()["exists"] is False
    assert AuditEvent.objects.filter(content_type__model="calendarfeed").count() == 4


def test_the_page_and_the_api_show_the_same_address(roles, leader):
    office = client_for(roles["vanphong"])
    made = office.post(f"{API}/leaders/{leader.pk}/feed").json()
    page = office.get(f"/fieldwork/leaders/{leader.pk}/feed/").content.decode()
    assert f'value="{made["url"]}"' in page
