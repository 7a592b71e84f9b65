"""The locality and the unit of a calendar entry: chosen on the entry's form with the same remote pickers as a
visit's, shown on the entry's page, in the list and the export; only the organisation's own are accepted, on
the page, through the API and in the service."""

import io

import openpyxl
import pytest
from django.core.exceptions import ValidationError

from conftest import HCMC, HOAN_KIEM, unit
from core.testing import assert_flat_queries
from fieldwork.choices import EntryKind
from fieldwork.models import CalendarEntry
from fieldwork.services import calendar as services
from fieldwork.tests.conftest import at, client_for
from org.models import AdministrativeUnit
from org.services import agency_create

pytestmark = pytest.mark.django_db

API = "/api/v1/fieldwork"
FORM = {
    "kind": "field_visit",
    "title": "Đi cơ sở Phường Hoàn Kiếm",
    "starts_at": "2026-12-03T08:00",
    "ends_at": "2026-12-03T11:30",
}


@pytest.fixture
def saigon_ward(hcmc):
    wards = AdministrativeUnit.objects.filter(level=2, parent__code=HCMC, parent__level=1)
    return wards.order_by("id").first()


@pytest.fixture
def saigon_agency(hcmc, saigon_ward):
    return agency_create(
        actor=None,
        organization=hcmc,
        code="DU-SG",
        name="Đảng ủy phường của Thành phố Hồ Chí Minh",
        kind="party_committee",
        locality=saigon_ward,
    )


def test_the_form_has_the_remote_pickers_of_the_visit_form(office, leader):
    page = client_for(office).get(f"/fieldwork/entries/new/?leader={leader.pk}").content.decode()
    assert 'data-remote-select="/api/v1/org/units/"' in page
    assert 'data-remote-select="/api/v1/org/agencies/"' in page
    assert "vendor/tom-select/tom-select.complete.min.js" in page
    # Only the chosen record is rendered as an option: the pickers do not list the 3,000 units.
    assert page.count("<option") < 40


