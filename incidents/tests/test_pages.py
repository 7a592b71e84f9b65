"""Incident pages through the test client: intake and routing, day-first times, the workflow's moves,
reassignment, directives, the map's data, statistics in Vietnamese numbers, import and export, and flat
query counts."""

import datetime as dt
import re
import zoneinfo
from decimal import Decimal

import pytest
import time_machine
from django.contrib.messages import ERROR, SUCCESS
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from accounts.choices import Role
from conftest import BA_DINH, HCMC, HOAN_KIEM, unit
from core.models import Attachment, AuditEvent
from core.testing import assert_flat_queries, count_queries
from followup.models import Directive
from incidents import services, views
from incidents.models import Incident
from incidents.tests.test_excel import NOW as IMPORT_NOW
from incidents.tests.test_excel import row, sheet
from org.services import person_create

VN = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
FRIDAY_AFTERNOON = dt.datetime(2026, 3, 6, 15, 30, tzinfo=VN)


def at(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=VN)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def routed(hanoi, leader_user, assign, hoan_kiem_agency, focal_user):
    """lanhdao answers for Phường Hoàn Kiếm; its party committee unit has the focal point hoankiem."""
    return assign(leader_user.person, unit(HOAN_KIEM), dt.date(2025, 7, 1))


def client_for(user, language: str | None = None) -> Client:
    client = Client()
    client.force_login(user)
    if language:
        client.cookies["django_language"] = language
    return client


def intake(**overrides) -> dict:
    data = {
        "title": "Sụt lún mặt đường phố Tràng Tiền",
        "description": "Hố sụt sâu 1 m trước số 12.",
        "locality": unit(HOAN_KIEM).pk,
        "place": "Số 12 Tràng Tiền",
        "latitude": "21.024500",
        "longitude": "105.857000",
        "occurred_at": "06/03/2026 15:00",
        "source": "citizen",
        "field": "urban_order",
        "severity": "urgent",
        "is_pressing": "on",
        "is_public_concern": "on",
        "reporter_name": "Trần Văn Dân",
        "reporter_contact": "0912 345 678",
    }
    data.update(overrides)
    return data


def report(hanoi, actor, *, title="Sụt lún mặt đường phố Tràng Tiền", when=None, **extra):
    when = when or timezone.now() - dt.timedelta(hours=1)
    return services.incident_create(
        actor=actor,
        organization=hanoi,
        title=title,
        description="Hố sụt sâu 1 m trước số 12.",
        occurred_at=when,
        reported_at=extra.pop("reported_at", None) or when + dt.timedelta(minutes=30),
        source="citizen",
        field="urban_order",
        locality=extra.pop("locality", None) or unit(HOAN_KIEM),
        **extra,
    )


def messages_of(response) -> list[tuple[int, str]]:
    return [(m.level, str(m)) for m in response.context["messages"]]


# --- intake -------------------------------------------------------------------------------------------


def test_hoankiem_reports_and_it_lands_on_lanhdao_with_working_hour_deadlines(
    hanoi, routed, focal_user, leader_user
):
    with time_machine.travel(FRIDAY_AFTERNOON, tick=False):
        client = client_for(focal_user)
        form = client.get("/incidents/new/")
        assert form.status_code == 200
        assert form.context["form"]["locality"].value() == unit(HOAN_KIEM).pk  # the focal point's own ward
        response = client.post(
            "/incidents/new/",
            {**intake(), "attachments": [SimpleUploadedFile("anh.pdf", PDF, content_type="application/pdf")]},
            follow=True,
        )
    incident = Incident.objects.get()
    assert response.redirect_chain == [(f"/incidents/{incident.pk}/", 302)]
    assert incident.responsible_leader == leader_user.person and incident.routed_via == "direct"
    assert incident.reporter == focal_user and incident.focal_point == focal_user
    assert incident.occurred_at == at(2026, 3, 6, 15, 0)
    assert (incident.latitude, incident.longitude) == (Decimal("21.024500"), Decimal("105.857000"))
    assert incident.is_pressing and incident.is_public_concern and not incident.is_new
    # Urgent, reported on Friday at 15:30: 1 working hour to acknowledge; 4 to resolve, skipping the weekend.
    assert incident.ack_due_at == at(2026, 3, 6, 16, 30)
    assert incident.resolve_due_at == at(2026, 3, 9, 10, 30)
    [(level, text)] = messages_of(response)
    assert level == SUCCESS
    assert leader_user.person.full_name in text and "06/03/2026 16:30" in text and "09/03/2026 10:30" in text
    page = response.content.decode()
    assert 'data-via="direct"' in page and leader_user.person.full_name in page
    assert Attachment.objects.filter(object_id=str(incident.pk), name="anh.pdf").exists()
    # ... and lanhdao finds it in "my incidents".
    with time_machine.travel(FRIDAY_AFTERNOON + dt.timedelta(minutes=5), tick=False):
        mine = client_for(leader_user).get("/incidents/mine/")
    assert incident.code in mine.content.decode()
    assert mine.context["counts"] == {"open": 1, "overdue": 0}


