"""Each follow-up rule in its one service: the reach for raising obstacles, who issues directives in whose
name, every obstacle move, the confirmation of a reported completion, the deadlines, "overdue", and the
workflow matrices of docs/followup.md. The pages and the API call these services and show their refusals."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.test import Client
from django.utils import translation

from accounts.choices import Role
from conftest import BA_DINH, unit
from followup import selectors, services
from followup.choices import OBSTACLE_TRANSITIONS, ObstacleStatus, SourceKind, StatusBucket, Verdict
from followup.models import Directive, Obstacle, ReSupervision

D = dt.date
API = "/api/v1/followup"
MARCH_10 = dt.datetime(2026, 3, 10, 9, 0, tzinfo=dt.UTC)
REACH = "You can only raise obstacles on the places and units you are in charge of."


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def vi(msgid: str) -> str:
    """A message as the pages and the API show it (Vietnamese, the default language)."""
    with translation.override("vi"):
        return translation.gettext(msgid)


def obstacle_data(**extra) -> dict:
    return {
        "title": "Vướng mặt bằng tuyến phố Hàng Bài",
        "description": "Còn 12 hộ chưa nhận tiền bồi thường.",
        "category": "site_clearance",
        "resolution_level": "standing_committee",
        **extra,
    }


def issue(actor, organization, *, issued_by, lead_unit, deadline=D(2026, 4, 30), **extra) -> Directive:
    return services.directive_create(
        actor=actor,
        organization=organization,
        content="Hoàn thành bồi thường 12 hộ.",
        issued_by=issued_by,
        issued_on=extra.pop("issued_on", D(2026, 3, 10)),
        lead_unit=lead_unit,
        deadline=deadline,
        source_kind=extra.pop("source_kind", SourceKind.OTHER),
        **extra,
    )


# --- 1. the reach for raising an obstacle ---------------------------------------------------------


def test_a_focal_point_raises_obstacles_only_within_reach(
    hanoi, hk, focal_user, hoan_kiem_agency, construction
):
    ba_dinh = unit(BA_DINH)
    with pytest.raises(ValidationError) as refused:
        services.obstacle_create(actor=focal_user, organization=hanoi, locality=ba_dinh, **obstacle_data())
    assert refused.value.message_dict == {"locality": [translation.gettext(REACH)]}
    with pytest.raises(ValidationError) as refused:
        services.obstacle_create(actor=focal_user, organization=hanoi, agency=construction, **obstacle_data())
    assert set(refused.value.message_dict) == {"agency"}
    assert not Obstacle.objects.exists()
    mine = services.obstacle_create(
        actor=focal_user, organization=hanoi, locality=hk, agency=hoan_kiem_agency, **obstacle_data()
    )
    # Correcting it: not to a place out of reach.
    with pytest.raises(ValidationError) as refused:
        services.obstacle_update(actor=focal_user, obstacle=mine, version=mine.version, locality=ba_dinh)
    assert set(refused.value.message_dict) == {"locality"}


def test_the_office_raises_obstacles_anywhere_and_a_correction_may_keep_the_place(hanoi, office, focal_user):
    ba_dinh = unit(BA_DINH)
    obstacle = services.obstacle_create(actor=office, organization=hanoi, locality=ba_dinh, **obstacle_data())
    # The focal point correcting it keeps its place, although the place is out of the focal point's reach.
    services.obstacle_update(
        actor=focal_user, obstacle=obstacle, version=obstacle.version, locality=ba_dinh, title="Tiêu đề mới"
    )
    assert Obstacle.objects.get(pk=obstacle.pk).title == "Tiêu đề mới"


def test_the_api_shows_the_services_reach_refusal(hanoi, focal_user):
    response = client_for(focal_user).post(
        f"{API}/obstacles/",
        {**obstacle_data(), "locality_code": BA_DINH},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["errors"] == {"locality": [vi(REACH)]}
    assert not Obstacle.objects.exists()


# --- 2. a leader issues directives in their own name ---------------------------------------------


@pytest.mark.parametrize(
    ("role", "leader", "issues"),
    [
        (Role.STANDING_BOARD, True, True),
        (Role.STANDING_MEMBER, True, True),
        (Role.GROUP_MEMBER, True, True),
        (Role.OFFICE, False, True),
        (Role.FOCAL_POINT, False, False),
        (Role.VIEWER, False, False),
    ],
)
def test_one_predicate_says_who_issues_directives(make_user, hanoi, construction, role, leader, issues):
    agency = construction if role == Role.FOCAL_POINT else None
    user = make_user(role, hanoi, person=True, agency=agency)
    assert (services.leader_person(user) == user.person) is leader
    assert services.may_issue_directives(user) is issues


def test_a_leader_issues_only_in_their_own_name(hanoi, leader_user, make_user, construction, office):
    other = make_user(Role.STANDING_MEMBER, hanoi, "lanhdao2", person=True)
    with pytest.raises(ValidationError) as refused:
        issue(leader_user, hanoi, issued_by=other.person, lead_unit=construction)
    assert refused.value.message_dict == {
        "issued_by": [translation.gettext("A leader issues directives in their own name.")]
    }
    own = issue(leader_user, hanoi, issued_by=leader_user.person, lead_unit=construction)
    assert own.issued_by == leader_user.person
    # The office names the leader; a correction by the leader cannot hand it to someone else.
    assert issue(office, hanoi, issued_by=other.person, lead_unit=construction).issued_by == other.person
    with pytest.raises(ValidationError):
        services.directive_update(
            actor=leader_user, directive=own, version=own.version, issued_by=other.person
        )


def test_a_focal_point_issues_no_directive(hanoi, focal_user, leader_user, construction):
    with pytest.raises(ValidationError):
        issue(focal_user, hanoi, issued_by=leader_user.person, lead_unit=construction)
    assert not Directive.objects.exists()


def test_the_api_refuses_a_directive_in_another_leaders_name(hanoi, leader_user, make_user, construction):
    other = make_user(Role.STANDING_MEMBER, hanoi, "lanhdao2", person=True)
    response = client_for(leader_user).post(
        f"{API}/directives/",
        {
            "content": "Chỉ đạo",
            "lead_unit_id": construction.pk,
            "deadline": "2030-01-31",
            "issued_by_id": other.person.pk,
        },
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["errors"] == {"issued_by": [vi("A leader issues directives in their own name.")]}


# --- 3. every obstacle move through one service ---------------------------------------------------


@pytest.fixture
def obstacle(hanoi, hk, office, in_charge, construction):
    return services.obstacle_create(
        actor=office,
        organization=hanoi,
        locality=hk,
        raised_on=D(2026, 3, 2),
        responsible_agency=construction,
        deadline=D(2026, 4, 30),
        **obstacle_data(),
    )


@time_machine.travel(MARCH_10, tick=False)
def test_obstacle_move_escalates_assigns_with_a_directive_and_resolves(
    obstacle, office, in_charge, construction
):
    moved, directive = services.obstacle_move(
        actor=office, obstacle=obstacle, status=ObstacleStatus.ESCALATED, version=obstacle.version
    )
    assert (moved.status, moved.escalated_on, directive) == (ObstacleStatus.ESCALATED, D(2026, 3, 10), None)
    moved, directive = services.obstacle_move(
        actor=in_charge,
        obstacle=moved,
        status=ObstacleStatus.ASSIGNED,
        version=moved.version,
        responsible_agency=construction,
        deadline=D(2026, 5, 15),
        committee_decision="Giao Sở Xây dựng.",
        issued_by=in_charge.person,
        directive_content="Hoàn thành trước 15/5.",
    )
    assert moved.status == ObstacleStatus.ASSIGNED
    assert (directive.source, directive.lead_unit, directive.deadline) == (
        moved,
        construction,
        D(2026, 5, 15),
    )
    moved, directive = services.obstacle_move(
        actor=office,
        obstacle=moved,
        status=ObstacleStatus.RESOLVED,
        version=moved.version,
        resolution="Xong.",
    )
    assert (moved.status, moved.resolution, directive) == (ObstacleStatus.RESOLVED, "Xong.", None)


# --- the obstacle matrix (docs/followup.md) --------------------------------------------------------

OBSTACLE_ACTORS = ("office", "leader_in_charge", "resolving_focal_point", "other_focal_point")
# Who may make which move, whatever the status (the status decides whether the move exists at all).
MAY_MOVE = {
    "office": set(ObstacleStatus.values),
    "leader_in_charge": set(ObstacleStatus.values),
    "resolving_focal_point": {ObstacleStatus.RESOLVING, ObstacleStatus.RESOLVED},
    "other_focal_point": set(),
}


@pytest.mark.parametrize("current", ObstacleStatus.values)
@time_machine.travel(MARCH_10, tick=False)
def test_obstacle_matrix(obstacle, current, office, in_charge, construction_focal, make_user, hanoi, finance):
    other_focal = make_user(Role.FOCAL_POINT, hanoi, "dauMoiSTC", agency=finance)
    actors = dict(zip(OBSTACLE_ACTORS, (office, in_charge, construction_focal, other_focal), strict=True))
    Obstacle.objects.filter(pk=obstacle.pk).update(status=current)
    for target in ObstacleStatus.values:
        for name, actor in actors.items():
            fresh = Obstacle.objects.get(pk=obstacle.pk)
            allowed_move = target in MAY_MOVE[name]
            legal = target in OBSTACLE_TRANSITIONS[current]
            sid = transaction.savepoint_create()
            try:
                moved, _directive = services.obstacle_move(
                    actor=actor,
                    obstacle=fresh,
                    status=target,
                    version=fresh.version,
                    committee_decision="Quyết định.",
                    resolution="Đã giải quyết.",
                    verification="Đã kiểm tra.",
                    closed_reason="Không còn phù hợp.",
                )
            except PermissionDenied:
                outcome = "not yours"
            except ValidationError:
                outcome = "illegal"
            else:
                outcome = "moved"
                assert moved.status == target
            finally:
                transaction.savepoint_rollback(sid)
            expected = "not yours" if not allowed_move else ("moved" if legal else "illegal")
            assert outcome == expected, (current, target, name)


# --- 4. a reported completion awaits confirmation --------------------------------------------------


@pytest.fixture
def directive(hanoi, office, in_charge, construction):
    return issue(office, hanoi, issued_by=in_charge.person, lead_unit=construction)


def claim(actor, directive, on):
    services.directive_report_progress(
        actor=actor, directive=directive, version=directive.version, text="Đã xong.", claims_done=True, on=on
    )
    return Directive.objects.get(pk=directive.pk)


def bucket_of(user, directive, today) -> str:
    """The directive's bucket in the lists (the SQL rule), which a page that names a few directives (the
    Python rule over `directive_rows`, e.g. an incident's page) must give too."""
    listed = (
        selectors.directive_list(user=user, today=today, include_archived=True)
        .get(pk=directive.pk)
        .status_bucket
    )
    rows = selectors.directive_rows(user=user, include_archived=True).filter(pk=directive.pk)
    assert [d.status_bucket for d in selectors.with_status_buckets(rows, today)] == [listed]
    return listed


