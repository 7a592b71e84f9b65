"""Correcting, archiving and restoring an opinion heard, on its page and through the API: who may (the office,
the leader of the visit; anyone else 404 as for a missing opinion), the version read (a stale one is the
conflict message or 409, nothing saved), the audit trail, and an archived opinion out of the search and of
the visit's sides heard (so of the one-side list) until it is restored."""

import pytest
from django.utils import translation
from django.utils.html import escape

from core import audit
from core.errors import ConflictError
from core.models import AuditAction
from core.testing import Operation, assert_flat_queries, permission_matrix
from fieldwork.choices import SpeakerKind
from fieldwork.models import Opinion, Visit
from fieldwork.services import visits as services
from fieldwork.tests.conftest import client_for

pytestmark = pytest.mark.django_db

API = "/api/v1/fieldwork"
FORM = {"speaker_kind": "cadre", "kind": "information", "content": "Phường đã rà soát 42 hộ"}


def _conflict() -> str:
    with translation.override("vi"):
        return escape(ConflictError().message)


def _sides(visit) -> int:
    return Visit.objects.values_list("sides_heard", flat=True).get(pk=visit.pk)


def test_the_permission_matrix(roles, make_visit):
    visit = make_visit(days_ago=2, carried_out=True, opinions=[SpeakerKind.CITIZEN, SpeakerKind.BUSINESS])
    live, gone = Opinion.objects.filter(visit=visit).order_by("id")
    gone = services.opinion_archive(actor=roles["vanphong"], opinion=gone, version=gone.version)
    writers = {
        "vanphong": 200,
        "lanhdao": 200,
        "bithu": 404,
        "hoankiem": 404,
        "kiemtra": 404,
        "vanphonghcm": 404,
    }
    posts = {k: 302 if v == 200 else 404 for k, v in writers.items()}
    live_version, gone_version = {"version": live.version}, {"version": gone.version}
    readers = {**dict.fromkeys(writers, 200), "vanphonghcm": 404}
    ops = [
        Operation("api opinion", "GET", f"{API}/opinions/{live.pk}", readers),
        Operation("api archived opinion", "GET", f"{API}/opinions/{gone.pk}", readers),
        Operation("edit page", "GET", f"/fieldwork/opinions/{live.pk}/edit/", writers),
        Operation("archived opinion's page", "GET", f"/fieldwork/opinions/{gone.pk}/edit/", writers),
        Operation(
            "correct", "POST", f"/fieldwork/opinions/{live.pk}/edit/", posts, data={**FORM, **live_version}
        ),
        Operation("archive", "POST", f"/fieldwork/opinions/{live.pk}/archive/", posts, data=live_version),
        Operation("restore", "POST", f"/fieldwork/opinions/{gone.pk}/restore/", posts, data=gone_version),
        Operation(
            "api correct",
            "PATCH",
            f"{API}/opinions/{live.pk}",
            writers,
            json={"content": "Sửa", **live_version},
        ),
        Operation("api archive", "POST", f"{API}/opinions/{live.pk}/archive", writers, json=live_version),
        Operation("api restore", "POST", f"{API}/opinions/{gone.pk}/restore", writers, json=gone_version),
    ]
    assert permission_matrix(roles, ops) == []


def test_someone_elses_opinion_is_not_found_like_a_missing_one(roles, make_visit, other_leader_user):
    visit = make_visit(days_ago=2, leader=other_leader_user, opinions=[SpeakerKind.CITIZEN], agencies=[])
    opinion = Opinion.objects.get(visit=visit)
    leader = client_for(roles["lanhdao"])
    for pk in (opinion.pk, opinion.pk + 1000):
        assert leader.get(f"{API}/opinions/{pk}").status_code == 404
        assert leader.get(f"/fieldwork/opinions/{pk}/edit/").status_code == 404
        assert leader.post(f"/fieldwork/opinions/{pk}/restore/", {"version": 1}).status_code == 404
    answers = [
        leader.patch(
            f"{API}/opinions/{pk}",
            {"version": opinion.version, "content": "x"},
            content_type="application/json",
        )
        for pk in (opinion.pk, opinion.pk + 1000)
    ]
    assert [a.status_code for a in answers] == [404, 404]
    assert answers[0].json() == answers[1].json()
    outsider = client_for(roles["vanphonghcm"])
    response = outsider.post(
        f"{API}/opinions/{opinion.pk}/archive", {"version": opinion.version}, content_type="application/json"
    )
    assert response.status_code == 404
    opinion.refresh_from_db()
    assert opinion.archived_at is None and opinion.content.startswith("Đề nghị")


