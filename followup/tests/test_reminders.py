"""Reminders: who hears what and when, and that each reminder goes out once and only once."""

import datetime as dt
from io import StringIO
from unittest import mock

import pytest
import time_machine
from django.core import mail
from django.core.management import CommandError, call_command
from django.tasks import TaskResultStatus
from django.test import override_settings
from django.utils import translation
from django.utils.translation import gettext

from accounts.choices import Role
from core.models import Notification
from core.tasks import send_reminders_task
from core.testing import count_queries
from followup import reminders, services
from followup.choices import NotificationKind, SourceKind, Verdict
from followup.reminders import send_reminders

D = dt.date
K = NotificationKind


def frozen(day: dt.date, hour: int = 7):
    """The clock at `hour` o'clock (Vietnam time) on `day`."""
    moment = dt.datetime.combine(day, dt.time(hour)) - dt.timedelta(hours=7)
    return time_machine.travel(moment.replace(tzinfo=dt.UTC), tick=False)


def sent(kind, key_part: str = "") -> set[str]:
    """Usernames that received reminders of one kind (whose key contains `key_part`)."""
    qs = Notification.objects.filter(kind=kind, key__contains=key_part)
    return set(qs.values_list("user__username", flat=True))


def nothing(counts: dict) -> bool:
    return set(counts) == {str(k) for k in reminders.REMINDER_KINDS} and not any(counts.values())


@pytest.fixture
def issuer(make_user, hanoi):
    """A leader who issues directives but does not answer for Hoàn Kiếm (lanhdao does)."""
    return make_user(Role.STANDING_MEMBER, hanoi, "phobithu", person=True, full_name="Trần Thị Chỉ")


@pytest.fixture
def make_directive(hanoi, office, issuer, hk, construction, construction_focal, in_charge):
    """Directives to the Department of Construction in Hoàn Kiếm: three people hear of each."""

    def make(
        deadline, *, issued_on=D(2026, 3, 1), content="Hoàn thành kiểm đếm các hộ phố Hàng Bài.", **extra
    ):
        return services.directive_create(
            actor=office,
            organization=hanoi,
            content=content,
            deadline=deadline,
            issued_by=issuer.person,
            lead_unit=construction,
            locality=hk,
            issued_on=issued_on,
            source_kind=SourceKind.OTHER,
            notify_people=False,
            **extra,
        )

    return make


@pytest.fixture
def obstacle(hanoi, office, hk, in_charge):
    return services.obstacle_create(
        actor=office,
        organization=hanoi,
        title="Vướng mặt bằng tuyến phố Hàng Bài",
        description="Còn 12 hộ chưa nhận tiền bồi thường.",
        category="site_clearance",
        resolution_level="standing_committee",
        locality=hk,
        raised_by=in_charge.person,
        raised_in="supervision_session",
        raised_on=D(2026, 3, 2),
    )


# --- directives ------------------------------------------------------------------------------------


def test_a_directive_due_soon_is_reminded_once_to_the_unit_the_issuer_and_the_leader_in_charge(
    make_directive, construction_focal, issuer, in_charge
):
    directive = make_directive(D(2026, 3, 12))
    make_directive(D(2026, 3, 15))  # five days away: not yet
    with frozen(D(2026, 3, 10)):
        counts = send_reminders()
        assert counts[K.DIRECTIVE_DUE] == 3
        assert sent(K.DIRECTIVE_DUE) == {"dauMoiSXD", "phobithu", "lanhdao"}
        assert nothing(send_reminders())
        assert nothing(send_reminders())
    with frozen(D(2026, 3, 11), hour=16):  # a day later, still due soon: nothing new
        assert nothing(send_reminders())
    notification = Notification.objects.get(user=construction_focal, kind=K.DIRECTIVE_DUE)
    assert notification.key == f"directive:{directive.pk}:due:2026-03-12"
    assert notification.url == directive.get_absolute_url()
    assert "12/03/2026" in notification.title and "12/03/2026" in notification.body
    assert "Hàng Bài" in notification.title
    assert Notification.objects.filter(kind=K.DIRECTIVE_DUE).count() == 3


