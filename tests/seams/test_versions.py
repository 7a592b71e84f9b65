"""`version` is required on every page that edits or moves a record: a POST without it, or with a
malformed one, is the conflict (shown to the user) and saves nothing. The pages are driven as a browser
would: the form is read from the page, then posted with its version dropped or spoiled."""

import datetime as dt
from html import escape
from html.parser import HTMLParser
from urllib.parse import urljoin

import pytest
from django.test import Client
from django.utils import translation

from accounts import services as account_services
from accounts.choices import Role
from conftest import HOAN_KIEM, unit
from core import services as core_services
from core.errors import ConflictError
from core.models import CalendarExceptionKind
from fieldwork.services import calendar as fieldwork_calendar
from fieldwork.services import visits as fieldwork_visits
from followup import services as followup_services
from followup.choices import SourceKind
from incidents.tests.conftest import report
from org import services as org_services
from org.choices import BodyKind

D = dt.date


class _Forms(HTMLParser):
    """The POST forms of a page: their action and the fields a browser would send (no files)."""

    def __init__(self):
        super().__init__()
        self.forms, self._form, self._select, self._textarea = [], None, None, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and a.get("method", "").lower() == "post":
            self._form = {"action": a.get("action") or "", "fields": []}
            self.forms.append(self._form)
        elif self._form is None or ("name" not in a and tag != "option"):
            return
        elif tag == "input":
            kind = a.get("type", "text")
            if kind in ("submit", "button", "file") or (kind in ("checkbox", "radio") and "checked" not in a):
                return
            self._form["fields"].append((a["name"], a.get("value", "on" if kind == "checkbox" else "")))
        elif tag == "select":
            self._select = {"name": a["name"], "first": None, "chosen": [], "multiple": "multiple" in a}
        elif tag == "option" and self._select is not None:
            value = a.get("value", "")
            if self._select["first"] is None:
                self._select["first"] = value
            if "selected" in a:
                self._select["chosen"].append(value)
        elif tag == "textarea":
            self._textarea = [a["name"], ""]

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select" and self._select is not None:
            # As a browser: a multiple select sends its chosen options only, a single one its first option
            # when none is chosen, and a select without options sends nothing.
            select = self._select
            first = [] if select["multiple"] or select["first"] is None else [select["first"]]
            values = select["chosen"] or first
            self._form["fields"] += [(self._select["name"], v) for v in values]
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            self._form["fields"].append(tuple(self._textarea))
            self._textarea = None


def _form_data(client, page: str, target: str) -> dict:
    """The first POST form on `page` that posts to `target` and carries a version, as POST data."""
    response = client.get(page)
    assert response.status_code == 200, page
    parser = _Forms()
    parser.feed(response.content.decode())
    for form in parser.forms:
        names = [name for name, _value in form["fields"]]
        if urljoin(page, form["action"]) == target and "version" in names:
            data = {}
            for name, value in form["fields"]:
                data.setdefault(name, []).append(value)
            return data
    raise AssertionError(f"no form on {page} posts a version to {target}")


def _conflict_message() -> str:
    with translation.override("vi"):
        return escape(ConflictError().message)


