"""Shared test fixtures: two Party organisations on the real Hanoi and Ho Chi Minh City units, and users."""

import datetime as dt

import pytest

from accounts.choices import Role
from accounts.services import user_create
from org.models import AdministrativeUnit, Agency, PartyCommittee, Person
from org.services import agency_create, assignment_create, person_create, units_import

HANOI, HCMC = 1, 79
HOAN_KIEM = 70  # Phường Hoàn Kiếm
BA_DINH = 4  # Phường Ba Đình
PASSWORD = "test-password-2026"


# The session's snapshot of the test database. Kept here, not only on the connection: once Playwright runs
# an event loop in this thread, `django.db.connection` may resolve to another connection object.
_snapshot: dict[str, str] = {}


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the real units of Hanoi and Ho Chi Minh City once for the whole session."""
    from django.db import connection

    with django_db_blocker.unblock():
        units_import(actor=None, province_codes=[HANOI, HCMC])
        # Transactional tests (the browser tests) flush the database; `_session_units` restores this
        # snapshot, units included, for the tests that follow.
        _snapshot["default"] = connection.creation.serialize_db_to_string()
        connection._test_serialized_contents = _snapshot["default"]


@pytest.fixture(scope="session", autouse=True)
def _api_limits_off():
    """The suite makes thousands of API requests a minute from one address: the API's limits are off,
    but in the tests of the limits themselves (tests/api/test_throttling.py), which set them."""
    from django.conf import settings

    settings.COSO_API_RATE_TOKEN = settings.COSO_API_RATE_ADDRESS = ""


@pytest.fixture(autouse=True)
def _site_language():
    """Every test starts in the site's language: a request with Accept-Language (or a test that switched
    language) leaves its choice active in the thread, and the next test on that worker would read English."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _session_units(request):
    """Make sure the session's units are there before a test that uses the database.

    A transactional test (a browser test) ends by flushing the database, and Django's serialized rollback
    cannot be relied on to bring the data back (see `_snapshot`). The tests that follow on the same worker
    find the snapshot restored here, before their own transaction begins: one query when nothing is lost.
    """
    names = request.fixturenames
    if "django_db_setup" not in names or "transactional_db" in names:
        return  # no database, or a transactional test, which loads what it needs itself
    from django.core.management import call_command
    from django.db import connection

    with request.getfixturevalue("django_db_blocker").unblock():
        contents = _snapshot.get("default")
        if contents and not AdministrativeUnit._base_manager.filter(level=1).exists():
            # The flush left content types recreated under new ids: start from empty tables.
            call_command("flush", verbosity=0, interactive=False, inhibit_post_migrate=True)
            connection.creation.deserialize_db_from_string(contents)
            # The rows came back with their ids; PostgreSQL's sequences must move past them.
            from django.apps import apps
            from django.core.management.color import no_style

            with connection.cursor() as cursor:
                for sql in connection.ops.sequence_reset_sql(no_style(), apps.get_models()):
                    cursor.execute(sql)


def unit(code: int, level: int = 2) -> AdministrativeUnit:
    return AdministrativeUnit.objects.get(level=level, code=code)


@pytest.fixture
def hanoi(db) -> PartyCommittee:
    return PartyCommittee.objects.create(
        code="hanoi",
        name="Thành ủy Hà Nội",
        superior_body="ĐẢNG BỘ THÀNH PHỐ HÀ NỘI",
        place_name="Hà Nội",
        root_unit=unit(HANOI, level=1),
    )


@pytest.fixture
def hcmc(db) -> PartyCommittee:
    return PartyCommittee.objects.create(
        code="hcmc",
        name="Thành ủy Thành phố Hồ Chí Minh",
        superior_body="ĐẢNG BỘ THÀNH PHỐ HỒ CHÍ MINH",
        place_name="Thành phố Hồ Chí Minh",
        root_unit=unit(HCMC, level=1),
    )


@pytest.fixture
def make_user(db):
    """make_user(role, organization, username=..., person=True, agency=None) -> User."""
    counter = {"n": 0}

    def make(role, organization, username=None, *, person=False, agency=None, full_name=None):
        counter["n"] += 1
        username = username or f"{role}{counter['n']}"
        user = user_create(
            actor=None,
            username=username,
            password=PASSWORD,
            organization=organization,
            role=role,
            full_name=full_name or f"Người dùng {username}",
            agency=agency,
            validate_password=False,
        )
        if person:
            person_create(
                actor=None,
                organization=organization,
                full_name=full_name or f"Đồng chí {username}",
                position="Ủy viên Ban Thường vụ",
                user=user,
            )
            user.refresh_from_db()
        return user

    return make


@pytest.fixture
def office(make_user, hanoi):
    return make_user(Role.OFFICE, hanoi, "vanphong")


@pytest.fixture
def office_hcmc(make_user, hcmc):
    return make_user(Role.OFFICE, hcmc, "vanphonghcm")


@pytest.fixture
def leader_user(make_user, hanoi):
    """A Hanoi Standing Committee member with a Person and a login."""
    return make_user(Role.STANDING_MEMBER, hanoi, "lanhdao", person=True, full_name="Nguyễn Văn Lãnh")


@pytest.fixture
def hoan_kiem_agency(hanoi) -> Agency:
    return agency_create(
        actor=None,
        organization=hanoi,
        code="DU-HK",
        name="Đảng ủy Phường Hoàn Kiếm",
        kind="party_committee",
        locality=unit(HOAN_KIEM),
    )


@pytest.fixture
def focal_user(make_user, hanoi, hoan_kiem_agency):
    return make_user(Role.FOCAL_POINT, hanoi, "hoankiem", agency=hoan_kiem_agency)


@pytest.fixture
def viewer(make_user, hanoi):
    return make_user(Role.VIEWER, hanoi, "kiemtra")


@pytest.fixture
def assign(db):
    """assign(person, target, start, end=None, role="in_charge") -> Assignment."""

    def make(person: Person, target, start: dt.date, end: dt.date | None = None, role="in_charge"):
        kwargs = {"locality": target} if isinstance(target, AdministrativeUnit) else {"agency": target}
        return assignment_create(
            actor=None,
            organization=person.organization,
            leader=person,
            role=role,
            valid_from=start,
            valid_to=end,
            **kwargs,
        )

    return make


def demo_fixture(*apps: str):
    """A module-scoped fixture that loads the demo once for the module (only the steps of `apps` when named)
    in a transaction rolled back at the end: `loaded = demo_fixture("followup")`."""

    @pytest.fixture(scope="module")
    def loaded(django_db_setup, django_db_blocker):
        from django.db import transaction

        from accounts.demo import demo_load

        with django_db_blocker.unblock():
            atomic = transaction.atomic()
            atomic.__enter__()
            try:
                yield demo_load(steps=apps or True)
            finally:
                transaction.set_rollback(True)
                atomic.__exit__(None, None, None)

    return loaded