def test_the_reminder_window_is_the_setting(make_directive, construction_focal):
    make_directive(D(2026, 3, 15))
    with frozen(D(2026, 3, 10)), override_settings(COSO_REMINDER_DAYS=5):
        assert send_reminders()[K.DIRECTIVE_DUE] == 3
    with frozen(D(2026, 3, 10)), override_settings(COSO_REMINDER_DAYS=4):
        make_directive(D(2026, 3, 15), content="Một việc khác.")
        assert send_reminders()[K.DIRECTIVE_DUE] == 0


def test_an_overdue_directive_is_reminded_once_and_a_done_or_closed_one_never(
    make_directive, construction_focal, office
):
    late = make_directive(D(2026, 3, 9))
    done = make_directive(D(2026, 3, 9), content="Đã xong.")
    services.directive_report_progress(
        actor=construction_focal, directive=done, version=done.version, text="Xong.", claims_done=True
    )
    closed = make_directive(D(2026, 3, 5), content="Không còn phù hợp.", issued_on=D(2026, 2, 1))
    with frozen(D(2026, 3, 9)):
        services.resupervision_record(
            actor=office,
            check=closed.resupervisions.get(),
            verdict=Verdict.NOT_APPLICABLE,
            method="documents",
            checked_on=D(2026, 3, 9),
            evidence="Dự án đã dừng.",
        )
    with frozen(D(2026, 3, 10)):
        counts = send_reminders()
        assert counts[K.DIRECTIVE_OVERDUE] == 3 and counts[K.DIRECTIVE_DUE] == 0
        for _run in range(2):
            assert nothing(send_reminders())
    with frozen(D(2026, 3, 25)):
        assert nothing(send_reminders())
    keys = set(Notification.objects.filter(kind=K.DIRECTIVE_OVERDUE).values_list("key", flat=True))
    assert keys == {f"directive:{late.pk}:overdue:2026-03-09"}
    assert "09/03/2026" in Notification.objects.filter(kind=K.DIRECTIVE_OVERDUE).first().title


def test_a_changed_deadline_reminds_again(make_directive, office):
    directive = make_directive(D(2026, 3, 12))
    with frozen(D(2026, 3, 10)):
        assert send_reminders()[K.DIRECTIVE_DUE] == 3
        directive = services.directive_update(
            actor=office, directive=directive, version=directive.version, deadline=D(2026, 3, 20)
        )
        assert nothing(send_reminders())  # the new deadline is not near yet
    with frozen(D(2026, 3, 18)):
        assert send_reminders()[K.DIRECTIVE_DUE] == 3
        assert nothing(send_reminders())
    with frozen(D(2026, 3, 21)):
        assert send_reminders()[K.DIRECTIVE_OVERDUE] == 3
        assert nothing(send_reminders())
    keys = sorted(Notification.objects.filter(user__username="lanhdao").values_list("key", flat=True))
    assert keys == [
        f"directive:{directive.pk}:due:2026-03-12",
        f"directive:{directive.pk}:due:2026-03-20",
        f"directive:{directive.pk}:overdue:2026-03-20",
    ]


def test_archived_directives_are_not_reminded(make_directive, office):
    from core.services import archive_record

    directive = make_directive(D(2026, 3, 12))
    archive_record(actor=office, instance=directive)
    with frozen(D(2026, 3, 10)):
        assert nothing(send_reminders())


# --- obstacles ------------------------------------------------------------------------------------


