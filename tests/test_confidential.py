"""Confidential records ("Mật") on the demo, for each of the five kinds that carry the mark: an incident, an
obstacle, a directive, a visit and a project. Marked, a record is invisible to a user of the same
organisation with the same reach who is not a named reader: 404 on its page, its API, its history and its
files; absent from its list, the list's API, its export, a search, the map, the briefing and the
notifications. A named reader and a Standing Board member see it. The lists' query counts stay flat
however many records are marked."""

import datetime as dt
from dataclasses import dataclass

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from accounts.choices import Role
from accounts.models import User
from conftest import demo_fixture
from core.errors import ConflictError
from core.models import AuditEvent, Notification
from core.scoping import may_see_confidential, visible
from core.services import attachment_add, confidentiality_set, notify
from core.testing import _api_rows, _export_rows, _page_rows, count_queries
from fieldwork.models import Visit
from followup.models import Directive, Obstacle, ReSupervision
from incidents.choices import OPEN_STATUSES
from incidents.models import Incident
from investment.models import CapitalPlan, Project, ProjectLocality

loaded = demo_fixture()


@dataclass(frozen=True)
class Kind:
    name: str
    model: type
    page: str  # the record's page, with {pk}
    api: str  # the record's API, with {pk}
    list_page: str
    list_api: str
    export: str
    words: str  # the attribute whose text names the record in an answer
    edit_url: str  # the page that sets the mark
    search: str = ""  # the list's search parameter, filled with the record's words


KINDS = {
    "incident": Kind(
        "incident",
        Incident,
        "/incidents/{pk}/",
        "/api/v1/incidents/{pk}",
        "/incidents/",
        "/api/v1/incidents/",
        "/incidents/export.xlsx",
        "code",
        "/incidents/{pk}/confidential/",
        "q",
    ),
    "obstacle": Kind(
        "obstacle",
        Obstacle,
        "/followup/obstacles/{pk}/",
        "/api/v1/followup/obstacles/{pk}",
        "/followup/obstacles/",
        "/api/v1/followup/obstacles/",
        "/followup/obstacles/export.xlsx",
        "title",
        "/followup/obstacles/{pk}/confidential/",
        "q",
    ),
    "directive": Kind(
        "directive",
        Directive,
        "/followup/directives/{pk}/",
        "/api/v1/followup/directives/{pk}",
        "/followup/directives/",
        "/api/v1/followup/directives/",
        "/followup/directives/export.xlsx",
        "content",
        "/followup/directives/{pk}/confidential/",
    ),
    "visit": Kind(
        "visit",
        Visit,
        "/fieldwork/visits/{pk}/",
        "/api/v1/fieldwork/visits/{pk}",
        "/fieldwork/visits/",
        "/api/v1/fieldwork/visits/",
        "/fieldwork/visits/export/",
        "purpose",
        "/fieldwork/visits/{pk}/confidential/",
        "q",
    ),
    "project": Kind(
        "project",
        Project,
        "/investment/projects/{pk}/",
        "/api/v1/investment/projects/{pk}",
        "/investment/projects/",
        "/api/v1/investment/projects/",
        "/investment/projects/export/",
        "name",
        "/investment/projects/{pk}/confidential/",
        "q",
    ),
}


@pytest.fixture
def demo(loaded, db):
    return loaded


@pytest.fixture
def people(demo, make_user):
    """The office that marks (vanphong), a named reader and a non-reader of the same organisation with the
    same reach (both office: they see every record), the Standing Board (bithu), and the other city."""
    office = User.objects.get(username="vanphong")
    hanoi = office.organization
    return {
        "office": office,
        "reader": make_user(Role.OFFICE, hanoi, "mat_reader"),
        "other": make_user(Role.OFFICE, hanoi, "mat_other"),
        "board": User.objects.get(username="bithu"),
        "viewer": User.objects.get(username="kiemtra"),
        "other_city": User.objects.get(username="vanphonghcm"),
    }