def test_every_bucket_reads_the_same_in_the_lists_and_on_a_page_that_names_the_directive(
    directive, construction_focal, office
):
    assert bucket_of(office, directive, D(2026, 4, 20)) == StatusBucket.NOT_DUE
    assert bucket_of(office, directive, D(2026, 5, 1)) == StatusBucket.OVERDUE
    services.directive_report_progress(
        actor=construction_focal,
        directive=directive,
        version=directive.version,
        text="Đang làm.",
        on=D(2026, 4, 2),
    )
    assert bucket_of(office, directive, D(2026, 4, 20)) == StatusBucket.IN_PROGRESS
    assert bucket_of(office, directive, D(2026, 5, 1)) == StatusBucket.OVERDUE
    directive.refresh_from_db()
    directive = claim(construction_focal, directive, D(2026, 5, 4))
    assert bucket_of(office, directive, D(2026, 5, 5)) == StatusBucket.AWAITING_CONFIRMATION


def test_a_reported_completion_awaits_confirmation_and_counts_from_the_day_reported(
    directive, construction_focal, in_charge, office
):
    directive = claim(construction_focal, directive, D(2026, 4, 28))
    assert bucket_of(office, directive, D(2026, 4, 29)) == StatusBucket.AWAITING_CONFIRMATION
    assert (
        selectors.status_bucket(
            deadline=directive.deadline,
            completed_on=directive.completed_on,
            has_report=True,
            today=D(2026, 5, 9),
        )
        == StatusBucket.AWAITING_CONFIRMATION
    )
    # Awaiting confirmation past the deadline is not "overdue and not done".
    assert bucket_of(office, directive, D(2026, 5, 9)) == StatusBucket.AWAITING_CONFIRMATION
    # Confirmed ten days after the deadline: done on time, from the day of the unit's report.
    services.directive_confirm_completion(
        actor=in_charge, directive=directive, version=directive.version, on=D(2026, 5, 10)
    )
    directive.refresh_from_db()
    assert (directive.completed_on, directive.completion_confirmed_on) == (D(2026, 4, 28), D(2026, 5, 10))
    assert directive.completion_confirmed_by == in_charge
    assert bucket_of(office, directive, D(2026, 5, 11)) == StatusBucket.DONE_ON_TIME
    with pytest.raises(ValidationError):
        services.directive_confirm_completion(actor=office, directive=directive, version=directive.version)