def test_an_escalation_is_not_repeated_by_the_run_but_a_late_board_member_catches_up(
    obstacle, office, make_user, hanoi, construction
):
    board = make_user(Role.STANDING_BOARD, hanoi, "bithu", person=True)
    with frozen(D(2026, 3, 10)):
        obstacle = services.obstacle_escalate(actor=office, obstacle=obstacle, version=obstacle.version)
        assert sent(K.OBSTACLE_ESCALATED) == {"bithu", "lanhdao"}
        for _run in range(3):
            assert nothing(send_reminders())
        make_user(Role.STANDING_BOARD, hanoi, "phobithuthuongtruc", person=True)
        counts = send_reminders()
    assert counts[K.OBSTACLE_ESCALATED] == 1
    assert sent(K.OBSTACLE_ESCALATED) == {"bithu", "lanhdao", "phobithuthuongtruc"}
    assert Notification.objects.filter(user=board, kind=K.OBSTACLE_ESCALATED).count() == 1
    # Once the Committee decides, the escalation is no longer reminded.
    with frozen(D(2026, 3, 12)):
        make_user(Role.STANDING_BOARD, hanoi, "phobithu2", person=True)
        services.obstacle_set_status(
            actor=office,
            obstacle=obstacle,
            version=obstacle.version,
            status="assigned",
            responsible_agency=construction,
            deadline=D(2026, 4, 30),
            committee_decision="Giao Sở Xây dựng chủ trì.",
        )
        assert nothing(send_reminders())


def test_an_open_obstacle_past_its_deadline_is_reminded_once(
    obstacle, office, construction, construction_focal, in_charge
):
    with frozen(D(2026, 3, 3)):
        obstacle, _directive = services.obstacle_assign(
            actor=office,
            obstacle=obstacle,
            version=obstacle.version,
            responsible_agency=construction,
            deadline=D(2026, 3, 20),
        )
    with frozen(D(2026, 3, 20)):
        assert send_reminders()[K.OBSTACLE_OVERDUE] == 0  # due today, not late yet
    with frozen(D(2026, 3, 21)):
        counts = send_reminders()
        assert counts[K.OBSTACLE_OVERDUE] == 2
        assert sent(K.OBSTACLE_OVERDUE) == {"dauMoiSXD", "lanhdao"}  # the agency, who raised it, the leader
        assert nothing(send_reminders()) and nothing(send_reminders())
    notification = Notification.objects.get(user=construction_focal, kind=K.OBSTACLE_OVERDUE)
    assert notification.key == f"obstacle:{obstacle.pk}:overdue:2026-03-20"
    assert notification.url == obstacle.get_absolute_url()
    assert "20/03/2026" in notification.title


def test_a_resolved_obstacle_is_not_overdue_its_check_is_what_comes_next(
    obstacle, office, construction, construction_focal
):
    obstacle, _directive = services.obstacle_assign(
        actor=office,
        obstacle=obstacle,
        version=obstacle.version,
        responsible_agency=construction,
        deadline=D(2026, 3, 20),
        on=D(2026, 3, 3),
    )
    services.obstacle_set_status(
        actor=office,
        obstacle=obstacle,
        version=obstacle.version,
        status="resolved",
        resolution="Đã bồi thường xong.",
        on=D(2026, 3, 18),
    )
    with frozen(D(2026, 4, 16)):  # the check falls due on 17/04 (resolution + 30 days)
        counts = send_reminders()
    assert counts[K.OBSTACLE_OVERDUE] == 0
    assert counts[K.RESUPERVISION_DUE] == 2
    assert sent(K.RESUPERVISION_DUE) == {"dauMoiSXD", "lanhdao"}


# --- re-supervision -----------------------------------------------------------------------------------


