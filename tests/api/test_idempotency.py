"""Idempotency-Key on the API's writes (core.idempotency): a retry gets the first answer and writes nothing
more, another body with the same key is refused, a write and its answer are one transaction, and no create
of any app goes without it."""

import datetime as dt
import json
from unittest import mock

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import OperationalError
from django.test import Client

from conftest import HOAN_KIEM, unit
from core import idempotency
from core.models import AuditEvent, IdempotencyRecord, ImportJob
from incidents.models import Incident
from incidents.tests.test_excel import NOW, row, sheet

API = "/api/v1/incidents/"
WHEN = dt.datetime(2026, 3, 6, 8, 0, tzinfo=dt.UTC)  # Friday 15:00 in Hanoi
DATABASE_DOWN = "Cơ sở dữ liệu hiện không truy cập được. Vui lòng thử lại sau ít phút."


@pytest.fixture
def routed(hanoi, leader_user, assign, hoan_kiem_agency, focal_user):
    return assign(leader_user.person, unit(HOAN_KIEM), dt.date(2025, 7, 1))


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def report(client, key=None, **extra):
    body = {
        "title": "Rác thải tồn đọng phố Hàng Bạc",
        "description": "Rác để trên vỉa hè ba ngày chưa thu gom.",
        "unit": HOAN_KIEM,
        "severity": "normal",
        "occurred_at": "2026-03-06T14:00:00+07:00",
        **extra,
    }
    headers = {"Idempotency-Key": key} if key is not None else {}
    with time_machine.travel(WHEN, tick=False):
        return client.post(API, json.dumps(body), content_type="application/json", headers=headers)


def test_the_same_key_gets_the_first_answer_and_creates_nothing_more(routed, office):
    client = client_for(office)
    first = report(client, key="a0b1c2d3-report-1")
    assert first.status_code == 201, first.content
    again = report(client, key="a0b1c2d3-report-1")
    assert again.status_code == 201
    assert again.content == first.content
    assert again["Idempotent-Replayed"] == "true" and "Idempotent-Replayed" not in first
    assert Incident.objects.count() == 1
    assert AuditEvent.objects.filter(action="create", at=WHEN).count() == 1
    record = IdempotencyRecord.objects.get()
    assert (record.user, record.key, record.operation, record.status) == (
        office,
        "a0b1c2d3-report-1",
        "POST /api/v1/incidents/",
        201,
    )


def test_the_same_key_with_another_body_is_refused_in_vietnamese(routed, office):
    client = client_for(office)
    assert report(client, key="k-1").status_code == 201
    other = report(client, key="k-1", title="Một vụ việc khác hẳn")
    assert other.status_code == 409
    assert other.json()["detail"] == (
        "Khoá Idempotency-Key này đã dùng cho một yêu cầu khác, nên không có gì được thực hiện. "
        "Hãy gửi một khoá mới cho yêu cầu mới."
    )
    assert Incident.objects.count() == 1


def test_without_a_key_or_with_new_keys_each_request_creates(routed, office):
    client = client_for(office)
    assert [report(client).status_code for _ in range(2)] == [201, 201]
    assert [report(client, key=k).status_code for k in ("k-1", "k-2")] == [201, 201]
    assert Incident.objects.count() == 4
    assert IdempotencyRecord.objects.count() == 2


def test_a_key_belongs_to_its_user(routed, office, focal_user):
    assert report(client_for(office), key="shared").status_code == 201
    other = report(client_for(focal_user), key="shared")
    assert other.status_code == 201 and "Idempotent-Replayed" not in other
    assert Incident.objects.count() == 2


def test_a_key_that_is_not_visible_ascii_is_refused(routed, office):
    response = report(client_for(office), key="có dấu cách")
    assert response.status_code == 422
    assert "Idempotency-Key" in response.json()["errors"]
    assert not Incident.objects.exists()


def test_an_error_answer_is_not_kept_so_the_key_can_be_sent_again(routed, office):
    client = client_for(office)
    refused = report(client, key="k-1", unit=None)
    assert refused.status_code == 422
    assert report(client, key="k-1", unit=None).status_code == 422
    assert not IdempotencyRecord.objects.exists()


def test_a_read_that_fails_after_the_write_rolls_the_write_back_and_answers_503(routed, office):
    """The answer is built inside the write's transaction: a failure there is a true 503 (nothing saved,
    with Retry-After), and the retry with the same key then creates the record once."""
    client = client_for(office)
    with mock.patch("incidents.selectors.duplicate_suspects", side_effect=OperationalError("gone")):
        failed = report(client, key="k-1")
    assert failed.status_code == 503
    assert failed["Retry-After"] == "5"
    assert failed.json() == {"detail": DATABASE_DOWN}
    assert not Incident.objects.exists() and not IdempotencyRecord.objects.exists()
    assert not AuditEvent.objects.filter(action="create", at=WHEN).exists()
    retried = report(client, key="k-1")
    assert retried.status_code == 201 and Incident.objects.count() == 1


