"""Every incident page, run as every kind of user (the permission matrix), on our incidents and on
another organisation's: someone else's incident, like a missing one, answers 404, and so does a write
the user may not make."""

import datetime as dt
import types

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.choices import Role
from conftest import BA_DINH, HCMC, HOAN_KIEM, unit
from core.models import Attachment
from core.testing import Operation, permission_matrix
from incidents import services, views
from incidents.models import Incident
from org.services import agency_create, person_create

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
LABELS = (
    "anonymous",
    "no_role",
    "office",
    "board",
    "leader",
    "focal",
    "other_leader",
    "viewer",
    "other_org",
)
READERS = ("office", "board", "leader", "focal", "other_leader", "viewer")
WRITERS = ("office", "board", "leader", "focal", "other_leader")


def expect(default=200, *, anonymous=302, no_role=404, other_org=None, **overrides) -> dict:
    """Statuses by user: `default` for every Hanoi user with a role unless overridden."""
    result = {label: default for label in LABELS}
    result.update(anonymous=anonymous, no_role=no_role, other_org=default if other_org is None else other_org)
    result.update(overrides)
    return result


def only(status, who: tuple, *, other_org=404, otherwise=404) -> dict:
    """`status` for the users in `who`, `otherwise` (404) for every other Hanoi user with a role."""
    result = expect(otherwise, other_org=other_org)
    result.update({label: status for label in who})
    return result


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def fake_files(monkeypatch):
    """Stand-ins for the Excel export and the importer, with their interface: these tests are about access."""
    monkeypatch.setattr(views.IncidentExport, "workbook", staticmethod(lambda qs: b"PK\x03\x04incidents"))
    monkeypatch.setattr(
        views.IncidentImport, "template_workbook", staticmethod(lambda: b"PK\x03\x04template")
    )
    monkeypatch.setattr(
        "incidents.importers.import_incidents",
        lambda *, actor, organization, file: types.SimpleNamespace(created=[], errors=[]),
    )


class RewindingFile(SimpleUploadedFile):
    """An upload that the matrix can send once per user: every read starts from the beginning."""

    def read(self, *args):
        self.seek(0)
        return super().read(*args)