def test_a_resupervision_due_is_reminded_once_to_the_checker_and_the_people_of_the_item(
    make_directive, construction_focal, issuer, office
):
    directive = make_directive(D(2026, 2, 1), issued_on=D(2026, 1, 5))
    check = directive.resupervisions.get()
    assert check.due_on == D(2026, 3, 3)
    with frozen(D(2026, 2, 27)):  # four days before: not yet (only the directive is overdue)
        assert send_reminders()[K.RESUPERVISION_DUE] == 0
    with frozen(D(2026, 2, 28)):
        assert send_reminders()[K.RESUPERVISION_DUE] == 3
        assert nothing(send_reminders())
    with frozen(D(2026, 3, 10)):  # past due and still no verdict: not sent again
        assert nothing(send_reminders())
        services.resupervision_record(
            actor=office,
            check=check,
            verdict=Verdict.PARTLY,
            method="on_site",
            checked_on=D(2026, 3, 10),
            evidence="Còn 2 hộ chưa bàn giao.",
            follow_up_content="Bàn giao nốt 2 hộ.",
            follow_up_deadline=D(2026, 3, 31),
        )
    assert sent(K.RESUPERVISION_DUE) == {"phobithu", "dauMoiSXD", "lanhdao"}
    notification = Notification.objects.get(user=issuer, kind=K.RESUPERVISION_DUE)
    assert notification.key == f"resupervision:{check.pk}:due:2026-03-03"
    assert notification.url == check.get_absolute_url()
    assert "03/03/2026" in notification.title
    # The recorded check is done with; the follow-up directive is reminded in its own time.
    with frozen(D(2026, 3, 29)):
        counts = send_reminders()
    assert counts[K.RESUPERVISION_DUE] == 0 and counts[K.DIRECTIVE_DUE] == 3


# --- e-mail, language ------------------------------------------------------------------------------


@override_settings(LANGUAGE_CODE="vi")
def test_reminders_are_e_mailed_in_vietnamese_with_a_link(
    make_directive, construction_focal, mailoutbox, django_capture_on_commit_callbacks
):
    construction_focal.email = "daumoi.sxd@example.vn"
    construction_focal.save(update_fields=["email"])
    directive = make_directive(D(2026, 3, 12))
    with (
        frozen(D(2026, 3, 10)),
        translation.override("en"),  # whatever the caller's language
        django_capture_on_commit_callbacks(execute=True),  # the e-mail leaves after the commit
    ):
        send_reminders()
        send_reminders()
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["daumoi.sxd@example.vn"]
    with translation.override("vi"):
        expected = gettext("Directive due on {date}: {directive}").format(
            date="12/03/2026", directive=str(directive)
        )
    assert message.subject == expected
    assert "12/03/2026" in message.subject and "Hàng Bài" in message.subject
    assert directive.get_absolute_url() in message.body
    notification = Notification.objects.get(user=construction_focal)
    assert notification.emailed_at is not None


@override_settings(LANGUAGE_CODE="vi")
def test_a_caught_up_escalation_mail_has_the_vietnamese_subject(
    obstacle, office, make_user, hanoi, django_capture_on_commit_callbacks
):
    with frozen(D(2026, 3, 10)):
        services.obstacle_escalate(actor=office, obstacle=obstacle, version=obstacle.version)
        late = make_user(Role.STANDING_BOARD, hanoi, "bithu", person=True)
        late.email = "bithu@example.vn"
        late.save(update_fields=["email"])
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            send_reminders()
    (message,) = mail.outbox
    english = "Obstacle escalated to the Standing Committee: {title}"
    with translation.override("vi"):
        vietnamese = gettext(english)
    assert vietnamese != english  # this one is in the catalogue already
    assert message.subject == vietnamese.format(title=obstacle.title)


# --- efficiency --------------------------------------------------------------------------------------


def test_each_place_is_resolved_once_per_run(make_directive, obstacle, office, construction):
    for day in (8, 9, 11, 12):
        make_directive(D(2026, 3, day), content=f"Việc số {day}.")
    obstacle, _directive = services.obstacle_assign(
        actor=office,
        obstacle=obstacle,
        version=obstacle.version,
        responsible_agency=construction,
        deadline=D(2026, 3, 5),
        on=D(2026, 3, 3),
    )
    calls = []
    real_many, real_one = reminders.responsible_leaders, reminders.responsible_leader

    def many(units, *args, **kwargs):
        calls.extend(("unit", u.pk) for u in units)
        return real_many(units, *args, **kwargs)

    def one(target, *args, **kwargs):
        calls.append((type(target).__name__, target.pk))
        return real_one(target, *args, **kwargs)

    with (
        frozen(D(2026, 3, 10)),
        mock.patch.object(reminders, "responsible_leaders", many),
        mock.patch.object(reminders, "responsible_leader", one),
    ):
        counts = send_reminders()
    assert counts[K.DIRECTIVE_DUE] and counts[K.DIRECTIVE_OVERDUE] and counts[K.OBSTACLE_OVERDUE]
    assert len(calls) == len(set(calls)) == 1  # five directives and an obstacle, all in Hoàn Kiếm