@pytest.mark.parametrize("language", ["vi", "en"])
def test_times_are_read_day_first_in_every_language(hanoi, routed, focal_user, language):
    with time_machine.travel(FRIDAY_AFTERNOON, tick=False):
        response = client_for(focal_user, language).post(
            "/incidents/new/", intake(occurred_at="05/03/2026 08:15", latitude="", longitude="")
        )
    assert response.status_code == 302
    incident = Incident.objects.get()
    assert timezone.localtime(incident.occurred_at) == at(2026, 3, 5, 8, 15)
    assert incident.latitude is None


def test_a_bad_time_or_a_future_time_is_refused_on_the_form(hanoi, routed, focal_user):
    client = client_for(focal_user)
    with time_machine.travel(FRIDAY_AFTERNOON, tick=False):
        bad = client.post("/incidents/new/", intake(occurred_at="2026/13/45 25:00"))
        future = client.post("/incidents/new/", intake(occurred_at="09/03/2026 08:00"))
        no_place = client.post("/incidents/new/", intake(locality=""))
    assert bad.status_code == 200 and bad.context["form"].errors["occurred_at"]
    assert future.status_code == 200 and future.context["form"].errors["occurred_at"]
    assert 'value="09/03/2026 08:00"' in future.content.decode()  # given back as typed
    assert no_place.status_code == 200 and no_place.context["form"].errors["locality"]
    assert not Incident.objects.exists()


def test_an_attachment_of_the_wrong_type_is_refused_and_nothing_is_saved(hanoi, routed, focal_user):
    upload = SimpleUploadedFile("virus.exe", b"MZ\x90\x00", content_type="application/octet-stream")
    with time_machine.travel(FRIDAY_AFTERNOON, tick=False):
        response = client_for(focal_user).post("/incidents/new/", {**intake(), "attachments": [upload]})
    assert response.status_code == 200
    assert "virus.exe" in " ".join(response.context["form"].errors["attachments"])
    assert not Incident.objects.exists() and not Attachment.objects.exists()


def test_viewers_never_report(hanoi, routed, viewer):
    client = client_for(viewer)
    assert client.get("/incidents/new/").status_code == 404
    assert client.post("/incidents/new/", intake()).status_code == 404
    assert not Incident.objects.exists()


def test_duplicates_are_shown_while_typing_and_can_be_linked(hanoi, routed, focal_user, office):
    with time_machine.travel(FRIDAY_AFTERNOON, tick=False):
        first = report(hanoi, office, when=at(2026, 3, 6, 9, 0))
        client = client_for(focal_user)
        partial = client.get(
            "/incidents/duplicates/",
            {
                "title": "sut lun mat duong pho trang tien",
                "locality": unit(HOAN_KIEM).pk,
                "occurred_at": "06/03/2026 14:00",
            },
            headers={"HX-Request": "true"},
        )
        elsewhere = client.get(
            "/incidents/duplicates/",
            {
                "title": "sut lun mat duong pho trang tien",
                "locality": unit(BA_DINH).pk,
                "occurred_at": "06/03/2026 14:00",
            },
        )
        # Linking is a rejection ("không thụ lý"): the office links it, not the focal point.
        response = client_for(office).post(
            "/incidents/new/",
            intake(title="Sut lun duong pho Trang Tien", duplicate_of=first.pk),
            follow=True,
        )
    body = partial.content.decode()
    assert first.code in body and f'value="{first.pk}"' in body and "<html" not in body
    assert first.code not in elsewhere.content.decode()
    second = Incident.objects.exclude(pk=first.pk).get()
    assert (second.status, second.reject_reason, second.duplicate_of) == ("rejected", "duplicate", first)
    assert response.status_code == 200 and first.code in response.content.decode()
    # the first report's page lists the second as its duplicate
    first_page = client_for(office).get(first.get_absolute_url()).content.decode()
    assert f'href="{second.get_absolute_url()}"' in first_page


# --- one incident ---------------------------------------------------------------------------------------


