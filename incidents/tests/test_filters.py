"""One FilterSet for the incident lists: a query string gives the same rows in the page, the API list and
the export (and in "my incidents", page and API)."""

import datetime as dt
from urllib.parse import urlencode

import pytest
from django.test import Client
from django.utils import timezone

from accounts.choices import Role
from conftest import BA_DINH, HOAN_KIEM, unit
from core.testing import assert_same_rows, count_queries
from incidents import services
from incidents.selectors import can_handle, can_reassign
from incidents.tests.test_pages import report

PAGE, API, EXPORT = "/incidents/", "/api/v1/incidents/", "/incidents/export.xlsx"


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def rows(hanoi, leader_user, focal_user, assign, hoan_kiem_agency, make_user):
    """Three incidents: an old urgent one in Hoàn Kiếm, now overdue; a fresh one in Ba Đình, on another
    leader and pressing; a fresh one in Hoàn Kiếm that lanhdao is handling."""
    assign(leader_user.person, unit(HOAN_KIEM), dt.date(2025, 7, 1))
    other = make_user(Role.STANDING_MEMBER, hanoi, "lanhdaobadinh", person=True)
    assign(other.person, unit(BA_DINH), dt.date(2025, 7, 1))
    now = timezone.now()
    old = report(
        hanoi, focal_user, title="Sụt lún mặt đường", severity="urgent", when=now - dt.timedelta(days=12)
    )
    tree = report(
        hanoi, focal_user, title="Cây đổ chắn đường", locality=unit(BA_DINH), flags={"is_pressing": True}
    )
    rubbish = report(hanoi, focal_user, title="Rác thải ùn ứ")
    rubbish = services.incident_set_status(
        actor=leader_user, incident=rubbish, version=rubbish.version, status="handling"
    )
    return {"old": old, "tree": tree, "rubbish": rubbish, "other": other}


def test_the_page_the_api_and_the_export_give_the_same_incidents(office, rows):
    client = client_for(office)
    old, tree, rubbish = rows["old"].pk, rows["tree"].pk, rows["rubbish"].pk
    today = timezone.localdate()

    def same(**query):
        return assert_same_rows(client, urlencode(query), page=PAGE, api=API, export=EXPORT)

    assert same() == {old, tree, rubbish}
    assert same(status="handling") == {rubbish}
    assert same(severity="urgent") == {old}
    assert same(overdue="1") == {old}
    assert same(overdue="0") == {old, tree, rubbish}  # "no" means "not only the overdue", as ever
    assert same(open="1", status="handling") == {rubbish}
    assert same(locality=unit(BA_DINH).pk) == {tree}
    assert same(leader=rows["other"].person.pk) == {tree}
    assert same(date_to=(today - dt.timedelta(days=5)).strftime("%d/%m/%Y")) == {old}
    assert same(date_from=(today - dt.timedelta(days=2)).isoformat()) == {tree, rubbish}
    assert same(q="đường") == {old, tree}
    assert same(q="duong") == {old, tree}  # "d" finds "đ": the search ignores diacritics
    assert same(q="rac thai", field="urban_order") == {rubbish}
    assert same(flag="is_pressing") == {tree}


def test_the_reported_days_and_the_resolution_filter_alike_in_all_three(office, rows):
    """The days an incident was reported on, and resolved / resolved by the deadline: what the leaders' table
    of the reports links to."""
    from django.db.models import F

    from incidents.models import Incident

    client = client_for(office)
    old, tree, rubbish = rows["old"], rows["tree"], rows["rubbish"]

    def same(**query):
        return assert_same_rows(client, urlencode(query), page=PAGE, api=API, export=EXPORT)

    def day(incident):
        return timezone.localtime(incident.reported_at).date()

    assert same(reported_from=day(old).strftime("%d/%m/%Y"), reported_to=day(old).isoformat()) == {old.pk}
    assert same(reported_from=day(tree).isoformat()) == {tree.pk, rubbish.pk}
    assert same(reported_to=(day(old) - dt.timedelta(days=1)).isoformat()) == set()
    # The old one resolved an hour after its deadline, the rubbish one now, well within it.
    Incident.objects.filter(pk=old.pk).update(
        status="resolved", resolved_at=F("resolve_due_at") + dt.timedelta(hours=1)
    )
    Incident.objects.filter(pk=rubbish.pk).update(status="resolved", resolved_at=timezone.now())
    assert same(resolved="1") == {old.pk, rubbish.pk}
    assert same(on_time="1") == {rubbish.pk}
    assert same(on_time="1", reported_from=day(old).isoformat(), reported_to=day(old).isoformat()) == set()
    assert same(resolved="0") == {old.pk, tree.pk, rubbish.pk}


def test_my_incidents_read_the_same_filters(leader_user, rows):
    client = client_for(leader_user)
    page, api = "/incidents/mine/", "/api/v1/incidents/mine"
    mine = {rows["old"].pk, rows["rubbish"].pk}  # the Ba Đình one is another leader's
    assert assert_same_rows(client, "", page=page, api=api) == mine
    assert assert_same_rows(client, "q=rac", page=page, api=api) == {rows["rubbish"].pk}
    assert assert_same_rows(client, "overdue=1", page=page, api=api) == {rows["old"].pk}


def test_a_bad_filter_is_dropped_by_the_page_and_refused_by_the_api(office, rows):
    client = client_for(office)
    page = client.get(PAGE, {"status": "bogus", "severity": "urgent"})
    assert [i.pk for i in page.context["page"]] == [rows["old"].pk]
    refused = client.get(API, {"status": "bogus", "severity": "urgent"})
    assert refused.status_code == 422 and "status" in refused.json()["errors"]
    assert client.get(API, {"leader": "abc"}).status_code == 422


def test_the_detail_buttons_are_pure_predicates(focal_user, leader_user, rows):
    """The page reads `can.handle` and `can.reassign` from predicates over the incident already loaded."""
    incident = rows["rubbish"]
    as_focal = client_for(focal_user).get(f"/incidents/{incident.pk}/")
    assert as_focal.context["can"] == {"handle": True, "reassign": False}
    as_leader = client_for(leader_user).get(f"/incidents/{incident.pk}/")
    assert as_leader.context["can"] == {"handle": True, "reassign": True}
    for user in (focal_user, leader_user):
        getattr(user, "person", None)  # the request's user comes with it loaded
        assert count_queries(lambda u=user: (can_handle(u, incident), can_reassign(u, incident))) == 0
