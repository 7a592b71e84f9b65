"""The calendar API and pages per role: the office keeps every calendar, a leader their own, the Standing
Board and viewers read, a focal point and another city's office see nothing (404 as for a missing record);
the iCal feed parsed back; flat query counts."""

import datetime as dt

import icalendar
import pytest
import time_machine

from core.testing import assert_flat_queries, assert_same_rows
from fieldwork.choices import EntryKind
from fieldwork.models import CalendarEntry, EntryDay
from fieldwork.tests.conftest import at, client_for

pytestmark = pytest.mark.django_db

API = "/api/v1/fieldwork"


@pytest.fixture
def entry(add_entry, leader):
    return add_entry(leader, at(2026, 12, 3, 8), at(2026, 12, 3, 12))


@pytest.fixture
def users(office, secretary, leader_user, focal_user, viewer, office_hcmc):
    return {
        "vanphong": office,
        "bithu": secretary,
        "lanhdao": leader_user,
        "hoankiem": focal_user,
        "kiemtra": viewer,
        "vanphonghcm": office_hcmc,
    }


def test_who_sees_an_entry(users, entry):
    seen = {}
    for name, user in users.items():
        client = client_for(user)
        seen[name] = (
            client.get(f"/fieldwork/entries/{entry.pk}/").status_code,
            client.get(f"{API}/entries/{entry.pk}").status_code,
        )
    assert seen == {
        "vanphong": (200, 200),
        "bithu": (200, 200),
        "lanhdao": (200, 200),
        "hoankiem": (404, 404),
        "kiemtra": (200, 200),
        "vanphonghcm": (404, 404),
    }
    missing = client_for(users["vanphong"]).get(f"{API}/entries/999999")
    assert missing.status_code == 404
    assert client_for(users["vanphonghcm"]).get(f"{API}/entries/{entry.pk}").json() == missing.json()


def test_who_writes_an_entry(users, entry, other_leader):
    payload = {
        "kind": "meeting",
        "title": "Họp giao ban",
        "starts_at": "2026-12-07T08:00:00+07:00",
        "ends_at": "2026-12-07T09:30:00+07:00",
        "chaired": True,
    }
    answers = {}
    for name, user in users.items():
        client = client_for(user)
        body = {**payload, "leader": entry.leader_id}
        created = client.post(f"{API}/entries/", body, content_type="application/json")
        archived = client.post(
            f"{API}/entries/{entry.pk}/archive", {"version": entry.version}, content_type="application/json"
        )
        if archived.status_code == 200:
            entry.refresh_from_db()
            client.post(
                f"{API}/entries/{entry.pk}/restore",
                {"version": entry.version},
                content_type="application/json",
            )
            entry.refresh_from_db()
        answers[name] = (created.status_code, archived.status_code)
    assert answers == {
        "vanphong": (201, 200),
        "bithu": (404, 404),
        "lanhdao": (201, 200),
        "hoankiem": (404, 404),
        "kiemtra": (404, 404),
        "vanphonghcm": (404, 404),
    }
    # A leader cannot write someone else's calendar.
    response = client_for(users["lanhdao"]).post(
        f"{API}/entries/", {**payload, "leader": other_leader.pk}, content_type="application/json"
    )
    assert response.status_code == 404


def test_a_leader_sees_only_their_own_calendar(leader_user, add_entry, leader, other_leader):
    mine = add_entry(leader, at(2026, 12, 3, 8), at(2026, 12, 3, 12))
    theirs = add_entry(other_leader, at(2026, 12, 3, 8), at(2026, 12, 3, 12))
    client = client_for(leader_user)
    assert client.get(f"/fieldwork/entries/{theirs.pk}/").status_code == 404
    rows = client.get(f"{API}/calendar?from=2026-12-01&to=2026-12-07").json()
    assert [r["entry_id"] for r in rows] == [mine.pk]
    assert client.get(f"{API}/calendar?leader={other_leader.pk}").status_code == 404
    assert client.get(f"{API}/share?leader={other_leader.pk}&period=2026-12").status_code == 404
    assert client.get(f"{API}/shares?period=2026-12").status_code == 404


