"""API tokens: issued once, stored hashed, bearer auth, revocation (API and page), expiry, and isolation."""

import datetime as dt
import hashlib

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts import services
from accounts.models import ApiToken
from accounts.tests.helpers import ME_URL, TOKEN_URL, template_names
from conftest import PASSWORD
from core.models import AuditAction, AuditEvent

pytestmark = pytest.mark.django_db

TOKENS_URL = "/api/v1/auth/tokens"


def _issue(client, username="vanphong", password=PASSWORD, **extra):
    return client.post(
        TOKEN_URL,
        {"username": username, "password": password, **extra},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )


def _bearer(raw):
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}", "HTTP_ACCEPT_LANGUAGE": "en"}


def _revoke_url(pk):
    return f"/api/v1/auth/tokens/{pk}/revoke"


def _assert_json_error(response, status):
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert isinstance(body.get("detail"), str) and body["detail"]
    return body


def test_issue_returns_the_token_once_and_stores_only_its_digest(client, office):
    response = _issue(client, name="Báo cáo")
    assert response.status_code == 201
    body = response.json()
    raw = body["token"]
    assert raw.startswith("coso_") and len(raw) > 40
    token = ApiToken.objects.get(pk=body["id"])
    assert token.user == office
    assert token.name == body["name"] == "Báo cáo"
    assert token.key_hash == hashlib.sha256(raw.encode()).hexdigest()
    # The raw token is in no column of the token row, nor anywhere on the audit trail.
    row = ApiToken.objects.filter(pk=token.pk).values().get()
    assert all(raw not in str(value) for value in row.values())
    for event in AuditEvent.objects.values():
        assert all(raw not in str(value) for value in event.values())
    # It expires after the configured number of days.
    expected = timezone.now() + dt.timedelta(days=settings.COSO_API_TOKEN_DAYS)
    assert abs((token.expires_at - expected).total_seconds()) < 60
    assert body["expires_at"] == token.expires_at.isoformat()
    # The list shows the token without its value.
    listed = Client().get(TOKENS_URL, **_bearer(raw)).json()
    assert [t["id"] for t in listed] == [token.pk]
    assert "token" not in listed[0] and "key_hash" not in listed[0]
    assert listed[0]["prefix"] == raw[:12]


def test_issuing_is_audited(client, office):
    token_id = _issue(client).json()["id"]
    event = AuditEvent.objects.get(action=AuditAction.TOKEN)
    assert event.actor == office
    assert event.kind == "token.created"
    assert event.object_id == str(token_id)
    assert event.organization_id == office.organization_id


def test_bearer_token_authenticates_and_records_use(client, office):
    raw = _issue(client).json()["token"]
    response = Client().get(ME_URL, **_bearer(raw))
    assert response.status_code == 200
    assert response.json() == {
        "id": office.pk,
        "username": "vanphong",
        "full_name": office.get_full_name(),
        "role": "office",
        "role_label": "Office administrator",
        "organization": str(office.organization),
    }
    assert ApiToken.objects.get().last_used_at is not None


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"HTTP_AUTHORIZATION": "Bearer coso_not-a-real-token"},
        {"HTTP_AUTHORIZATION": "Token coso_not-a-real-token"},
    ],
)
def test_missing_or_unknown_token_is_401_json(client, headers):
    response = client.get(ME_URL, HTTP_ACCEPT_LANGUAGE="en", **headers)
    body = _assert_json_error(response, 401)
    assert body["detail"] == "Sign in, or send a valid API token."


def test_inactive_user_token_is_401(client, office):
    raw = _issue(client).json()["token"]
    office.is_active = False
    office.save(update_fields=["is_active"])
    _assert_json_error(Client().get(ME_URL, **_bearer(raw)), 401)


def test_revoke_via_api(client, office):
    raw = _issue(client).json()["token"]
    token = ApiToken.objects.get()
    api = Client()
    response = api.post(_revoke_url(token.pk), **_bearer(raw))
    assert response.status_code == 200
    assert response.json()["id"] == token.pk
    assert response.json()["revoked_at"] is not None
    token.refresh_from_db()
    assert token.revoked_at is not None
    event = AuditEvent.objects.get(action=AuditAction.TOKEN, kind="token.revoked")
    assert event.actor == office and event.object_id == str(token.pk)
    # The revoked token no longer opens anything.
    _assert_json_error(api.get(ME_URL, **_bearer(raw)), 401)
    _assert_json_error(api.post(_revoke_url(token.pk), **_bearer(raw)), 401)