def test_a_returned_completion_is_not_done(directive, construction_focal, office):
    directive = claim(construction_focal, directive, D(2026, 4, 28))
    with pytest.raises(ValidationError) as refused:
        services.directive_return_completion(
            actor=office, directive=directive, version=directive.version, reason=""
        )
    assert set(refused.value.message_dict) == {"reason"}
    services.directive_return_completion(
        actor=office, directive=directive, version=directive.version, reason="Còn 2 hộ chưa nhận tiền."
    )
    directive.refresh_from_db()
    assert directive.completed_on is None
    assert bucket_of(office, directive, D(2026, 5, 9)) == StatusBucket.OVERDUE
    # The unit goes on and reports it done again.
    assert claim(construction_focal, directive, D(2026, 5, 12)).completed_on == D(2026, 5, 12)


def test_nobody_confirms_what_was_not_reported_and_only_the_issuer_or_office_confirms(
    directive, construction_focal, make_user, hanoi
):
    with pytest.raises(ValidationError):
        services.directive_confirm_completion(
            actor=construction_focal, directive=directive, version=directive.version
        )
    directive = claim(construction_focal, directive, D(2026, 4, 28))
    other_leader = make_user(Role.STANDING_MEMBER, hanoi, "lanhdao2", person=True)
    for outsider in (construction_focal, other_leader):
        with pytest.raises(PermissionDenied):
            services.directive_confirm_completion(
                actor=outsider, directive=directive, version=directive.version
            )
    assert Directive.objects.get(pk=directive.pk).completion_confirmed_on is None


