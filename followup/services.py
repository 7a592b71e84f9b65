"""Writes of the follow-up loop: every one atomic, validated, audited, and on the record's timeline.

Obstacle → escalated to the Standing Committee → assigned (a directive is issued) → focal point reports
progress and claims completion → re-supervision → implemented (closed) or a follow-up directive.
"""

import datetime as dt

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.choices import Role
from core import audit
from core.calendar import default_deadline
from core.errors import ConflictError
from core.models import AuditAction
from core.scoping import reach_of, visible
from core.services import create_record, notify, update_record
from core.text import nfc
from core.toolkit import can_write
from core.validators import LONG_TEXT, SUMMARY_TEXT, check_lengths, check_not_future
from followup import recipients, selectors
from followup.choices import (
    CLOSING_VERDICTS,
    FOLLOW_UP_VERDICTS,
    OBSTACLE_TRANSITIONS,
    NotificationKind,
    ObstacleStatus,
    SourceKind,
    Verdict,
)
from followup.links import link_source, link_subject
from followup.models import ConclusionNotice, Directive, Obstacle, ProgressReport, ReSupervision


def _same_organization(organization, **records) -> None:
    for name, record in records.items():
        if record is None:
            continue
        org_id = getattr(record, "organization_id", None)
        if org_id is not None and org_id != organization.pk:
            raise ValidationError({name: _("This record belongs to another organisation.")})
        path = getattr(record, "path", None)
        if org_id is None and path is not None and not path.startswith(organization.root_unit.path):
            raise ValidationError({name: _("This locality is outside the organisation's area.")})


def _today() -> dt.date:
    return timezone.localdate()


def follow_up_deadline(organization, *, today: dt.date | None = None) -> dt.date:
    """A follow-up directive's default deadline: COSO_FOLLOW_UP_DAYS after today, on a working day."""
    return default_deadline(organization, settings.COSO_FOLLOW_UP_DAYS, start=today)


def resupervision_due(organization, *, after: dt.date) -> dt.date:
    """A re-supervision's default due date: COSO_RESUPERVISION_DAYS after `after`, on a working day."""
    return default_deadline(organization, settings.COSO_RESUPERVISION_DAYS, start=after)


def follow_up_required_message() -> str:
    return _("Write the follow-up directive: what the unit must still do.")


def _check_reach(actor, *, locality=None, agency=None, keep: Obstacle | None = None, subject=None) -> None:
    """Someone who does not see everything raises obstacles only on the places and units they reach, so that
    what they raise stays in their own lists. Correcting an obstacle may keep its current place and unit.
    An obstacle about a record the actor may see (a project of their working group) may name that record's
    place and unit: the record is what gives them reach."""
    if actor is None or actor.sees_all:
        return
    if subject is not None and visible(type(subject)._default_manager.filter(pk=subject.pk), actor).exists():
        return
    reach = reach_of(actor)
    message = _("You can only raise obstacles on the places and units you are in charge of.")
    errors = {}
    kept_locality = keep.locality_id if keep is not None else None
    kept_agency = keep.agency_id if keep is not None else None
    if locality is not None and locality.pk not in reach.locality_ids and locality.pk != kept_locality:
        errors["locality"] = message
    if agency is not None and agency.pk not in reach.agency_ids and agency.pk != kept_agency:
        errors["agency"] = message
    if errors:
        raise ValidationError(errors)


LEADER_ROLES = frozenset({Role.STANDING_BOARD, Role.STANDING_MEMBER, Role.GROUP_MEMBER})


def leader_person(user):
    """The Person in whose name `user` issues directives: a leader's own, else None (the office names one).

    The one rule of "a leader issues directives in their own name", for the pages, the API and the services.
    """
    person = getattr(user, "person", None)
    if person is not None and getattr(user, "role", None) in LEADER_ROLES and can_write(user):
        return person
    return None


def may_issue_directives(user) -> bool:
    """The office (naming the leader) or a leader (in their own name)."""
    if user is None or not can_write(user):
        return False
    return user.is_office or leader_person(user) is not None


def may_add_directives(user, notice: ConclusionNotice) -> bool:
    """Whoever issues directives adds one to a conclusion notice (the notice page's button)."""
    return may_issue_directives(user)


def _check_issuer(actor, issued_by, *, field: str = "issued_by") -> None:
    """Only the office names another leader; a leader issues in their own name."""
    if actor is None or actor.is_office:
        return
    own = leader_person(actor)
    if own is None:
        raise ValidationError(_("Only the office or a leader issues directives."))
    if issued_by is not None and issued_by.pk != own.pk:
        raise ValidationError({field: _("A leader issues directives in their own name.")})


# --- conclusion notices ---------------------------------------------------------------------------


def notice_create(*, actor, organization, number: str, issued_on: dt.date, title: str, summary: str = ""):
    """Enter a Standing Committee conclusion notice (the source of the directives it contains)."""
    check_not_future(issued_on=issued_on)
    check_lengths(summary=(summary, SUMMARY_TEXT))
    if ConclusionNotice.objects.filter(organization=organization, number=nfc(number)).exists():
        raise ValidationError({"number": _("A notice with this number already exists.")})
    notice = ConclusionNotice(
        organization=organization,
        number=nfc(number),
        issued_on=issued_on,
        title=nfc(title),
        summary=nfc(summary),
    )
    return create_record(
        actor=actor, instance=notice, kind="notice.entered", params={"number": notice.number}
    )