def test_the_page_shows_routing_deadlines_files_and_timeline(hanoi, routed, focal_user, leader_user):
    with time_machine.travel(FRIDAY_AFTERNOON, tick=False):
        incident = report(
            hanoi,
            focal_user,
            when=at(2026, 3, 6, 15, 0),
            reported_at=FRIDAY_AFTERNOON,
            severity="urgent",
            files=[SimpleUploadedFile("bien-ban.pdf", PDF, content_type="application/pdf")],
        )
    with time_machine.travel(at(2026, 3, 6, 16, 0), tick=False):
        response = client_for(leader_user).get(f"/incidents/{incident.pk}/")
    page = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="ack-left"' in page and 'data-testid="resolve-left"' in page
    assert response.context["ack_clock"]["left"] == 0.5
    assert response.context["resolve_clock"]["left"] == 3.5  # 1 h on Friday, 2.5 h on Monday
    # Read in working days and hours (core.calendar.describe_hours): under an hour, and 3.5 rounded up.
    assert "còn dưới 1 giờ làm việc" in page and "còn 4 giờ làm việc" in page
    assert [a["status"] for a in response.context["actions"]] == ["assigned", "handling", "rejected"]
    assert "bien-ban.pdf" in page and response.context["can"]["reassign"]
    assert f'hx-get="/incidents/{incident.pk}/reassign/"' in page  # the form, when its section opens
    assert len(response.context["events"]) >= 2  # the creation and the file
    with time_machine.travel(at(2026, 3, 10, 9, 0), tick=False):
        late = client_for(leader_user).get(f"/incidents/{incident.pk}/")
    assert late.context["ack_clock"]["late"] == 9.5 and 'data-testid="ack-overdue"' in late.content.decode()
    assert "quá hạn 1 ngày 2 giờ làm việc" in late.content.decode()  # a day of 8 hours, and 1.5 hours
    attachment = Attachment.objects.get()
    download = client_for(leader_user).get(f"/incidents/{incident.pk}/files/{attachment.pk}/")
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    assert download["X-Content-Type-Options"] == "nosniff"
    assert b"".join(download.streaming_content) == PDF


def test_an_illegal_move_shows_a_message_and_changes_nothing(hanoi, routed, focal_user, leader_user):
    incident = report(hanoi, focal_user)
    client = client_for(leader_user)
    response = client.post(
        f"/incidents/{incident.pk}/status/", {"status": "closed", "version": 1}, follow=True
    )
    [(level, _text)] = messages_of(response)
    assert level == ERROR
    incident.refresh_from_db()
    assert (incident.status, incident.version) == ("received", 1)
    # Resolving needs a resolution: refused too, nothing changes.
    client.post(f"/incidents/{incident.pk}/status/", {"status": "handling", "version": 1})
    response = client.post(
        f"/incidents/{incident.pk}/status/", {"status": "resolved", "version": 2}, follow=True
    )
    assert messages_of(response)[-1][0] == ERROR
    incident.refresh_from_db()
    assert (incident.status, incident.version) == ("handling", 2) and incident.acknowledged_at is not None
    # A stale version is a conflict, not an overwrite.
    response = client.post(
        f"/incidents/{incident.pk}/status/",
        {"status": "resolved", "resolution": "Đã vá.", "version": 1},
        follow=True,
    )
    assert messages_of(response)[0][0] == ERROR
    incident.refresh_from_db()
    assert incident.status == "handling"


def test_the_whole_workflow_with_a_file_at_resolution(hanoi, routed, focal_user, leader_user):
    incident = report(hanoi, focal_user)
    client = client_for(leader_user)
    client.post(f"/incidents/{incident.pk}/status/", {"status": "handling", "version": 1})
    response = client.post(
        f"/incidents/{incident.pk}/status/",
        {
            "status": "resolved",
            "version": 2,
            "resolution": "Đã rào chắn và vá mặt đường.",
            "files": [SimpleUploadedFile("nghiem-thu.pdf", PDF, content_type="application/pdf")],
        },
    )
    assert response.status_code == 302
    client_for(leader_user).post(f"/incidents/{incident.pk}/status/", {"status": "closed", "version": 3})
    incident.refresh_from_db()
    assert incident.status == "closed" and incident.resolution == "Đã rào chắn và vá mặt đường."
    assert Attachment.objects.filter(name="nghiem-thu.pdf", object_id=str(incident.pk)).exists()
    page = client_for(leader_user).get(f"/incidents/{incident.pk}/")
    assert [a["status"] for a in page.context["actions"]] == ["reopened"]


