"""Hostile sheets tried on the incident import, as an outside tester would: far cells, a claimed
dimension, numbers too large for a query or for Decimal. Each is refused quickly with a clear error on its
cell, or read as it is."""

import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import translation

from conftest import HOAN_KIEM
from core.excel import ImportErrorRow
from core.models import AuditEvent
from core.testing import rewrite_first_sheet
from incidents.models import Incident
from incidents.tests.test_excel import HEADINGS, row, run, sheet

LIMITS = "columns A to AN (40 columns) and rows 1 to 101,000"  # 100,000 incidents, 1,000 more rows
WITH_PLACE = [*HEADINGS, "Vĩ độ", "Kinh độ"]


def timed(office, organization, data: bytes):
    start = time.perf_counter()
    with translation.override("en"):
        result = run(office, organization, data)
    return result, time.perf_counter() - start


@pytest.mark.parametrize("reference", ["XFD200000", "A1048576"])
def test_a_far_cell_is_refused_quickly_naming_the_limits_and_nothing_is_written(
    hanoi, routed, office, reference
):
    data = sheet([row()], setup=lambda ws: ws.__setitem__(reference, "x"))
    assert len(data) < 10_000
    result, seconds = timed(office, hanoi, data)
    assert seconds < 3
    assert result.created == []
    assert [(e.sheet, e.row, e.column) for e in result.errors] == [("Vụ việc", None, "")]
    assert result.errors[0].message.startswith(f"Cell {reference} holds a value outside what an import reads")
    assert LIMITS in result.errors[0].message
    assert not Incident.objects.exists()
    assert AuditEvent.objects.filter(action="import").latest("id").changes["errors"] == 1


def test_the_page_shows_the_refusal_in_vietnamese(hanoi, routed, office):
    client = Client()
    client.force_login(office)
    upload = SimpleUploadedFile(
        "vu-viec.xlsx", sheet([row()], setup=lambda ws: ws.__setitem__("A1048576", "x"))
    )
    response = client.post(reverse("incidents:import"), {"file": upload}, follow=True)
    assert response.status_code == 200 and 'data-status="refused"' in response.content.decode()
    assert (
        "Ô A1048576 có dữ liệu nằm ngoài phạm vi được nhập: cột A đến AN (40 cột) và dòng 1 đến 101.000."
        in (response.content.decode())
    )
    assert not Incident.objects.exists()


def test_a_claimed_dimension_and_a_far_empty_cell_do_not_stop_a_good_sheet(hanoi, routed, office):
    data = rewrite_first_sheet(
        sheet([row()]),
        dimension="A1:XFD1048576",
        append='<row r="1048576" s="1" customFormat="1"><c r="XFD1048576" s="1"/></row>',
    )
    result, seconds = timed(office, hanoi, data)
    assert seconds < 3
    assert result.errors == []
    assert [i.locality.code for i in result.created] == [HOAN_KIEM]


@pytest.mark.parametrize(
    ("value", "shown"),
    [(10**20, "1e+20"), (1e20, "1e+20"), ("100000000000000000000", "100000000000000000000")],
)
def test_a_unit_code_too_large_for_a_query_is_an_error_on_its_cell(hanoi, routed, office, value, shown):
    result, _seconds = timed(office, hanoi, sheet([row(**{"Mã địa bàn": value})]))
    assert result.errors == [
        ImportErrorRow(
            "Vụ việc",
            2,
            "C (Mã địa bàn)",
            f"“{shown}” is not the official code of a commune or ward of the organisation.",
        )
    ]
    assert not Incident.objects.exists()


@pytest.mark.parametrize(
    ("latitude", "longitude", "column", "message"),
    [
        (1e22, 105.85, "J (Vĩ độ)", "The latitude must be between -90 and 90."),
        ("1e22", 105.85, "J (Vĩ độ)", "The latitude must be between -90 and 90."),
        (21.03, -1e300, "K (Kinh độ)", "The longitude must be between -180 and 180."),
        (1e22, None, "J (Vĩ độ)", "The latitude must be between -90 and 90."),
    ],
)
def test_a_coordinate_too_large_for_decimal_is_an_error_on_its_cell(
    hanoi, routed, office, latitude, longitude, column, message
):
    data = sheet([[*row(), latitude, longitude]], headings=WITH_PLACE)
    result, _seconds = timed(office, hanoi, data)
    assert result.errors == [ImportErrorRow("Vụ việc", 2, column, message)]
    assert not Incident.objects.exists()