def test_bad_input_gets_a_vietnamese_422_and_nothing_is_saved(office, leader):
    client = client_for(office)
    base = {"leader": leader.pk, "kind": "field_visit", "title": "Đi cơ sở"}
    cases = [
        ({"starts_at": "2026-12-03T12:00:00+07:00", "ends_at": "2026-12-03T08:00:00+07:00"}, "ends_at"),
        ({"starts_at": "2026-12-01T08:00:00+07:00", "ends_at": "2027-01-05T08:00:00+07:00"}, "ends_at"),
        (
            {
                "starts_at": "2026-12-01T08:00:00+07:00",
                "ends_at": "2026-12-01T09:00:00+07:00",
                "recurrence": "FREQ=HOURLY;COUNT=5000",
            },
            "recurrence",
        ),
    ]
    for extra, field in cases:
        response = client.post(f"{API}/entries/", {**base, **extra}, content_type="application/json")
        assert response.status_code == 422
        assert field in response.json()["errors"]
    assert not CalendarEntry.objects.exists()
    for period in ("2027-13", "2020-01-01..2031-01-01", "hôm qua"):
        response = client.get(f"{API}/share", {"leader": leader.pk, "period": period})
        assert response.status_code == 422 and "period" in response.json()["errors"]
        assert "Kỳ" in response.json()["detail"]


@time_machine.travel(dt.datetime(2027, 1, 15, 9, tzinfo=dt.UTC), tick=False)
def test_the_share_api(office, leader, add_entry):
    add_entry(leader, at(2026, 12, 3, 8), at(2026, 12, 4, 17))
    body = client_for(office).get(f"{API}/share?leader={leader.pk}&period=2026-12").json()
    assert body["running"] is False and body["working_days_left"] == 0
    assert body["field_hours"] == 16.0 and body["available_hours"] == 184.0
    assert body["target"] == "1/3" and body["share_percent"] == round(200 / 23, 1)
    assert body["hours_needed"] == round((184 * 60 / 3 - 960) / 60, 1)
    shares = client_for(office).get(f"{API}/shares?period=2026-12&sort=-share").json()
    assert shares[0]["leader"]["id"] == leader.pk
    meetings = client_for(office).get(f"{API}/meetings?period=2026-12").json()
    assert meetings["previous_period"] == "2026-11" and meetings["total"]["count"] == 0


def test_overlaps_are_flagged(office, leader, add_entry):
    a = add_entry(leader, at(2026, 12, 3, 8), at(2026, 12, 3, 11))
    b = add_entry(leader, at(2026, 12, 3, 10), at(2026, 12, 3, 12), kind=EntryKind.MEETING)
    c = add_entry(leader, at(2026, 12, 3, 14), at(2026, 12, 3, 15), kind=EntryKind.MEETING)
    rows = client_for(office).get(f"{API}/calendar?leader={leader.pk}&from=2026-12-03&to=2026-12-03").json()
    assert {r["entry_id"]: r["overlaps"] for r in rows} == {a.pk: True, b.pk: True, c.pk: False}
    page = client_for(office).get(f"/fieldwork/entries/{a.pk}/")
    assert b.title in page.content.decode() and 'data-testid="overlaps"' in page.content.decode()


def test_the_calendar_api_expands_series(office, leader, add_entry):
    add_entry(
        leader,
        at(2026, 12, 1, 8),
        at(2026, 12, 1, 9),
        kind=EntryKind.MEETING,
        recurrence="FREQ=WEEKLY;COUNT=10",
    )
    rows = client_for(office).get(f"{API}/calendar?leader={leader.pk}&from=2026-12-01&to=2026-12-31").json()
    assert len(rows) == 5 and all(r["recurring"] for r in rows)
    assert rows[1]["start"].startswith("2026-12-08T08:00:00+07:00")
    too_wide = client_for(office).get(f"{API}/calendar?from=2026-01-01&to=2027-06-01")
    assert too_wide.status_code == 422