def test_rejecting_as_a_duplicate_takes_the_code(hanoi, routed, focal_user, office):
    first = report(hanoi, office, title="Cháy chợ Hàng Da")
    second = report(hanoi, office, title="Cháy lớn ở chợ Hàng Da")
    client = client_for(office)
    response = client.post(
        f"/incidents/{second.pk}/status/",
        {"status": "rejected", "reject_reason": "duplicate", "duplicate_code": "vv-0000-99999", "version": 1},
        follow=True,
    )
    assert messages_of(response)[0][0] == ERROR
    client.post(
        f"/incidents/{second.pk}/status/",
        {
            "status": "rejected",
            "reject_reason": "duplicate",
            "duplicate_code": first.code.lower(),
            "version": 1,
        },
    )
    second.refresh_from_db()
    assert (second.status, second.duplicate_of) == ("rejected", first)
    page = client.get(f"/incidents/{first.pk}/").content.decode()
    assert second.code in page  # "reported again as"


def test_reassignment_goes_on_the_timeline(hanoi, routed, focal_user, office, make_user):
    incident = report(hanoi, focal_user)
    other = person_create(actor=None, organization=hanoi, full_name="Phan Thị Khác")
    client = client_for(office)
    refused = client.post(
        f"/incidents/{incident.pk}/reassign/", {"leader": other.pk, "reason": "", "version": 1}
    )
    assert refused.status_code == 400 and refused.context["reassign_form"].errors["reason"]
    response = client.post(
        f"/incidents/{incident.pk}/reassign/",
        {"leader": other.pk, "reason": "Thuộc lĩnh vực đồng chí Khác phụ trách.", "version": 1},
        follow=True,
    )
    incident.refresh_from_db()
    assert incident.responsible_leader == other and incident.routed_via == "manual"
    page = response.content.decode()
    assert "Thuộc lĩnh vực đồng chí Khác phụ trách." in page and 'data-via="manual"' in page


def test_a_directive_issued_from_the_incident_is_linked_to_followup(
    hanoi, routed, focal_user, leader_user, hoan_kiem_agency
):
    incident = report(hanoi, focal_user)
    deadline = timezone.localdate() + dt.timedelta(days=20)
    response = client_for(leader_user).post(
        f"/incidents/{incident.pk}/directive/",
        {
            "content": "Kiểm tra toàn tuyến phố.",
            "lead_unit": hoan_kiem_agency.pk,
            "deadline": deadline.strftime("%d/%m/%Y"),
        },
        follow=True,
    )
    directive = Directive.objects.get()
    assert directive.source == incident and directive.issued_by == leader_user.person
    assert directive.deadline == deadline
    page = response.content.decode()
    assert directive.get_absolute_url() in page and "Kiểm tra toàn tuyến phố." in page
    # The focal point follows, but does not issue.
    focal = client_for(focal_user)
    assert focal.get(f"/incidents/{incident.pk}/").context["directive_form"] is None
    assert focal.post(f"/incidents/{incident.pk}/directive/", {"content": "x"}).status_code == 404


# --- the list, the map and the statistics ------------------------------------------------------------


def test_the_list_filters_and_keeps_its_filters_for_the_export(
    hanoi, routed, focal_user, office, monkeypatch
):
    urgent = report(hanoi, focal_user, title="Cháy nhà dân", severity="urgent")
    routine = report(hanoi, focal_user, title="Rác thải ùn ứ")
    client = client_for(office)
    page = client.get("/incidents/", {"severity": "urgent"})
    assert [i.pk for i in page.context["page"]] == [urgent.pk]
    assert "export.xlsx?severity=urgent" in page.content.decode()
    search = client.get("/incidents/", {"q": "rac thai"})  # without diacritics
    assert [i.pk for i in search.context["page"]] == [routine.pk]
    partial = client.get("/incidents/", {"q": "chay"}, headers={"HX-Request": "true"})
    assert "<html" not in partial.content.decode() and urgent.code in partial.content.decode()
    taken = {}
    monkeypatch.setattr(
        views.IncidentExport,
        "workbook",
        staticmethod(lambda qs: taken.setdefault("codes", [i.code for i in qs]) and b"PK\x03\x04"),
    )
    response = client.get("/incidents/export.xlsx", {"severity": "urgent"})
    assert response.status_code == 200 and taken["codes"] == [urgent.code]
    assert response["Content-Disposition"].startswith("attachment")


