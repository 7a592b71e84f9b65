"""A walk through the demo as each of its seven logins: what a new user first sees is right.

The header names the person's post (the Secretary reads "Bí thư Thành ủy"), whoever may report an incident
finds it in the menu, every sortable list shows which way its rows run, and no form offers "---------".

The same load (the whole demo, which takes long) also shows the field visits, which rest on every app's
data: a year of visits in both cities with opinions from several sides and directives; lanhdao has carried
out visits to Phường Hoàn Kiếm and plans one there, its briefing drawn from the ward's incidents; one visit
heard one side only.
"""

import datetime as dt
import re

import pytest
from django.test import Client
from django.utils import timezone

from accounts.choices import Role
from accounts.demo import DEMO_LOGINS
from accounts.models import User
from conftest import demo_fixture
from fieldwork.choices import VisitStatus
from fieldwork.models import CalendarEntry, Opinion, Visit
from followup.models import ConclusionNotice, Directive, Obstacle, ReSupervision
from incidents.models import Incident
from org.models import AdministrativeUnit, Agency, Assignment, Person

# The post each demo login's header shows under the name.
TITLES = {
    "vanphong": "Chuyên viên Văn phòng Thành ủy",
    "bithu": "Bí thư Thành ủy",
    "lanhdao": "Ủy viên Ban Thường vụ, Trưởng Ban Tuyên giáo và Dân vận Thành ủy",
    "hoankiem": "Chánh Văn phòng Đảng ủy Phường Hoàn Kiếm",
    "kiemtra": "Chuyên viên Ủy ban Kiểm tra Thành ủy",
    "vanphonghcm": "Chuyên viên Văn phòng Thành ủy",
    "totruong": "Ủy viên Ban Thường vụ, Phó Chủ tịch Thường trực Ủy ban nhân dân Thành phố",
}


# The whole demo: every app's steps.
loaded = demo_fixture()


@pytest.fixture
def demo(loaded, db):
    return loaded