def test_the_form_saves_the_locality_and_the_unit_and_shows_them(office, leader, hoan_kiem_agency):
    client = client_for(office)
    ward = unit(HOAN_KIEM)
    response = client.post(
        "/fieldwork/entries/new/",
        {**FORM, "leader": leader.pk, "locality": ward.pk, "agency": hoan_kiem_agency.pk},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    entry = CalendarEntry.objects.get()
    assert (entry.locality, entry.agency) == (ward, hoan_kiem_agency)
    page = client.get(entry.get_absolute_url()).content.decode()
    assert "Phường Hoàn Kiếm" in page and "Đảng ủy Phường Hoàn Kiếm" in page
    # The edit form shows the chosen ones as its options; clearing them is kept.
    edit = client.get(f"/fieldwork/entries/{entry.pk}/edit/").content.decode()
    assert f'<option value="{ward.pk}" selected>' in edit
    assert f'<option value="{hoan_kiem_agency.pk}" selected>' in edit
    response = client.post(
        f"/fieldwork/entries/{entry.pk}/edit/",
        {**FORM, "leader": leader.pk, "locality": "", "agency": "", "version": entry.version},
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert (entry.locality, entry.agency) == (None, None)


def test_a_leader_sets_them_on_their_own_entry(leader_user, leader, hoan_kiem_agency):
    client = client_for(leader_user)
    response = client.post(
        "/fieldwork/entries/new/", {**FORM, "leader": leader.pk, "agency": hoan_kiem_agency.pk}
    )
    assert response.status_code == 302
    assert CalendarEntry.objects.get().agency == hoan_kiem_agency


def test_another_organisations_unit_or_locality_is_refused_on_the_page(
    office, leader, saigon_ward, saigon_agency
):
    client = client_for(office)
    for field, value in (("agency", saigon_agency.pk), ("locality", saigon_ward.pk)):
        response = client.post("/fieldwork/entries/new/", {**FORM, "leader": leader.pk, field: value})
        assert response.status_code == 200
        assert response.context["form"].errors[field], field
    assert not CalendarEntry.objects.exists()


def test_another_organisations_unit_or_locality_is_refused_by_the_api(
    office, leader, saigon_ward, saigon_agency, hoan_kiem_agency
):
    client = client_for(office)
    body = {
        "leader": leader.pk,
        "kind": "field_visit",
        "title": "Đi cơ sở",
        "starts_at": "2026-12-03T08:00:00+07:00",
        "ends_at": "2026-12-03T11:00:00+07:00",
    }
    for field, value in (("agency", saigon_agency.pk), ("locality", saigon_ward.pk)):
        response = client.post(f"{API}/entries/", {**body, field: value}, content_type="application/json")
        assert response.status_code == 422, field
        assert field in response.json()["errors"]
    assert not CalendarEntry.objects.exists()
    created = client.post(
        f"{API}/entries/",
        {**body, "locality": unit(HOAN_KIEM).pk, "agency": hoan_kiem_agency.pk},
        content_type="application/json",
    )
    assert created.status_code == 201
    assert (created.json()["locality_id"], created.json()["agency_id"]) == (
        unit(HOAN_KIEM).pk,
        hoan_kiem_agency.pk,
    )
    entry = CalendarEntry.objects.get()
    refused = client.patch(
        f"{API}/entries/{entry.pk}",
        {"version": entry.version, "locality": saigon_ward.pk},
        content_type="application/json",
    )
    assert refused.status_code == 422
    entry.refresh_from_db()
    assert entry.locality == unit(HOAN_KIEM)


def test_the_service_refuses_another_organisations_locality_and_unit(
    office, hanoi, leader, saigon_ward, saigon_agency
):
    base = {
        "actor": office,
        "organization": hanoi,
        "leader": leader,
        "kind": EntryKind.FIELD_VISIT,
        "title": "Đi cơ sở",
        "starts_at": at(2026, 12, 3, 8),
        "ends_at": at(2026, 12, 3, 11),
    }
    with pytest.raises(ValidationError) as refused:
        services.entry_create(**base, locality=saigon_ward)
    assert "locality" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        services.entry_create(**base, agency=saigon_agency)
    assert "agency" in refused.value.message_dict
    entry = services.entry_create(**base, locality=unit(HOAN_KIEM))
    with pytest.raises(ValidationError):
        services.entry_update(actor=office, entry=entry, version=entry.version, locality=saigon_ward)
    entry.refresh_from_db()
    assert entry.locality == unit(HOAN_KIEM)


def test_the_list_and_the_export_show_them_with_flat_queries(office, leader, add_entry, hoan_kiem_agency):
    ward = unit(HOAN_KIEM)
    add_entry(leader, at(2026, 12, 3, 8), at(2026, 12, 3, 11), locality=ward, agency=hoan_kiem_agency)
    client = client_for(office)
    rows = client.get("/fieldwork/entries/").content.decode()
    assert rows.count("data-entry=") == 1
    assert "Phường Hoàn Kiếm · Đảng ủy Phường Hoàn Kiếm" in rows
    sheet = openpyxl.load_workbook(io.BytesIO(client.get("/fieldwork/entries/export/").content)).active
    values = [cell for row in sheet.iter_rows(values_only=True) for cell in row]
    assert "Phường Hoàn Kiếm" in values and "Đảng ủy Phường Hoàn Kiếm" in values

    def grow():
        for day in (7, 8, 9, 10):
            add_entry(
                leader, at(2026, 12, day, 8), at(2026, 12, day, 11), locality=ward, agency=hoan_kiem_agency
            )

    assert_flat_queries(lambda: client.get("/fieldwork/entries/"), grow)
    assert_flat_queries(lambda: client.get("/fieldwork/entries/export/"), grow)