def test_the_map_data_is_scoped_filtered_capped_and_only_has_points(
    hanoi, hcmc, routed, focal_user, office, office_hcmc, make_user, assign, monkeypatch
):
    placed = report(hanoi, focal_user, latitude="21.024500", longitude="105.857000", severity="urgent")
    report(hanoi, focal_user, title="Không có tọa độ")
    elsewhere = make_user(Role.STANDING_MEMBER, hanoi, "lanhdaobadinh", person=True)
    assign(elsewhere.person, unit(BA_DINH), dt.date(2025, 7, 1))
    hcm_unit = unit(HCMC, level=1).children.order_by("code").first()
    services.incident_create(
        actor=office_hcmc,
        organization=hcmc,
        title="Ngập sâu",
        description="…",
        occurred_at=timezone.now() - dt.timedelta(hours=1),
        source="press",
        field="environment",
        locality=hcm_unit,
        latitude="10.776900",
        longitude="106.700900",
    )

    def points(user, **params):
        response = client_for(user).get("/incidents/map.json", params)
        assert response.status_code == 200
        return response.json()["points"]

    [point] = points(office)
    assert point["code"] == placed.code and point["url"] == f"/incidents/{placed.pk}/"
    assert (point["lat"], point["lng"], point["severity"]) == (21.0245, 105.857, "urgent")
    assert points(focal_user) == [point]
    assert points(office, severity="normal") == []
    assert points(elsewhere) == []
    assert [p["title"] for p in points(office_hcmc)] == ["Ngập sâu"]
    # The map is capped: the newest points, and a flag saying there are more.
    report(hanoi, focal_user, title="Ngập phố Hàng Bông", latitude="21.030000", longitude="105.850000")
    monkeypatch.setattr(views, "MAP_POINT_LIMIT", 1)
    capped = client_for(office).get("/incidents/map.json").json()
    assert capped["capped"] is True and [p["title"] for p in capped["points"]] == ["Ngập phố Hàng Bông"]


def test_the_map_page_draws_without_tiles_and_allows_only_the_configured_tile_server(
    hanoi, routed, office, settings
):
    client = client_for(office)
    settings.COSO_MAP_TILE_URL = ""
    settings.COSO_MAP_PMTILES = ""
    page = client.get("/incidents/map/")
    body = page.content.decode()
    assert 'data-basemap="" data-basemap-url=""' in body and "vendor/leaflet/leaflet.js" in body
    assert "coso/basemap.js" in body and "COSO_MAP_PMTILES" in body  # the notice says how to add one
    assert not re.search(r"<script(?![^>]*\bsrc=)", body)  # no inline script
    assert not re.search(r"\sstyle=", body)  # no inline style
    assert "img-src 'self' data:;" in page["Content-Security-Policy"] + ";"
    settings.COSO_MAP_TILE_URL = "https://{s}.tiles.example.vn/{z}/{x}/{y}.png"
    page = client.get("/incidents/map/")
    assert "img-src 'self' data: https://*.tiles.example.vn" in page["Content-Security-Policy"]
    body = page.content.decode()
    assert 'data-basemap="tiles" data-basemap-url="https://{s}.tiles.example.vn/{z}/{x}/{y}.png"' in body
    assert "COSO_MAP_PMTILES" not in body


def test_no_page_has_inline_script_or_style(hanoi, routed, focal_user, office):
    incident = report(hanoi, focal_user, latitude="21.024500", longitude="105.857000")
    client = client_for(office)
    for url in (
        "/incidents/",
        "/incidents/new/",
        f"/incidents/{incident.pk}/",
        "/incidents/mine/",
        "/incidents/map/",
        "/incidents/statistics/",
        "/incidents/import/",
        f"/incidents/duplicates/?title=sut+lun+mat+duong&locality={unit(HOAN_KIEM).pk}",
    ):
        body = client.get(url).content.decode()
        # Data for the charts is JSON (json_script), not code: the policy would not run it anyway.
        assert not re.search(r'<script(?![^>]*\b(?:src=|type="application/json"))', body), url
        assert not re.search(r"\sstyle=", body), url
        assert not re.search(r"\son[a-z]+=", body), url  # no inline event handlers either