@pytest.fixture
def records(hanoi, office, leader_user, focal_user, hoan_kiem_agency, assign, make_user):
    hk = unit(HOAN_KIEM)
    assignment = assign(leader_user.person, hk, D(2025, 7, 1))
    body = org_services.body_create(
        actor=office,
        organization=hanoi,
        kind=BodyKind.STANDING_COMMITTEE,
        term="2025-2030",
        term_start=D(2025, 10, 1),
    )
    membership = org_services.membership_create(
        actor=office, body=body, person=leader_user.person, valid_from=D(2025, 10, 1)
    )
    archived = org_services.person_create(actor=office, organization=hanoi, full_name="Lê Thị Lưu Trữ")
    archived = org_services.person_archive(actor=office, person=archived, version=archived.version)
    stopped = make_user(Role.VIEWER, hanoi, "tamdung")
    stopped = account_services.user_deactivate(actor=office, user=stopped, version=stopped.version)
    obstacle = followup_services.obstacle_create(
        actor=office,
        organization=hanoi,
        title="Vướng mặt bằng tuyến phố Hàng Bài",
        description="Còn 12 hộ chưa nhận tiền bồi thường.",
        category="site_clearance",
        resolution_level="standing_committee",
        locality=hk,
        raised_by=leader_user.person,
        raised_on=D(2026, 3, 2),
    )
    directive = followup_services.directive_create(
        actor=office,
        organization=hanoi,
        content="Hoàn thành kiểm đếm các hộ còn lại.",
        issued_by=leader_user.person,
        lead_unit=hoan_kiem_agency,
        deadline=D(2026, 12, 31),
        issued_on=D(2026, 3, 5),
        source_kind=SourceKind.OTHER,
    )
    incident = report(hanoi, office)
    year = dt.date.today().year
    exception = core_services.calendar_exception_create(
        actor=office,
        organization=hanoi,
        date=D(year, 11, 21),
        kind=CalendarExceptionKind.DAY_OFF,
        name="Nghỉ bù",
    )
    plain = org_services.person_create(actor=office, organization=hanoi, full_name="Đỗ Văn Bình")
    other = make_user(Role.STANDING_MEMBER, hanoi, "lanhdaokhac", person=True, full_name="Phan Thị Khác")
    agency, person, account = hoan_kiem_agency, leader_user.person, focal_user
    tz = dt.timezone(dt.timedelta(hours=7))
    yesterday = dt.datetime.combine(dt.date.today() - dt.timedelta(days=1), dt.time(8), tzinfo=tz)
    entry = fieldwork_calendar.entry_create(
        actor=office,
        organization=hanoi,
        leader=person,
        kind="field_visit",
        title="Đi cơ sở Phường Hoàn Kiếm",
        starts_at=yesterday,
        ends_at=yesterday + dt.timedelta(hours=3),
        locality=hk,
        agency=agency,
    )
    visit = fieldwork_visits.visit_create(
        actor=office,
        organization=hanoi,
        leader=person,
        purpose="Kiểm tra thoát nước",
        starts_at=yesterday,
        ends_at=yesterday + dt.timedelta(hours=3),
        localities=[hk],
    )
    opinion, heard = (
        fieldwork_visits.opinion_add(
            actor=office, visit=visit, speaker_kind=speaker, kind="proposal", content="Sửa cống ngõ 12"
        )
        for speaker in ("citizen", "cadre")
    )
    heard = fieldwork_visits.opinion_archive(actor=office, opinion=heard, version=heard.version)
    return {
        # name: (the page with the form, the URL it posts to, the record it changes, what the user types)
        "agency edit": (f"/org/agencies/{agency.pk}/edit/", None, agency, {"short_name": "ĐU HK"}),
        "person edit": (f"/org/people/{person.pk}/edit/", None, person, {"position": "Phó Bí thư"}),
        "person archive": (plain.get_absolute_url(), f"/org/people/{plain.pk}/archive/", plain, {}),
        "person restore": (archived.get_absolute_url(), f"/org/people/{archived.pk}/restore/", archived, {}),
        "seat end": (f"/org/seats/{membership.pk}/end/", None, membership, {}),
        "assignment edit": (
            f"/org/assignments/{assignment.pk}/edit/",
            None,
            assignment,
            {"note": "Theo QĐ 12"},
        ),
        "assignment archive": (
            f"/org/assignments/{assignment.pk}/edit/",
            f"/org/assignments/{assignment.pk}/archive/",
            assignment,
            {},
        ),
        "user edit": (f"/accounts/users/{account.pk}/", None, account, {"full_name": "Trần Thị Đầu Mối"}),
        "user deactivate": (
            f"/accounts/users/{account.pk}/",
            f"/accounts/users/{account.pk}/deactivate/",
            account,
            {},
        ),
        "user activate": (
            f"/accounts/users/{stopped.pk}/",
            f"/accounts/users/{stopped.pk}/activate/",
            stopped,
            {},
        ),
        "obstacle edit": (
            f"/followup/obstacles/{obstacle.pk}/edit/",
            None,
            obstacle,
            {"title": "Vướng mặt bằng tuyến phố Hàng Bài (đoạn 2)"},
        ),
        "obstacle status": (
            obstacle.get_absolute_url(),
            f"/followup/obstacles/{obstacle.pk}/status/",
            obstacle,
            {},
        ),
        "directive edit": (
            f"/followup/directives/{directive.pk}/edit/",
            None,
            directive,
            {"content": "Hoàn thành kiểm đếm 12 hộ còn lại."},
        ),
        "directive report": (
            directive.get_absolute_url(),
            f"/followup/directives/{directive.pk}/report/",
            directive,
            {"text": "Đã kiểm đếm 8 hộ."},
        ),
        "incident status": (incident.get_absolute_url(), f"/incidents/{incident.pk}/status/", incident, {}),
        "incident reassign": (  # the form opens on demand: on a page of its own without script
            f"/incidents/{incident.pk}/reassign/",
            f"/incidents/{incident.pk}/reassign/",
            incident,
            {"leader": str(other.person.pk), "reason": "Theo phân công mới."},
        ),
        "calendar archive": (f"/calendar/?year={year}", f"/calendar/?year={year}", exception, {}),
        "calendar entry edit": (f"/fieldwork/entries/{entry.pk}/edit/", None, entry, {"place": "Số 1"}),
        "opinion edit": (
            f"/fieldwork/opinions/{opinion.pk}/edit/",
            None,
            opinion,
            {"content": "Sửa cống ngõ 12 trước mùa mưa"},
        ),
        "opinion archive": (
            visit.get_absolute_url(),
            f"/fieldwork/opinions/{opinion.pk}/archive/",
            opinion,
            {},
        ),
        "opinion restore": (
            f"/fieldwork/opinions/{heard.pk}/edit/",
            f"/fieldwork/opinions/{heard.pk}/restore/",
            heard,
            {},
        ),
    }


