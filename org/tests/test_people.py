"""People, bodies and seats: the office's pages and API, their rules, their audit and their query counts."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone, translation

from accounts.choices import Role
from accounts.tests.helpers import inline_script_problems
from core.errors import ConflictError
from core.models import AuditEvent
from core.testing import Operation, count_queries, permission_matrix
from org.choices import BodyKind
from org.models import Body, Membership, Person
from org.services import (
    agency_create,
    body_create,
    membership_add,
    membership_create,
    membership_end,
    person_archive,
    person_create,
    person_update,
)

D = dt.date
READERS = ("office", "board", "leader", "focal", "viewer")
TERM_START = D(2025, 10, 1)


def expect(anonymous, no_role, readers, other_org, **overrides):
    result = {"anonymous": anonymous, "no_role": no_role, "other_org": other_org}
    result.update({r: readers for r in READERS})
    result.update(overrides)
    return result


def office_only(anonymous, other_org, office):
    """Writes: only the office; everyone else of Hanoi is told the page does not exist."""
    return expect(anonymous, 404, 404, other_org, office=office)


def make_body(organization, kind=BodyKind.STANDING_COMMITTEE, start=TERM_START, end=None) -> Body:
    return body_create(
        actor=None, organization=organization, kind=kind, term="2025–2030", term_start=start, term_end=end
    )


@pytest.fixture
def world(hanoi, hcmc, make_user, office, office_hcmc, leader_user, focal_user, viewer):
    """Hanoi people and bodies every Hanoi user may read, and Ho Chi Minh City ones none of them may."""
    board = make_user(Role.STANDING_BOARD, hanoi, "bithu", person=True)
    no_role = make_user("", hanoi, "norole")
    agency = agency_create(actor=None, organization=hanoi, code="SXD", name="Sở Xây dựng", kind="department")
    person = person_create(
        actor=None, organization=hanoi, full_name="Trần Thị Bình", position="Phó Bí thư", agency=agency
    )
    standing = make_body(hanoi)
    seat = membership_create(
        actor=None,
        body=standing,
        person=leader_user.person,
        position="Ủy viên",
        order=5,
        valid_from=TERM_START,
    )
    other_person = person_create(actor=None, organization=hcmc, full_name="Người Thành phố")
    other_body = make_body(hcmc)
    other_seat = membership_create(actor=None, body=other_body, person=other_person, valid_from=TERM_START)
    other_newcomer = person_create(actor=None, organization=hcmc, full_name="Người Mới Thành phố")
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
        "agency": agency,
        "person": person,
        "leader": leader_user.person,
        "standing": standing,
        "seat": seat,
        "other_person": other_person,
        "other_body": other_body,
        "other_seat": other_seat,
        "other_newcomer": other_newcomer,
    }


def office_client(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


# --- the permission matrix --------------------------------------------------------------------------


def test_pages_for_hanoi_people_and_seats(world):
    w = world
    person, seat = w["person"], w["seat"]
    person_data = {"full_name": "Trần Thị Bình", "position": "Bí thư", "version": 1}
    ops = [
        Operation("leaders with bodies", "get", "/org/leaders/", expect(302, 200, 200, 200)),
        Operation("people", "get", "/org/people/", expect(302, 200, 200, 200)),
        Operation("people search", "get", "/org/people/?q=tran+thi", expect(302, 200, 200, 200)),
        Operation("archived people", "get", "/org/people/?archived=1", expect(302, 200, 200, 200)),
        Operation("person page", "get", f"/org/people/{person.pk}/", expect(302, 404, 200, 404)),
        Operation("new person form", "get", "/org/people/new/", office_only(302, 200, 200)),
        Operation(
            "create person",
            "post",
            "/org/people/new/",
            office_only(302, 302, 302),
            data={"full_name": "Lê Văn Mới"},
        ),
        Operation("edit person form", "get", f"/org/people/{person.pk}/edit/", office_only(302, 404, 200)),
        Operation(
            "edit person",
            "post",
            f"/org/people/{person.pk}/edit/",
            office_only(302, 404, 302),
            data=person_data,
        ),
        Operation(
            "archive person",
            "post",
            f"/org/people/{person.pk}/archive/",
            office_only(302, 404, 302),
            data={"version": 1},
        ),
        Operation(
            "restore person",
            "post",
            f"/org/people/{person.pk}/restore/",
            office_only(302, 404, 302),
            data={"version": 1},
        ),
        Operation(
            "archive needs POST", "get", f"/org/people/{person.pk}/archive/", expect(302, 405, 405, 405)
        ),
        Operation("seat form", "get", f"/org/people/{person.pk}/seats/new/", office_only(302, 404, 200)),
        Operation(
            "add seat",
            "post",
            f"/org/people/{person.pk}/seats/new/",
            office_only(302, 404, 302),
            data={"body": w["standing"].pk, "order": 2, "valid_from": "01/10/2025"},
        ),
        Operation("end seat form", "get", f"/org/seats/{seat.pk}/end/", office_only(302, 404, 200)),
        Operation(
            "end seat",
            "post",
            f"/org/seats/{seat.pk}/end/",
            office_only(302, 404, 302),
            data={"valid_to": "31/12/2025", "version": 1},
        ),
    ]
    assert permission_matrix(w["users"], ops) == []


def test_another_organisations_people_and_seats_look_missing(world):
    w = world
    other, other_seat = w["other_person"], w["other_seat"]
    # Hanoi's readers and office get 404; the other city's own office may.
    ops = [
        Operation("person page", "get", f"/org/people/{other.pk}/", expect(302, 404, 404, 200)),
        Operation("edit form", "get", f"/org/people/{other.pk}/edit/", expect(302, 404, 404, 200)),
        Operation(
            "edit",
            "post",
            f"/org/people/{other.pk}/edit/",
            expect(302, 404, 404, 302),
            data={"full_name": "Đổi tên", "version": 1},
        ),
        Operation(
            "archive",
            "post",
            f"/org/people/{other.pk}/archive/",
            expect(302, 404, 404, 302),
            data={"version": 1},
        ),
        Operation(
            "restore",
            "post",
            f"/org/people/{other.pk}/restore/",
            expect(302, 404, 404, 302),
            data={"version": 1},
        ),
        Operation("seat form", "get", f"/org/people/{other.pk}/seats/new/", expect(302, 404, 404, 200)),
        Operation(
            "seat a Hanoi body's person on a foreign body",
            "post",
            f"/org/people/{w['person'].pk}/seats/new/",
            expect(302, 404, 404, 404, office=200),  # the foreign body is not a choice: a form error
            data={"body": w["other_body"].pk, "order": 1, "valid_from": "01/10/2025"},
        ),
        Operation("end seat form", "get", f"/org/seats/{other_seat.pk}/end/", expect(302, 404, 404, 200)),
        Operation(
            "end seat",
            "post",
            f"/org/seats/{other_seat.pk}/end/",
            expect(302, 404, 404, 302),
            data={"valid_to": "31/12/2025", "version": 1},
        ),
    ]
    assert permission_matrix(w["users"], ops) == []


def test_api_operations(world):
    w = world
    person, seat, body = w["person"], w["seat"], w["standing"]
    other, other_seat, other_body = w["other_person"], w["other_seat"], w["other_body"]
    ops = [
        Operation("people", "get", "/api/v1/org/people/", expect(401, 200, 200, 200)),
        Operation("archived people", "get", "/api/v1/org/people/?archived=true", expect(401, 200, 200, 200)),
        Operation("bodies", "get", "/api/v1/org/bodies/", expect(401, 200, 200, 200)),
        Operation("bodies on a date", "get", "/api/v1/org/bodies/?at=01/01/2026", expect(401, 200, 200, 200)),
        Operation(
            "create person",
            "post",
            "/api/v1/org/people/",
            office_only(401, 201, 201),
            json={"full_name": "Lê Văn Mới", "position": "Chuyên viên"},
        ),
        Operation(
            "create person at a foreign unit",
            "post",
            "/api/v1/org/people/",
            office_only(401, 422, 201),
            json={"full_name": "Lê Văn Mới", "agency_id": w["agency"].pk},
        ),
        Operation(
            "patch person",
            "patch",
            f"/api/v1/org/people/{person.pk}",
            office_only(401, 404, 200),
            json={"version": 1, "position": "Bí thư"},
        ),
        Operation(
            "archive person",
            "post",
            f"/api/v1/org/people/{person.pk}/archive",
            office_only(401, 404, 200),
            json={"version": 1},
        ),
        Operation(
            "restore person",
            "post",
            f"/api/v1/org/people/{person.pk}/restore",
            office_only(401, 404, 200),
            json={"version": 1},
        ),
        Operation(
            "add member",
            "post",
            f"/api/v1/org/bodies/{body.pk}/members",
            office_only(401, 404, 201),
            json={"person_id": person.pk, "position": "Ủy viên", "valid_from": "2025-10-01"},
        ),
        Operation(
            "end seat",
            "post",
            f"/api/v1/org/memberships/{seat.pk}/end",
            office_only(401, 404, 200),
            json={"version": 1, "valid_to": "2025-12-31"},
        ),
        # Another organisation's records: not found for Hanoi, found by their own office.
        Operation("other person", "get", f"/api/v1/org/people/{other.pk}", expect(401, 404, 404, 200)),
        Operation(
            "patch other person",
            "patch",
            f"/api/v1/org/people/{other.pk}",
            expect(401, 404, 404, 200),
            json={"version": 1, "position": "x"},
        ),
        Operation(
            "archive other person",
            "post",
            f"/api/v1/org/people/{other.pk}/archive",
            expect(401, 404, 404, 200),
            json={"version": 1},
        ),
        Operation(
            "restore other person",
            "post",
            f"/api/v1/org/people/{other.pk}/restore",
            expect(401, 404, 404, 200),
            json={"version": 1},
        ),
        Operation(
            "add member to another body",
            "post",
            f"/api/v1/org/bodies/{other_body.pk}/members",
            expect(401, 404, 404, 201),
            json={"person_id": w["other_newcomer"].pk, "order": 3, "valid_from": "2026-01-01"},
        ),
        Operation(
            "seat a foreign person",
            "post",
            f"/api/v1/org/bodies/{body.pk}/members",
            office_only(401, 404, 422),
            json={"person_id": other.pk, "valid_from": "2025-10-01"},
        ),
        Operation(
            "end another seat",
            "post",
            f"/api/v1/org/memberships/{other_seat.pk}/end",
            expect(401, 404, 404, 200),
            json={"version": 1, "valid_to": "2025-12-31"},
        ),
    ]
    assert permission_matrix(w["users"], ops) == []


# --- services: rules, audit, conflicts ----------------------------------------------------------------


def test_person_edits_are_audited_with_before_and_after(world, office):
    person = world["person"]
    person_update(actor=office, person=person, version=1, position="Bí thư", agency=None)
    event = AuditEvent.objects.get(object_id=str(person.pk), content_type__model="person", action="update")
    assert event.actor == office
    assert event.changes["position"] == ["Phó Bí thư", "Bí thư"]
    assert event.changes["agency"] == [world["agency"].pk, None]
    person_archive(actor=office, person=person, version=2)
    archived = AuditEvent.objects.get(
        object_id=str(person.pk), content_type__model="person", action="archive"
    )
    assert archived.changes["archived_at"][0] is None


def test_a_stale_person_edit_is_a_conflict_and_changes_nothing(world, office):
    person = world["person"]
    stale = Person.objects.get(pk=person.pk)
    person_update(actor=office, person=person, version=1, position="Bí thư")
    with pytest.raises(ConflictError):
        person_update(actor=office, person=stale, version=1, full_name="Tên Khác")
    person.refresh_from_db()
    assert (person.full_name, person.position, person.version) == ("Trần Thị Bình", "Bí thư", 2)


def test_a_person_needs_a_name_and_a_unit_of_their_own_organisation(hanoi, hcmc, office):
    with pytest.raises(ValidationError) as exc:
        person_create(actor=office, organization=hanoi, full_name="   ")
    assert "full_name" in exc.value.message_dict
    foreign = agency_create(actor=None, organization=hcmc, code="X", name="Sở X", kind="department")
    with pytest.raises(ValidationError) as exc:
        person_create(actor=office, organization=hanoi, full_name="Lê Văn An", agency=foreign)
    assert "agency" in exc.value.message_dict
    assert not Person.objects.filter(full_name="Lê Văn An").exists()


def test_seats_are_added_once_within_the_term_and_not_for_the_archived(world, office):
    w = world
    board = make_body(w["person"].organization, kind=BodyKind.STANDING_BOARD, end=D(2030, 9, 30))
    seat = membership_add(
        actor=office,
        body=board,
        person=w["person"],
        valid_from=D(2025, 10, 1),
        position="Phó Bí thư",
        order=2,
    )
    created = AuditEvent.objects.get(object_id=str(seat.pk), content_type__model="membership")
    assert (created.action, created.actor, created.changes["position"]) == ("create", office, "Phó Bí thư")
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        membership_add(actor=office, body=board, person=w["person"], valid_from=D(2026, 1, 1))
    assert exc.value.message_dict["body"] == [
        "Trần Thị Bình already sits on Standing Board 2025–2030 from 01/10/2025. End that seat first."
    ]
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        membership_add(actor=office, body=board, person=w["leader"], valid_from=D(2031, 1, 1))
    assert exc.value.message_dict["valid_from"] == [
        "The start date must fall within the term 2025–2030 (01/10/2025 to 30/09/2030)."
    ]
    person_archive(actor=office, person=w["leader"], version=w["leader"].version)
    w["leader"].refresh_from_db()
    with pytest.raises(ValidationError) as exc:
        membership_add(actor=office, body=board, person=w["leader"], valid_from=D(2026, 1, 1))
    assert "person" in exc.value.message_dict
    assert Membership.objects.filter(body=board).count() == 1


def test_a_seat_ended_the_day_before_may_start_again(world, office):
    w = world
    membership_end(actor=office, membership=w["seat"], version=1, on=D(2025, 12, 31))
    again = membership_add(actor=office, body=w["standing"], person=w["leader"], valid_from=D(2026, 1, 1))
    assert again.valid_to is None


def test_ending_a_seat_is_audited_and_checked(world, office):
    seat = world["seat"]
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        membership_end(actor=office, membership=seat, version=1, on=D(2025, 9, 30))
    assert exc.value.message_dict["valid_to"] == ["The end date is before the start date (01/10/2025)."]
    stale = Membership.objects.get(pk=seat.pk)
    membership_end(actor=office, membership=seat, version=1, on=D(2025, 12, 31))
    event = AuditEvent.objects.get(object_id=str(seat.pk), content_type__model="membership", action="update")
    assert (event.actor, event.changes["valid_to"]) == (office, [None, "2025-12-31"])
    with pytest.raises(ValidationError) as exc:
        membership_end(actor=office, membership=seat, version=2, on=D(2026, 1, 31))
    assert "valid_to" in exc.value.message_dict
    with pytest.raises(ConflictError):
        membership_end(actor=office, membership=stale, version=1, on=D(2026, 1, 31))
    seat.refresh_from_db()
    assert (seat.valid_to, seat.version) == (D(2025, 12, 31), 2)


# --- pages ----------------------------------------------------------------------------------------------


def test_office_creates_edits_archives_and_restores_a_person(world, office):
    client = office_client(office)
    response = client.post(
        "/org/people/new/",
        {
            "full_name": "  Nguye\u0302\u0303n Văn Mới ",
            "position": "Chuyên viên",
            "agency": world["agency"].pk,
        },
    )
    person = Person.objects.get(full_name="Nguyễn Văn Mới")
    assert response.status_code == 302 and response["Location"] == person.get_absolute_url()
    assert person.agency == world["agency"]
    page = client.get(person.get_absolute_url()).content.decode()
    assert f'action="/org/people/{person.pk}/archive/"' in page and 'name="version" value="1"' in page
    response = client.post(
        f"/org/people/{person.pk}/edit/",
        {"full_name": "Nguyễn Văn Mới", "position": "Phó Chánh Văn phòng", "version": 1},
    )
    assert response.status_code == 302
    assert client.post(f"/org/people/{person.pk}/archive/", {"version": 2}).status_code == 302
    person.refresh_from_db()
    assert person.archived_at is not None and person.version == 3
    assert person not in client.get("/org/people/").context["page"].object_list
    assert person in client.get("/org/people/?archived=1").context["page"].object_list
    page = client.get(person.get_absolute_url()).content.decode()
    assert 'data-testid="archived-notice"' in page and f"/org/people/{person.pk}/restore/" in page
    assert client.post(f"/org/people/{person.pk}/restore/", {"version": 3}).status_code == 302
    person.refresh_from_db()
    assert person.archived_at is None
    actions = list(
        AuditEvent.objects.filter(object_id=str(person.pk), content_type__model="person")
        .order_by("at", "id")
        .values_list("action", flat=True)
    )
    assert actions == ["create", "update", "archive", "restore"]


def test_a_stale_person_form_shows_the_conflict_and_changes_nothing(world, office):
    person = world["person"]
    client = office_client(office)
    data = {"full_name": "Trần Thị Bình", "position": "Bí thư", "version": 1}
    assert client.post(f"/org/people/{person.pk}/edit/", data).status_code == 302
    response = client.post(f"/org/people/{person.pk}/edit/", {**data, "position": "Ủy viên"})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "This record was changed by someone else. Reload it and try again."
    ]
    person.refresh_from_db()
    assert (person.position, person.version) == ("Bí thư", 2)


def test_a_stale_archive_button_is_refused(world, office):
    person = world["person"]
    client = office_client(office)
    person_update(actor=office, person=person, version=1, position="Bí thư")
    response = client.post(f"/org/people/{person.pk}/archive/", {"version": 1}, follow=True)
    assert "This record was changed by someone else" in response.content.decode()
    person.refresh_from_db()
    assert person.archived_at is None


def test_bad_person_input_gives_clear_messages_and_changes_nothing(world, office):
    client = office_client(office)
    before = Person.objects.count()
    response = client.post("/org/people/new/", {"full_name": "", "email": "not-an-address"})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["full_name"] == ["This field is required."]
    assert errors["email"] == ["Enter a valid email address."]
    foreign = client.post("/org/people/new/", {"full_name": "Lê An", "agency": 999_999})
    assert "agency" in foreign.context["form"].errors
    assert Person.objects.count() == before


def test_office_adds_and_ends_a_seat_from_the_person_page(world, office):
    w = world
    client = office_client(office)
    page = client.get(w["person"].get_absolute_url()).content.decode()
    assert f"/org/people/{w['person'].pk}/seats/new/" in page
    response = client.post(
        f"/org/people/{w['person'].pk}/seats/new/",
        {"body": w["standing"].pk, "position": "Phó Bí thư", "order": 2, "valid_from": "05/10/2025"},
    )
    assert response.status_code == 302
    seat = Membership.objects.get(person=w["person"])
    assert (seat.valid_from, seat.order, seat.position) == (D(2025, 10, 5), 2, "Phó Bí thư")
    page = client.get(w["person"].get_absolute_url()).content.decode()
    assert f"/org/seats/{seat.pk}/end/" in page
    # A date in the wrong format, then one before the start: clear messages, nothing written.
    response = client.post(f"/org/seats/{seat.pk}/end/", {"valid_to": "2025/13/45", "version": 1})
    assert response.context["form"].errors["valid_to"] == ["Enter a valid date."]
    response = client.post(f"/org/seats/{seat.pk}/end/", {"valid_to": "04/10/2025", "version": 1})
    assert response.context["form"].errors["valid_to"] == [
        "The end date is before the start date (05/10/2025)."
    ]
    seat.refresh_from_db()
    assert seat.valid_to is None
    response = client.post(f"/org/seats/{seat.pk}/end/", {"valid_to": "31/12/2025", "version": 1})
    assert response.status_code == 302
    seat.refresh_from_db()
    assert (seat.valid_to, seat.version) == (D(2025, 12, 31), 2)


def test_a_second_seat_on_the_same_body_is_a_form_error(world, office):
    w = world
    client = office_client(office)
    response = client.post(
        f"/org/people/{w['leader'].pk}/seats/new/",
        {"body": w["standing"].pk, "order": 1, "valid_from": "01/01/2026"},
    )
    assert response.status_code == 200
    assert "already sits on" in response.context["form"].errors["body"][0]
    assert Membership.objects.filter(person=w["leader"]).count() == 1


def test_leaders_page_shows_each_current_body_with_its_members_in_order(world, office, hanoi):
    w = world
    board = make_body(hanoi, kind=BodyKind.STANDING_BOARD)
    make_body(hanoi, kind=BodyKind.EXECUTIVE_COMMITTEE, start=D(2020, 10, 1), end=D(2025, 9, 30))  # past term
    secretary = person_create(actor=None, organization=hanoi, full_name="Đinh Tiến Dũng")
    gone = person_create(actor=None, organization=hanoi, full_name="Người Đã Nghỉ")
    membership_create(
        actor=None, body=board, person=secretary, position="Bí thư", order=1, valid_from=TERM_START
    )
    membership_create(actor=None, body=w["standing"], person=secretary, order=1, valid_from=TERM_START)
    membership_create(
        actor=None, body=w["standing"], person=gone, order=2, valid_from=TERM_START, valid_to=D(2025, 12, 31)
    )
    client = office_client(w["users"]["viewer"])
    response = client.get("/org/leaders/")
    bodies = list(response.context["bodies"])
    assert [b.kind for b in bodies] == [BodyKind.STANDING_BOARD, BodyKind.STANDING_COMMITTEE]
    assert [m.person.full_name for m in bodies[1].current_members] == ["Đinh Tiến Dũng", "Nguyễn Văn Lãnh"]
    assert all(m.person != gone for b in bodies for m in b.current_members)  # an ended seat
    html = response.content.decode()
    assert html.count('data-testid="body-card"') == 2
    assert inline_script_problems(html) == [] and "style=" not in html


def test_people_search_ignores_diacritics_and_only_the_office_lists_the_archived(world, office, viewer):
    w = world
    person_archive(actor=office, person=w["leader"], version=w["leader"].version)
    for user in (office, viewer):
        client = office_client(user)
        names = [p.full_name for p in client.get("/org/people/?q=TRAN thi").context["page"].object_list]
        assert names == ["Trần Thị Bình"]
        assert client.get("/org/people/?q=binh", HTTP_HX_REQUEST="true").templates[0].name == (
            "org/_person_rows.html"
        )
    archived = office_client(office).get("/org/people/?archived=1").context["page"].object_list
    assert [p.full_name for p in archived] == ["Nguyễn Văn Lãnh"]
    not_for_viewers = office_client(viewer).get("/org/people/?archived=1").context["page"].object_list
    assert "Nguyễn Văn Lãnh" not in [p.full_name for p in not_for_viewers]


def test_person_page_buttons_are_for_the_office_only(world, viewer, office):
    url = world["person"].get_absolute_url()
    viewer_page = office_client(viewer).get(url).content.decode()
    assert "/edit/" not in viewer_page and "/archive/" not in viewer_page and "/seats/new/" not in viewer_page
    office_page = office_client(office).get(url).content.decode()
    assert 'name="csrfmiddlewaretoken"' in office_page
    assert inline_script_problems(office_page) == [] and "style=" not in office_page


# --- API --------------------------------------------------------------------------------------------------


def test_api_people_create_patch_archive_restore(world, office):
    client = office_client(office)
    r = client.post(
        "/api/v1/org/people/",
        {"full_name": "Lê Văn Mới", "position": "Chuyên viên", "agency_id": world["agency"].pk},
        content_type="application/json",
    )
    assert r.status_code == 201, r.json()
    body = r.json()
    assert (body["full_name"], body["agency_id"], body["version"], body["archived"]) == (
        "Lê Văn Mới",
        world["agency"].pk,
        1,
        False,
    )
    pk = body["id"]
    r = client.patch(
        f"/api/v1/org/people/{pk}", {"version": 1, "agency_id": None}, content_type="application/json"
    )
    assert (r.status_code, r.json()["agency_id"], r.json()["version"]) == (200, None, 2)
    r = client.patch(
        f"/api/v1/org/people/{pk}", {"version": 1, "position": "x"}, content_type="application/json"
    )
    assert r.status_code == 409
    r = client.patch(
        f"/api/v1/org/people/{pk}", {"version": 2, "email": "not-an-address"}, content_type="application/json"
    )
    assert r.status_code == 422 and "email" in r.json()["errors"]
    r = client.post(f"/api/v1/org/people/{pk}/archive", {"version": 2}, content_type="application/json")
    assert (r.status_code, r.json()["archived"]) == (200, True)
    archived = client.get("/api/v1/org/people/?archived=true").json()
    assert [p["id"] for p in archived["items"]] == [pk]
    r = client.post(f"/api/v1/org/people/{pk}/restore", {"version": 3}, content_type="application/json")
    assert (r.status_code, r.json()["archived"]) == (200, False)
    assert Person.objects.get(pk=pk).email == ""


def test_api_bodies_and_seats(world, office):
    w = world
    client = office_client(office)
    r = client.post(
        f"/api/v1/org/bodies/{w['standing'].pk}/members",
        {"person_id": w["person"].pk, "position": "Phó Bí thư", "order": 2, "valid_from": "2025-10-01"},
        content_type="application/json",
    )
    assert r.status_code == 201, r.json()
    bodies = client.get("/api/v1/org/bodies/").json()["items"]
    assert [b["kind"] for b in bodies] == ["standing_committee"]
    members = bodies[0]["members"]
    assert [(m["person"]["full_name"], m["order"]) for m in members] == [
        ("Trần Thị Bình", 2),
        ("Nguyễn Văn Lãnh", 5),
    ]
    assert members[1]["person"]["login"] == "lanhdao"
    r = client.post(
        f"/api/v1/org/bodies/{w['standing'].pk}/members",
        {"person_id": w["person"].pk, "valid_from": "2026-01-01"},
        content_type="application/json",
    )
    assert r.status_code == 422 and "already sits on" in r.json()["detail"]
    r = client.post(
        f"/api/v1/org/memberships/{w['seat'].pk}/end",
        {"version": 1, "valid_to": "2025-09-01"},
        content_type="application/json",
    )
    assert r.status_code == 422 and r.json()["errors"]["valid_to"]
    r = client.post(
        f"/api/v1/org/memberships/{w['seat'].pk}/end",
        {"version": 1, "valid_to": "2025-12-31"},
        content_type="application/json",
    )
    assert (r.status_code, r.json()["valid_to"]) == (200, "2025-12-31")
    assert (
        client.get("/api/v1/org/bodies/?at=2025-12-31").json()["items"][0]["members"][1]["id"] == w["seat"].pk
    )
    later = client.get("/api/v1/org/bodies/?at=01/01/2026").json()["items"][0]["members"]
    assert [m["person"]["full_name"] for m in later] == ["Trần Thị Bình"]
    assert client.get("/api/v1/org/bodies/?at=31-02-2026").status_code == 422


# --- query counts ---------------------------------------------------------------------------------------


def grow(organization, body, size: int, offset: int = 0):
    """Add `size` people to the organisation, each seated on `body`, in bulk."""
    people = []
    for i in range(offset, offset + size):
        p = Person(organization=organization, full_name=f"Cán bộ Thử {i}", position="Ủy viên")
        p.refresh_derived()
        people.append(p)
    Person.objects.bulk_create(people)
    people = list(Person.objects.filter(full_name__startswith="Cán bộ Thử").order_by("id"))[offset:]
    Membership.objects.bulk_create(
        Membership(body=body, person=p, order=10 + i, valid_from=TERM_START) for i, p in enumerate(people)
    )
    return people


FLAT_URLS = [
    "/org/leaders/",
    "/org/people/",
    "/org/people/?q=can+bo",
    "/org/people/?archived=1",
    "/org/people/?page=2",
    "/api/v1/org/people/",
    "/api/v1/org/bodies/",
]


def test_people_lists_and_leaders_page_run_the_same_queries_at_5_and_at_300_rows(world, office, hanoi):
    client = office_client(office)
    make_body(hanoi, kind=BodyKind.STANDING_BOARD)
    grow(hanoi, world["standing"], 5)
    person_archive(actor=office, person=world["person"], version=1)
    for url in FLAT_URLS:
        assert client.get(url).status_code == 200, url
    small = {url: count_queries(lambda url=url: client.get(url)) for url in FLAT_URLS}
    grow(hanoi, world["standing"], 295, offset=5)
    Person.objects.filter(full_name__startswith="Cán bộ Thử 2").update(archived_at=timezone.now())
    large = {url: count_queries(lambda url=url: client.get(url)) for url in FLAT_URLS}
    grown = {url: (small[url], large[url]) for url in FLAT_URLS if small[url] != large[url]}
    assert grown == {}, f"query counts grew with the data (5 rows, 300 rows): {grown}"


def test_person_page_is_flat_in_the_number_of_seats(world, office, hanoi):
    client = office_client(office)
    person = world["leader"]
    url = person.get_absolute_url()
    client.get(url)  # warm the per-process caches (content types)
    before = count_queries(lambda: client.get(url))
    bodies = [
        Body(
            organization=hanoi, kind=BodyKind.EXECUTIVE_COMMITTEE, term=f"{y}–{y + 5}", term_start=D(y, 1, 1)
        )
        for y in range(1950, 2020)
    ]
    Body.objects.bulk_create(bodies)
    Membership.objects.bulk_create(
        Membership(body=b, person=person, valid_from=b.term_start, valid_to=D(b.term_start.year + 4, 12, 31))
        for b in Body.objects.filter(organization=hanoi, kind=BodyKind.EXECUTIVE_COMMITTEE)
    )
    after = count_queries(lambda: client.get(url))
    assert before == after
    assert len(client.get(url).context["past_seats"]) == 70