def test_statistics_are_written_the_vietnamese_way(hanoi, routed, focal_user, leader_user, hoan_kiem_agency):
    now = timezone.now()
    rows = []
    for n in range(1234):
        reported = now - dt.timedelta(days=10, hours=n % 50)
        incident = Incident(
            organization=hanoi,
            code=f"VV-2025-{n:05d}",
            title=f"Vụ việc số {n}",
            description="…",
            locality=unit(HOAN_KIEM),
            occurred_at=reported - dt.timedelta(hours=1),
            reported_at=reported,
            source="citizen",
            field="land",
            responsible_leader=leader_user.person,
            handling_unit=hoan_kiem_agency,
            ack_due_at=reported + dt.timedelta(hours=8),
            resolve_due_at=reported + dt.timedelta(hours=80),
        )
        if n < 3:  # three resolved, two of them on time
            incident.status = "resolved"
            incident.acknowledged_at = reported + dt.timedelta(minutes=30)
            incident.resolved_at = reported + dt.timedelta(hours=70 if n < 2 else 90)
            incident.ack_working_hours = Decimal("0.5")
            incident.resolve_working_hours = Decimal("17") if n < 2 else Decimal("26")
        incident.refresh_derived()
        rows.append(incident)
    Incident.objects.bulk_create(rows)
    response = client_for(leader_user).get("/incidents/statistics/")
    page = response.content.decode()
    [by_field] = [t for t in response.context["tables"] if t["by"] == "field"]
    assert by_field["rows"][0]["total"] == 1234 and by_field["rows"][0]["on_time_rate"] == 66.7
    assert ">1.234<" in page and ">1.231<" in page  # all, and open
    # Median times in working days of 8 hours and hours: 0.5 working hours and 17 (2 days and 1 hour).
    assert "66,7 %" in page and ">dưới 1 giờ làm việc<" in page and ">2 ngày 1 giờ làm việc<" in page
    assert "một ngày làm việc là 8 giờ" in page


def test_the_navigation_offers_incidents_to_users_with_a_role(hanoi, office, make_user):
    page = client_for(office).get("/incidents/").content.decode()
    assert 'href="/incidents/"' in page and 'href="/incidents/mine/"' in page
    assert client_for(make_user("", hanoi, "norole")).get("/incidents/").status_code == 404


# --- import -----------------------------------------------------------------------------------------------


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _upload(rows) -> SimpleUploadedFile:
    return SimpleUploadedFile("vu-viec.xlsx", sheet(rows), content_type=XLSX)


def test_an_import_with_errors_shows_every_error_writes_nothing_and_is_audited(hanoi, routed, office):
    upload = _upload([row(), row("", **{"Mã địa bàn": 999999})])
    before = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    with time_machine.travel(IMPORT_NOW, tick=False):
        response = client_for(office).post("/incidents/import/", {"file": upload}, follow=True)
    page = response.content.decode()
    assert response.redirect_chain[-1][0].startswith("/imports/") and response.status_code == 200
    assert 'data-status="refused"' in page and 'data-testid="import-errors"' in page
    assert "999999" in page and ">3<" in page and ">A (Tiêu đề)<" in page
    assert not Incident.objects.exists()
    # The refusal stays on the audit trail: the page's rollback of the rows does not take it away.
    events = AuditEvent.objects.filter(pk__gt=before).exclude(action="login")
    assert [(e.action, e.kind, e.params) for e in events] == [
        ("import", "import.refused", {"errors": 2, "file": "vu-viec.xlsx"})
    ]


def test_a_clean_import_is_kept(hanoi, routed, office):
    with time_machine.travel(IMPORT_NOW, tick=False):
        response = client_for(office).post(
            "/incidents/import/", {"file": _upload([row("Nhập từ Excel")])}, follow=True
        )
    assert response.redirect_chain[-1][0].startswith("/imports/")
    assert 'data-status="done"' in response.content.decode()
    assert response.context["success"] == "Đã nhập và chuyển 1 vụ việc."
    assert Incident.objects.get().title == "Nhập từ Excel"
    refused = client_for(office).post(
        "/incidents/import/", {"file": SimpleUploadedFile("vu-viec.csv", b"a,b", content_type="text/csv")}
    )
    assert refused.status_code == 200 and refused.context["form"].errors["file"]
    template = client_for(office).get("/incidents/import/?template=1")
    assert template.status_code == 200 and template["Content-Type"] == XLSX and template.content[:2] == b"PK"


# --- query counts -------------------------------------------------------------------------------------------