def test_list_parity_and_flat_queries(office, leader, other_leader, add_entry):
    first = add_entry(leader, at(2026, 12, 3, 8), at(2026, 12, 3, 12))
    add_entry(other_leader, at(2026, 12, 3, 8), at(2026, 12, 3, 12), kind=EntryKind.MEETING)
    client = client_for(office)
    assert assert_same_rows(
        client,
        f"leader={leader.pk}&kind=field_visit",
        page="/fieldwork/entries/",
        api=f"{API}/entries/",
        export="/fieldwork/entries/export/",
    ) == {first.pk}

    def grow():
        for n in range(5):
            add_entry(
                leader, at(2026, 12, 8 + n, 8), at(2026, 12, 8 + n, 12), recurrence="FREQ=DAILY;COUNT=2"
            )
            add_entry(other_leader, at(2026, 12, 8 + n, 8), at(2026, 12, 8 + n, 12), kind=EntryKind.MEETING)

    urls = [
        "/fieldwork/entries/",
        f"{API}/entries/",
        f"{API}/calendar?from=2026-12-01&to=2026-12-31",
        "/fieldwork/share/?period=2026-12",
        f"{API}/shares?period=2026-12",
        "/fieldwork/calendar/",
    ]
    before = [len_queries(client, url) for url in urls]
    grow()
    after = [len_queries(client, url) for url in urls]
    assert before == after
    assert_flat_queries(lambda: client.get(f"/fieldwork/entries/{first.pk}/"), grow)


def len_queries(client, url):
    from core.testing import count_queries

    response = None

    def get():
        nonlocal response
        response = client.get(url)

    count = count_queries(get)
    assert response.status_code == 200, url
    return count


def test_the_pages_render(office, leader_user, leader, add_entry, secretary):
    entry = add_entry(leader, at(2026, 12, 3, 8), at(2026, 12, 3, 12))
    for user in (office, leader_user, secretary):
        client = client_for(user)
        for url in (
            "/fieldwork/calendar/",
            "/fieldwork/entries/",
            f"/fieldwork/entries/{entry.pk}/",
            "/fieldwork/share/",
            "/fieldwork/share/?period=2026-12",
            "/fieldwork/share/?period=bad",
        ):
            response = client.get(url)
            assert response.status_code == 200, (user.username, url)
    office_client = client_for(office)
    assert office_client.get("/fieldwork/entries/new/").status_code == 200
    assert office_client.get(f"/fieldwork/entries/{entry.pk}/edit/").status_code == 200
    assert office_client.get("/fieldwork/targets/").status_code == 200
    assert client_for(leader_user).get("/fieldwork/targets/").status_code == 404
    assert client_for(secretary).get(f"/fieldwork/entries/{entry.pk}/edit/").status_code == 404
    share_xlsx = office_client.get("/fieldwork/share/export/?period=2026-12")
    assert share_xlsx.status_code == 200 and share_xlsx["Content-Type"].startswith("application/vnd.openxml")
    calendar_page = office_client.get("/fieldwork/calendar/")
    assert "nonce-" in calendar_page["Content-Security-Policy"].split("style-src")[1].split(";")[0]
    assert 'name="csp-nonce"' in calendar_page.content.decode()
    home = client_for(leader_user).get("/")
    assert 'data-testid="fieldwork-panel"' in home.content.decode()
    # ?leader= narrows the office's table and meetings to one leader (the reports' leaders' table links here);
    # a leader's own page ignores it, and an unknown id shows every leader.
    every = office_client.get("/fieldwork/share/?period=2026-12").context["shares"]
    assert len(every) > 1
    one = office_client.get(f"/fieldwork/share/?period=2026-12&leader={leader.pk}")
    assert [s.leader.pk for s in one.context["shares"]] == [leader.pk]
    assert [r.leader.pk for r in one.context["meetings"].rows] == [leader.pk]
    assert 'data-testid="leader-filter"' in one.content.decode()
    unknown = office_client.get("/fieldwork/share/?period=2026-12&leader=999999")
    assert len(unknown.context["shares"]) == len(every)


