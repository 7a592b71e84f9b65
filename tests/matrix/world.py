"""The matrix's subjects and the few records the demo lacks, added once on top of the whole demo.

Subjects: the seven demo logins, anonymous, a deactivated user (signed in before being deactivated, with a
token made while active), and API tokens that were revoked or have expired. Records added: a file on the
incidents and progress reports the matrix picks, a notification and an import job per login, a live and a
revoked calendar feed per organisation.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.choices import Role
from accounts.demo import DEMO_LOGINS
from accounts.models import ApiToken, User
from accounts.services import token_create, token_revoke, user_create, user_deactivate
from core.models import ImportJob, Notification
from core.services import attachment_add

from .objects import KINDS

LOGINS = tuple(login.username for login in DEMO_LOGINS)
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@dataclass
class World:
    users: dict[str, User]  # the seven logins
    tokens: dict[str, str]  # a working bearer token per login
    deactivated: User
    dead_tokens: dict[str, str]  # "revoked", "expired", "deactivated": tokens that must not work
    other_of: dict[str, User] = field(default_factory=dict)  # a user of the other organisation, per login


def _attach(instance, organization, actor):
    upload = SimpleUploadedFile("bien-ban.pdf", PDF, content_type="application/pdf")
    attachment_add(actor=actor, organization=organization, instance=instance, upload=upload)


def build(context) -> World:
    users = {
        name: User.objects.select_related("person", "organization").get(username=name) for name in LOGINS
    }
    office = {u.organization_id: u for u in users.values() if u.role == Role.OFFICE}
    other_of = {
        name: next(o for org, o in office.items() if org != user.organization_id)
        for name, user in users.items()
    }
    tokens = {name: token_create(actor=user, user=user, name="matrix")[1] for name, user in users.items()}

    vanphong = users["vanphong"]
    revoked, revoked_raw = token_create(actor=vanphong, user=vanphong, name="revoked")
    token_revoke(actor=vanphong, token=revoked)
    expired, expired_raw = token_create(actor=vanphong, user=vanphong, name="expired")
    ApiToken.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    deactivated = user_create(
        actor=vanphong,
        username="danghi",
        password="matrix-password-2026",
        organization=vanphong.organization,
        role=Role.OFFICE,
        full_name="Người đã nghỉ",
        validate_password=False,
    )
    _token, deactivated_raw = token_create(actor=deactivated, user=deactivated, name="before")
    user_deactivate(actor=vanphong, user=deactivated, version=deactivated.version)
    deactivated.refresh_from_db()

    for name, user in users.items():
        Notification.objects.create(user=user, kind="matrix", key=f"matrix-{name}", title=f"Thông báo {name}")
        ImportJob.objects.create(
            organization_id=user.organization_id,
            created_by=user,
            kind="incidents",
            file_name="su-vu.xlsx",
            sha256="0" * 64,
        )

    # Files on the records the matrix picks for each subject, so that every download has something to name.
    from followup.models import ProgressReport
    from incidents.models import Incident

    incidents, reports = set(), set()
    for name, user in users.items():
        for variant in KINDS["incident"](user, other_of[name]).__dict__.values():
            incidents.update(pk for (pk,) in variant)
        directives = {pk for v in KINDS["directive"](user, other_of[name]).__dict__.values() for (pk,) in v}
        from core.scoping import visible
        from followup.models import Directive

        seen = visible(Directive._base_manager.all(), user).values("pk")
        org = Directive._base_manager.filter(organization_id=user.organization_id)
        for qs in (
            ProgressReport.objects.filter(directive__in=seen),
            ProgressReport.objects.filter(directive__in=org.exclude(pk__in=seen)),
            ProgressReport.objects.filter(directive__organization_id=other_of[name].organization_id),
            ProgressReport.objects.filter(directive__in=directives),
        ):
            first = qs.order_by("pk").first()
            if first is not None:
                reports.add(first.pk)
    for incident in Incident.objects.filter(pk__in=incidents).select_related("organization"):
        _attach(incident, incident.organization, office[incident.organization_id])
    for report in ProgressReport.objects.filter(pk__in=reports).select_related("directive"):
        _attach(report, report.directive.organization, office[report.directive.organization_id])

    from fieldwork.services.calendar import feed_create, feed_revoke

    for org_id, user in office.items():
        leader = next(
            u.person for u in users.values() if u.organization_id == org_id and getattr(u, "person", None)
        )
        feed_revoke(actor=user, feed=feed_create(actor=user, leader=leader))
        feed_create(actor=user, leader=leader)

    from core.models import CalendarException

    for org_id in office:
        CalendarException.objects.create(
            organization_id=org_id, date=dt.date(2026, 9, 3), kind="off", name="Nghỉ bù Quốc khánh"
        )
    add_reports(users)
    return World(
        users=users,
        tokens=tokens,
        deactivated=deactivated,
        dead_tokens={"revoked": revoked_raw, "expired": expired_raw, "deactivated": deactivated_raw},
        other_of=other_of,
    )


def add_reports(users) -> None:
    """An issued briefing, its job and a draft in each organisation, so that their downloads have files."""
    from reports.periods import last_complete_month
    from reports.services import issue_start, prepare_draft

    period = last_complete_month()
    for user in users.values():
        if user.role in (Role.OFFICE, Role.STANDING_BOARD):
            issue_start(actor=user, period=period)
        if user.role == Role.OFFICE:
            prepare_draft(reader=user, period=period)