def client_for(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def test_every_demo_login_is_walked():
    assert sorted(TITLES) == sorted(login.username for login in DEMO_LOGINS)


@pytest.mark.parametrize("username", sorted(TITLES))
def test_the_header_names_the_persons_post_and_the_menu_keeps_the_role(demo, username):
    user = User.objects.select_related("person").get(username=username)
    assert user.person.position == TITLES[username]  # the post is the organisation's record of the person
    page = client_for(username).get("/").content.decode()
    [title] = re.findall(r'data-testid="user-title">([^<]*)<', page)
    assert title == TITLES[username]
    [role] = re.findall(r'data-testid="user-role">([^<]*)<', page)
    assert role == str(user.get_role_display())
    if username == "bithu":
        assert "Thành viên Thường trực" not in title


@pytest.mark.parametrize("username", sorted(TITLES))
def test_whoever_may_report_an_incident_finds_it_in_the_menu(demo, username):
    client = client_for(username)
    page = client.get("/").content.decode()
    may_report = User.objects.get(username=username).role != Role.VIEWER
    assert ('href="/incidents/new/"' in page) is may_report
    assert client.get("/incidents/new/").status_code == (200 if may_report else 404)
    if may_report:  # the entry marks itself as the page one is on
        form = client.get("/incidents/new/").content.decode()
        assert re.search(r'class="dropdown-item active" href="/incidents/new/" aria-current="page"', form)


# Every list with sortable columns: its sort keys (the default first) and those with a column heading.
SORTED_LISTS = {
    "/incidents/": (["reported", "deadline", "code"], {"reported", "deadline", "code"}),
    "/followup/obstacles/": (["raised", "deadline", "status"], {"deadline", "status"}),
    "/followup/directives/": (["deadline", "issued"], {"deadline"}),
    "/followup/resupervisions/": (["due", "checked"], {"due"}),
    "/org/agencies/": (["name", "code", "kind"], {"name", "code", "kind"}),
    "/org/units/": (["name", "code"], {"name", "code"}),
    "/accounts/users/": (["name", "username"], {"name", "username"}),
}
SHOWN = re.compile(r'sort=-?(\w+)" class="text-reset" data-sorted="(\w+)">[^<]*<span[^>]*> (.)</span>')


def shown_sort(page: str) -> tuple[str, str] | None:
    """The heading that shows a direction, if any: (its key, "asc" or "desc"), its arrow matching it."""
    shown = SHOWN.findall(page)
    assert len(shown) <= 1
    if not shown:
        return None
    [(key, direction, arrow)] = shown
    assert arrow == {"asc": "▲", "desc": "▼"}[direction]
    return key, direction


@pytest.mark.parametrize("url", sorted(SORTED_LISTS))
def test_every_list_shows_the_direction_its_rows_really_run(demo, url):
    client = client_for("vanphong")
    keys, with_column = SORTED_LISTS[url]
    for key, reverse in [(None, False), *((k, r) for k in keys for r in (False, True))]:
        query = "" if key is None else f"?sort={'-' if reverse else ''}{key}"
        response = client.get(url + query)
        assert response.status_code == 200, url + query
        ordering = response.context["page"].paginator.object_list.query.order_by
        runs = "desc" if ordering[0].startswith("-") else "asc"
        key = key or keys[0]  # no ?sort= is the default sort, and says so
        expected = (key, runs) if key in with_column else None  # a sort without a column shows no arrow
        assert shown_sort(response.content.decode()) == expected, url + query


def test_the_incident_list_runs_newest_first_and_says_so(demo):
    response = client_for("bithu").get("/incidents/")
    rows = list(response.context["page"])
    assert [i.reported_at for i in rows] == sorted((i.reported_at for i in rows), reverse=True)
    assert shown_sort(response.content.decode()) == ("reported", "desc")
    oldest = client_for("bithu").get("/incidents/?sort=-reported")
    rows = list(oldest.context["page"])
    assert [i.reported_at for i in rows] == sorted(i.reported_at for i in rows)
    assert shown_sort(oldest.content.decode()) == ("reported", "asc")


def form_pages(office: User) -> list[str]:
    """The main forms and the pages that carry forms, each with a record of the office's organisation."""
    org = office.organization
    models = (Incident, Obstacle, Directive, ReSupervision, ConclusionNotice, Person, Agency, Assignment)
    first = {model: model.objects.filter(organization=org).order_by("pk").first() for model in models}
    focal = User.objects.get(username="hoankiem")
    return [
        "/incidents/new/",
        "/incidents/",
        f"/incidents/{first[Incident].pk}/",
        "/followup/obstacles/new/",
        f"/followup/obstacles/{first[Obstacle].pk}/",
        f"/followup/obstacles/{first[Obstacle].pk}/edit/",
        "/followup/obstacles/",
        "/followup/directives/new/",
        f"/followup/directives/{first[Directive].pk}/",
        f"/followup/directives/{first[Directive].pk}/edit/",
        "/followup/directives/",
        f"/followup/resupervisions/{first[ReSupervision].pk}/record/",
        "/followup/resupervisions/",
        "/followup/notices/new/",
        f"/followup/notices/{first[ConclusionNotice].pk}/",
        "/org/agencies/new/",
        f"/org/agencies/{first[Agency].pk}/edit/",
        "/org/people/new/",
        f"/org/people/{first[Person].pk}/edit/",
        f"/org/people/{first[Person].pk}/seats/new/",
        "/org/assignments/new/",
        f"/org/assignments/{first[Assignment].pk}/edit/",
        "/accounts/users/new/",
        f"/accounts/users/{focal.pk}/",
        "/calendar/",
    ]


def test_no_form_offers_dashes_for_an_empty_choice(demo):
    office = User.objects.get(username="vanphong")
    client = client_for("vanphong")
    apps_with_blank = set()
    for url in form_pages(office):
        response = client.get(url)
        assert response.status_code == 200, url
        page = response.content.decode()
        assert "---------" not in page and "- Chọn -" not in page, url
        if re.search(r'<option value=""[^>]*>— Chọn —</option>', page):
            apps_with_blank.add(url.split("/")[1])
    # The one empty choice is really there, on the forms of every app.
    assert apps_with_blank == {"incidents", "followup", "org", "accounts"}
    incident_form = client.get("/incidents/new/").content.decode()
    for name in ("source", "field", "locality", "agency"):
        select = re.search(
            rf'<select name="{name}"[^>]*>\s*<option value=""[^>]*>([^<]*)</option>', incident_form
        )
        assert select and select.group(1) == "— Chọn —", name


# --- the field visits of the demo


def test_visits_of_the_last_year_in_both_cities(demo):
    today = timezone.localdate()
    for city in ("hanoi", "hcmc"):
        visits = Visit.objects.filter(organization=demo.committees[city])
        assert visits.filter(status=VisitStatus.CARRIED_OUT).count() >= 10
        first = timezone.localtime(visits.order_by("starts_at").first().starts_at).date()
        assert today - dt.timedelta(days=366) <= first
        sides = visits.filter(status=VisitStatus.CARRIED_OUT).values_list("sides_heard", flat=True)
        assert max(sides) >= 3
        assert Directive.objects.filter(organization=demo.committees[city], source_kind="visit").exists()
    assert Visit.objects.filter(status=VisitStatus.CARRIED_OUT, sides_heard=1).exists()
    carried = Visit.objects.filter(status=VisitStatus.CARRIED_OUT).count()
    assert CalendarEntry.objects.filter(visit__isnull=False, kind="field_visit").count() == carried
    assert Opinion.objects.count() >= 100


def test_lanhdao_visited_hoan_kiem_and_plans_to_go_again(demo):
    lanhdao = demo.people["lanhdao"]
    hoan_kiem = Visit.objects.filter(leader=lanhdao, localities__name="Phường Hoàn Kiếm")
    done = hoan_kiem.filter(status=VisitStatus.CARRIED_OUT)
    assert done.exists()
    assert done.filter(sides_heard__gte=3).exists()
    planned = hoan_kiem.get(status=VisitStatus.PLANNED)
    assert planned.starts_at > timezone.now()
    assert [s["key"] for s in planned.briefing["sections"]] == [
        "incidents",
        "directives",
        "obstacles",
        "investment",
    ]
    assert planned.briefing["sections"][0]["figures"][0]["value"] > 0  # the ward's open incidents


def test_lanhdao_is_just_under_one_third_this_quarter_with_her_visits(demo):
    """A carried-out visit takes the place of the calendar's own trip that day: the whole demo keeps the share
    the calendars were built to show."""
    from core.periods import current_quarter
    from fieldwork.selectors import calendar as calendar_selectors

    office = demo.users["vanphong"]
    shares = calendar_selectors.share_table(user=office, period=current_quarter(demo.today), today=demo.today)
    lanhdao = next(s for s in shares if s.leader == demo.people["lanhdao"])
    assert 0.30 <= float(lanhdao.share) < 1 / 3
    assert Visit.objects.filter(leader=demo.people["lanhdao"], status=VisitStatus.CARRIED_OUT).exists()


@pytest.mark.parametrize("username", sorted(TITLES))
def test_every_login_lands_on_something_to_act_on_that_it_may_open(demo, username):
    """The home page opens with what the user must act on today, from every app; each line it names
    opens for that user (nothing beyond their reach is listed)."""
    client = client_for(username)
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="today-panel"' in html and "Cần xử lý hôm nay" in html
    items = response.context["today_items"]
    assert items, f"{username} has nothing to act on"
    assert all(item["count"] > 0 for item in items)
    tones = [item["tone"] for item in items]
    assert tones == sorted(tones, key=["danger", "warning", "info"].index)  # the late ones first
    for item in items:
        assert len(item["rows"]) <= 3
        for row in item["rows"]:
            assert client.get(row["url"]).status_code == 200, (username, item["key"], row["url"])


def test_the_leaders_home_names_his_incidents_directives_and_visits(demo):
    client = client_for("lanhdao")
    keys = {item["key"]: item for item in client.get("/").context["today_items"]}
    assert {"incidents.overdue", "followup.overdue", "incidents.open"} <= set(keys)
    person = User.objects.get(username="lanhdao").person
    mine = Incident.objects.filter(responsible_leader=person, status__in=["received", "assigned", "handling"])
    assert keys["incidents.open"]["count"] >= mine.count() > 0


def test_the_home_keeps_its_query_count_as_the_work_grows(demo):
    """More overdue directives, incidents and planned visits: the same number of queries."""
    from core.testing import assert_flat_queries

    client = client_for("lanhdao")
    person = User.objects.get(username="lanhdao").person
    now = timezone.now()

    def grow():
        for n, incident in enumerate(Incident.objects.filter(responsible_leader=person)[:3]):
            incident.pk, incident.code = None, f"VV-TEST-{n}"
            incident.status, incident.resolve_due_at = "handling", now - dt.timedelta(days=2)
            incident.save()
        for directive in Directive.objects.filter(issued_by=person, closed_on__isnull=True)[:3]:
            directive.pk, directive.deadline = None, timezone.localdate() - dt.timedelta(days=5)
            directive.completed_on = None
            directive.save()
        for visit in Visit.objects.filter(leader=person, status=VisitStatus.PLANNED)[:2]:
            visit.pk, visit.starts_at = None, now + dt.timedelta(days=1)
            visit.ends_at = visit.starts_at + dt.timedelta(hours=2)
            visit.save()

    def counts():
        return {item["key"]: item["count"] for item in client.get("/").context["today_items"]}

    before = counts()
    assert_flat_queries(lambda: client.get("/"), grow)
    after = counts()
    assert after["incidents.overdue"] == before["incidents.overdue"] + 3
    assert after["followup.overdue"] > before["followup.overdue"]
    assert after["fieldwork.coming"] > before.get("fieldwork.coming", 0)


@pytest.mark.parametrize("username", ["lanhdao", "hoankiem", "vanphong"])
def test_a_wards_page_is_its_profile_with_what_each_app_knows(demo, username):
    """Phường Hoàn Kiếm's page shows its incidents (with a twelve-month trend), directives and obstacles,
    visits and opinions: the counts are those of each list filtered by the ward, for the same reader."""
    from followup.selectors import directive_list
    from incidents.selectors import incident_list

    client = client_for(username)
    user = User.objects.get(username=username)
    ward = AdministrativeUnit.objects.get(name="Phường Hoàn Kiếm")
    response = client.get(ward.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    for panel in ("unit-incidents", "unit-followup", "unit-fieldwork"):
        assert f'data-testid="{panel}"' in html, panel
    incidents = incident_list(user=user).filter(locality=ward)
    assert f'data-count="total">{incidents.count()}<' in html
    assert incidents.count() > 0
    directives = directive_list(user=user).filter(
        locality=ward, closed_on__isnull=True, completed_on__isnull=True
    )
    assert f'data-count="open">{directives.count()}<' in html
    assert html.count("<rect ") == 12  # one bar a month
    # Every line the panels name opens for this reader.
    links = set(re.findall(r'href="(/(?:incidents|followup|fieldwork|investment)/[^"?#]+/)"', html))
    assert links
    for link in links:
        assert client.get(link).status_code == 200, link


def test_a_wards_profile_keeps_its_query_count_as_its_records_grow(demo):
    from core.testing import assert_flat_queries

    client = client_for("lanhdao")
    ward = AdministrativeUnit.objects.get(name="Phường Hoàn Kiếm")

    def grow():
        for n, incident in enumerate(Incident.objects.filter(locality=ward)[:4]):
            incident.pk, incident.code = None, f"VV-PROFILE-{n}"
            incident.save()
        for directive in Directive.objects.filter(locality=ward)[:4]:
            directive.pk = None
            directive.save()

    assert_flat_queries(lambda: client.get(ward.get_absolute_url()), grow)


def test_a_wards_health_score_is_the_weighed_factors_it_shows(demo):
    """The ward's health score on its page: the incidents factor counted here from the records one by one,
    the score the weighed average of the factors shown, and the formula on the page."""
    from incidents.choices import OPEN_STATUSES
    from incidents.selectors import incident_list

    user = User.objects.get(username="lanhdao")
    ward = AdministrativeUnit.objects.get(name="Phường Hoàn Kiếm")
    html = client_for("lanhdao").get(ward.get_absolute_url()).content.decode()
    card = html[html.index('data-testid="unit-health"') :]
    row = r'data-factor="(\w+)">.*?<td class="text-end" data-score>(\d+|–)</td>'
    scores = dict(re.findall(row, card, re.S))
    assert set(scores) == {"incidents", "directives", "obstacles", "investment", "fieldwork"}

    since = timezone.now() - dt.timedelta(days=365)
    good = whole = 0
    for incident in incident_list(user=user).filter(locality=ward):
        if incident.status in OPEN_STATUSES:
            whole += 1
            good += not incident.is_overdue
        elif incident.resolved_at and incident.resolved_at >= since:
            whole += 1
            good += bool(incident.resolve_due_at and incident.resolved_at <= incident.resolve_due_at)
    assert whole > 0
    assert int(scores["incidents"]) == int(100 * good / whole + 0.5)

    weights = {"incidents": 3, "directives": 3, "obstacles": 2, "investment": 2, "fieldwork": 1}
    counted = {key: int(score) for key, score in scores.items() if score != "–"}
    expected = sum(weights[k] * s for k, s in counted.items()) / sum(weights[k] for k in counted)
    shown = int(re.search(r'data-testid="health-score">(\d+)<', card).group(1))
    assert shown == int(expected + 0.5)
    assert "fieldwork" in counted  # lanhdao has been to the ward
    assert "Cách tính điểm" in card and "trọng số 3" in card
