"""The office administers its organisation's logins: pages, API, rules, audit, conflicts, query counts."""

import datetime as dt

import pytest
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import formats, timezone, translation
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import services
from accounts.choices import Role
from accounts.models import User
from accounts.tests.helpers import inline_script_problems, sign_in, signed_in_user_id
from conftest import PASSWORD
from core.errors import ConflictError
from core.models import AuditEvent
from core.testing import Operation, count_queries, permission_matrix
from org.models import Agency, Person
from org.services import agency_create, person_archive, person_create

READERS = ("office", "board", "leader", "focal", "viewer")
NEW_PASSWORD = "Sông Hồng chảy 2026!"


def expect(anonymous, other_org, office, no_role=404, readers=404):
    """Only the office administers logins: everyone else of the organisation gets 404."""
    result = {"anonymous": anonymous, "no_role": no_role, "other_org": other_org, "office": office}
    result.update({r: readers for r in READERS if r != "office"})
    return result


@pytest.fixture
def world(hanoi, hcmc, make_user, office, office_hcmc, leader_user, focal_user, viewer, hoan_kiem_agency):
    board = make_user(Role.STANDING_BOARD, hanoi, "bithu", person=True)
    no_role = make_user("", hanoi, "norole")
    clerk = make_user(Role.VIEWER, hanoi, "chuyenvien", full_name="Lương Đức Thịnh")
    secretary = person_create(actor=None, organization=hanoi, full_name="Đinh Tiến Dũng", position="Bí thư")
    stranger = make_user(Role.VIEWER, hcmc, "nguoilahcm")
    other_person = person_create(actor=None, organization=hcmc, full_name="Người Thành phố")
    other_agency = agency_create(actor=None, organization=hcmc, code="X", name="Sở X", kind="department")
    users = {
        "anonymous": None,
        "no_role": no_role,
        "office": office,
        "board": board,
        "leader": leader_user,
        "focal": focal_user,
        "viewer": viewer,
        "other_org": office_hcmc,
    }
    return {
        "users": users,
        "clerk": clerk,
        "secretary": secretary,
        "agency": hoan_kiem_agency,
        "stranger": stranger,
        "other_person": other_person,
        "other_agency": other_agency,
    }