# --- obstacles ------------------------------------------------------------------------------------


@transaction.atomic
def obstacle_create(
    *,
    actor,
    organization,
    title: str,
    description: str,
    category: str,
    resolution_level: str,
    locality=None,
    agency=None,
    subject=None,
    raised_by=None,
    raised_in: str = "report",
    origin=None,
    raised_on: dt.date | None = None,
    responsible_agency=None,
    deadline: dt.date | None = None,
) -> Obstacle:
    """Record an obstacle raised in a supervision session, a visit or a report."""
    check_not_future(raised_on=raised_on)
    check_lengths(description=(description, LONG_TEXT))
    _check_reach(actor, locality=locality, agency=agency, subject=subject)
    _same_organization(
        organization,
        locality=locality,
        agency=agency,
        raised_by=raised_by,
        responsible_agency=responsible_agency,
    )
    subject_type, subject_id, subject_label = link_subject(subject)
    obstacle = Obstacle(
        organization=organization,
        title=nfc(title),
        description=nfc(description),
        category=category,
        resolution_level=resolution_level,
        locality=locality,
        agency=agency,
        subject_type=subject_type,
        subject_id=subject_id,
        subject_label=subject_label,
        raised_by=raised_by,
        raised_in=raised_in,
        raised_on=raised_on or _today(),
        responsible_agency=responsible_agency,
        deadline=deadline,
    )
    if origin is not None:
        from django.contrib.contenttypes.models import ContentType

        obstacle.origin_type = ContentType.objects.get_for_model(origin)
        obstacle.origin_id = origin.pk
    obstacle = create_record(actor=actor, instance=obstacle, kind="obstacle.raised")
    for user in recipients.for_new_obstacle(obstacle):
        notify(
            actor=actor,
            user=user,
            kind=NotificationKind.OBSTACLE_RAISED,
            key=f"obstacle:{obstacle.pk}:raised",
            title=_("New obstacle in a place you answer for: {title}").format(title=obstacle.title),
            body=obstacle.description[:500],
            url=obstacle.get_absolute_url(),
            record=obstacle,
        )
    return obstacle


EDITABLE_OBSTACLE_FIELDS = {
    "title",
    "description",
    "category",
    "resolution_level",
    "locality",
    "agency",
    "responsible_agency",
    "deadline",
    "raised_by",
    "raised_in",
    "raised_on",
}


def obstacle_update(*, actor, obstacle: Obstacle, version: int, **data) -> Obstacle:
    """Correct an obstacle's description fields (not its status: that is obstacle_set_status)."""
    unknown = set(data) - EDITABLE_OBSTACLE_FIELDS
    if unknown:
        raise TypeError(f"not editable here: {sorted(unknown)}")
    if obstacle.status in (ObstacleStatus.VERIFIED, ObstacleStatus.CLOSED):
        raise ValidationError(_("A verified or closed obstacle can no longer be changed."))
    check_not_future(raised_on=data.get("raised_on"))
    check_lengths(description=(data.get("description"), LONG_TEXT))
    _check_reach(actor, locality=data.get("locality"), agency=data.get("agency"), keep=obstacle)
    _same_organization(
        obstacle.organization,
        **{k: v for k, v in data.items() if k in {"locality", "agency", "responsible_agency", "raised_by"}},
    )
    for key in ("title", "description"):
        if key in data:
            data[key] = nfc(data[key])
    return update_record(actor=actor, instance=obstacle, data=data, version=version)


def _status_label(status: str) -> str:
    return str(ObstacleStatus(status).label)