def test_the_entry_form_creates_and_edits(leader_user, leader):
    client = client_for(leader_user)
    response = client.post(
        "/fieldwork/entries/new/",
        {
            "leader": leader.pk,
            "kind": "leave",
            "title": "Nghỉ phép",
            "starts_at": "2026-12-07T00:00",
            "ends_at": "2026-12-08T00:00",
            "all_day": "on",
        },
    )
    assert response.status_code == 302
    entry = CalendarEntry.objects.get()
    assert (entry.starts_at, entry.ends_at) == (at(2026, 12, 7), at(2026, 12, 9))
    assert EntryDay.objects.filter(entry=entry).count() == 2
    bad = client.post(
        f"/fieldwork/entries/{entry.pk}/edit/",
        {
            "leader": leader.pk,
            "kind": "leave",
            "title": "Nghỉ",
            "starts_at": "2026-12-07T10:00",
            "ends_at": "2026-12-06T10:00",
            "version": entry.version,
        },
    )
    assert bad.status_code == 200 and "kết thúc trước" in bad.content.decode()
    entry.refresh_from_db()
    assert entry.title == "Nghỉ phép"


def test_the_ical_feed(leader_user, leader, add_entry, office, other_leader, secretary):
    add_entry(
        leader,
        at(2026, 12, 1, 8),
        at(2026, 12, 1, 9),
        kind=EntryKind.MEETING,
        recurrence="FREQ=WEEKLY;UNTIL=20261229T080000",
    )
    add_entry(leader, at(2026, 12, 7), at(2026, 12, 8), kind=EntryKind.LEAVE, all_day=True, title="Nghỉ phép")
    client = client_for(leader_user)
    assert client.get(f"/fieldwork/leaders/{leader.pk}/feed/").status_code == 200
    client.post(f"/fieldwork/leaders/{leader.pk}/feed/new/")
    feed = leader.calendar_feeds.get(revoked_at__isnull=True)
    page = client.get(f"/fieldwork/leaders/{leader.pk}/feed/").content.decode()
    assert f"/fieldwork/feeds/{feed.token}.ics" in page
    anonymous = client_for(office)
    anonymous.logout()
    response = anonymous.get(f"/fieldwork/feeds/{feed.token}.ics")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    parsed = icalendar.Calendar.from_ical(response.content)
    events = {str(e["summary"]): e for e in parsed.walk("VEVENT")}
    assert events["Nghỉ phép"].decoded("dtstart") == dt.date(2026, 12, 7)
    rule = next(e for e in events.values() if "RRULE" in e)["RRULE"]
    assert rule["FREQ"] == ["WEEKLY"] and rule["UNTIL"][0] == dt.datetime(2026, 12, 29, 1, 0, tzinfo=dt.UTC)
    # Revoked and unknown tokens get the same 404.
    client.post(f"/fieldwork/leaders/{leader.pk}/feed/revoke/")
    revoked = anonymous.get(f"/fieldwork/feeds/{feed.token}.ics")
    unknown = anonymous.get("/fieldwork/feeds/nothing-here.ics")
    assert revoked.status_code == unknown.status_code == 404
    assert same_page(revoked.content, feed.token) == same_page(unknown.content, "nothing-here")
    # The address is on the leader's record for the leader and the office, not for the Standing Board.
    client.post(f"/fieldwork/leaders/{leader.pk}/feed/new/")
    live = leader.calendar_feeds.get(revoked_at__isnull=True)
    assert live.token in client.get(f"/org/people/{leader.pk}/").content.decode()
    assert live.token in client_for(office).get(f"/org/people/{leader.pk}/").content.decode()
    assert live.token not in client_for(secretary).get(f"/org/people/{leader.pk}/").content.decode()
    # Someone else's feed page is a 404 to a leader; the office manages every leader's.
    assert client.get(f"/fieldwork/leaders/{other_leader.pk}/feed/").status_code == 404
    assert client_for(office).get(f"/fieldwork/leaders/{other_leader.pk}/feed/").status_code == 200


def same_page(content: bytes, token: str) -> str:
    """A 404 page without what differs from one request to the next (the CSRF token, the address)."""
    import re

    return re.sub(r'"X-CSRFToken": "[^"]*"', "", content.decode()).replace(token, "")