def test_a_leader_corrects_an_opinion_on_its_page(roles, make_visit, land):
    visit = make_visit(days_ago=2, carried_out=True, opinions=[SpeakerKind.CITIZEN, SpeakerKind.CITIZEN])
    first, _second = Opinion.objects.filter(visit=visit).order_by("id")
    leader = client_for(roles["lanhdao"])
    page = leader.get(visit.get_absolute_url()).content.decode()
    assert f"/fieldwork/opinions/{first.pk}/edit/" in page
    form = leader.get(f"/fieldwork/opinions/{first.pk}/edit/").content.decode()
    assert "Đề nghị sớm giải quyết đền bù đất đai" in form and f'value="{first.version}"' in form
    response = leader.post(
        f"/fieldwork/opinions/{first.pk}/edit/",
        {**FORM, "speaker_name": "Ông Nguyễn Văn Ba", "topic": land.pk, "version": first.version},
    )
    assert response.status_code == 302 and response["Location"] == visit.get_absolute_url()
    first.refresh_from_db()
    assert (first.speaker_kind, first.speaker_name, first.topic, first.content) == (
        "cadre",
        "Ông Nguyễn Văn Ba",
        land,
        "Phường đã rà soát 42 hộ",
    )
    assert _sides(visit) == 2  # a citizen and now a cadre
    event = audit.history_for(first).filter(action=AuditAction.UPDATE).get()
    assert event.actor == roles["lanhdao"] and "content" in event.changes
    # Bad input comes back on the form, in Vietnamese, and nothing changes.
    response = leader.post(
        f"/fieldwork/opinions/{first.pk}/edit/", {**FORM, "content": "", "version": first.version}
    )
    assert response.status_code == 200 and "Trường này là bắt buộc." in response.content.decode()
    assert Opinion.objects.get(pk=first.pk).version == first.version


def test_a_stale_version_is_refused_with_the_conflict_message(roles, make_visit):
    visit = make_visit(days_ago=2, carried_out=True, opinions=[SpeakerKind.CITIZEN])
    opinion = Opinion.objects.get(visit=visit)
    stale = opinion.version
    services.opinion_update(actor=roles["vanphong"], opinion=opinion, version=stale, content="Bản đã sửa")
    office = client_for(roles["vanphong"])
    response = office.post(f"/fieldwork/opinions/{opinion.pk}/edit/", {**FORM, "version": stale})
    assert response.status_code == 200 and _conflict() in response.content.decode()
    response = office.post(f"/fieldwork/opinions/{opinion.pk}/archive/", {"version": stale}, follow=True)
    assert _conflict() in response.content.decode()
    for method, url, body in (
        ("patch", f"{API}/opinions/{opinion.pk}", {"version": stale, "content": "Lần sửa cũ"}),
        ("post", f"{API}/opinions/{opinion.pk}/archive", {"version": stale}),
    ):
        response = getattr(office, method)(url, body, content_type="application/json")
        assert response.status_code == 409, url
        assert response.json()["detail"]
    opinion.refresh_from_db()
    assert opinion.content == "Bản đã sửa" and opinion.archived_at is None
    assert opinion.version == stale + 1