@time_machine.travel(dt.datetime(2026, 6, 5, 9, 0, tzinfo=dt.UTC), tick=False)
def test_a_re_supervision_found_implemented_confirms_the_completion(directive, construction_focal, office):
    directive = claim(construction_focal, directive, D(2026, 4, 28))
    check = directive.resupervisions.get()
    services.resupervision_record(
        actor=office,
        check=check,
        verdict=Verdict.IMPLEMENTED,
        method="on_site",
        checked_on=D(2026, 6, 1),
        evidence="Đã kiểm tra.",
    )
    directive.refresh_from_db()
    assert (directive.completion_confirmed_on, directive.closed_on) == (D(2026, 6, 1), D(2026, 6, 1))
    assert bucket_of(office, directive, D(2026, 6, 5)) == StatusBucket.DONE_ON_TIME


@time_machine.travel(dt.datetime(2026, 4, 29, 9, 0, tzinfo=dt.UTC), tick=False)
def test_the_awaiting_bucket_in_the_pages_the_api_the_filter_and_the_export(
    directive, construction_focal, in_charge, office
):
    import io

    from openpyxl import load_workbook

    claim(construction_focal, directive, D(2026, 4, 28))
    client = client_for(office)
    buckets = client.get(f"{API}/directives/buckets").json()["buckets"]
    assert {
        "bucket": "awaiting_confirmation",
        "label": vi("reported done, awaiting confirmation"),
        "count": 1,
    } in buckets
    assert [
        d["id"] for d in client.get(f"{API}/directives/?bucket=awaiting_confirmation").json()["items"]
    ] == [directive.pk]
    assert client.get(f"{API}/directives/?bucket=done_on_time").json()["items"] == []
    html = client.get("/followup/directives/").content.decode()
    assert 'data-count="awaiting_confirmation">1<' in html and 'data-count="done_on_time">0<' in html
    sheet = load_workbook(
        io.BytesIO(client.get("/followup/directives/export.xlsx?bucket=awaiting_confirmation").content)
    ).active
    values = [cell.value for row in sheet.iter_rows() for cell in row]
    assert vi("reported done, awaiting confirmation") in values
    # The confirm action: shown to the issuing leader, not to the lead unit's focal point.
    page = f"/followup/directives/{directive.pk}/"
    assert 'data-testid="confirm-completion"' in client_for(in_charge).get(page).content.decode()
    assert 'data-testid="confirm-completion"' not in client_for(construction_focal).get(page).content.decode()
    confirm = f"/followup/directives/{directive.pk}/confirm/"
    version = Directive.objects.get(pk=directive.pk).version
    assert client_for(construction_focal).post(confirm, {"version": version}).status_code == 404
    assert client_for(in_charge).post(confirm, {"version": version}).status_code == 302
    assert Directive.objects.get(pk=directive.pk).completion_confirmed_on == D(2026, 4, 29)