def record_of(kind: Kind, office) -> object:
    """A record of the kind that the office sees and that shows on the maps when the kind has a layer."""
    qs = visible(kind.model.objects.active(), office).order_by("pk")
    if kind.model is Incident:
        qs = qs.filter(status__in=OPEN_STATUSES, latitude__isnull=False)
    if kind.model is Project:
        qs = qs.filter(
            is_key=True,
            pk__in=ProjectLocality.objects.filter(latitude__isnull=False).values("project_id"),
        )
    record = qs.first()
    assert record is not None, kind.name
    return record


def mark(record, actor, readers, confidential=True):
    record.refresh_from_db()
    return confidentiality_set(
        actor=actor, instance=record, confidential=confidential, readers=readers, version=record.version
    )


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def words(kind: Kind, record) -> str:
    text = str(getattr(record, kind.words))
    return text[:60]


@pytest.mark.parametrize("name", list(KINDS))
def test_a_confidential_record_is_seen_only_by_its_readers_and_the_standing_board(people, name):
    kind = KINDS[name]
    record = record_of(kind, people["office"])
    watchers = ("reader", "other", "board")
    before = {who: len(_api_rows(client_for(people[who]), kind.list_api)) for who in watchers}
    exported_before = {who: len(_export_rows(client_for(people[who]), kind.export)) for who in watchers}
    mark(record, people["office"], [people["reader"]])
    pk = record.pk
    for who, status in (
        ("reader", 200),
        ("board", 200),
        ("office", 200),  # whoever marks it stays a reader
        ("other", 404),
        ("viewer", 404),  # sees every record of the organisation, but not this one
        ("other_city", 404),
    ):
        client = client_for(people[who])
        assert client.get(kind.page.format(pk=pk)).status_code == status, (who, "page")
        assert client.get(kind.api.format(pk=pk)).status_code == status, (who, "api")
        ct = ContentType.objects.get_for_model(kind.model)
        assert client.get(f"/history/{ct.pk}/{pk}/").status_code == status, (who, "history")

    for who, sees in (("reader", True), ("board", True), ("other", False)):
        client = client_for(people[who])
        rows = _api_rows(client, kind.list_api)
        assert (pk in {row["id"] for row in rows}) is sees, (who, "api list")
        # The list's count: the non-reader lost exactly this record, the others kept it.
        assert len(rows) == before[who] - (0 if sees else 1), (who, "api count")
        page_rows = _page_rows(client, kind.list_page)
        assert (pk in {row.pk for row in page_rows}) is sees, (who, "page list")
        exported = _export_rows(client, kind.export)
        assert len(exported) == exported_before[who] - (0 if sees else 1), (who, "export")
        if kind.search:
            term = words(kind, record)[:30]
            hits = _api_rows(client, f"{kind.list_api}?{kind.search}={term}")
            assert (pk in {row["id"] for row in hits}) is sees, (who, "search")
        assert may_see_confidential(people[who], record) is sees


@pytest.mark.parametrize("name", list(KINDS))
def test_the_mark_is_audited_and_lifting_it_shows_the_record_again(people, name):
    kind = KINDS[name]
    record = record_of(kind, people["office"])
    mark(record, people["office"], [people["reader"]])
    event = AuditEvent.objects.filter(kind="record.confidentiality_changed").latest("id")
    assert event.object_id == str(record.pk)
    assert event.changes["confidential"] == [False, True]
    assert people["reader"].pk in event.changes["confidential_readers"][1]
    assert people["office"].pk in event.changes["confidential_readers"][1]
    other = client_for(people["other"])
    assert other.get(kind.api.format(pk=record.pk)).status_code == 404
    mark(record, people["office"], [], confidential=False)
    assert other.get(kind.api.format(pk=record.pk)).status_code == 200
    record.refresh_from_db()
    assert not record.confidential and not record.confidential_readers.exists()