def client_for(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def api(client, method, url, data):
    return getattr(client, method)(url, data, content_type="application/json")


# --- the permission matrix --------------------------------------------------------------------------


def test_pages(world):
    w = world
    clerk, stranger = w["clerk"], w["stranger"]
    edit = {"username": "chuyenvien", "full_name": "Lương Đức Thịnh", "role": "viewer", "version": 1}
    ops = [
        Operation("list", "get", "/accounts/users/", expect(302, 200, 200)),
        Operation(
            "search", "get", "/accounts/users/?q=thinh&role=viewer&status=active", expect(302, 200, 200)
        ),
        Operation("new form", "get", "/accounts/users/new/", expect(302, 200, 200)),
        Operation(
            "create",
            "post",
            "/accounts/users/new/",
            expect(302, 302, 302),
            data={"username": "moi", "full_name": "Lê Văn Mới", "role": "viewer"},
        ),
        Operation("edit form", "get", f"/accounts/users/{clerk.pk}/", expect(302, 404, 200)),
        Operation("edit", "post", f"/accounts/users/{clerk.pk}/", expect(302, 404, 302), data=edit),
        Operation("password form", "get", f"/accounts/users/{clerk.pk}/password/", expect(302, 404, 200)),
        Operation(
            "set password",
            "post",
            f"/accounts/users/{clerk.pk}/password/",
            expect(302, 404, 302),
            data={"password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        ),
        Operation(
            "deactivate",
            "post",
            f"/accounts/users/{clerk.pk}/deactivate/",
            expect(302, 404, 302),
            data={"version": 1},
        ),
        Operation(
            "activate",
            "post",
            f"/accounts/users/{clerk.pk}/activate/",
            expect(302, 404, 302),
            data={"version": 1},
        ),
        Operation(
            "deactivate needs POST",
            "get",
            f"/accounts/users/{clerk.pk}/deactivate/",
            expect(302, 405, 405, no_role=405, readers=405),
        ),
        # Another organisation's login looks missing to Hanoi's office, and is its own office's.
        Operation("other edit form", "get", f"/accounts/users/{stranger.pk}/", expect(302, 200, 404)),
        Operation(
            "other edit",
            "post",
            f"/accounts/users/{stranger.pk}/",
            expect(302, 302, 404),
            data={**edit, "username": "nguoilahcm"},
        ),
        Operation(
            "other password form", "get", f"/accounts/users/{stranger.pk}/password/", expect(302, 200, 404)
        ),
        Operation(
            "other deactivate",
            "post",
            f"/accounts/users/{stranger.pk}/deactivate/",
            expect(302, 302, 404),
            data={"version": 1},
        ),
        Operation(
            "other activate",
            "post",
            f"/accounts/users/{stranger.pk}/activate/",
            expect(302, 302, 404),
            data={"version": 1},
        ),
    ]
    assert permission_matrix(w["users"], ops) == []


def test_api_operations(world):
    w = world
    clerk, stranger = w["clerk"], w["stranger"]
    base = "/api/v1/auth/users/"
    ops = [
        Operation("list", "get", base, expect(401, 200, 200)),
        Operation("search", "get", base + "?q=thinh&role=viewer&active=true", expect(401, 200, 200)),
        Operation("one", "get", f"{base}{clerk.pk}", expect(401, 404, 200)),
        Operation("other org's", "get", f"{base}{stranger.pk}", expect(401, 200, 404)),
        Operation(
            "create",
            "post",
            base,
            expect(401, 201, 201),
            json={"username": "moi", "full_name": "Lê Văn Mới", "role": "viewer"},
        ),
        Operation(
            "create linked to a foreign person",
            "post",
            base,
            expect(401, 404, 201),
            json={
                "username": "moi",
                "full_name": "Đinh Tiến Dũng",
                "role": "standing_board",
                "person_id": w["secretary"].pk,
            },
        ),
        Operation(
            "create a focal point of a foreign unit",
            "post",
            base,
            expect(401, 404, 201),
            json={
                "username": "moi",
                "full_name": "Lê Văn Mới",
                "role": "focal_point",
                "agency_id": w["agency"].pk,
            },
        ),
        Operation(
            "patch",
            "patch",
            f"{base}{clerk.pk}",
            expect(401, 404, 200),
            json={"version": 1, "email": "a@b.vn"},
        ),
        Operation(
            "patch other org's",
            "patch",
            f"{base}{stranger.pk}",
            expect(401, 200, 404),
            json={"version": 1, "email": "a@b.vn"},
        ),
        Operation(
            "set password",
            "post",
            f"{base}{clerk.pk}/password",
            expect(401, 404, 200),
            json={"password": NEW_PASSWORD},
        ),
        Operation(
            "deactivate", "post", f"{base}{clerk.pk}/deactivate", expect(401, 404, 200), json={"version": 1}
        ),
        Operation(
            "activate", "post", f"{base}{clerk.pk}/activate", expect(401, 404, 200), json={"version": 1}
        ),
        Operation(
            "deactivate other org's",
            "post",
            f"{base}{stranger.pk}/deactivate",
            expect(401, 200, 404),
            json={"version": 1},
        ),
        Operation(
            "activate other org's",
            "post",
            f"{base}{stranger.pk}/activate",
            expect(401, 200, 404),
            json={"version": 1},
        ),
        Operation(
            "set other org's password",
            "post",
            f"{base}{stranger.pk}/password",
            expect(401, 200, 404),
            json={"password": NEW_PASSWORD},
        ),
    ]
    assert permission_matrix(w["users"], ops) == []


def test_only_the_office_sees_users_in_the_navigation(world):
    assert 'href="/accounts/users/"' in client_for(world["users"]["office"]).get("/").content.decode()
    for label in ("board", "leader", "focal", "viewer", "no_role"):
        assert 'href="/accounts/users/"' not in client_for(world["users"][label]).get("/").content.decode()


# --- services ----------------------------------------------------------------------------------------


def test_a_focal_point_needs_a_unit_and_nobody_else_has_one(world, office, hanoi):
    w = world
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        services.user_create(
            actor=office, username="dm", password=None, organization=hanoi, role=Role.FOCAL_POINT
        )
    assert exc.value.message_dict == {"agency": ["A unit focal point needs a unit: choose one."]}
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        services.user_create(
            actor=office,
            username="dm",
            password=None,
            organization=hanoi,
            role=Role.VIEWER,
            agency=w["agency"],
        )
    assert exc.value.message_dict == {
        "agency": ["Only a unit focal point has a unit: leave it empty for this role."]
    }
    with pytest.raises(ValidationError) as exc:
        services.user_create(
            actor=office,
            username="dm",
            password=None,
            organization=hanoi,
            role=Role.FOCAL_POINT,
            agency=w["other_agency"],
        )
    assert "agency" in exc.value.message_dict
    clerk = w["clerk"]
    with pytest.raises(ValidationError) as exc:
        services.user_update(actor=office, user=clerk, version=1, role=Role.FOCAL_POINT)
    assert "agency" in exc.value.message_dict
    assert not User.objects.filter(username="dm").exists()
    clerk.refresh_from_db()
    assert (clerk.role, clerk.version) == (Role.VIEWER, 1)
    services.user_update(actor=office, user=clerk, version=1, role=Role.FOCAL_POINT, agency=w["agency"])
    clerk.refresh_from_db()
    assert (clerk.role, clerk.agency, clerk.version) == (Role.FOCAL_POINT, w["agency"], 2)


def test_an_archived_unit_is_refused_for_a_new_focal_point(world, office, hanoi):
    agency = world["agency"]
    Agency.objects.filter(pk=agency.pk).update(archived_at=timezone.now())
    agency.refresh_from_db()
    with pytest.raises(ValidationError) as exc:
        services.user_create(
            actor=office,
            username="dm",
            password=None,
            organization=hanoi,
            role=Role.FOCAL_POINT,
            agency=agency,
        )
    assert "agency" in exc.value.message_dict


def test_passwords_go_through_djangos_validators(world, office, hanoi):
    for weak in ("short", "1234567890123", "password123", "dinhtiendung"):
        with pytest.raises(ValidationError) as exc:
            services.user_create(
                actor=office,
                username="dinhtiendung",
                password=weak,
                organization=hanoi,
                role=Role.VIEWER,
                full_name="Đinh Tiến Dũng",
            )
        assert exc.value.message_dict["password"], weak
    assert not User.objects.filter(username="dinhtiendung").exists()
    clerk = world["clerk"]
    with pytest.raises(ValidationError) as exc:
        services.user_set_password_by_office(actor=office, user=clerk, password="short")
    assert "password" in exc.value.message_dict
    clerk.refresh_from_db()
    assert clerk.check_password(PASSWORD)


def test_a_login_without_a_password_cannot_sign_in_until_the_office_sets_one(world, office, hanoi, client):
    account = services.user_create(
        actor=office,
        username="moi",
        password=None,
        organization=hanoi,
        role=Role.VIEWER,
        full_name="Lê Văn Mới",
    )
    assert not account.has_usable_password()
    sign_in(client, "moi", "")
    assert signed_in_user_id(client) is None
    services.user_set_password_by_office(actor=office, user=account, password=NEW_PASSWORD)
    sign_in(client, "moi", NEW_PASSWORD)
    assert signed_in_user_id(client) == str(account.pk)
    event = AuditEvent.objects.get(object_id=str(account.pk), kind="account.password_set")
    assert event.actor == office and event.changes == {}
    created = AuditEvent.objects.get(object_id=str(account.pk), action="create")
    assert "password" not in created.changes and created.changes["username"] == "moi"


def test_user_changes_are_audited_with_before_and_after(world, office):
    clerk = world["clerk"]
    services.user_update(
        actor=office,
        user=clerk,
        version=1,
        full_name="Lương Đức Thịnh Mới",
        email=" thinh@hanoi.dcs.vn ",
        role=Role.STANDING_BOARD,
        require_two_factor=True,
    )
    clerk.refresh_from_db()
    assert (clerk.last_name, clerk.first_name, clerk.email, clerk.version) == (
        "Lương Đức Thịnh",
        "Mới",
        "thinh@hanoi.dcs.vn",
        2,
    )
    event = AuditEvent.objects.get(object_id=str(clerk.pk), content_type__model="user", action="update")
    assert event.actor == office and event.organization_id == clerk.organization_id
    assert event.changes["role"] == ["viewer", "standing_board"]
    assert event.changes["first_name"] == ["Thịnh", "Mới"]
    assert event.changes["require_two_factor"] == [False, True]
    assert "password" not in event.changes


def test_a_stale_user_edit_is_a_conflict_and_changes_nothing(world, office):
    clerk = world["clerk"]
    stale = User.objects.get(pk=clerk.pk)
    services.user_update(actor=office, user=clerk, version=1, email="a@hanoi.vn")
    with pytest.raises(ConflictError):
        services.user_update(actor=office, user=stale, version=1, email="b@hanoi.vn")
    with pytest.raises(ConflictError):
        services.user_deactivate(actor=office, user=stale, version=1)
    clerk.refresh_from_db()
    assert (clerk.email, clerk.version, clerk.is_active) == ("a@hanoi.vn", 2, True)


def test_turning_two_factor_on_outdates_an_open_office_form(world, office):
    """The user's own change moves the version on, so the office cannot silently turn it off again."""
    clerk = world["clerk"]
    device = TOTPDevice.objects.create(user=clerk, name="TOTP", confirmed=False)
    services.totp_device_confirm(actor=clerk, device=device)
    clerk.refresh_from_db()
    assert (clerk.require_two_factor, clerk.version) == (True, 2)
    with pytest.raises(ConflictError):
        services.user_update(actor=office, user=clerk, version=1, require_two_factor=False)
    services.user_set_require_two_factor(actor=office, user=clerk, required=False)
    assert User.objects.get(pk=clerk.pk).version == 3


def test_the_office_cannot_lock_itself_out(world, office):
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        services.user_deactivate(actor=office, user=office, version=office.version)
    assert exc.value.messages == ["You cannot deactivate your own account. Ask another office user to do it."]
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        services.user_update(actor=office, user=office, version=office.version, role=Role.VIEWER)
    assert exc.value.message_dict["role"] == [
        "You cannot take away your own office role. Ask another office user to do it."
    ]
    office.refresh_from_db()
    assert (office.is_active, office.role, office.version) == (True, Role.OFFICE, 1)
    services.user_update(actor=office, user=office, version=1, email="vanphong@hanoi.vn")  # the rest is fine


def test_deactivate_and_activate_are_audited_and_stop_sign_in_and_tokens(world, office, client):
    clerk = world["clerk"]
    _token, raw = services.token_create(actor=clerk, user=clerk)
    services.user_deactivate(actor=office, user=clerk, version=1)
    events = AuditEvent.objects.filter(object_id=str(clerk.pk), content_type__model="user", action="update")
    assert events.get(kind="account.deactivated").changes["is_active"] == [True, False]
    sign_in(client, "chuyenvien")
    assert signed_in_user_id(client) is None
    assert Client().get("/api/v1/auth/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401
    services.user_activate(actor=office, user=clerk, version=2)
    assert events.get(kind="account.activated").changes["is_active"] == [False, True]
    assert Client().get("/api/v1/auth/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200


def test_linking_a_login_to_a_person(world, office, hanoi):
    w = world
    secretary, clerk = w["secretary"], w["clerk"]
    services.user_update(actor=office, user=clerk, version=1, person=secretary)
    secretary.refresh_from_db()
    assert secretary.user == clerk
    link = AuditEvent.objects.get(object_id=str(secretary.pk), content_type__model="person", action="update")
    assert (link.actor, link.changes["user"]) == (office, [None, clerk.pk])
    # One login per person: another login cannot take the same person.
    viewer = w["users"]["viewer"]
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        services.user_update(actor=office, user=viewer, version=viewer.version, person=secretary)
    assert exc.value.message_dict["person"] == ["Đinh Tiến Dũng already has a login: chuyenvien."]
    # Moving the login to another person frees the first; None frees it too.
    other = person_create(actor=None, organization=hanoi, full_name="Phạm Thị Hoa")
    services.user_update(actor=office, user=clerk, version=1, person=other)
    secretary.refresh_from_db()
    other.refresh_from_db()
    assert (secretary.user, other.user) == (None, clerk)
    services.user_update(actor=office, user=clerk, version=1, person=None)
    assert not Person.objects.filter(user=clerk).exists()
    with pytest.raises(ValidationError) as exc:
        services.user_update(actor=office, user=clerk, version=1, person=w["other_person"])
    assert "person" in exc.value.message_dict
    other.refresh_from_db()
    person_archive(actor=office, person=other, version=other.version)
    other.refresh_from_db()
    with pytest.raises(ValidationError):
        services.user_update(actor=office, user=clerk, version=1, person=other)


def test_editing_a_login_keeps_its_archived_person(world, office):
    """The person a login belongs to may be archived later; editing the login must not unlink them."""
    w = world
    services.user_update(actor=office, user=w["clerk"], version=1, person=w["secretary"])
    w["secretary"].refresh_from_db()
    person_archive(actor=office, person=w["secretary"], version=w["secretary"].version)
    client = client_for(office)
    url = f"/accounts/users/{w['clerk'].pk}/"
    assert w["secretary"] in client.get(url).context["form"].fields["person"].queryset
    assert w["secretary"] not in client.get("/accounts/users/new/").context["form"].fields["person"].queryset
    data = {"username": "chuyenvien", "full_name": "Lương Đức Thịnh", "role": "viewer", "version": 1}
    response = client.post(url, {**data, "email": "thinh@hanoi.vn", "person": w["secretary"].pk})
    assert response.status_code == 302
    w["secretary"].refresh_from_db()
    assert w["secretary"].user == w["clerk"]


# --- pages ---------------------------------------------------------------------------------------------


def test_office_creates_a_login_for_a_leader(world, office):
    w = world
    client = client_for(office)
    form = client.get("/accounts/users/new/")
    people = list(form.context["form"].fields["person"].queryset)
    assert w["secretary"] in people and w["users"]["leader"].person not in people  # the leader has a login
    response = client.post(
        "/accounts/users/new/",
        {
            "username": "bithu2",
            "full_name": "Đinh Tiến Dũng",
            "email": "dung@hanoi.dcs.vn",
            "role": "standing_board",
            "person": w["secretary"].pk,
            "require_two_factor": "on",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
        },
    )
    account = User.objects.get(username="bithu2")
    assert response.status_code == 302 and response["Location"] == f"/accounts/users/{account.pk}/"
    assert (account.organization, account.role, account.require_two_factor) == (
        office.organization,
        Role.STANDING_BOARD,
        True,
    )
    assert (account.last_name, account.first_name) == ("Đinh Tiến", "Dũng")
    assert account.check_password(NEW_PASSWORD)
    w["secretary"].refresh_from_db()
    assert w["secretary"].user == account
    page = client.get(f"/accounts/users/{account.pk}/").content.decode()
    assert 'data-testid="history"' in page and "Đinh Tiến Dũng" in page
    assert inline_script_problems(page) == [] and "style=" not in page
    person_page = client.get(w["secretary"].get_absolute_url()).content.decode()
    assert f'href="/accounts/users/{account.pk}/"' in person_page


def test_bad_user_input_gives_clear_messages_and_creates_nothing(world, office):
    client = client_for(office)
    before = User.objects.count()
    response = client.post(
        "/accounts/users/new/",
        {
            "username": "chuyenvien",
            "full_name": "",
            "email": "x",
            "role": "focal_point",
            "password1": "a",
            "password2": "b",
        },
    )
    errors = response.context["form"].errors
    assert errors["full_name"] == ["This field is required."]
    assert errors["email"] == ["Enter a valid email address."]
    assert errors["password2"] == ["The two passwords differ."]
    response = client.post(
        "/accounts/users/new/",
        {"username": "chuyenvien", "full_name": "Lê An", "role": "viewer"},
    )
    assert response.context["form"].errors["username"] == ["A user with that username already exists."]
    response = client.post(
        "/accounts/users/new/", {"username": "moi", "full_name": "Lê An", "role": "focal_point"}
    )
    assert response.context["form"].errors["agency"] == ["A unit focal point needs a unit: choose one."]
    response = client.post(
        "/accounts/users/new/",
        {"username": "moi", "full_name": "Lê An", "role": "viewer", "password1": "123", "password2": "123"},
    )
    assert (
        "This password is too short. It must contain at least 10 characters."
        in (response.context["form"].errors["password1"])
    )
    response = client.post(
        "/accounts/users/new/", {"username": "bad name!", "full_name": "Lê An", "role": "god"}
    )
    assert "role" in response.context["form"].errors and "username" in response.context["form"].errors
    assert User.objects.count() == before


def test_a_stale_user_form_shows_the_conflict(world, office):
    clerk = world["clerk"]
    client = client_for(office)
    data = {"username": "chuyenvien", "full_name": "Lương Đức Thịnh", "role": "viewer", "version": 1}
    assert client.post(f"/accounts/users/{clerk.pk}/", {**data, "email": "a@hanoi.vn"}).status_code == 302
    response = client.post(f"/accounts/users/{clerk.pk}/", {**data, "email": "b@hanoi.vn"})
    assert response.context["form"].non_field_errors() == [
        "This record was changed by someone else. Reload it and try again."
    ]
    assert User.objects.get(pk=clerk.pk).email == "a@hanoi.vn"


def test_the_office_page_refuses_self_deactivation_and_self_demotion(world, office):
    client = client_for(office)
    page = client.get(f"/accounts/users/{office.pk}/").content.decode()
    assert f"/accounts/users/{office.pk}/deactivate/" not in page  # no button for oneself
    response = client.post(f"/accounts/users/{office.pk}/deactivate/", {"version": 1}, follow=True)
    assert "You cannot deactivate your own account" in response.content.decode()
    response = client.post(
        f"/accounts/users/{office.pk}/",
        {"username": "vanphong", "full_name": office.get_full_name(), "role": "viewer", "version": 1},
    )
    assert response.context["form"].errors["role"] == [
        "You cannot take away your own office role. Ask another office user to do it."
    ]
    office.refresh_from_db()
    assert (office.is_active, office.role) == (True, Role.OFFICE)


def test_office_sets_a_password_on_the_page(world, office, client):
    clerk = world["clerk"]
    office_client = client_for(office)
    response = office_client.post(
        f"/accounts/users/{clerk.pk}/password/", {"password1": "chuyenvien1", "password2": "chuyenvien1"}
    )
    assert "The password is too similar to the username." in response.context["form"].errors["password1"]
    response = office_client.post(
        f"/accounts/users/{clerk.pk}/password/", {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )
    assert response.status_code == 302
    sign_in(client, "chuyenvien", NEW_PASSWORD)
    assert signed_in_user_id(client) == str(clerk.pk)


def test_the_list_shows_role_unit_two_factor_and_last_sign_in(world, office, focal_user):
    w = world
    TOTPDevice.objects.create(user=focal_user, name="TOTP", confirmed=True)
    services.user_set_require_two_factor(actor=office, user=focal_user, required=True)
    signed = timezone.make_aware(dt.datetime(2026, 3, 5, 9, 30))
    User.objects.filter(pk=focal_user.pk).update(last_login=signed)
    client = client_for(office)
    response = client.get("/accounts/users/?q=hoankiem")
    rows = list(response.context["page"].object_list)
    assert rows == [focal_user]
    assert rows[0].two_factor_set_up is True
    html = response.content.decode()
    assert "Unit focal point" in html and w["agency"].name in html
    assert "Required" in html and ">Set up<" in html
    # In Vietnamese (the default), through the SHORT_DATETIME_FORMAT of coso/formats/vi.
    vietnamese = Client()
    vietnamese.force_login(office)
    html = vietnamese.get("/accounts/users/?q=hoankiem").content.decode()
    with translation.override("vi"):
        shown = formats.date_format(timezone.localtime(signed), "SHORT_DATETIME_FORMAT")
    assert shown == "05/03/2026 09:30" and shown in html
    # The other city's logins never show up.
    assert "nguoilahcm" not in client.get("/accounts/users/").content.decode()


def test_the_list_searches_without_diacritics(world, office):
    client = client_for(office)
    for query in ("thinh", "THỊNH", "luong duc", "chuyenv"):
        names = [u.username for u in client.get("/accounts/users/", {"q": query}).context["page"].object_list]
        assert names == ["chuyenvien"], query
    assert client.get("/accounts/users/?q=thinh", HTTP_HX_REQUEST="true").templates[0].name == (
        "accounts/_user_rows.html"
    )
    inactive = client.get("/accounts/users/?status=inactive").context["page"].object_list
    assert list(inactive) == []
    viewers = client.get("/accounts/users/?role=viewer").context["page"].object_list
    assert sorted(u.username for u in viewers) == ["chuyenvien", "kiemtra"]


# --- API ---------------------------------------------------------------------------------------------


def test_api_create_patch_deactivate(world, office):
    w = world
    client = client_for(office)
    r = api(
        client,
        "post",
        "/api/v1/auth/users/",
        {"username": "dm2", "full_name": "Âu Thị Tâm", "role": "focal_point", "agency_id": w["agency"].pk},
    )
    assert r.status_code == 201, r.json()
    body = r.json()
    assert (
        body["role"],
        body["agency_id"],
        body["two_factor_set_up"],
        body["last_login"],
        body["version"],
    ) == (
        "focal_point",
        w["agency"].pk,
        False,
        None,
        1,
    )
    pk = body["id"]
    assert not User.objects.get(pk=pk).has_usable_password()
    r = api(client, "patch", f"/api/v1/auth/users/{pk}", {"version": 1, "role": "viewer"})
    assert r.status_code == 422 and r.json()["errors"]["agency"]
    r = api(client, "patch", f"/api/v1/auth/users/{pk}", {"version": 1, "role": "viewer", "agency_id": None})
    assert (r.status_code, r.json()["role"], r.json()["agency_id"], r.json()["version"]) == (
        200,
        "viewer",
        None,
        2,
    )
    r = api(client, "patch", f"/api/v1/auth/users/{pk}", {"version": 1, "email": "x@y.vn"})
    assert r.status_code == 409
    r = api(client, "patch", f"/api/v1/auth/users/{pk}", {"version": 2, "person_id": w["secretary"].pk})
    assert r.json()["person_id"] == w["secretary"].pk
    r = api(client, "post", f"/api/v1/auth/users/{pk}/password", {"password": "123"})
    assert r.status_code == 422 and r.json()["errors"]["password"]
    r = api(client, "post", f"/api/v1/auth/users/{pk}/deactivate", {"version": 2})
    assert (r.status_code, r.json()["is_active"]) == (200, False)
    r = api(client, "post", f"/api/v1/auth/users/{office.pk}/deactivate", {"version": 1})
    assert r.status_code == 422 and "your own account" in r.json()["detail"]
    listed = client.get("/api/v1/auth/users/?active=false").json()
    assert [u["username"] for u in listed["items"]] == ["dm2"]
    r = api(
        client,
        "post",
        "/api/v1/auth/users/",
        {"username": "dm3", "full_name": "A B", "role": "viewer", "password": "1"},
    )
    assert r.status_code == 422 and not User.objects.filter(username="dm3").exists()


# --- query counts --------------------------------------------------------------------------------------


def grow(organization, agency, size: int, offset: int = 0):
    """Add `size` logins (a third of them focal points with an authenticator, some linked to a person)."""
    password = make_password(None)
    users = []
    for i in range(offset, offset + size):
        focal = i % 3 == 0
        u = User(
            username=f"thu{i}",
            password=password,
            organization=organization,
            role=Role.FOCAL_POINT if focal else Role.VIEWER,
            agency=agency if focal else None,
            last_name="Nguyễn Văn",
            first_name=f"Thử{i}",
            last_login=timezone.now() if i % 2 else None,
        )
        u.refresh_derived()
        users.append(u)
    User.objects.bulk_create(users)
    created = list(User.objects.filter(username__startswith="thu").order_by("id"))[offset:]
    TOTPDevice.objects.bulk_create(
        TOTPDevice(user=u, name="TOTP", confirmed=True) for u in created if u.role == Role.FOCAL_POINT
    )
    people = []
    for u in created[::4]:
        p = Person(organization=organization, full_name=u.get_full_name(), user=u)
        p.refresh_derived()
        people.append(p)
    Person.objects.bulk_create(people)


USER_URLS = [
    "/accounts/users/",
    "/accounts/users/?q=nguyen+van",
    "/accounts/users/?sort=-username&page=2",
    "/accounts/users/?role=focal_point&status=active",
    "/api/v1/auth/users/",
    "/api/v1/auth/users/?q=thu&active=true",
]


def test_user_lists_run_the_same_queries_at_5_and_at_300_rows(world, office, hanoi):
    client = client_for(office)
    grow(hanoi, world["agency"], 5)
    for url in USER_URLS:
        assert client.get(url).status_code == 200, url
    small = {url: count_queries(lambda url=url: client.get(url)) for url in USER_URLS}
    grow(hanoi, world["agency"], 295, offset=5)
    large = {url: count_queries(lambda url=url: client.get(url)) for url in USER_URLS}
    grown = {url: (small[url], large[url]) for url in USER_URLS if small[url] != large[url]}
    assert grown == {}, f"query counts grew with the data (5 rows, 300 rows): {grown}"


def test_user_form_is_flat_in_the_number_of_people(world, office, hanoi):
    client = client_for(office)
    url = f"/accounts/users/{world['clerk'].pk}/"
    client.get(url)
    before = count_queries(lambda: client.get(url))
    people = []
    for i in range(300):
        p = Person(organization=hanoi, full_name=f"Cán bộ {i}")
        p.refresh_derived()
        people.append(p)
    Person.objects.bulk_create(people)
    assert count_queries(lambda: client.get(url)) == before