def test_revoke_with_a_session(client, office):
    token, raw = services.token_create(actor=office, user=office)
    client.force_login(office)
    assert client.post(_revoke_url(token.pk)).status_code == 200
    token.refresh_from_db()
    assert token.revoked_at is not None
    _assert_json_error(Client().get(ME_URL, **_bearer(raw)), 401)


def test_revoking_twice_keeps_the_first_time_and_one_event(client, office):
    token, _raw = services.token_create(actor=office, user=office)
    services.token_revoke(actor=office, token=token)
    first = ApiToken.objects.get().revoked_at
    client.force_login(office)
    assert client.post(_revoke_url(token.pk)).status_code == 200
    assert ApiToken.objects.get().revoked_at == first
    assert AuditEvent.objects.filter(kind="token.revoked").count() == 1


def test_expired_token_is_401(client, office):
    raw = _issue(client).json()["token"]
    assert Client().get(ME_URL, **_bearer(raw)).status_code == 200
    later = timezone.now() + dt.timedelta(days=settings.COSO_API_TOKEN_DAYS, minutes=1)
    with time_machine.travel(later):
        _assert_json_error(Client().get(ME_URL, **_bearer(raw)), 401)


def test_token_just_before_expiry_still_works(client, office):
    raw = _issue(client).json()["token"]
    sooner = timezone.now() + dt.timedelta(days=settings.COSO_API_TOKEN_DAYS, minutes=-5)
    with time_machine.travel(sooner):
        assert Client().get(ME_URL, **_bearer(raw)).status_code == 200


def test_another_users_token_is_invisible_and_not_revocable(client, office, leader_user):
    mine, mine_raw = services.token_create(actor=office, user=office)
    theirs, _theirs_raw = services.token_create(actor=leader_user, user=leader_user)

    api = Client()
    listed = api.get(TOKENS_URL, **_bearer(mine_raw)).json()
    assert [t["id"] for t in listed] == [mine.pk]

    missing = _assert_json_error(api.post(_revoke_url(theirs.pk), **_bearer(mine_raw)), 404)
    unknown = _assert_json_error(api.post(_revoke_url(999_999), **_bearer(mine_raw)), 404)
    assert missing == unknown == {"detail": "Not found."}
    theirs.refresh_from_db()
    assert theirs.revoked_at is None
    assert not AuditEvent.objects.filter(kind="token.revoked").exists()

    # The page refuses the same way.
    client.force_login(office)
    response = client.post(reverse("accounts:token_revoke", args=[theirs.pk]))
    assert response.status_code == 404
    assert "errors/404.html" in template_names(response)
    theirs.refresh_from_db()
    assert theirs.revoked_at is None
    page = client.get(reverse("accounts:tokens"))
    assert [t.pk for t in page.context["tokens"]] == [mine.pk]


def test_api_validation_errors_are_json(client):
    response = client.post(TOKEN_URL, {"username": "x"}, content_type="application/json")
    body = _assert_json_error(response, 422)
    assert "password" in body["errors"]


def test_tokens_page_creates_a_token_shown_once(client, office):
    client.force_login(office)
    response = client.post(reverse("accounts:tokens"), {"name": "Máy chủ báo cáo"})
    assert response.status_code == 200
    raw = response.context["raw"]
    assert raw and f'data-testid="new-token">{raw}<' in response.content.decode()
    token = ApiToken.objects.get()
    assert token.name == "Máy chủ báo cáo"
    assert token.key_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert AuditEvent.objects.filter(action=AuditAction.TOKEN, kind="token.created").count() == 1
    # Shown once: the list page afterwards has only the prefix.
    again = client.get(reverse("accounts:tokens"))
    assert raw not in again.content.decode()
    assert token.prefix in again.content.decode()
    assert Client().get(ME_URL, **_bearer(raw)).status_code == 200


def test_tokens_page_revokes(client, office):
    token, raw = services.token_create(actor=office, user=office)
    client.force_login(office)
    url = reverse("accounts:token_revoke", args=[token.pk])
    assert client.get(url).status_code == 405
    response = client.post(url)
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:tokens")
    token.refresh_from_db()
    assert token.revoked_at is not None
    revoked = AuditEvent.objects.filter(action=AuditAction.TOKEN, kind="token.revoked", actor=office)
    assert revoked.count() == 1
    _assert_json_error(Client().get(ME_URL, **_bearer(raw)), 401)


def test_tokens_pages_need_sign_in(client, office):
    token, _raw = services.token_create(actor=office, user=office)
    assert client.get(reverse("accounts:tokens")).status_code == 302
    response = client.post(reverse("accounts:token_revoke", args=[token.pk]))
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is None
