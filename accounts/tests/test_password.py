"""Changing one's password: validators apply, the session survives, the change is audited."""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from accounts import services
from accounts.tests.helpers import sign_in, signed_in_user_id
from conftest import PASSWORD
from core.models import AuditAction, AuditEvent

pytestmark = pytest.mark.django_db

URL = reverse("accounts:password_change")
NEW_PASSWORD = "Sông Hồng chảy 2026!"


def _change(client, new, new2=None, old=PASSWORD):
    return client.post(
        URL,
        {"old_password": old, "new_password1": new, "new_password2": new if new2 is None else new2},
        HTTP_ACCEPT_LANGUAGE="en",
    )


def _error_codes(response, field):
    return {e.code for e in response.context["form"].errors.as_data().get(field, [])}


def test_password_page_needs_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_password_change_works_and_is_audited(client, office):
    client.force_login(office)
    other_session = Client()
    other_session.force_login(office)

    response = _change(client, NEW_PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    office.refresh_from_db()
    assert office.check_password(NEW_PASSWORD)
    assert not office.check_password(PASSWORD)
    # This session stays signed in; the other one is signed out by the new password.
    assert client.get(reverse("home")).status_code == 200
    assert other_session.get(reverse("home")).status_code == 302
    event = AuditEvent.objects.get(action=AuditAction.UPDATE, kind="account.password_changed")
    assert event.actor == office
    assert event.object_id == str(office.pk)
    assert PASSWORD not in str(event.changes) and NEW_PASSWORD not in str(event.changes)
    # The new password signs in through the login form; the old one no longer does.
    fresh = Client()
    assert sign_in(fresh, "vanphong", PASSWORD).status_code == 200
    assert sign_in(fresh, "vanphong", NEW_PASSWORD).status_code == 302
    assert signed_in_user_id(fresh) == str(office.pk)


@pytest.mark.parametrize(
    ("new", "code"),
    [
        ("Xy7#kq2", "password_too_short"),
        ("qwertyuiop", "password_too_common"),
        ("8405729163", "password_entirely_numeric"),
        ("vanphong2026", "password_too_similar"),
    ],
)
def test_validators_refuse_weak_passwords(client, office, new, code):
    client.force_login(office)
    response = _change(client, new)
    assert response.status_code == 200
    assert code in _error_codes(response, "new_password2")
    office.refresh_from_db()
    assert office.check_password(PASSWORD)
    assert not AuditEvent.objects.filter(kind="account.password_changed").exists()


def test_wrong_old_password_is_refused(client, office):
    client.force_login(office)
    response = _change(client, NEW_PASSWORD, old="not-my-password")
    assert response.status_code == 200
    assert "password_incorrect" in _error_codes(response, "old_password")
    office.refresh_from_db()
    assert office.check_password(PASSWORD)


def test_mismatched_confirmation_is_refused(client, office):
    client.force_login(office)
    response = _change(client, NEW_PASSWORD, new2=NEW_PASSWORD + "x")
    assert response.status_code == 200
    assert "password_mismatch" in _error_codes(response, "new_password2")
    office.refresh_from_db()
    assert office.check_password(PASSWORD)


def test_the_service_validates_too(office):
    with pytest.raises(ValidationError) as excinfo:
        services.user_change_password(actor=office, user=office, password="short")
    assert "password_too_short" in {e.code for e in excinfo.value.error_list}
    office.refresh_from_db()
    assert office.check_password(PASSWORD)
    assert not AuditEvent.objects.filter(kind="account.password_changed").exists()