def test_the_api_confirms_and_returns(directive, construction_focal, in_charge):
    directive = claim(construction_focal, directive, D(2026, 4, 28))
    url = f"{API}/directives/{directive.pk}"
    refused = client_for(construction_focal).post(
        f"{url}/confirm", {"version": directive.version}, content_type="application/json"
    )
    assert refused.status_code == 404
    returned = client_for(in_charge).post(
        f"{url}/return",
        {"version": directive.version, "reason": "Chưa xong."},
        content_type="application/json",
    )
    assert returned.status_code == 200 and returned.json()["completed_on"] is None
    directive = claim(construction_focal, Directive.objects.get(pk=directive.pk), D(2026, 4, 29))
    confirmed = client_for(in_charge).post(
        f"{url}/confirm", {"version": directive.version, "on": "2026-05-02"}, content_type="application/json"
    )
    body = confirmed.json()
    assert (body["completed_on"], body["completion_confirmed_on"], body["status_bucket"]) == (
        "2026-04-29",
        "2026-05-02",
        "done_on_time",
    )


# --- 5. directive deadlines -----------------------------------------------------------------------


def test_a_deadline_before_the_issue_date_is_refused(hanoi, office, in_charge, construction):
    with pytest.raises(ValidationError) as refused:
        issue(office, hanoi, issued_by=in_charge.person, lead_unit=construction, deadline=D(2026, 3, 9))
    assert set(refused.value.message_dict) == {"deadline"}
    same_day = issue(
        office, hanoi, issued_by=in_charge.person, lead_unit=construction, deadline=D(2026, 3, 10)
    )
    assert same_day.deadline == D(2026, 3, 10)


def test_a_correction_cannot_put_the_deadline_before_the_issue_date(directive, office):
    with pytest.raises(ValidationError) as refused:
        services.directive_update(
            actor=office, directive=directive, version=directive.version, deadline=D(2026, 3, 1)
        )
    assert set(refused.value.message_dict) == {"deadline"}
    assert Directive.objects.get(pk=directive.pk).deadline == D(2026, 4, 30)


def test_the_re_supervision_is_due_after_the_deadline(hanoi, office, in_charge, construction, settings):
    settings.COSO_RESUPERVISION_DAYS = 21
    with pytest.raises(ValidationError) as refused:
        issue(
            office,
            hanoi,
            issued_by=in_charge.person,
            lead_unit=construction,
            resupervision_due_on=D(2026, 4, 29),
        )
    assert set(refused.value.message_dict) == {"resupervision_due_on"}
    default = issue(office, hanoi, issued_by=in_charge.person, lead_unit=construction)
    assert default.resupervisions.get().due_on == D(2026, 5, 21)
    chosen = issue(
        office, hanoi, issued_by=in_charge.person, lead_unit=construction, resupervision_due_on=D(2026, 4, 30)
    )
    assert chosen.resupervisions.get().due_on == D(2026, 4, 30)


def test_a_completion_cannot_be_dated_before_the_issue_date(directive, construction_focal):
    with pytest.raises(ValidationError) as refused:
        claim(construction_focal, directive, D(2026, 3, 9))
    assert set(refused.value.message_dict) == {"completed_on"}


