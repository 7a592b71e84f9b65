"""The visit pages and API for each role: who sees and edits what, someone else's visit is 404, the lists
agree (page, API, export), and their query counts stay flat as the data grows."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from core.models import AuditEvent
from core.testing import Operation, assert_flat_queries, assert_same_rows, permission_matrix
from fieldwork.choices import SpeakerKind, VisitStatus
from fieldwork.models import Opinion, Visit

pytestmark = pytest.mark.django_db

OPINION = {"speaker_kind": "citizen", "kind": "proposal", "content": "Đề nghị sửa cống thoát nước"}


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_permission_matrix(roles, make_visit):
    visit = make_visit(days_ago=2, carried_out=True, opinions=[SpeakerKind.CITIZEN])
    opinion = Opinion.objects.get(visit=visit)
    base = f"/fieldwork/visits/{visit.pk}/"
    api = f"/api/v1/fieldwork/visits/{visit.pk}"
    everyone = dict.fromkeys(roles, 200)
    detail = {**everyone, "vanphonghcm": 404}
    edits = {
        "vanphong": 200,
        "bithu": 404,
        "lanhdao": 200,
        "hoankiem": 404,
        "kiemtra": 404,
        "vanphonghcm": 404,
    }
    posts = {k: 302 if v == 200 else 404 for k, v in edits.items()}
    api_posts = {k: 201 if v == 200 else 404 for k, v in edits.items()}
    office_view = {**everyone, "lanhdao": 404, "hoankiem": 404}
    planners = {**everyone, "hoankiem": 404, "kiemtra": 404}
    version = {"version": visit.version}
    ops = [
        Operation("visit list", "GET", "/fieldwork/visits/", everyone),
        Operation("visit page", "GET", base, detail),
        Operation("edit page", "GET", f"{base}edit/", edits),
        Operation("plan page", "GET", "/fieldwork/visits/new/", planners),
        Operation("record opinion", "POST", f"{base}opinions/", posts, data=OPINION),
        Operation(
            "archive opinion",
            "POST",
            f"/fieldwork/opinions/{opinion.pk}/archive/",
            posts,
            data={"version": opinion.version},
        ),
        Operation("archive visit", "POST", f"{base}archive/", posts, data=version),
        Operation("one-side page", "GET", "/fieldwork/visits/one-side/", office_view),
        Operation("opinion search", "GET", "/fieldwork/opinions/?q=cong", everyone),
        Operation("api visit", "GET", api, detail),
        Operation("api opinions", "GET", f"{api}/opinions", detail),
        Operation("api record opinion", "POST", f"{api}/opinions", api_posts, json=OPINION),
        Operation(
            "api patch",
            "PATCH",
            api,
            {k: 200 if v == 201 else 404 for k, v in api_posts.items()},
            json=version,
        ),
        Operation("api one-side", "GET", "/api/v1/fieldwork/one-side-visits", office_view),
        Operation("api search", "GET", "/api/v1/fieldwork/opinions/?q=cong", everyone),
    ]
    assert permission_matrix(roles, ops) == []


def test_someone_elses_visit_is_not_found_like_a_missing_one(roles, make_visit, other_leader_user):
    visit = make_visit(days_ago=2, leader=other_leader_user, agencies=[])
    leader = login(roles["lanhdao"])
    for url in (f"/fieldwork/visits/{visit.pk}/", f"/fieldwork/visits/{visit.pk + 1000}/"):
        assert leader.get(url).status_code == 404
    assert leader.get(f"/api/v1/fieldwork/visits/{visit.pk}").status_code == 404
    outsider = login(roles["vanphonghcm"])
    assert outsider.get(f"/api/v1/fieldwork/visits/{visit.pk}").status_code == 404
    assert outsider.get("/api/v1/fieldwork/visits/").json()["count"] == 0


def test_a_leader_plans_carries_out_and_gives_a_directive_on_the_pages(roles, hoan_kiem_agency, land):
    from conftest import HOAN_KIEM, unit

    leader = login(roles["lanhdao"])
    day = timezone.localdate() - dt.timedelta(days=1)
    response = leader.post(
        "/fieldwork/visits/new/",
        {
            "purpose": "Đi cơ sở Phường Hoàn Kiếm",
            "starts_at": f"{day:%d/%m/%Y} 08:00",
            "ends_at": f"{day:%d/%m/%Y} 11:30",
            "localities": [unit(HOAN_KIEM).pk],
            "agencies": [hoan_kiem_agency.pk],
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    visit = Visit.objects.get()
    assert visit.leader_id == roles["lanhdao"].person.pk
    page = leader.get(visit.get_absolute_url()).content.decode()
    assert "Tài liệu chuẩn bị" in page and "Chuẩn bị tài liệu" in page
    assert (
        leader.post(f"/fieldwork/visits/{visit.pk}/briefing/", {"version": visit.version}).status_code == 302
    )
    visit.refresh_from_db()
    for speaker in ("citizen", "business", "cadre"):
        data = {**OPINION, "speaker_kind": speaker, "topic": land.pk}
        assert leader.post(f"/fieldwork/visits/{visit.pk}/opinions/", data).status_code == 302
    bad = leader.post(f"/fieldwork/visits/{visit.pk}/opinions/", {**OPINION, "speaker_kind": ""})
    assert bad.status_code == 400
    response = leader.post(f"/fieldwork/visits/{visit.pk}/carry-out/", {"version": visit.version})
    assert response.status_code == 200 and "Trường này là bắt buộc." in response.content.decode()
    response = leader.post(
        f"/fieldwork/visits/{visit.pk}/carry-out/", {"version": visit.version, "findings": "Ổn định"}
    )
    assert response.status_code == 302
    deadline = (timezone.localdate() + dt.timedelta(days=20)).strftime("%d/%m/%Y")
    response = leader.post(
        f"/fieldwork/visits/{visit.pk}/directives/",
        {"content": "Giao phường khảo sát cống", "lead_unit": hoan_kiem_agency.pk, "deadline": deadline},
    )
    assert response.status_code == 302
    visit.refresh_from_db()
    assert visit.status == VisitStatus.CARRIED_OUT and visit.sides_heard == 3
    page = leader.get(visit.get_absolute_url()).content.decode()
    assert "Giao phường khảo sát cống" in page and "Nghe 3/6 chiều ý kiến" in page
    kinds = set(AuditEvent.objects.filter(object_id=str(visit.pk)).values_list("kind", flat=True))
    assert {"visit.planned", "visit.briefing", "visit.status"} <= kinds
    assert AuditEvent.objects.filter(kind="opinion.recorded").count() == 3


def test_the_cancel_form_needs_a_reason(roles, make_visit):
    visit = make_visit(days_ago=-3)
    office = login(roles["vanphong"])
    response = office.post(f"/fieldwork/visits/{visit.pk}/cancel/", {"version": visit.version, "reason": ""})
    assert response.status_code == 200
    assert Visit.objects.get().status == VisitStatus.PLANNED
    office.post(f"/fieldwork/visits/{visit.pk}/cancel/", {"version": visit.version, "reason": "Mưa bão"})
    assert Visit.objects.get().status == VisitStatus.CANCELLED


def test_the_visit_list_agrees_with_its_api_and_export(roles, make_visit, other_leader_user):
    done = make_visit(days_ago=3, carried_out=True)
    planned = make_visit(days_ago=-3)
    other = make_visit(days_ago=5, leader=other_leader_user)
    office = login(roles["vanphong"])
    pages = {
        "page": "/fieldwork/visits/",
        "api": "/api/v1/fieldwork/visits/",
        "export": "/fieldwork/visits/export/",
    }
    assert assert_same_rows(office, "", **pages) == {done.pk, planned.pk, other.pk}
    assert assert_same_rows(office, "status=carried_out", **pages) == {done.pk}
    assert assert_same_rows(office, f"leader={other_leader_user.person.pk}", **pages) == {other.pk}
    assert assert_same_rows(office, "q=giai phong", **pages) == {done.pk, planned.pk, other.pk}
    leader = login(roles["lanhdao"])
    assert assert_same_rows(leader, "", **pages) == {done.pk, planned.pk}


def test_the_one_side_list_and_its_tallies(roles, make_visit, other_leader_user):
    one = make_visit(days_ago=3, carried_out=True, opinions=[SpeakerKind.CITIZEN, SpeakerKind.CITIZEN])
    make_visit(days_ago=4, carried_out=True, opinions=[SpeakerKind.CITIZEN, SpeakerKind.CADRE])
    office = login(roles["vanphong"])
    assert assert_same_rows(
        office, "", page="/fieldwork/visits/one-side/", api="/api/v1/fieldwork/one-side-visits"
    ) == {one.pk}
    tallies = office.get("/api/v1/fieldwork/one-side-visits/tallies").json()
    assert tallies["by_leader"][0]["visits"] == 1
    assert tallies["by_locality"][0]["localities__name"] == "Phường Hoàn Kiếm"


def test_query_counts_stay_flat(roles, make_visit):
    office = login(roles["vanphong"])
    visit = make_visit(days_ago=3, carried_out=True, opinions=[SpeakerKind.CITIZEN])
    make_visit(days_ago=4, carried_out=True, opinions=[SpeakerKind.CITIZEN])

    def grow():
        for days in (5, 6, 7):
            make_visit(days_ago=days, carried_out=True, opinions=[SpeakerKind.CITIZEN, SpeakerKind.CADRE])

    def more_opinions():
        from fieldwork.services.visits import opinion_add

        for speaker in (SpeakerKind.BUSINESS, SpeakerKind.OTHER, SpeakerKind.PARTY_MEMBER):
            opinion_add(
                actor=roles["vanphong"], visit=visit, speaker_kind=speaker, kind="praise", content="Tốt"
            )

    urls = [
        "/fieldwork/visits/",
        "/fieldwork/visits/one-side/",
        "/fieldwork/opinions/",
        "/fieldwork/opinions/?q=giai quyet",
        "/api/v1/fieldwork/visits/",
        "/api/v1/fieldwork/opinions/?q=den bu",
    ]
    for url in urls:
        assert_flat_queries(lambda url=url: office.get(url), grow)
    assert_flat_queries(lambda: office.get(visit.get_absolute_url()), more_opinions)
    assert_flat_queries(lambda: office.get(f"/api/v1/fieldwork/visits/{visit.pk}"), more_opinions)