def _grow(hanoi, leader_user, agency, focal_user, count: int, start: int = 0):
    now = timezone.now()
    fields = ["land", "environment", "traffic", "urban_order"]
    statuses = ["received", "handling", "resolved", "closed", "reopened"]
    rows = []
    for n in range(start, start + count):
        reported = now - dt.timedelta(hours=n + 2)
        incident = Incident(
            organization=hanoi,
            code=f"VV-2026-{n + 1000:05d}",
            title=f"Vụ việc thử số {n}",
            description="…",
            locality=unit(HOAN_KIEM),
            place=f"Số {n} phố Tràng Tiền",
            latitude=f"21.{2000 + n:06d}",
            longitude="105.857000",
            occurred_at=reported - dt.timedelta(hours=1),
            reported_at=reported,
            source="citizen",
            field=fields[n % 4],
            severity=["urgent", "complex", "normal"][n % 3],
            is_new=n % 2 == 0,
            is_public_concern=n % 5 == 0,
            responsible_leader=leader_user.person,
            handling_unit=agency,
            focal_point=focal_user,
            status=statuses[n % 5],
            ack_due_at=reported + dt.timedelta(hours=8),
            resolve_due_at=reported + dt.timedelta(hours=80),
            acknowledged_at=reported + dt.timedelta(hours=1) if n % 5 else None,
            resolved_at=reported + dt.timedelta(hours=30) if n % 5 in (2, 3) else None,
            ack_working_hours=Decimal("1") if n % 5 else None,
            resolve_working_hours=Decimal("12.5") if n % 5 in (2, 3) else None,
        )
        incident.refresh_derived()
        rows.append(incident)
    Incident.objects.bulk_create(rows)


@pytest.mark.parametrize(
    "url",
    [
        "/incidents/",
        "/incidents/?severity=urgent&open=1&sort=deadline",
        "/incidents/mine/",
        "/incidents/map.json",
        "/incidents/statistics/",
        "/incidents/map/",
        "/incidents/export.xlsx?open=1",
        "DETAIL",
    ],
)
def test_query_counts_do_not_grow_with_the_data(
    hanoi, routed, focal_user, leader_user, hoan_kiem_agency, settings, url
):
    settings.COSO_PAGE_SIZE = 50
    incident = report(hanoi, focal_user)
    services.incident_issue_directive(
        actor=leader_user,
        incident=incident,
        content="Kiểm tra.",
        lead_unit=hoan_kiem_agency,
        deadline=timezone.localdate() + dt.timedelta(days=20),
    )
    _grow(hanoi, leader_user, hoan_kiem_agency, focal_user, 4)
    url = f"/incidents/{incident.pk}/" if url == "DETAIL" else url
    client = client_for(leader_user)

    def load():
        response = client.get(url)
        assert response.status_code == 200

    load()  # warm the caches (content types, the session)
    before, _after = assert_flat_queries(
        load, lambda: _grow(hanoi, leader_user, hoan_kiem_agency, focal_user, 210, 10)
    )
    assert Incident.objects.count() >= 215
    assert before == count_queries(load)


# --- the page's pickers: remote selects ---------------------------------------------------------------


def _units(hanoi, start: int, count: int) -> list:
    from org.services import agency_create

    return [
        agency_create(actor=None, organization=hanoi, code=f"SO-{n}", name=f"Sở thứ {n}", kind="department")
        for n in range(start, start + count)
    ]


def _leaders(hanoi, assign, units: list) -> None:
    """A leader in charge of each of these units."""
    for n, agency in enumerate(units):
        person = person_create(actor=None, organization=hanoi, full_name=f"Lãnh đạo thứ {agency.pk}.{n}")
        assign(person, agency, dt.date(2025, 7, 1))


def test_the_incident_page_costs_the_same_queries_and_options_with_ten_times_the_units_and_leaders(
    hanoi, routed, focal_user, office, hoan_kiem_agency, assign
):
    incident = report(hanoi, focal_user)
    assert incident.handling_unit == hoan_kiem_agency
    _leaders(hanoi, assign, _units(hanoi, 0, 5))
    client = client_for(office)
    urls = {
        "page": f"/incidents/{incident.pk}/",
        "reassign": f"/incidents/{incident.pk}/reassign/",
        "directive": f"/incidents/{incident.pk}/directive/",
    }

    def load(name):
        headers = {} if name == "page" else {"HX-Request": "true"}
        response = client.get(urls[name], headers=headers)
        assert response.status_code == 200
        return response

    def counts():
        return {name: count_queries(lambda n=name: load(n)) for name in urls}

    for name in urls:
        load(name)  # warm the caches (content types, the calendar)
    before = counts()
    _leaders(hanoi, assign, _units(hanoi, 5, 45))
    assert counts() == before
    page = load("page").content.decode()
    assert (
        "<option" not in page and 'data-testid="reassign"' in page and 'data-testid="issue-directive"' in page
    )
    forms = load("reassign").content.decode() + load("directive").content.decode()
    # Only the chosen records are options: the directive's lead unit (the handling unit), the empty choices.
    options = re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', forms)
    assert len(options) == 4 and [label for value, label in options if value] == [hoan_kiem_agency.name]
    assert "Sở thứ" not in forms and "Lãnh đạo thứ" not in forms
    assert 'data-remote-select="/api/v1/org/agencies/"' in forms
    assert 'data-remote-select="/api/v1/org/people/?leaders_only=true"' in forms