def test_a_repeated_run_costs_the_same_few_queries_however_many_items(make_directive):
    for day in range(1, 6):
        make_directive(D(2026, 3, 9), content=f"Việc quá hạn {day}.")
    with frozen(D(2026, 3, 10)):
        send_reminders()
        small = count_queries(send_reminders)
        for day in range(1, 21):
            make_directive(D(2026, 3, 9), content=f"Việc quá hạn thêm {day}.")
        send_reminders()
        large = count_queries(send_reminders)
    assert small == large
    assert large <= 12


# --- the command and the task ------------------------------------------------------------------------


def test_the_command_sends_and_prints_the_counts(make_directive):
    make_directive(D(2026, 3, 12))
    out = StringIO()
    with frozen(D(2026, 3, 1)), translation.override("en"):
        call_command("remind", "--today", "10/03/2026", stdout=out)
        again = StringIO()
        call_command("remind", "--today", "10/03/2026", stdout=again)
    text = out.getvalue()
    assert "directive due soon: 3" in text
    assert "directive overdue: 0" in text
    assert "Reminders sent: 3." in text
    assert Notification.objects.filter(kind=K.DIRECTIVE_DUE).count() == 3
    assert "directive due soon: 0" in again.getvalue()


def test_the_command_refuses_a_bad_date(db):
    with pytest.raises(CommandError):
        call_command("remind", "--today", "2026-03-10")


def test_the_command_can_queue_the_task(make_directive):
    make_directive(D(2026, 3, 12))
    out = StringIO()
    call_command("remind", "--today", "10/03/2026", "--enqueue", stdout=out)
    assert out.getvalue().strip()
    # The test settings use the immediate backend: the queued run has already happened.
    assert Notification.objects.filter(kind=K.DIRECTIVE_DUE).count() == 3


def test_the_task_runs_the_reminders(make_directive):
    make_directive(D(2026, 3, 12))
    result = send_reminders_task.enqueue(today="2026-03-10")
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value["followup"][K.DIRECTIVE_DUE] == 3
    with frozen(D(2026, 3, 10)):
        assert nothing(send_reminders_task.call()["followup"])


def test_the_run_tells_exactly_whom_followup_recipients_names(
    make_directive, obstacle, office, construction, make_user, hanoi
):
    """The run resolves people its own (cached) way; it must agree with followup.recipients."""
    from followup import recipients

    make_user(Role.STANDING_BOARD, hanoi, "bithu", person=True)
    directive = make_directive(D(2026, 3, 12))
    services.obstacle_assign(
        actor=office,
        obstacle=obstacle,
        version=obstacle.version,
        responsible_agency=construction,
        deadline=D(2026, 3, 5),
        on=D(2026, 3, 3),
    )
    obstacle.refresh_from_db()
    check = directive.resupervisions.get()
    audience = reminders._Audience(D(2026, 3, 10))

    def names(users):
        return {u.username for u in users}

    assert names(audience.for_directive(directive)) == names(recipients.for_directive(directive))
    assert names(audience.for_obstacle(obstacle)) == names(recipients.for_obstacle(obstacle))
    assert names(audience.for_escalation(obstacle)) == names(recipients.for_escalation(obstacle))
    assert names(audience.for_resupervision(check)) == names(recipients.for_resupervision(check))
    assert "bithu" in names(audience.for_escalation(obstacle))
