"""Every follow-up export writes user text as text: never an Excel error, never a formula."""

import datetime as dt
import io

import pytest
import time_machine
from openpyxl import load_workbook

from followup import exports, services
from followup.choices import SourceKind, Verdict
from followup.selectors import directive_list, obstacle_list, resupervision_list

D = dt.date
TEXTS = ["#N/A", "=1+1", "+1", "-1", "@SUM(1)", "=cmd|' /C calc'!A0", "#REF!"]


def cells_of(data: bytes, heading: str) -> list:
    """The cells of the column under `heading` (the third row holds the headings)."""
    ws = load_workbook(io.BytesIO(data)).worksheets[0]
    index = [c.value for c in ws[3]].index(heading)
    return [row[index] for row in ws.iter_rows(min_row=4)]


def assert_text(cells, texts) -> None:
    assert sorted(c.value for c in cells) == sorted(texts)
    assert {c.data_type for c in cells} == {"s"}
    # Text that Excel would take for a formula once edited keeps its quote prefix.
    assert all(c.quotePrefix for c in cells)


@pytest.fixture
def directives(hanoi, hk, office, in_charge, construction):
    return [
        services.directive_create(
            actor=office,
            organization=hanoi,
            content=text,
            issued_by=in_charge.person,
            lead_unit=construction,
            deadline=D(2026, 4, 30),
            issued_on=D(2026, 3, 1),
            source_kind=SourceKind.OTHER,
        )
        for text in TEXTS
    ]


def test_the_directive_export_writes_text_as_text(directives, office):
    data = exports.directive_workbook(directive_list(user=office))
    assert_text(cells_of(data, "Nội dung"), TEXTS)


def test_the_obstacle_export_writes_text_as_text(hanoi, hk, office, in_charge):
    for text in TEXTS:
        services.obstacle_create(
            actor=office,
            organization=hanoi,
            title=text,
            description=text,
            category="site_clearance",
            resolution_level="standing_committee",
            locality=hk,
            raised_by=in_charge.person,
            raised_on=D(2026, 3, 2),
            deadline=D(2026, 3, 20),
        )
    data = exports.obstacle_workbook(obstacle_list(user=office, today=D(2026, 4, 1)))
    assert_text(cells_of(data, "Tiêu đề"), TEXTS)


@time_machine.travel(dt.datetime(2026, 5, 20, 9, 0, tzinfo=dt.UTC), tick=False)
def test_the_resupervision_export_writes_text_as_text(directives, office):
    for directive, text in zip(directives, TEXTS, strict=True):
        services.resupervision_record(
            actor=office,
            check=directive.resupervisions.get(),
            verdict=Verdict.PARTLY,
            method="documents",
            checked_on=D(2026, 5, 2),
            evidence=text,
            follow_up_content="Hoàn thành phần còn lại.",
        )
    data = exports.resupervision_workbook(resupervision_list(user=office, filters={"state": "recorded"}))
    assert_text(cells_of(data, "Căn cứ, minh chứng"), TEXTS)