@transaction.atomic
def obstacle_set_status(
    *,
    actor,
    obstacle: Obstacle,
    version: int,
    status: str,
    on: dt.date | None = None,
    note: str = "",
    event: tuple[str, dict] | None = None,
    **details,
) -> Obstacle:
    """Move an obstacle along its workflow; an illegal move is refused and nothing changes.

    `details` carries what the move records: committee_decision (escalated → assigned), responsible_agency
    and deadline (assigned), resolution (resolved), verification (verified), closed_reason (closed).
    `event` is the audit event's kind and extra params when the move is not an ordinary one (the loop's).
    """
    check_not_future(on=on)
    check_lengths(
        **{
            name: (details.get(name), LONG_TEXT)
            for name in ("committee_decision", "resolution", "verification")
            if isinstance(details.get(name), str)
        }
    )
    obstacle = Obstacle.objects.select_for_update().get(pk=obstacle.pk)
    if obstacle.version != version:
        raise ConflictError()
    allowed = OBSTACLE_TRANSITIONS.get(obstacle.status, ())
    if status not in allowed:
        raise ValidationError(
            _("An obstacle cannot move from “{current}” to “{new}”.").format(
                current=_status_label(obstacle.status), new=_status_label(status)
            )
        )
    day = on or _today()
    data: dict = {"status": status, "status_changed_at": timezone.now()}
    if status == ObstacleStatus.ESCALATED:
        data["escalated_on"] = day
    elif status == ObstacleStatus.ASSIGNED:
        agency = details.get("responsible_agency") or obstacle.responsible_agency
        deadline = details.get("deadline") or obstacle.deadline
        if agency is None or deadline is None:
            raise ValidationError(_("Name the agency that must resolve it and the deadline."))
        _same_organization(obstacle.organization, responsible_agency=agency)
        data.update(responsible_agency=agency, deadline=deadline)
        if obstacle.status == ObstacleStatus.ESCALATED:
            decision = nfc(details.get("committee_decision", ""))
            if not decision:
                raise ValidationError({"committee_decision": _("Record the Standing Committee's decision.")})
            data.update(committee_decision=decision, decided_on=day)
    elif status == ObstacleStatus.RESOLVED:
        resolution = nfc(details.get("resolution", ""))
        if not resolution:
            raise ValidationError({"resolution": _("Describe how it was resolved.")})
        data.update(resolution=resolution, resolved_on=day)
    elif status == ObstacleStatus.VERIFIED:
        data.update(
            verification=nfc(details.get("verification", "")) or obstacle.verification, verified_on=day
        )
    elif status == ObstacleStatus.CLOSED:
        reason = nfc(details.get("closed_reason", ""))
        if not reason:
            raise ValidationError({"closed_reason": _("Give the reason for closing it.")})
        data.update(closed_reason=reason, closed_on=day)
    kind = "obstacle.escalated" if status == ObstacleStatus.ESCALATED else "obstacle.status_changed"
    params = {"from": obstacle.status, "to": status, "verdict": details.get("verdict", "")}
    if event is not None:
        kind, extra = event
        params.update(extra)
    obstacle = update_record(
        actor=actor,
        instance=obstacle,
        data=data,
        version=version,
        action=AuditAction.STATUS,
        note=nfc(note),
        kind=kind,
        params=params,
    )
    if status == ObstacleStatus.RESOLVED and not obstacle.resupervisions.filter(verdict="").exists():
        # Resolved again after a failed check, it keeps the check still pending rather than gain a second.
        resupervision_schedule(
            actor=actor, obstacle=obstacle, due_on=resupervision_due(obstacle.organization, after=day)
        )
    _notify_obstacle_move(obstacle, actor=actor, status=status, day=day, by_loop=event is not None)
    return obstacle


# What each move of an obstacle tells, and to whom (docs/followup.md, "Who is told"). Resolved by the loop,
# the loop tells (resolve_obstacle_when_done); starting to resolve it tells nobody.
def _notify_obstacle_move(obstacle: Obstacle, *, actor, status: str, day: dt.date, by_loop: bool) -> None:
    if status == ObstacleStatus.ESCALATED:
        for user in recipients.for_escalation(obstacle):
            notify(
                actor=actor,
                user=user,
                kind=NotificationKind.OBSTACLE_ESCALATED,
                key=f"obstacle:{obstacle.pk}:escalated:{day.isoformat()}",
                title=_("Obstacle escalated to the Standing Committee: {title}").format(title=obstacle.title),
                url=obstacle.get_absolute_url(),
                record=obstacle,
            )
    elif status == ObstacleStatus.ASSIGNED:
        deadline = obstacle.deadline.strftime("%d/%m/%Y") if obstacle.deadline else "—"
        for user in recipients.for_assignment(obstacle):
            notify(
                actor=actor,
                user=user,
                kind=NotificationKind.OBSTACLE_ASSIGNED,
                key=f"obstacle:{obstacle.pk}:assigned:{obstacle.responsible_agency_id}:{day.isoformat()}",
                title=_("Obstacle to resolve by {deadline}: {title}").format(
                    deadline=deadline, title=obstacle.title
                ),
                body=obstacle.committee_decision[:500],
                url=obstacle.get_absolute_url(),
                record=obstacle,
            )
    elif status in (ObstacleStatus.RESOLVED, ObstacleStatus.VERIFIED, ObstacleStatus.CLOSED) and not by_loop:
        for user in recipients.for_obstacle(obstacle):
            notify(
                actor=actor,
                user=user,
                kind=NotificationKind.OBSTACLE_RESOLVED,
                key=f"obstacle:{obstacle.pk}:{status}:{day.isoformat()}",
                title=_("Obstacle {status}: {title}").format(
                    status=_status_label(status).lower(), title=obstacle.title
                ),
                url=obstacle.get_absolute_url(),
                record=obstacle,
            )


def obstacle_escalate(*, actor, obstacle, version: int, on=None, note: str = "") -> Obstacle:
    """Report the obstacle to the Standing Committee (báo cáo Ban Thường vụ)."""
    return obstacle_set_status(
        actor=actor, obstacle=obstacle, version=version, status=ObstacleStatus.ESCALATED, on=on, note=note
    )