CASES = [
    "agency edit",
    "person edit",
    "person archive",
    "person restore",
    "seat end",
    "assignment edit",
    "assignment archive",
    "user edit",
    "user deactivate",
    "user activate",
    "obstacle edit",
    "obstacle status",
    "directive edit",
    "directive report",
    "incident status",
    "incident reassign",
    "calendar archive",
    "calendar entry edit",
    "opinion edit",
    "opinion archive",
    "opinion restore",
]


def _stored_version(record) -> int:
    return type(record).objects.filter(pk=record.pk).values_list("version", flat=True).get()


@pytest.mark.parametrize("case", CASES)
def test_a_post_without_a_valid_version_saves_nothing_and_shows_the_conflict(case, records, office):
    page, target, record, typed = records[case]
    target = target or page
    client = Client()
    client.force_login(office)
    data = {**_form_data(client, page, target), **typed}
    assert data.pop("version") == [str(record.version)]
    before = _stored_version(record)
    for spoiled in ({}, {"version": "abc"}, {"version": "0"}, {"version": ""}):
        response = client.post(target, {**data, **spoiled}, follow=True)
        assert response.status_code in (200, 400), spoiled  # the page again, or the form with its errors
        assert _conflict_message() in response.content.decode(), spoiled
        assert _stored_version(record) == before, spoiled
    # The same form with its version is accepted: the refusals above were the version's, nothing else.
    response = client.post(target, {**data, "version": str(before)}, follow=True)
    assert _conflict_message() not in response.content.decode()
    assert _stored_version(record) > before


def test_archiving_a_person_with_a_current_assignment_shows_the_refusal(records, office, leader_user):
    """The service refuses it; the page said so with a 500 before."""
    person = leader_user.person
    client = Client()
    client.force_login(office)
    response = client.post(f"/org/people/{person.pk}/archive/", {"version": person.version}, follow=True)
    assert response.status_code == 200
    assert "cần kết thúc trước khi lưu trữ" in response.content.decode()
    person.refresh_from_db()
    assert person.archived_at is None
