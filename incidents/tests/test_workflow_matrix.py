"""The incident workflow matrix of docs/incidents.md, walked through the service: who may make which move,
depending on how the incident was routed; and the page and the API refusing a move in the same words."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from accounts.choices import Role
from conftest import BA_DINH, unit
from incidents import services
from incidents.choices import TRANSITIONS, IncidentStatus
from incidents.models import Incident
from incidents.tests.conftest import report

FOCAL_REFUSAL = (
    "Chỉ lãnh đạo phụ trách mới được thụ lý, không thụ lý hoặc giải quyết vụ việc này; "
    "đầu mối của đơn vị xử lý không được làm việc này."
)
NOT_YOURS = "Bạn không được chuyển trạng thái vụ việc này."

# move → who may make it. "focal" is the handling unit's focal point on an incident routed to the leader in
# charge; "focal, no leader" the same on an incident that no leader answers for (the office must assign it).
MOVES = ("assigned", "handling", "resolved", "closed", "reopened", "rejected")
ROLES = ("office", "board", "leader", "focal", "focal, no leader", "other leader", "viewer")
MATRIX = {
    #              office board  leader focal  focal, no leader  other leader viewer
    "assigned": (True, True, True, True, True, False, False),
    "handling": (True, True, True, False, True, False, False),
    "resolved": (True, True, True, False, True, False, False),
    "closed": (True, True, True, True, True, False, False),
    "reopened": (True, True, True, True, True, False, False),
    "rejected": (True, True, True, False, True, False, False),
}


@pytest.fixture
def people(office, leader_user, focal_user, viewer, make_user, hanoi, assign):
    other = make_user(Role.STANDING_MEMBER, hanoi, "lanhdaokhac", person=True)
    assign(other.person, unit(BA_DINH), dt.date(2025, 7, 1))
    board = make_user(Role.STANDING_BOARD, hanoi, "bithu", person=True)
    return {
        "office": office,
        "board": board,
        "leader": leader_user,
        "focal": focal_user,
        "focal, no leader": focal_user,
        "other leader": other,
        "viewer": viewer,
    }


def _details(move: str) -> dict:
    if move == IncidentStatus.RESOLVED:
        return {"resolution": "Đã vá mặt đường."}
    if move == IncidentStatus.REJECTED:
        return {"reject_reason": "out_of_scope"}
    return {}


@pytest.mark.parametrize("move", MOVES)
@pytest.mark.parametrize("role", ROLES)
def test_the_workflow_matrix(hanoi, routed, people, role, move):
    incident = report(hanoi, people["office"])
    assert incident.responsible_leader == people["leader"].person  # routed to the leader in charge
    start = next(s for s, moves in TRANSITIONS.items() if move in moves)
    fields = {"status": start}
    if role == "focal, no leader":
        fields.update(responsible_leader=None, responsible_assignment=None, routed_via="")
    Incident.objects.filter(pk=incident.pk).update(**fields)
    incident.refresh_from_db()
    call = {
        "actor": people[role],
        "incident": incident,
        "version": incident.version,
        "status": move,
        **_details(move),
    }
    if MATRIX[move][ROLES.index(role)]:
        moved = services.incident_set_status(**call)
        assert (moved.status, moved.version) == (move, 2)
        return
    with pytest.raises(ValidationError) as exc:
        services.incident_set_status(**call)
    expected = FOCAL_REFUSAL if role == "focal" else NOT_YOURS
    assert exc.value.messages == [expected]
    incident.refresh_from_db()
    assert (incident.status, incident.version) == (start, 1)


def test_the_system_is_bound_by_the_workflow_only(hanoi, routed, office):
    incident = report(hanoi, office)
    moved = services.incident_set_status(
        actor=None, incident=incident, version=1, status=IncidentStatus.HANDLING
    )
    assert moved.status == IncidentStatus.HANDLING
    with pytest.raises(ValidationError) as exc:
        services.incident_set_status(actor=None, incident=moved, version=2, status=IncidentStatus.CLOSED)
    assert exc.value.messages == ["Không thể chuyển vụ việc từ “Đang xử lý” sang “Đã đóng”."]


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    ("move", "details"),
    [
        ("handling", {}),
        ("rejected", {"reject_reason": "out_of_scope"}),
        ("resolved", {"resolution": "Xong."}),
    ],
)
def test_the_page_and_the_api_refuse_the_focal_point_in_the_same_words(
    hanoi, routed, office, focal_user, move, details
):
    incident = report(hanoi, office)
    if move == "resolved":
        Incident.objects.filter(pk=incident.pk).update(status=IncidentStatus.HANDLING)
    client = _client(focal_user)
    page = client.post(
        f"/incidents/{incident.pk}/status/", {"status": move, "version": 1, **details}, follow=True
    )
    api = client.post(
        f"/api/v1/incidents/{incident.pk}/status",
        {"status": move, "version": 1, **details},
        content_type="application/json",
    )
    page_messages = [str(m) for m in page.context["messages"]]
    assert page.status_code == 200 and page_messages == [FOCAL_REFUSAL]
    assert api.status_code == 422 and api.json()["detail"] == FOCAL_REFUSAL
    incident.refresh_from_db()
    assert incident.version == 1 and incident.acknowledged_at is None
    # The page and the API offer the focal point only the moves the service would make.
    offered = [a["status"] for a in page.context["actions"]]
    assert move not in offered and set(offered) <= {"assigned", "closed", "reopened"}
    detail = client.get(f"/api/v1/incidents/{incident.pk}").json()
    assert detail["allowed_statuses"] == offered