def test_a_stale_version_is_refused_and_readers_must_be_of_the_organisation(people):
    record = record_of(KINDS["incident"], people["office"])
    stale = record.version
    mark(record, people["office"], [people["reader"]])
    with pytest.raises(ConflictError):
        confidentiality_set(
            actor=people["office"], instance=record, confidential=False, readers=[], version=stale
        )
    from django.core.exceptions import ValidationError

    record.refresh_from_db()
    with pytest.raises(ValidationError):
        mark(record, people["office"], [people["other_city"]])


@pytest.mark.parametrize("name", list(KINDS))
def test_the_page_form_and_the_api_set_the_mark_for_those_who_may_edit(people, name):
    kind = KINDS[name]
    record = record_of(kind, people["office"])
    office = client_for(people["office"])
    form = office.get(kind.edit_url.format(pk=record.pk))
    assert form.status_code == 200
    assert b"confidentiality-form" in form.content
    response = office.post(
        kind.edit_url.format(pk=record.pk),
        {"confidential": "on", "confidential_readers": [people["reader"].pk], "version": record.version},
    )
    assert response.status_code == 302, response.content[:500]
    record.refresh_from_db()
    assert record.confidential
    assert set(record.confidential_readers.values_list("pk", flat=True)) >= {people["reader"].pk}
    # The badge, on the record's page and in its list.
    page = office.get(kind.page.format(pk=record.pk))
    assert b'data-testid="confidential-badge"' in page.content
    # The API: the output says so; the readers are read and set through /confidentiality.
    api = kind.api.format(pk=record.pk)
    assert office.get(api).json()["confidential"] is True
    read = office.get(f"{api}/confidentiality").json()
    assert people["reader"].pk in {r["id"] for r in read["readers"]}
    lifted = office.put(
        f"{api}/confidentiality",
        {"confidential": False, "reader_ids": [], "version": read["version"]},
        content_type="application/json",
    )
    assert lifted.status_code == 200, lifted.content
    assert lifted.json() == {"confidential": False, "readers": [], "version": read["version"] + 1}
    stale = office.put(
        f"{api}/confidentiality",
        {"confidential": True, "reader_ids": [], "version": read["version"]},
        content_type="application/json",
    )
    assert stale.status_code == 409
    # Someone of another organisation as a reader: refused, nothing changes.
    refused = office.put(
        f"{api}/confidentiality",
        {"confidential": True, "reader_ids": [people["other_city"].pk], "version": read["version"] + 1},
        content_type="application/json",
    )
    assert refused.status_code == 422
    record.refresh_from_db()
    assert not record.confidential
    # Those who may not edit the record may not set the mark: the viewer, the other city.
    for who in ("viewer", "other_city"):
        client = client_for(people[who])
        assert client.get(kind.edit_url.format(pk=record.pk)).status_code == 404
        answer = client.put(
            f"{api}/confidentiality",
            {"confidential": True, "reader_ids": [], "version": record.version},
            content_type="application/json",
        )
        assert answer.status_code == 404
    record.refresh_from_db()
    assert not record.confidential


def test_the_city_map_leaves_out_what_the_reader_may_not_see(people):
    incident = record_of(KINDS["incident"], people["office"])
    project = record_of(KINDS["project"], people["office"])
    mark(incident, people["office"], [people["reader"]])
    mark(project, people["office"], [people["reader"]])
    for who, sees in (("reader", True), ("board", True), ("other", False)):
        client = client_for(people[who])
        incidents = client.get("/api/v1/reports/map/incidents").json()
        assert (incident.pk in {p["id"] for p in incidents["points"]}) is sees, who
        projects = client.get("/api/v1/reports/map/projects").json()
        assert (project.pk in {p["id"] for p in projects["points"]}) is sees, who
        geojson = client.get("/api/v1/incidents/map").json()
        assert (incident.pk in {f["properties"]["id"] for f in geojson["features"]}) is sees, who