@transaction.atomic
def obstacle_assign(
    *,
    actor,
    obstacle,
    version: int,
    responsible_agency,
    deadline: dt.date | None,
    committee_decision: str = "",
    issued_by=None,
    directive_content: str = "",
    cooperating_units=(),
    on=None,
) -> tuple[Obstacle, Directive | None]:
    """The Committee (or the office) assigns the obstacle to an agency; a directive is issued to it."""
    check_lengths(directive_content=(directive_content, LONG_TEXT))
    obstacle = obstacle_set_status(
        actor=actor,
        obstacle=obstacle,
        version=version,
        status=ObstacleStatus.ASSIGNED,
        on=on,
        responsible_agency=responsible_agency,
        deadline=deadline,
        committee_decision=committee_decision,
    )
    directive = None
    if directive_content or issued_by is not None:
        if issued_by is None:
            raise ValidationError({"issued_by": _("Name the leader who issues the directive.")})
        directive = directive_create(
            actor=actor,
            organization=obstacle.organization,
            content=directive_content or committee_decision,
            issued_by=issued_by,
            issued_on=on or _today(),
            source_kind=SourceKind.OBSTACLE,
            source=obstacle,
            lead_unit=obstacle.responsible_agency,
            cooperating_units=cooperating_units,
            deadline=obstacle.deadline,
            locality=obstacle.locality,
        )
    return obstacle, directive


@transaction.atomic
def obstacle_move(
    *,
    actor,
    obstacle: Obstacle,
    status: str,
    version: int,
    on: dt.date | None = None,
    note: str = "",
    resolved_by: "ReSupervision | Directive | None" = None,
    **data,
) -> tuple[Obstacle, Directive | None]:
    """One step of the obstacle's workflow, whichever it is: the one entry of the page, the API and the loop.

    Escalating reports it to the Standing Committee; assigning names the agency and the deadline and may
    issue a directive (`issued_by`, `directive_content`, `cooperating_units`); any other move records what
    it needs (see obstacle_set_status). Who may make the move is checked here too: the resolving agency's
    focal point may start resolving and mark it resolved; every other move needs the right to change it.

    `resolved_by` is the loop's own move (see `resolve_obstacle_when_done`): the check that found the last
    directive implemented, or that directive when its completion was confirmed. The actor was allowed to
    record that outcome, so the move is theirs whatever their right to move the obstacle by hand.
    """
    if status not in ObstacleStatus.values:
        raise ValidationError({"status": _("Choose a next step from the list.")})
    if actor is not None and resolved_by is None and not selectors.may_move_obstacle(actor, obstacle, status):
        raise PermissionDenied(_("You may not make this move."))
    if status not in OBSTACLE_TRANSITIONS.get(obstacle.status, ()):
        # Refused with the workflow's own message before anything else is looked at.
        return obstacle_set_status(actor=actor, obstacle=obstacle, version=version, status=status), None
    if status == ObstacleStatus.ESCALATED:
        return obstacle_escalate(actor=actor, obstacle=obstacle, version=version, on=on, note=note), None
    if status == ObstacleStatus.ASSIGNED:
        return obstacle_assign(
            actor=actor,
            obstacle=obstacle,
            version=version,
            on=on,
            responsible_agency=data.get("responsible_agency"),
            deadline=data.get("deadline"),
            committee_decision=data.get("committee_decision", ""),
            issued_by=data.get("issued_by"),
            directive_content=data.get("directive_content", ""),
            cooperating_units=data.get("cooperating_units") or (),
        )
    details = {k: v for k, v in data.items() if k in MOVE_DETAILS}
    event = None
    if resolved_by is not None:
        check = resolved_by if isinstance(resolved_by, ReSupervision) else None
        directive = check.directive if check is not None else resolved_by
        kind = "obstacle.resolved_by_check" if check is not None else "obstacle.resolved_by_confirmation"
        event = (kind, {"directive": directive.pk, "check": check.pk if check is not None else None})
    moved = obstacle_set_status(
        actor=actor,
        obstacle=obstacle,
        version=version,
        status=status,
        on=on,
        note=note,
        event=event,
        **details,
    )
    return moved, None


# What each plain move records (obstacle_set_status's details).
MOVE_DETAILS = {"resolution", "verification", "closed_reason"}


# --- directives -----------------------------------------------------------------------------------


# Directives the loop issues in another leader's name, whoever records the step that issues them.
ISSUED_FOR_SOMEONE_ELSE = (SourceKind.RESUPERVISION, SourceKind.INCIDENT)