@time_machine.travel(dt.datetime(2026, 6, 5, 9, 0, tzinfo=dt.UTC), tick=False)
def test_a_follow_up_is_due_after_the_configured_days_by_default(directive, office, settings):
    settings.COSO_FOLLOW_UP_DAYS = 15
    check = services.resupervision_record(
        actor=office,
        check=directive.resupervisions.get(),
        verdict=Verdict.PARTLY,
        method="on_site",
        checked_on=D(2026, 6, 1),
        evidence="Mới xong một phần.",
        follow_up_content="Hoàn thành phần còn lại.",
    )
    # 05/06/2026 plus 15 days is Saturday 20/06/2026: the follow-up is due the next working day.
    assert check.follow_up.deadline == D(2026, 6, 22)
    assert check.follow_up.parent == directive


# --- 6. overdue, once -----------------------------------------------------------------------------


def test_a_resolved_obstacle_is_not_overdue(obstacle, office):
    day = D(2026, 5, 10)
    Obstacle.objects.filter(pk=obstacle.pk).update(status=ObstacleStatus.RESOLVING)
    assert selectors.obstacle_list(user=office, today=day).get(pk=obstacle.pk).is_overdue == 1
    Obstacle.objects.filter(pk=obstacle.pk).update(status=ObstacleStatus.RESOLVED)
    assert selectors.obstacle_list(user=office, today=day).get(pk=obstacle.pk).is_overdue == 0
    assert not Obstacle.objects.filter(selectors.obstacle_overdue(day)).exists()


# --- the directive and re-supervision matrices (docs/followup.md) ---------------------------------

DIRECTIVE_ACTORS = ("office", "issuing_leader", "lead_focal_point", "other_focal_point", "other_leader")
DIRECTIVE_MATRIX = {
    "report": {"office", "lead_focal_point"},
    "claim": {"office", "lead_focal_point"},
    "confirm": {"office", "issuing_leader"},
    "return": {"office", "issuing_leader"},
}


@pytest.mark.parametrize("move", DIRECTIVE_MATRIX)
@pytest.mark.parametrize("who", DIRECTIVE_ACTORS)
def test_directive_matrix(
    directive, move, who, office, in_charge, construction_focal, focal_user, make_user, hanoi
):
    actor = {
        "office": office,
        "issuing_leader": in_charge,
        "lead_focal_point": construction_focal,
        "other_focal_point": focal_user,
        "other_leader": make_user(Role.STANDING_MEMBER, hanoi, "lanhdao2", person=True),
    }[who]
    if move in ("confirm", "return"):
        directive = claim(construction_focal, directive, D(2026, 4, 28))
    calls = {
        "report": lambda: services.directive_report_progress(
            actor=actor, directive=directive, version=directive.version, text="Đang làm."
        ),
        "claim": lambda: services.directive_report_progress(
            actor=actor, directive=directive, version=directive.version, text="Xong.", claims_done=True
        ),
        "confirm": lambda: services.directive_confirm_completion(
            actor=actor, directive=directive, version=directive.version
        ),
        "return": lambda: services.directive_return_completion(
            actor=actor, directive=directive, version=directive.version, reason="Chưa xong."
        ),
    }
    if who in DIRECTIVE_MATRIX[move]:
        calls[move]()
        assert Directive.objects.get(pk=directive.pk).version == directive.version + 1
    else:
        with pytest.raises(PermissionDenied):
            calls[move]()
        assert Directive.objects.get(pk=directive.pk).version == directive.version


CHECK_ACTORS = ("office", "standing_board", "assigned_leader", "other_leader", "focal_point")
CHECK_MATRIX = {"office", "standing_board", "assigned_leader"}


@pytest.mark.parametrize("move", ["record", "recheck"])
@pytest.mark.parametrize("recorded", [False, True])
@pytest.mark.parametrize("who", CHECK_ACTORS)
@time_machine.travel(dt.datetime(2026, 6, 5, 9, 0, tzinfo=dt.UTC), tick=False)
def test_resupervision_matrix(
    directive, move, recorded, who, office, in_charge, construction_focal, make_user, hanoi
):
    actor = {
        "office": office,
        "standing_board": make_user(Role.STANDING_BOARD, hanoi, "bithu", person=True),
        "assigned_leader": in_charge,
        "other_leader": make_user(Role.STANDING_MEMBER, hanoi, "lanhdao2", person=True),
        "focal_point": construction_focal,
    }[who]
    check = directive.resupervisions.get()
    record = dict(
        verdict=Verdict.PARTLY,
        method="on_site",
        checked_on=D(2026, 6, 1),
        evidence="Một phần.",
        follow_up_content="Làm nốt phần còn lại.",
    )
    if recorded:
        check = services.resupervision_record(actor=office, check=check, **record)
    before = ReSupervision.objects.count()
    call = (
        (lambda: services.resupervision_record(actor=actor, check=check, **record))
        if move == "record"
        else (lambda: services.resupervision_recheck(actor=actor, check=check, due_on=D(2026, 7, 1)))
    )
    # A verdict is recorded once, on a pending check; a new check supersedes a recorded one.
    legal = (move == "record") != recorded
    if who not in CHECK_MATRIX:
        with pytest.raises(PermissionDenied):
            call()
    elif not legal:
        with pytest.raises(ValidationError):
            call()
    else:
        call()
        if move == "recheck":
            assert ReSupervision.objects.count() == before + 1
        else:
            assert ReSupervision.objects.get(pk=check.pk).verdict == Verdict.PARTLY