def test_the_briefing_counts_a_confidential_incident_only_for_those_who_may_see_it(people):
    incident = record_of(KINDS["incident"], people["office"])
    day = incident.reported_at.date()
    period = f"{day.year}-{day.month:02d}"
    url = f"/api/v1/reports/briefing?period={period}"
    clients = {who: client_for(people[who]) for who in ("reader", "other", "board")}

    def figures(who: str) -> dict:
        answer = clients[who].get(url)
        assert answer.status_code == 200, answer.content[:300]
        return {k: v for k, v in answer.json().items() if k != "generated_at"}

    before = {who: figures(who) for who in clients}
    mark(incident, people["office"], [people["reader"]])
    # The reader's and the Board's figures are as they were; the non-reader's no longer count it.
    assert figures("reader") == before["reader"]
    assert figures("board") == before["board"]
    after = figures("other")
    assert after != before["other"]
    assert incident.code not in str(after)


def test_notifications_about_a_confidential_record_go_only_to_those_who_may_see_it(people):
    incident = record_of(KINDS["incident"], people["office"])
    mark(incident, people["office"], [people["reader"]])
    for who, sent in (("reader", True), ("board", True), ("other", False), ("viewer", False)):
        notification = notify(
            user=people[who],
            kind="incident_new",
            key=f"test:{incident.pk}:{who}",
            title=incident.title,
            url=incident.get_absolute_url(),
            record=incident,
        )
        assert (notification is not None) is sent, who
    assert not Notification.objects.filter(user=people["other"]).exists()


def test_reminders_of_a_confidential_incident_skip_those_who_may_not_see_it(people):
    from incidents.reminders import send_incident_reminders

    hanoi = people["office"].organization
    overdue = (
        Incident.objects.active()
        .filter(organization=hanoi, status__in=OPEN_STATUSES, resolve_due_at__lt=dt.datetime.now(dt.UTC))
        .order_by("pk")
        .first()
    )
    assert overdue is not None
    mark(overdue, people["office"], [])  # only the office that marks it, and the Board
    Notification.objects.all().delete()
    send_incident_reminders()
    sent = Notification.objects.filter(key__startswith=f"incident:{overdue.pk}:")
    told = set(sent.values_list("user_id", flat=True))
    assert told, "the Standing Board is still told"
    for user in User.objects.filter(pk__in=told):
        assert may_see_confidential(user, overdue), user.username


def test_an_attachment_of_a_confidential_incident_is_not_served_to_a_non_reader(people):
    incident = record_of(KINDS["incident"], people["office"])
    upload = SimpleUploadedFile("bien-ban.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    attachment = attachment_add(
        actor=people["office"], organization=incident.organization, instance=incident, upload=upload
    )
    mark(incident, people["office"], [people["reader"]])
    url = f"/incidents/{incident.pk}/files/{attachment.pk}/"
    assert client_for(people["reader"]).get(url).status_code == 200
    assert client_for(people["other"]).get(url).status_code == 404


def test_records_under_a_confidential_one_follow_it(people):
    """A visit's opinions, a project's capital plans, a directive's re-supervisions: hidden with it."""
    from fieldwork.models import Opinion

    visit = (
        visible(Visit.objects.active(), people["office"])
        .filter(pk__in=Opinion.objects.values("visit_id"))
        .first()
    )
    project = (
        visible(Project.objects.active(), people["office"])
        .filter(pk__in=CapitalPlan.objects.values("project_id"))
        .first()
    )
    directive = (
        visible(Directive.objects.all(), people["office"])
        .filter(pk__in=ReSupervision.objects.values("directive_id"))
        .first()
    )
    assert visit and project and directive
    for record in (visit, project, directive):
        mark(record, people["office"], [people["reader"]])
    for who, sees in (("reader", True), ("board", True), ("other", False)):
        user = people[who]
        assert visible(Opinion.objects.filter(visit=visit), user).exists() is sees, who
        assert visible(CapitalPlan.objects.filter(project=project), user).exists() is sees, who
        assert visible(ReSupervision.objects.filter(directive=directive), user).exists() is sees, who