@transaction.atomic
def directive_create(
    *,
    actor,
    organization,
    content: str,
    issued_by,
    lead_unit,
    deadline: dt.date,
    source_kind: str,
    source=None,
    source_label: str = "",
    issued_on: dt.date | None = None,
    cooperating_units=(),
    locality=None,
    number: str = "",
    parent: Directive | None = None,
    resupervision_due_on: dt.date | None = None,
    notify_people: bool = True,
) -> Directive:
    """Issue a directive to a lead unit, schedule its re-supervision and tell the people concerned.

    Someone other than the office issues it in their own name, unless the loop issues it for someone else:
    a re-supervision's follow-up (in the original leader's name), or an incident's (its leader's).
    """
    if source_kind not in ISSUED_FOR_SOMEONE_ELSE:
        _check_issuer(actor, issued_by)
    check_not_future(issued_on=issued_on)
    check_lengths(content=(content, LONG_TEXT))
    _same_organization(organization, issued_by=issued_by, lead_unit=lead_unit, locality=locality)
    cooperating_units = [u for u in cooperating_units if u.pk != lead_unit.pk]
    for unit in cooperating_units:
        _same_organization(organization, cooperating_units=unit)
    source_type, source_id, label = link_source(source_kind, source)
    directive = Directive(
        organization=organization,
        number=nfc(number),
        content=nfc(content),
        issued_by=issued_by,
        issued_on=issued_on or _today(),
        source_kind=source_kind,
        source_type=source_type,
        source_id=source_id,
        source_label=nfc(source_label) or label,
        lead_unit=lead_unit,
        deadline=deadline,
        locality=locality,
        parent=parent,
    )
    if resupervision_due_on is not None and resupervision_due_on < deadline:
        raise ValidationError(
            {"resupervision_due_on": _("The re-supervision is scheduled after the deadline.")}
        )
    directive = create_record(actor=actor, instance=directive, kind="directive.issued")
    if cooperating_units:
        directive.cooperating_units.set(cooperating_units)
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            instance=directive,
            changes={"cooperating_units": [[], sorted(u.pk for u in cooperating_units)]},
            kind="directive.units_changed",
        )
    resupervision_schedule(
        actor=actor,
        directive=directive,
        due_on=resupervision_due_on or resupervision_due(organization, after=deadline),
    )
    if notify_people:
        for user in recipients.for_new_directive(directive):
            notify(
                actor=actor,
                user=user,
                kind=NotificationKind.DIRECTIVE_ASSIGNED,
                key=f"directive:{directive.pk}:issued",
                title=_("New directive, due {deadline}").format(deadline=deadline.strftime("%d/%m/%Y")),
                body=directive.content[:500],
                url=directive.get_absolute_url(),
                record=directive,
            )
    return directive


EDITABLE_DIRECTIVE_FIELDS = {
    "number",
    "content",
    "deadline",
    "lead_unit",
    "locality",
    "issued_on",
    "issued_by",
}


@transaction.atomic
def directive_update(
    *, actor, directive: Directive, version: int, cooperating_units=None, **data
) -> Directive:
    """Correct a directive (its text, lead unit, deadline…); its completion and history stay."""
    unknown = set(data) - EDITABLE_DIRECTIVE_FIELDS
    if unknown:
        raise TypeError(f"not editable here: {sorted(unknown)}")
    if directive.closed_on:
        raise ValidationError(_("A closed directive can no longer be changed."))
    check_not_future(issued_on=data.get("issued_on"))
    check_lengths(content=(data.get("content"), LONG_TEXT))
    if "issued_by" in data and data["issued_by"] != directive.issued_by:
        _check_issuer(actor, data["issued_by"])
    _same_organization(
        directive.organization,
        **{k: v for k, v in data.items() if k in {"lead_unit", "locality", "issued_by"}},
    )
    for key in ("number", "content"):
        if key in data:
            data[key] = nfc(data[key])
    directive = update_record(actor=actor, instance=directive, data=data, version=version)
    if cooperating_units is not None:
        before = sorted(directive.cooperating_units.values_list("pk", flat=True))
        after = sorted(u.pk for u in cooperating_units if u.pk != directive.lead_unit_id)
        for unit in cooperating_units:
            _same_organization(directive.organization, cooperating_units=unit)
        if before != after:
            directive.cooperating_units.set(after)
            audit.record(
                actor=actor,
                action=AuditAction.UPDATE,
                instance=directive,
                changes={"cooperating_units": [before, after]},
                kind="directive.units_changed",
            )
    return directive


@transaction.atomic
def directive_report_progress(
    *,
    actor,
    directive: Directive,
    version: int,
    text: str,
    claims_done: bool = False,
    on: dt.date | None = None,
    files=(),
) -> ProgressReport:
    """The lead unit's focal point reports progress, with evidence; a completion claim stamps the date."""
    directive = Directive.objects.select_for_update().get(pk=directive.pk)
    if actor is not None and not selectors.may_report_progress(actor, directive):
        raise PermissionDenied(_("Only the lead unit or the office reports on this directive."))
    if directive.version != version:
        raise ConflictError()
    if directive.closed_on:
        raise ValidationError(_("This directive is closed: report on its follow-up directive instead."))
    text = nfc(text)
    if not text:
        raise ValidationError({"text": _("Describe the progress.")})
    check_lengths(text=(text, LONG_TEXT))
    check_not_future(on=on)
    if claims_done and directive.completed_on:
        raise ValidationError(_("Completion has already been reported for this directive."))
    report = ProgressReport(directive=directive, author=actor, text=text, claims_done=claims_done)
    report.full_clean(exclude=["author"] if actor is None else None)
    report.save()
    if claims_done:
        update_record(
            actor=actor,
            instance=directive,
            version=version,
            action=AuditAction.UPDATE,
            data={"completed_on": on or _today(), "completion_note": text},
            kind="directive.completion_reported",
            params={"report": report.pk},
        )
    else:
        # Every report bumps the version, so two people reporting at once see each other's report.
        Directive.objects.filter(pk=directive.pk, version=version).update(
            version=version + 1, updated_at=timezone.now()
        )
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            instance=directive,
            changes={"progress": ["", text[:500]]},
            kind="directive.progress_reported",
            params={"report": report.pk},
        )
    for upload in files:
        from core.services import attachment_add

        attachment_add(actor=actor, organization=directive.organization, instance=report, upload=upload)
    if claims_done:
        # The leader who issued it must now confirm or return it.
        for user in recipients.for_completion(directive):
            notify(
                actor=actor,
                user=user,
                kind=NotificationKind.DIRECTIVE_DONE_REPORTED,
                key=f"directive:{directive.pk}:done-reported:{report.pk}",
                title=_("Directive reported done, to confirm: {directive}").format(directive=directive),
                body=text[:500],
                url=directive.get_absolute_url(),
                record=directive,
            )
    return report