# --- 9. the page and the API give the same refusal ------------------------------------------------


def test_the_page_and_the_api_refuse_an_illegal_move_with_the_same_message(obstacle, office):
    expected = vi("An obstacle cannot move from “{current}” to “{new}”.").format(
        current=vi("new"), new=vi("verified")
    )
    client = client_for(office)
    api = client.post(
        f"{API}/obstacles/{obstacle.pk}/status",
        {"status": "verified", "version": obstacle.version},
        content_type="application/json",
    )
    assert api.status_code == 422 and api.json()["detail"] == expected
    page = client.post(
        f"/followup/obstacles/{obstacle.pk}/status/",
        {"status": "verified", "version": obstacle.version},
        follow=True,
    )
    assert expected in page.content.decode()
    assert Obstacle.objects.get(pk=obstacle.pk).status == ObstacleStatus.NEW


def test_a_completion_settled_by_closing_no_longer_awaits_confirmation(directive, construction_focal, office):
    """A re-supervision that closes the directive another way settles a reported completion: nobody can
    confirm a closed directive, so it counts as done by the day of the report, not as awaiting for ever."""
    directive = claim(construction_focal, directive, D(2026, 5, 4))
    services.resupervision_record(
        actor=office,
        check=directive.resupervisions.get(),
        verdict=Verdict.NOT_APPLICABLE,
        method="on_site",
        checked_on=D(2026, 6, 1),
        evidence="Không còn phù hợp.",
    )
    directive.refresh_from_db()
    assert directive.closed_on == D(2026, 6, 1) and directive.completion_confirmed_on is None
    assert bucket_of(office, directive, D(2026, 6, 5)) == StatusBucket.DONE_LATE
    python_rule = selectors.status_bucket(
        deadline=directive.deadline,
        completed_on=directive.completed_on,
        confirmed_on=None,
        closed_on=directive.closed_on,
        has_report=True,
        today=D(2026, 6, 5),
    )
    assert python_rule == StatusBucket.DONE_LATE
    assert not services.may_confirm_completion(office, directive)


def test_confirming_and_returning_are_typed_events_read_in_the_readers_language(
    directive, construction_focal, office, in_charge
):
    from core import audit
    from core.models import AuditEvent

    directive = claim(construction_focal, directive, D(2026, 4, 28))
    services.directive_return_completion(
        actor=office, directive=directive, version=directive.version, reason="Chưa có biên bản."
    )
    directive = claim(construction_focal, Directive.objects.get(pk=directive.pk), D(2026, 4, 29))
    services.directive_confirm_completion(actor=office, directive=directive, version=directive.version)
    events = list(AuditEvent.objects.filter(kind__startswith="directive.completion_").order_by("at", "id"))
    assert [(e.kind, e.note) for e in events] == [
        ("directive.completion_reported", ""),
        ("directive.completion_returned", "Chưa có biên bản."),
        ("directive.completion_reported", ""),
        ("directive.completion_confirmed", ""),
    ]
    name = office.get_full_name()
    with translation.override("vi"):
        vi_sentences = [row.sentence for row in audit.timeline(events)]
    with translation.override("en"):
        en_sentences = [row.sentence for row in audit.timeline(events)]
    assert vi_sentences[1:4:2] == [
        f"{name} trả lại báo cáo hoàn thành",
        f"{name} xác nhận báo cáo hoàn thành",
    ]
    assert en_sentences[1:4:2] == [
        f"{name} returned the reported completion",
        f"{name} confirmed the reported completion",
    ]