def test_two_requests_with_one_key_at_once_give_one_record(routed, office):
    """The second request did not see the first's record when it looked (not committed yet); its own
    record then meets the unique constraint, its write is rolled back, and it answers with the first's."""
    client = client_for(office)
    first = report(client, key="k-1")
    looked_up = idempotency.answer_for
    calls = []

    def not_yet(claim):
        calls.append(claim.key)
        return None if len(calls) == 1 else looked_up(claim)

    with mock.patch.object(idempotency, "answer_for", side_effect=not_yet):
        second = report(client, key="k-1")
    assert second.status_code == 201 and second.content == first.content
    assert Incident.objects.count() == 1 and IdempotencyRecord.objects.count() == 1


def test_old_keys_expire_and_are_pruned(routed, office, settings):
    client = client_for(office)
    first = report(client, key="k-1")
    IdempotencyRecord.objects.update(created_at=dt.datetime(2026, 3, 4, 8, 0, tzinfo=dt.UTC))  # 48 h before
    again = report(client, key="k-1")  # expired: a new request, and the old record is pruned on write
    assert again.status_code == 201 and again.json()["id"] != first.json()["id"]
    assert list(IdempotencyRecord.objects.values_list("created_at", flat=True)) == [WHEN]
    assert idempotency.prune(now=WHEN + dt.timedelta(hours=23)) == {"expired_keys": 0}
    assert idempotency.prune(now=WHEN + dt.timedelta(hours=25)) == {"expired_keys": 1}
    assert not IdempotencyRecord.objects.exists()


def test_the_reminders_run_prunes_expired_keys(routed, office):
    from core.reminders import run_all

    report(client_for(office), key="k-1")
    IdempotencyRecord.objects.update(created_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    assert run_all()["core"] == {"expired_keys": 1}


def test_an_upload_with_a_key_is_started_once(routed, office, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.VAR_DIR = tmp_path / "var"
    client = client_for(office)
    content = sheet([row("Nhập một lần")])

    def start(key, data=content):
        upload = SimpleUploadedFile("vu-viec.xlsx", data)
        with time_machine.travel(NOW, tick=False):
            return client.post(
                "/api/v1/imports/", {"kind": "incidents", "file": upload}, headers={"Idempotency-Key": key}
            )

    first = start("import-1")
    assert first.status_code == 202, first.content
    again = start("import-1")
    assert again.status_code == 202 and again.content == first.content
    assert ImportJob.objects.count() == 1 and Incident.objects.count() == 1
    assert start("import-1", sheet([row("Một tệp khác")])).status_code == 409


def test_the_api_503s_carry_retry_after(routed, office):
    with mock.patch("incidents.api.selectors.incident_list", side_effect=OperationalError("gone")):
        response = client_for(office).get(API)
    assert response.status_code == 503 and response["Retry-After"] == "5"
    assert response.json() == {"detail": DATABASE_DOWN}


# --- every create of every app -------------------------------------------------------------------------

# Operations without sign-in: there is no user to keep a key for, and their answers carry secrets that
# are never stored (a new API token).
WITHOUT_SIGN_IN = {"/api/v1/auth/token"}


def _creates(schema: dict) -> list[tuple[str, dict]]:
    return [
        (path, operations["post"])
        for path, operations in schema["paths"].items()
        if "post" in operations and {"201", "202"} & set(map(str, operations["post"]["responses"]))
    ]


def test_every_create_of_every_app_takes_an_idempotency_key(client):
    """From the OpenAPI document: every POST that answers 201 or 202 names the header, and its operation
    runs under both hooks. A new create anywhere is covered, or this fails."""
    from coso.api import api

    schema = client.get("/api/v1/openapi.json").json()
    creates = _creates(schema)
    assert len(creates) >= 30
    missing = [
        path
        for path, operation in creates
        if path not in WITHOUT_SIGN_IN
        and not any(p["name"] == "Idempotency-Key" and p["in"] == "header" for p in operation["parameters"])
    ]
    assert missing == []
    documented = {operation["operationId"] for path, operation in creates if path not in WITHOUT_SIGN_IN}
    bound = {}
    for router in api._get_bound_routers():
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                if "POST" in operation.methods:
                    bound[api.get_openapi_operation_id(operation)] = operation
    assert documented <= set(bound)
    assert [name for name in sorted(documented) if not idempotency.covers(bound[name])] == []
    # Asking for a token is the one create without sign-in, and it names no key.
    token = schema["paths"]["/api/v1/auth/token"]["post"]
    assert not any(p["name"] == "Idempotency-Key" for p in token.get("parameters", []))