def pdf(name="bien-ban.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


@pytest.fixture
def world(
    hanoi, hcmc, make_user, office, office_hcmc, leader_user, focal_user, viewer, assign, hoan_kiem_agency
):
    """An incident in Phường Hoàn Kiếm routed to lanhdao, with a file; another leader who answers for Ba Đình
    only; and an incident of Ho Chi Minh City that no Hanoi user may reach."""
    assign(leader_user.person, unit(HOAN_KIEM), dt.date(2025, 7, 1))
    board = make_user(Role.STANDING_BOARD, hanoi, "bithu", person=True)
    no_role = make_user("", hanoi, "norole")
    other_leader = make_user(Role.STANDING_MEMBER, hanoi, "lanhdaobadinh", person=True)
    assign(other_leader.person, unit(BA_DINH), dt.date(2025, 7, 1))
    now = timezone.now()
    incident = services.incident_create(
        actor=focal_user,
        organization=hanoi,
        title="Sụt lún mặt đường phố Tràng Tiền",
        description="Hố sụt sâu 1 m trước số 12.",
        occurred_at=now - dt.timedelta(hours=2),
        source="citizen",
        field="urban_order",
        severity="urgent",
        locality=unit(HOAN_KIEM),
        latitude="21.024500",
        longitude="105.857000",
        files=[pdf()],
    )
    hcm_unit = unit(HCMC, level=1).children.order_by("code").first()
    assign(
        person_create(actor=None, organization=hcmc, full_name="Lãnh đạo Thành phố"),
        hcm_unit,
        dt.date(2025, 7, 1),
    )
    hcm_agency = agency_create(
        actor=None, organization=hcmc, code="UBND", name="Ủy ban nhân dân phường", kind="peoples_committee"
    )
    other = services.incident_create(
        actor=office_hcmc,
        organization=hcmc,
        title="Ngập sâu sau mưa",
        description="…",
        occurred_at=now - dt.timedelta(hours=3),
        source="press",
        field="environment",
        locality=hcm_unit,
        latitude="10.776900",
        longitude="106.700900",
        files=[pdf()],
    )
    return {
        "users": {
            "anonymous": None,
            "no_role": no_role,
            "office": office,
            "board": board,
            "leader": leader_user,
            "focal": focal_user,
            "other_leader": other_leader,
            "viewer": viewer,
            "other_org": office_hcmc,
        },
        "incident": incident,
        "incident_type": ContentType.objects.get_for_model(Incident),
        "attachment": Attachment.objects.get(object_id=str(incident.pk), content_type__model="incident"),
        "other": other,
        "other_attachment": Attachment.objects.get(object_id=str(other.pk), content_type__model="incident"),
        "other_leader": other_leader,
        "hk": unit(HOAN_KIEM),
        "hk_agency": hoan_kiem_agency,
        "hcm_agency": hcm_agency,
    }


def _intake(locality) -> dict:
    return {
        "title": "Cây đổ chắn đường phố Lý Thái Tổ",
        "description": "Cây lớn đổ sau mưa.",
        "locality": locality.pk,
        "occurred_at": timezone.localtime().strftime("%d/%m/%Y %H:%M"),
        "source": "hotline",
        "field": "urban_order",
        "severity": "normal",
    }


def test_lists_maps_statistics_and_files(world):
    w = world
    hk = w["hk"].pk
    ops = [
        Operation("list", "get", "/incidents/", expect()),
        Operation(
            "list filtered",
            "get",
            f"/incidents/?q=trang+tien&status=received&severity=urgent&flag=is_new&field=urban_order"
            f"&source=citizen&locality={hk}&leader={w['users']['leader'].person.pk}&unit={w['hk_agency'].pk}"
            "&overdue=1&open=1&date_from=01/01/2026&date_to=31/12/2030&sort=-deadline&page=3",
            expect(),
        ),
        Operation("my incidents", "get", "/incidents/mine/", expect()),
        Operation("map", "get", "/incidents/map/?severity=urgent", expect()),
        Operation("map data", "get", "/incidents/map.json?open=1", expect()),
        Operation("statistics", "get", "/incidents/statistics/?field=urban_order", expect()),
        Operation("export", "get", "/incidents/export.xlsx?status=received", expect()),
        Operation("import form", "get", "/incidents/import/", only(200, ("office",), other_org=200)),
        Operation(
            "import template", "get", "/incidents/import/?template=1", only(200, ("office",), other_org=200)
        ),
        Operation(
            "import",
            "post",
            "/incidents/import/",
            only(302, ("office",), other_org=302),
            data={"file": RewindingFile("vv.xlsx", b"PK\x03\x04", content_type="application/zip")},
        ),
        Operation("intake form", "get", "/incidents/new/", only(200, WRITERS, other_org=200)),
        Operation(
            "duplicate check",
            "get",
            f"/incidents/duplicates/?title=sut+lun+mat+duong&locality={hk}",
            only(200, WRITERS, other_org=200),
        ),
        # Another organisation's office gets its own form back: a Hanoi ward is not among its choices.
        Operation(
            "intake", "post", "/incidents/new/", only(302, WRITERS, other_org=200), data=_intake(w["hk"])
        ),
    ]
    assert permission_matrix(w["users"], ops) == []


def test_one_incident(world):
    w = world
    pk = w["incident"].pk
    deadline = (timezone.localdate() + dt.timedelta(days=20)).strftime("%d/%m/%Y")
    seen_by = only(200, ("office", "board", "leader", "focal", "viewer"))
    ops = [
        Operation("page", "get", f"/incidents/{pk}/", seen_by),
        Operation("file", "get", f"/incidents/{pk}/files/{w['attachment'].pk}/", seen_by),
        Operation("full history", "get", f"/history/{w['incident_type'].pk}/{pk}/", seen_by),
        Operation(
            "file of another incident",
            "get",
            f"/incidents/{pk}/files/{w['other_attachment'].pk}/",
            only(404, ()),
        ),
        Operation(
            "acknowledge",
            "post",
            f"/incidents/{pk}/status/",
            only(302, ("office", "board", "leader", "focal")),
            data={"status": "handling", "version": 1},
        ),
        Operation(
            "reject",
            "post",
            f"/incidents/{pk}/status/",
            only(302, ("office", "board", "leader", "focal")),
            data={"status": "rejected", "reject_reason": "out_of_scope", "version": 1},
        ),
        Operation(
            "reassign",
            "post",
            f"/incidents/{pk}/reassign/",
            only(302, ("office", "board", "leader")),
            data={"leader": w["other_leader"].person.pk, "reason": "Thuộc địa bàn Ba Đình.", "version": 1},
        ),
        Operation(
            "issue a directive",
            "post",
            f"/incidents/{pk}/directive/",
            only(302, ("office", "board", "leader")),
            data={
                "content": "Kiểm tra toàn tuyến phố.",
                "lead_unit": w["hk_agency"].pk,
                "deadline": deadline,
            },
        ),
        Operation("status by GET", "get", f"/incidents/{pk}/status/", expect(405, no_role=405)),
        Operation("missing", "get", "/incidents/999999/", only(404, ())),
    ]
    assert permission_matrix(w["users"], ops) == []


def test_another_organisations_incident_looks_missing(world):
    w = world
    pk = w["other"].pk
    deadline = (timezone.localdate() + dt.timedelta(days=20)).strftime("%d/%m/%Y")
    ops = [
        Operation("page", "get", f"/incidents/{pk}/", only(404, (), other_org=200)),
        Operation(
            "file", "get", f"/incidents/{pk}/files/{w['other_attachment'].pk}/", only(404, (), other_org=200)
        ),
        Operation(
            "acknowledge",
            "post",
            f"/incidents/{pk}/status/",
            only(404, (), other_org=302),
            data={"status": "handling", "version": 1},
        ),
        Operation(
            "reassign",
            "post",
            f"/incidents/{pk}/reassign/",
            only(404, (), other_org=400),  # a Hanoi leader is not among Ho Chi Minh City's choices
            data={"leader": w["other_leader"].person.pk, "reason": "…", "version": 1},
        ),
        Operation(
            "issue a directive",
            "post",
            f"/incidents/{pk}/directive/",
            only(404, (), other_org=302),
            data={"content": "Khắc phục.", "lead_unit": w["hcm_agency"].pk, "deadline": deadline},
        ),
    ]
    failures = permission_matrix(w["users"], ops)
    assert failures == []