def test_the_forms_open_on_demand_for_those_who_may_use_them(
    hanoi, routed, focal_user, leader_user, viewer, office_hcmc
):
    incident = report(hanoi, focal_user)
    for name, testid in (("reassign", "reassign-form"), ("directive", "directive-form")):
        url = f"/incidents/{incident.pk}/{name}/"
        partial = client_for(leader_user).get(url, headers={"HX-Request": "true"})
        assert partial.status_code == 200 and f'data-testid="{testid}"' in partial.content.decode()
        assert "<html" not in partial.content.decode()
        page = client_for(leader_user).get(url)  # without script: the form on a page of its own
        assert page.status_code == 200 and "<html" in page.content.decode()
        assert f'data-testid="{testid}"' in page.content.decode()
        # The focal point and the viewer follow the incident but neither reassign nor direct; another
        # organisation's office does not even see it.
        for user in (focal_user, viewer, office_hcmc):
            assert client_for(user).get(url, headers={"HX-Request": "true"}).status_code == 404
    version = client_for(leader_user).get(f"/incidents/{incident.pk}/reassign/").context["form"]
    assert version["version"].value() == incident.version


def test_the_pickers_post_ids_and_a_form_with_errors_shows_only_what_was_chosen(
    hanoi, routed, focal_user, leader_user, hoan_kiem_agency
):
    incident = report(hanoi, focal_user)
    units = _units(hanoi, 0, 6)
    client = client_for(leader_user)
    url = f"/incidents/{incident.pk}/directive/"
    deadline = (timezone.localdate() + dt.timedelta(days=20)).strftime("%d/%m/%Y")
    chosen = [units[1].pk, units[4].pk]
    refused = client.post(url, {"lead_unit": units[0].pk, "cooperating_units": chosen, "deadline": deadline})
    assert refused.status_code == 400 and refused.context["directive_form"].errors["content"]
    html = refused.content.decode()
    form = html[html.index('data-testid="issue-directive"') :]
    form = form[: form.index("</form>")]
    selected = re.findall(r'<option value="(\d+)" selected>', form)
    assert selected == [str(units[0].pk), str(units[1].pk), str(units[4].pk)]
    assert re.findall(r'<option value="(\d+)"', form) == selected  # nothing else to choose from on the page
    response = client.post(
        url,
        {
            "content": "Phối hợp xử lý.",
            "lead_unit": units[0].pk,
            "cooperating_units": chosen,
            "deadline": deadline,
        },
        follow=True,
    )
    assert response.status_code == 200
    directive = Directive.objects.get()
    assert directive.lead_unit == units[0]
    assert set(directive.cooperating_units.values_list("pk", flat=True)) == set(chosen)
    # An id from another organisation, or none at all, is refused like any invalid choice.
    other = client.post(url, {"content": "x", "lead_unit": 10**9, "deadline": deadline})
    assert other.status_code == 400 and other.context["directive_form"].errors["lead_unit"]


def test_the_directive_list_checks_the_incidents_they_came_from_in_its_own_query(
    hanoi, routed, focal_user, leader_user, office, hoan_kiem_agency
):
    """A directive's source may be an incident: the follow-up API list and export check its reach in their
    own query, not once per directive (each directive here comes from an incident of its own)."""

    def issue(count):
        for n in range(count):
            incident = report(hanoi, focal_user, title=f"Phản ánh số {n} về lấn chiếm vỉa hè")
            services.incident_issue_directive(
                actor=leader_user,
                incident=incident,
                content=f"Xử lý phản ánh {incident.code}.",
                lead_unit=hoan_kiem_agency,
                deadline=timezone.localdate() + dt.timedelta(days=20),
            )

    clients = {user.username: client_for(user) for user in (office, focal_user)}
    urls = ("/api/v1/followup/directives/?page_size=100", "/followup/directives/export.xlsx")

    def counts():
        return {
            (who, url): count_queries(lambda c=c, u=url: c.get(u))
            for who, c in clients.items()
            for url in urls
        }

    issue(2)
    counts()  # warm the caches
    small = counts()
    issue(15)
    assert counts() == small
    items = clients["vanphong"].get(urls[0]).json()["items"]
    assert len(items) == 17 and all(i["source"]["id"] and i["source"]["kind"] == "incident" for i in items)