def _tell_lead_unit(directive: Directive, *, actor, kind: str, key: str, title: str, body: str = "") -> None:
    for user in recipients.for_lead_unit(directive):
        notify(
            actor=actor,
            user=user,
            kind=kind,
            key=f"directive:{directive.pk}:{key}",
            title=title,
            body=body[:500],
            url=directive.get_absolute_url(),
            record=directive,
        )


def may_confirm_completion(user, directive: Directive) -> bool:
    """The issuing leader or the office confirms (or returns) a completion the lead unit reported."""
    if directive.completed_on is None or directive.completion_confirmed_on or directive.closed_on:
        return False
    return selectors.may_change_directive(user, directive)


def _check_confirmable(actor, directive: Directive) -> None:
    if directive.completed_on is None:
        raise ValidationError(_("Nobody has reported this directive done yet."))
    if directive.completion_confirmed_on is not None:
        raise ValidationError(_("This completion has already been confirmed."))
    if directive.closed_on:
        raise ValidationError(_("This directive is closed."))
    if actor is not None and not may_confirm_completion(actor, directive):
        raise PermissionDenied(_("Only the issuing leader or the office confirms a completion."))


@transaction.atomic
def directive_confirm_completion(*, actor, directive: Directive, version: int, on: dt.date | None = None):
    """Confirm the completion the lead unit reported. It counts as done from the day of the unit's report,
    so a late confirmation does not turn on-time work into late work."""
    check_not_future(on=on)
    directive = Directive.objects.select_for_update().get(pk=directive.pk)
    if directive.version != version:
        raise ConflictError()
    _check_confirmable(actor, directive)
    directive = update_record(
        actor=actor,
        instance=directive,
        version=version,
        action=AuditAction.STATUS,
        data={"completion_confirmed_on": on or _today(), "completion_confirmed_by": actor},
        kind="directive.completion_confirmed",
    )
    _tell_lead_unit(
        directive,
        actor=actor,
        kind=NotificationKind.DIRECTIVE_CONFIRMED,
        key=f"confirmed:{directive.version}",
        title=_("Completion confirmed: {directive}").format(directive=directive),
    )
    resolve_obstacle_when_done(actor=actor, directive=directive, day=directive.completion_confirmed_on)
    return directive


@transaction.atomic
def directive_return_completion(*, actor, directive: Directive, version: int, reason: str):
    """Send a reported completion back: the work is not done; the unit goes on and reports again."""
    directive = Directive.objects.select_for_update().get(pk=directive.pk)
    if directive.version != version:
        raise ConflictError()
    _check_confirmable(actor, directive)
    reason = nfc(reason)
    if not reason:
        raise ValidationError({"reason": _("Say why the completion is returned.")})
    directive = update_record(
        actor=actor,
        instance=directive,
        version=version,
        action=AuditAction.STATUS,
        data={"completed_on": None, "completion_note": ""},
        kind="directive.completion_returned",
        note=reason,
    )
    # The work is not done: the lead unit goes on and reports again.
    _tell_lead_unit(
        directive,
        actor=actor,
        kind=NotificationKind.DIRECTIVE_RETURNED,
        key=f"returned:{directive.version}",
        title=_("Completion returned, the work goes on: {directive}").format(directive=directive),
        body=reason,
    )
    return directive


# --- the loop closes the obstacle ---------------------------------------------------------------------

# An obstacle the loop may resolve: one whose directives are still being carried out.
RESOLVABLE_BY_LOOP = (ObstacleStatus.ASSIGNED, ObstacleStatus.RESOLVING)