def test_an_archived_opinion_leaves_the_search_and_the_sides_until_restored(roles, make_visit):
    visit = make_visit(days_ago=2, carried_out=True, opinions=[SpeakerKind.CITIZEN, SpeakerKind.CADRE])
    citizen, cadre = Opinion.objects.filter(visit=visit).order_by("id")
    office = client_for(roles["vanphong"])

    def searched() -> set[int]:
        body = office.get(f"{API}/opinions/?q=den bu").json()
        page = office.get("/fieldwork/opinions/?q=den bu")
        assert {o.pk for o in page.context["page"]} == {i["id"] for i in body["items"]}
        return {i["id"] for i in body["items"]}

    def one_side() -> set[int]:
        return {v["id"] for v in office.get(f"{API}/one-side-visits").json()["items"]}

    assert searched() == {citizen.pk, cadre.pk} and _sides(visit) == 2 and one_side() == set()
    response = office.post(
        f"{API}/opinions/{cadre.pk}/archive", {"version": cadre.version}, content_type="application/json"
    )
    assert response.status_code == 200
    assert response.json()["archived"] is True and response.json()["sides_heard"] == 1
    assert searched() == {citizen.pk} and _sides(visit) == 1 and one_side() == {visit.pk}
    tallies = office.get(f"{API}/one-side-visits/tallies").json()
    assert tallies["by_leader"][0]["visits"] == 1
    assert [o["id"] for o in office.get(f"{API}/visits/{visit.pk}/opinions").json()] == [citizen.pk]
    # Archived, it is not corrected: restored first.
    archived_version = response.json()["version"]
    refused = office.patch(
        f"{API}/opinions/{cadre.pk}",
        {"version": archived_version, "content": "Sửa"},
        content_type="application/json",
    )
    assert refused.status_code == 422
    page = office.get(f"/fieldwork/opinions/{cadre.pk}/edit/").content.decode()
    assert 'data-testid="opinion-archived"' in page
    visit_page = office.get(visit.get_absolute_url()).content.decode()
    assert f'data-archived-opinion="{cadre.pk}"' in visit_page
    response = office.post(
        f"{API}/opinions/{cadre.pk}/restore", {"version": archived_version}, content_type="application/json"
    )
    assert response.status_code == 200 and response.json()["archived"] is False
    assert searched() == {citizen.pk, cadre.pk} and _sides(visit) == 2 and one_side() == set()
    actions = list(audit.history_for(cadre).order_by("at", "id").values_list("action", flat=True))
    assert actions == [AuditAction.CREATE, AuditAction.ARCHIVE, AuditAction.RESTORE]


def test_the_api_corrects_only_the_fields_sent(roles, make_visit, land, hanoi):
    from conftest import BA_DINH, unit

    visit = make_visit(days_ago=2, carried_out=True, opinions=[SpeakerKind.CITIZEN])
    opinion = Opinion.objects.get(visit=visit)
    leader = client_for(roles["lanhdao"])
    response = leader.patch(
        f"{API}/opinions/{opinion.pk}",
        {"version": opinion.version, "speaker_kind": "business", "topic": land.pk},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["speaker_kind"], body["topic_id"], body["sides_heard"]) == ("business", land.pk, 1)
    assert body["content"] == opinion.content and body["version"] == opinion.version + 1
    # A locality that is not one of the visit's, an unknown topic, an empty content: 422, nothing saved.
    for bad in ({"locality": unit(BA_DINH).pk}, {"topic": 999999}, {"content": ""}, {"speaker_kind": None}):
        response = leader.patch(
            f"{API}/opinions/{opinion.pk}",
            {"version": body["version"], **bad},
            content_type="application/json",
        )
        assert response.status_code == 422, bad
        assert response.json()["errors"], bad
    assert Opinion.objects.get(pk=opinion.pk).version == body["version"]


def test_the_visit_page_stays_flat_as_archived_opinions_grow(roles, make_visit):
    visit = make_visit(days_ago=2, carried_out=True, opinions=[SpeakerKind.CITIZEN, SpeakerKind.CADRE])
    office = client_for(roles["vanphong"])
    archive = services.opinion_archive
    first = Opinion.objects.filter(visit=visit).order_by("id").first()
    archive(actor=roles["vanphong"], opinion=first, version=first.version)

    def grow():
        for speaker in (SpeakerKind.BUSINESS, SpeakerKind.OTHER, SpeakerKind.PARTY_MEMBER):
            opinion = services.opinion_add(
                actor=roles["vanphong"], visit=visit, speaker_kind=speaker, kind="praise", content="Tốt"
            )
            archive(actor=roles["vanphong"], opinion=opinion, version=opinion.version)

    assert_flat_queries(lambda: office.get(visit.get_absolute_url()), grow)
    page = office.get(visit.get_absolute_url()).content.decode()
    assert page.count("data-archived-opinion=") == 4
    # A viewer reads the visit without the archived ones.
    assert (
        "data-archived-opinion="
        not in client_for(roles["kiemtra"]).get(visit.get_absolute_url()).content.decode()
    )