@pytest.mark.parametrize("name", list(KINDS))
def test_list_query_counts_stay_flat_as_records_are_marked(people, name):
    """A reader's list (page and API) costs as many queries with one record marked as with twelve; a
    non-reader's rows are one query whatever is hidden (the readers are a subquery, never a query per row)."""
    kind = KINDS[name]
    reader = client_for(people["reader"])
    url = f"{kind.list_api}?page_size=20"
    records = list(visible(kind.model.objects.active(), people["office"]).order_by("pk")[:12])
    mark(records[0], people["office"], [people["reader"]])
    other = people["other"]
    rows = visible(kind.model.objects.all(), other).order_by("pk")
    counts_one = (
        count_queries(lambda: reader.get(url)),
        count_queries(lambda: reader.get(kind.list_page)),
        count_queries(lambda: list(rows[:20])),
    )
    for record in records[1:]:
        mark(record, people["office"], [people["reader"], people["board"]])
    counts_many = (
        count_queries(lambda: reader.get(url)),
        count_queries(lambda: reader.get(kind.list_page)),
        count_queries(lambda: list(rows[:20])),
    )
    assert counts_one == counts_many
    assert counts_many[2] == 1
    assert not {r.pk for r in rows[:20]} & {r.pk for r in records}


def test_the_working_groups_activity_counts_a_confidential_obstacle_only_for_those_who_may_see_it(people):
    """The briefing's "what the working groups did" counts the obstacles raised at sessions over the whole
    group: a confidential one is counted for its readers and the Board only."""
    from investment.models import SupervisionSession
    from investment.selectors import group_activity

    session_type = ContentType.objects.get_for_model(SupervisionSession)
    obstacle = (
        Obstacle.objects.filter(origin_type=session_type, organization=people["office"].organization)
        .order_by("pk")
        .first()
    )
    assert obstacle is not None
    session = SupervisionSession.objects.get(pk=obstacle.origin_id)
    day = session.held_on

    def obstacles(who: str) -> int:
        rows = group_activity(user=people[who], first=day, last=day)
        return sum(row["obstacles"] for row in rows if row["group"].pk == session.group_id)

    before = {who: obstacles(who) for who in ("reader", "other", "board")}
    assert before["other"] >= 1
    mark(obstacle, people["office"], [people["reader"]])
    assert obstacles("reader") == before["reader"]
    assert obstacles("board") == before["board"]
    assert obstacles("other") == before["other"] - 1


def test_the_home_actions_and_a_localitys_health_count_it_only_for_those_who_may_see_it(people):
    """ "To act on today" counts the overdue incidents the office watches; a locality's health reads its
    incidents: a confidential overdue incident counts for its readers and the Board, not for the others."""
    from django.utils import timezone

    from core.registry import actions_for, locality_health

    now = timezone.now()
    hanoi = people["office"].organization
    overdue = (
        Incident.objects.active()
        .filter(organization=hanoi, status__in=OPEN_STATUSES, resolve_due_at__lt=now, locality__isnull=False)
        .order_by("pk")
        .first()
    )
    assert overdue is not None

    def overdue_count(who: str) -> int:
        items = {item["key"]: item for item in actions_for(people[who], now)}
        return items["incidents.overdue"]["count"] if "incidents.overdue" in items else 0

    def health(who: str) -> list:
        reading = locality_health(user=people[who], unit=overdue.locality, now=now)
        return [(f["key"], f["reading"] and str(f["reading"].detail)) for f in reading["factors"]]

    before = {who: (overdue_count(who), health(who)) for who in ("reader", "other", "board")}
    mark(overdue, people["office"], [people["reader"]])
    assert (overdue_count("reader"), health("reader")) == before["reader"]
    assert (overdue_count("board"), health("board")) == before["board"]
    assert overdue_count("other") == before["other"][0] - 1
    assert health("other") != before["other"][1]