def resolve_obstacle_when_done(
    *, actor, directive: Directive, day: dt.date, check: ReSupervision | None = None
) -> Obstacle | None:
    """When the last open directive of an obstacle is done, the obstacle is resolved.

    Done: closed as implemented by a re-supervision (`check`, the evidence), or its completion confirmed
    by the issuing leader or the office. Open: a directive of the obstacle (issued for it, spawned by one of
    its checks, or a follow-up of either) neither closed nor confirmed done, and not carried on by a
    follow-up. While another one is open, or when the obstacle is not being resolved (new, escalated,
    already resolved, verified or closed), nothing moves. The move goes through `obstacle_move`, audited
    as the loop's own event, and the obstacle's people are told. Returns the obstacle when it moved.
    """
    obstacle = selectors.obstacle_of_directive(directive)
    if obstacle is None or obstacle.archived_at is not None or obstacle.status not in RESOLVABLE_BY_LOOP:
        return None
    if selectors.open_directives_of_obstacle(obstacle):
        return None
    label = str(directive)
    if check is not None:
        resolution = _("Re-supervision on {day} found the directive implemented ({directive}): {evidence}")
        resolution = resolution.format(day=day.strftime("%d/%m/%Y"), directive=label, evidence=check.evidence)
    else:
        resolution = _("The completion of the directive ({directive}) was confirmed on {day}: {report}")
        resolution = resolution.format(
            day=day.strftime("%d/%m/%Y"), directive=label, report=directive.completion_note or "—"
        )
    if len(resolution) > LONG_TEXT:
        resolution = resolution[: LONG_TEXT - 1] + "…"
    obstacle, _directive = obstacle_move(
        actor=actor,
        obstacle=obstacle,
        status=ObstacleStatus.RESOLVED,
        version=obstacle.version,
        on=day,
        resolution=resolution,
        resolved_by=check or directive,
    )
    for user in recipients.for_obstacle(obstacle):
        notify(
            actor=actor,
            user=user,
            kind=NotificationKind.OBSTACLE_RESOLVED,
            key=f"obstacle:{obstacle.pk}:resolved:{day.isoformat()}",
            title=_("Obstacle resolved, its last directive done: {title}").format(title=obstacle.title),
            body=resolution[:500],
            url=obstacle.get_absolute_url(),
            record=obstacle,
        )
    return obstacle


# --- re-supervision -------------------------------------------------------------------------------


@transaction.atomic
def resupervision_schedule(
    *,
    actor,
    due_on: dt.date,
    directive: Directive | None = None,
    obstacle: Obstacle | None = None,
    assigned_to=None,
    checked_group: str = "",
    supersedes: ReSupervision | None = None,
) -> ReSupervision:
    """Schedule a re-supervision check of a directive or a resolved obstacle."""
    item = directive or obstacle
    if (directive is None) == (obstacle is None):
        raise ValidationError(_("A re-supervision checks exactly one directive or one obstacle."))
    if assigned_to is None:
        assigned_to = directive.issued_by if directive is not None else None
    check = ReSupervision(
        organization=item.organization,
        directive=directive,
        obstacle=obstacle,
        due_on=due_on,
        assigned_to=assigned_to,
        checked_group=nfc(checked_group),
        supersedes=supersedes,
        locality=item.locality,
        agency=directive.lead_unit
        if directive is not None
        else (obstacle.responsible_agency or obstacle.agency),
    )
    check.full_clean()
    check.save()
    audit.record(
        actor=actor,
        action=AuditAction.CREATE,
        instance=check,
        changes=audit.snapshot(check),
        kind="resupervision.scheduled",
        params={"due_on": due_on.isoformat()},
    )
    return check


@transaction.atomic
def resupervision_record(
    *,
    actor,
    check: ReSupervision,
    verdict: str,
    method: str,
    checked_on: dt.date,
    evidence: str,
    place: str = "",
    follow_up_content: str = "",
    follow_up_deadline: dt.date | None = None,
) -> ReSupervision:
    """Record a check's verdict, once. Short of implemented, the item stays open and a follow-up is issued."""
    check = ReSupervision.objects.select_for_update().get(pk=check.pk)
    if actor is not None and not selectors.may_record_check(actor, check):
        raise PermissionDenied(
            _("Only the office, the Standing Board or the leader assigned records a check.")
        )
    if check.is_recorded:
        raise ValidationError(
            _("This check already has a verdict; it cannot be changed. Schedule a new check.")
        )
    if verdict not in Verdict.values:
        raise ValidationError({"verdict": _("Choose a verdict.")})
    evidence = nfc(evidence)
    if not evidence:
        raise ValidationError({"evidence": _("Record the evidence the verdict rests on.")})
    check_not_future(checked_on=checked_on)
    follow_up_content = nfc(follow_up_content)
    check_lengths(evidence=(evidence, LONG_TEXT), follow_up_content=(follow_up_content, LONG_TEXT))
    if verdict in FOLLOW_UP_VERDICTS and not follow_up_content:
        raise ValidationError({"follow_up_content": follow_up_required_message()})
    check.verdict, check.method, check.checked_on = verdict, method, checked_on
    check.evidence, check.place = evidence, nfc(place)
    check.recorded_by, check.recorded_at = actor, timezone.now()
    check.full_clean()
    check.save()
    audit.record(
        actor=actor,
        action=AuditAction.STATUS,
        instance=check,
        changes={"verdict": ["", verdict], "checked_on": [None, checked_on.isoformat()]},
        kind="resupervision.recorded",
        params={"verdict": verdict},
    )
    item = check.item
    if verdict in CLOSING_VERDICTS:
        if check.directive is not None:
            data = {"closed_on": checked_on}
            if verdict == Verdict.IMPLEMENTED:
                # Found done: the check confirms the completion. Without a claim, it is done by the day of
                # the check, so its bucket is "done on time" or "done late", never "overdue and not done".
                if check.directive.completed_on is None:
                    data["completed_on"] = checked_on
                if check.directive.completion_confirmed_on is None:
                    data.update(completion_confirmed_on=checked_on, completion_confirmed_by=actor)
            update_record(
                actor=actor,
                instance=check.directive,
                data=data,
                version=check.directive.version,
                action=AuditAction.STATUS,
                kind="directive.closed",
                params={"verdict": verdict},
            )
            _tell_lead_unit(
                check.directive,
                actor=actor,
                kind=NotificationKind.DIRECTIVE_CLOSED,
                key=f"closed:{check.pk}",
                title=_("Directive closed by a re-supervision ({verdict}): {directive}").format(
                    verdict=Verdict(verdict).label, directive=check.directive
                ),
                body=evidence,
            )
            if verdict == Verdict.IMPLEMENTED:
                resolve_obstacle_when_done(
                    actor=actor, directive=check.directive, day=checked_on, check=check
                )
        elif verdict == Verdict.IMPLEMENTED and item.status == ObstacleStatus.RESOLVED:
            obstacle_set_status(
                actor=actor,
                obstacle=item,
                version=item.version,
                status=ObstacleStatus.VERIFIED,
                on=checked_on,
                verification=evidence,
            )
        elif verdict == Verdict.NOT_APPLICABLE and item.status not in (
            ObstacleStatus.VERIFIED,
            ObstacleStatus.CLOSED,
        ):
            obstacle_set_status(
                actor=actor,
                obstacle=item,
                version=item.version,
                status=ObstacleStatus.CLOSED,
                on=checked_on,
                closed_reason=str(Verdict(verdict).label),
            )
        return check
    # Partly or not implemented: the item stays open and a follow-up directive carries it on. A resolved
    # obstacle goes back to resolving, whether its own check failed or that of a directive working on it.
    obstacle = check.obstacle if check.obstacle is not None else selectors.obstacle_of_directive(item)
    if obstacle is not None and obstacle.status == ObstacleStatus.RESOLVED:
        obstacle_set_status(
            actor=actor,
            obstacle=obstacle,
            version=obstacle.version,
            status=ObstacleStatus.RESOLVING,
            on=checked_on,
            verdict=verdict,
        )
        item.refresh_from_db()
    follow_up = _spawn_follow_up(
        actor=actor, check=check, content=follow_up_content, deadline=follow_up_deadline
    )
    check.follow_up = follow_up
    check.save(update_fields=["follow_up"])
    return check


