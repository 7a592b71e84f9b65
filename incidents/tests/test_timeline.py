"""The incident's timeline ("Diễn biến") reads in sentences, in the reader's language, with the field
changes one click away; more events on the incident do not cost more queries."""

import datetime as dt
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from accounts.choices import Role
from core import audit, events
from core.services import attachment_add
from core.testing import assert_flat_queries
from incidents import services
from incidents.tests.conftest import report
from org.services import person_create

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def _pdf(name: str, size: int) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF + b" " * (size - len(PDF)), content_type="application/pdf")


def client_for(user, language: str | None = None) -> Client:
    client = Client()
    client.force_login(user)
    if language:
        client.cookies["django_language"] = language
    return client


def _timeline(page: str) -> str:
    """The timeline card of a detail page."""
    start = page.index('data-testid="timeline"')
    return page[start : page.index("</div></div>", start)]


def _sentences(page: str) -> list[str]:
    return re.findall(r'data-testid="event-sentence">([^<]*)<', _timeline(page))


@pytest.fixture
def tam(make_user, hanoi, hoan_kiem_agency):
    return make_user(
        Role.FOCAL_POINT, hanoi, "thanhtam", agency=hoan_kiem_agency, full_name="Âu Thị Thanh Tâm"
    )


def test_the_timeline_says_who_reported_it_and_what_was_attached(hanoi, routed, tam, leader_user):
    incident = report(hanoi, tam, files=[_pdf("anh-hien-truong.pdf", 24254)])
    page = client_for(leader_user).get(f"/incidents/{incident.pk}/").content.decode()
    timeline = _timeline(page)
    assert _sentences(page) == ["Đính kèm anh-hien-truong.pdf (23,7 KB)", "Âu Thị Thanh Tâm báo cáo vụ việc"]
    assert "24254" not in timeline and "Dung lượng" not in timeline  # no raw field dump
    assert re.search(r"\d\d/\d\d/\d{4} \d\d:\d\d · Âu Thị Thanh Tâm", timeline)  # who attached it
    # The reported fields are one click away, in a disclosure, not spread on the page.
    details = timeline[timeline.index("<details") :]
    assert "Sụt lún mặt đường phố Tràng Tiền" in details
    english = client_for(leader_user, "en").get(f"/incidents/{incident.pk}/").content.decode()
    assert _sentences(english) == [
        "Attached anh-hien-truong.pdf (23.7 KB)",
        "Âu Thị Thanh Tâm reported the incident",
    ]


def test_a_status_move_reads_from_and_to_in_either_language(hanoi, routed, tam, leader_user):
    incident = report(hanoi, tam)
    services.incident_set_status(actor=leader_user, incident=incident, version=1, status="handling")
    [event] = audit.history_for(incident).filter(kind="incident.status_changed")
    assert event.params == {"from": "received", "to": "handling", "reject_reason": "", "duplicate_of": ""}
    assert event.note == ""
    with translation.override("vi"):
        assert events.sentence(event) == "Nguyễn Văn Lãnh chuyển trạng thái từ Đã tiếp nhận sang Đang xử lý"
    with translation.override("en"):
        assert events.sentence(event) == "Nguyễn Văn Lãnh moved the incident from Received to Being handled"


def test_a_duplicate_reads_with_the_code_it_duplicates_and_stores_no_prose(hanoi, routed, tam, leader_user):
    first = report(hanoi, tam)
    second = report(hanoi, tam, title="Sụt lún lần nữa")
    services.incident_link_duplicate(actor=leader_user, incident=second, version=1, duplicate_of=first)
    [event] = audit.history_for(second).filter(kind="incident.status_changed")
    assert event.note == "" and event.params["duplicate_of"] == first.code
    with translation.override("en"):
        assert (
            events.sentence(event) == f"Nguyễn Văn Lãnh rejected the incident as a duplicate of {first.code}"
        )


def test_a_reassignment_names_the_new_leader(hanoi, routed, tam, office):
    incident = report(hanoi, tam)
    other = person_create(actor=None, organization=hanoi, full_name="Phan Thị Khác")
    services.incident_reassign(
        actor=office, incident=incident, version=1, leader=other, reason="Đúng lĩnh vực."
    )
    page = client_for(office).get(f"/incidents/{incident.pk}/").content.decode()
    assert _sentences(page)[0] == "Người dùng vanphong giao vụ việc cho đồng chí Phan Thị Khác"
    assert "Đúng lĩnh vực." in _timeline(page)  # the reason typed stays as typed


def test_a_directive_issued_from_the_incident_reads_on_its_timeline(
    hanoi, routed, tam, leader_user, hoan_kiem_agency
):
    incident = report(hanoi, tam)
    directive = services.incident_issue_directive(
        actor=leader_user,
        incident=incident,
        content="Rào chắn hố sụt.",
        lead_unit=hoan_kiem_agency,
        deadline=timezone.localdate() + dt.timedelta(days=10),
    )
    [event] = audit.history_for(incident).filter(kind="incident.directive_issued")
    assert (event.params, event.note) == ({"directive": directive.pk}, "")
    with translation.override("en"):
        assert events.sentence(event) == f"Nguyễn Văn Lãnh issued a directive: {directive}"


def test_the_incident_page_costs_the_same_queries_with_more_events(
    hanoi, routed, tam, leader_user, office, hoan_kiem_agency
):
    incident = report(hanoi, tam, files=[_pdf("bien-ban.pdf", 2000)])
    client = client_for(leader_user)
    state = {"version": incident.version, "n": 0}

    def load():
        assert client.get(f"/incidents/{incident.pk}/").status_code == 200

    def grow():
        for _round in range(3):
            state["n"] += 1
            other = person_create(actor=office, organization=hanoi, full_name=f"Đồng chí số {state['n']}")
            current = services.incident_reassign(
                actor=office,
                incident=type(incident).objects.get(pk=incident.pk),
                version=state["version"],
                leader=other,
                reason=f"Lần {state['n']}",
            )
            state["version"] = current.version
            attachment_add(
                actor=tam, organization=hanoi, instance=incident, upload=_pdf(f"tep-{state['n']}.pdf", 3000)
            )

    grow()
    load()  # warm the caches (content types, the session)
    assert_flat_queries(load, grow)
    page = client.get(f"/incidents/{incident.pk}/").content.decode()
    assert "Người dùng vanphong giao vụ việc cho đồng chí Đồng chí số 6" in page


def test_the_names_and_the_calendar_s_exceptions_are_read_unordered(hanoi, routed, tam, office):
    """They are looked up by id and by date: the models' orderings would only cost the database a sort."""
    incident = report(hanoi, tam)
    other = person_create(actor=None, organization=hanoi, full_name="Phan Thị Khác")
    services.incident_reassign(
        actor=office, incident=incident, version=1, leader=other, reason="Đúng lĩnh vực."
    )
    client = client_for(office)
    client.get(f"/incidents/{incident.pk}/")
    with CaptureQueriesContext(connection) as captured:
        page = client.get(f"/incidents/{incident.pk}/").content.decode()
    assert _sentences(page)[0] == "Người dùng vanphong giao vụ việc cho đồng chí Phan Thị Khác"
    lookups = [
        query["sql"]
        for query in captured.captured_queries
        if query["sql"].startswith(('SELECT "org_person".', 'SELECT "core_calendarexception".'))
    ]
    assert len(lookups) == 2  # the former leader's name, the office's exceptions of the deadlines' years
    assert not [sql for sql in lookups if "ORDER BY" in sql]