def _spawn_follow_up(*, actor, check: ReSupervision, content: str, deadline: dt.date | None) -> Directive:
    """The follow-up directive of a check short of implemented: the content is the leader's own words (what
    the unit must still do), the deadline by default `follow_up_deadline`."""
    if check.directive is not None:
        original = check.directive
        lead_unit, cooperating = original.lead_unit, list(original.cooperating_units.all())
        issued_by, locality, parent = original.issued_by, original.locality, original
    else:
        obstacle = check.obstacle
        lead_unit = obstacle.responsible_agency or obstacle.agency
        if lead_unit is None:
            raise ValidationError(_("The obstacle has no agency to carry the follow-up directive."))
        cooperating, locality, parent = [], obstacle.locality, None
        issued_by = check.assigned_to or obstacle.raised_by
        if issued_by is None:
            raise ValidationError(_("Name the leader who checks, to issue the follow-up directive."))
    return directive_create(
        actor=actor,
        organization=check.organization,
        content=content,
        issued_by=issued_by,
        lead_unit=lead_unit,
        cooperating_units=cooperating,
        locality=locality,
        parent=parent,
        deadline=deadline or follow_up_deadline(check.organization),
        source_kind=SourceKind.RESUPERVISION,
        source=check,
    )


@transaction.atomic
def resupervision_recheck(*, actor, check: ReSupervision, due_on: dt.date, assigned_to=None) -> ReSupervision:
    """Schedule a new check that supersedes a recorded one; the first stays in the history."""
    if actor is not None and not selectors.may_record_check(actor, check):
        raise PermissionDenied(
            _("Only the office, the Standing Board or the leader assigned records a check.")
        )
    if not check.is_recorded:
        raise ValidationError(_("This check has no verdict yet: record it instead of scheduling another."))
    if hasattr(check, "superseded_by") and ReSupervision.objects.filter(supersedes=check).exists():
        raise ValidationError(_("This check has already been superseded."))
    new_check = resupervision_schedule(
        actor=actor,
        due_on=due_on,
        directive=check.directive,
        obstacle=check.obstacle,
        assigned_to=assigned_to or check.assigned_to,
        checked_group=check.checked_group,
        supersedes=check,
    )
    # Whoever must check again is told now; the reminder run tells them again when it falls due.
    user = getattr(new_check.assigned_to, "user", None)
    if user is not None and user.is_active:
        notify(
            actor=actor,
            user=user,
            kind=NotificationKind.RESUPERVISION_SCHEDULED,
            key=f"resupervision:{new_check.pk}:scheduled",
            title=_("Re-supervision to carry out by {day}: {item}").format(
                day=due_on.strftime("%d/%m/%Y"), item=new_check.item
            ),
            url=new_check.get_absolute_url(),
            record=new_check.directive or new_check.obstacle,
        )
    return new_check
