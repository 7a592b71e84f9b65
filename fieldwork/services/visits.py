"""Writes of field visits and the opinions heard on them: every one atomic, validated and audited.

A visit is planned (its briefing prepared from Cơ Sở's own data at once), then carried out (on a day that
has come, with what was found) or cancelled (with a reason); a cancelled visit may be planned again. A
carried-out visit keeps its field-visit calendar entry, so that its time counts in the leader's share.
Opinions keep the visit's `sides_heard` (how many kinds of speaker were heard); directives go through
followup with the visit as their source.
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.models import AuditAction
from core.registry import build_briefing
from core.services import archive_record, create_record, restore_record, update_record
from core.text import nfc
from core.validators import LONG_TEXT, SUMMARY_TEXT, check_lengths
from fieldwork.choices import VISIT_TRANSITIONS, EntryKind, VisitStatus
from fieldwork.layout import lay_out_entry
from fieldwork.models import CalendarEntry, Opinion, Visit
from followup import services as followup_services
from followup.choices import SourceKind

# A visit lasts at most this long (as a calendar entry does).
MAX_VISIT_DAYS = 31
VISIT_FIELDS = {"purpose", "agenda", "starts_at", "ends_at", "other_participants", "leader"}
REPORT_FIELDS = {"findings", "results"}
OPINION_FIELDS = {"speaker_kind", "speaker_name", "topic", "kind", "content", "locality"}


def visit_day(visit: Visit) -> dt.date:
    """The local day the visit starts on: the day its opinions were heard and its directives issued."""
    return timezone.localtime(visit.starts_at).date()


def _same_organization(organization, **records) -> None:
    errors = {}
    for name, values in records.items():
        for record in values if isinstance(values, list | tuple) else [values]:
            if record is not None and getattr(record, "organization_id", organization.pk) != organization.pk:
                errors[name] = _("This record belongs to another organisation.")
    if errors:
        raise ValidationError(errors)


def _check_localities(organization, localities) -> None:
    root = organization.root_unit
    for unit in localities:
        if root is not None and not unit.path.startswith(root.path):
            raise ValidationError({"localities": _("This record belongs to another organisation.")})


def _check_times(starts_at, ends_at) -> None:
    if starts_at is None or ends_at is None:
        return
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": _("A visit ends after it starts.")})
    if ends_at - starts_at > dt.timedelta(days=MAX_VISIT_DAYS):
        raise ValidationError({"ends_at": _("A visit lasts at most 31 days.")})


def _check_leader(actor, leader) -> None:
    """The office plans any leader's visits; a leader plans their own."""
    if actor is None or actor.is_office:
        return
    own = followup_services.leader_person(actor)
    if own is None:
        raise ValidationError(_("Only the office or a leader plans visits."))
    if leader is not None and leader.pk != own.pk:
        raise ValidationError({"leader": _("A leader plans their own visits.")})


def _briefing(actor, localities, agencies, on: dt.date) -> dict:
    return build_briefing(
        user=actor, localities=[u.pk for u in localities], agencies=[a.pk for a in agencies], on=on
    )


@transaction.atomic
def visit_create(
    *,
    actor,
    organization,
    leader,
    purpose: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    agenda: str = "",
    localities=(),
    agencies=(),
    participants=(),
    other_participants: str = "",
) -> Visit:
    """Plan a visit, with its briefing prepared from what Cơ Sở knows of the places to be visited."""
    if leader is None:
        raise ValidationError({"leader": _("Choose the leader who leads the visit.")})
    _check_leader(actor, leader)
    _check_times(starts_at, ends_at)
    check_lengths(agenda=(agenda, LONG_TEXT))
    localities, agencies, participants = list(localities), list(agencies), list(participants)
    _same_organization(organization, leader=leader, agencies=agencies, participants=participants)
    _check_localities(organization, localities)
    if not localities and not agencies:
        raise ValidationError({"localities": _("Name at least one locality or unit to be visited.")})
    visit = Visit(
        organization=organization,
        leader=leader,
        purpose=nfc(purpose).strip(),
        agenda=nfc(agenda),
        starts_at=starts_at,
        ends_at=ends_at,
        other_participants=nfc(other_participants),
        created_by=actor,
    )
    if actor is not None:
        visit.briefing = _briefing(actor, localities, agencies, timezone.localtime(starts_at).date())
        visit.briefing_at = timezone.now()
    create_record(actor=actor, instance=visit, kind="visit.planned")
    visit.localities.set(localities)
    visit.agencies.set(agencies)
    visit.participants.set(participants)
    return visit


@transaction.atomic
def visit_update(
    *, actor, visit: Visit, version: int, localities=None, agencies=None, participants=None, **data
) -> Visit:
    """Correct a visit: its plan while planned; also what was found and its results once carried out."""
    allowed = VISIT_FIELDS | (REPORT_FIELDS if visit.status == VisitStatus.CARRIED_OUT else set())
    unknown = set(data) - allowed
    if unknown:
        raise ValidationError({name: _("This cannot be changed now.") for name in sorted(unknown)})
    if visit.status == VisitStatus.CANCELLED:
        raise ValidationError(_("A cancelled visit is planned again before it is changed."))
    if "leader" in data:
        _check_leader(actor, data["leader"])
        _same_organization(visit.organization, leader=data["leader"])
    _check_times(data.get("starts_at", visit.starts_at), data.get("ends_at", visit.ends_at))
    if visit.status == VisitStatus.CARRIED_OUT and "starts_at" in data:
        _check_carried_out_day(data["starts_at"])
    check_lengths(
        agenda=(data.get("agenda"), LONG_TEXT),
        findings=(data.get("findings"), SUMMARY_TEXT),
        results=(data.get("results"), SUMMARY_TEXT),
    )
    for key in ("purpose", "agenda", "other_participants", "findings", "results"):
        if key in data:
            data[key] = nfc(data[key]).strip()
    if visit.status == VisitStatus.CARRIED_OUT and "findings" in data and not data["findings"]:
        raise ValidationError({"findings": _("Write what was found on the visit.")})
    if localities is not None:
        localities = list(localities)
        _check_localities(visit.organization, localities)
    if agencies is not None:
        agencies = list(agencies)
        _same_organization(visit.organization, agencies=agencies)
    if participants is not None:
        participants = list(participants)
        _same_organization(visit.organization, participants=participants)
    if localities is not None and agencies is not None and not localities and not agencies:
        raise ValidationError({"localities": _("Name at least one locality or unit to be visited.")})
    visit = update_record(actor=actor, instance=visit, data=data, version=version)
    if localities is not None:
        visit.localities.set(localities)
    if agencies is not None:
        visit.agencies.set(agencies)
    if participants is not None:
        visit.participants.set(participants)
    if visit.status == VisitStatus.CARRIED_OUT:
        _keep_calendar_entry(actor, visit)
    return visit


def _check_carried_out_day(starts_at: dt.datetime) -> None:
    if timezone.localtime(starts_at).date() > timezone.localdate():
        raise ValidationError(
            {"starts_at": _("A visit that starts in the future cannot be marked as carried out.")}
        )


@transaction.atomic
def visit_set_status(
    *,
    actor,
    visit: Visit,
    version: int,
    status: str,
    findings: str = "",
    results: str = "",
    reason: str = "",
) -> Visit:
    """Move a visit along VISIT_TRANSITIONS: carried out (a day that has come, what was found) or cancelled
    (a reason), or a cancelled visit planned again."""
    if status not in VISIT_TRANSITIONS.get(visit.status, ()):
        raise ValidationError(
            {
                "status": _("A visit cannot go from “{old}” to “{new}”.").format(
                    old=VisitStatus(visit.status).label,
                    new=VisitStatus(status).label if status in VisitStatus.values else status,
                )
            }
        )
    data: dict = {"status": status}
    if status == VisitStatus.CARRIED_OUT:
        _check_carried_out_day(visit.starts_at)
        findings, results = nfc(findings).strip(), nfc(results).strip()
        if not findings:
            raise ValidationError({"findings": _("Write what was found on the visit.")})
        check_lengths(findings=(findings, SUMMARY_TEXT), results=(results, SUMMARY_TEXT))
        data.update(findings=findings, results=results, carried_out_at=timezone.now(), cancel_reason="")
    elif status == VisitStatus.CANCELLED:
        reason = nfc(reason).strip()
        if not reason:
            raise ValidationError({"reason": _("Give the reason for cancelling the visit.")})
        check_lengths(reason=(reason, 500))
        data["cancel_reason"] = reason
    visit = update_record(
        actor=actor,
        instance=visit,
        data=data,
        version=version,
        action=AuditAction.STATUS,
        kind="visit.status",
        params={"status": status},
        note=data.get("cancel_reason", ""),
    )
    if status == VisitStatus.CARRIED_OUT:
        _keep_calendar_entry(actor, visit)
    return visit


def visit_carry_out(*, actor, visit: Visit, version: int, findings: str, results: str = "") -> Visit:
    return visit_set_status(
        actor=actor,
        visit=visit,
        version=version,
        status=VisitStatus.CARRIED_OUT,
        findings=findings,
        results=results,
    )


def visit_cancel(*, actor, visit: Visit, version: int, reason: str) -> Visit:
    return visit_set_status(
        actor=actor, visit=visit, version=version, status=VisitStatus.CANCELLED, reason=reason
    )


def visit_reopen(*, actor, visit: Visit, version: int) -> Visit:
    return visit_set_status(actor=actor, visit=visit, version=version, status=VisitStatus.PLANNED)


@transaction.atomic
def visit_prepare_briefing(*, actor, visit: Visit, version: int | None = None) -> Visit:
    """Prepare the briefing again from today's data (on a planned visit), as the actor may see it."""
    if visit.status != VisitStatus.PLANNED:
        raise ValidationError(_("The briefing is prepared before the visit."))
    briefing = _briefing(actor, list(visit.localities.all()), list(visit.agencies.all()), visit_day(visit))
    return update_record(
        actor=actor,
        instance=visit,
        data={"briefing": briefing, "briefing_at": timezone.now()},
        version=version,
        kind="visit.briefing",
    )


def visit_archive(*, actor, visit: Visit, version: int) -> Visit:
    """Archive a visit recorded by mistake: it leaves the lists and keeps its history; so does its entry."""
    with transaction.atomic():
        visit = archive_record(actor=actor, instance=visit, version=version)
        entry = CalendarEntry.objects.filter(visit=visit, archived_at__isnull=True).first()
        if entry is not None:
            lay_out_entry(archive_record(actor=actor, instance=entry))  # an archived entry has no days
    return visit


def _keep_calendar_entry(actor, visit: Visit) -> CalendarEntry:
    """The carried-out visit's field-visit entry in its leader's calendar, created or brought up to date, and
    its days laid out so that its time counts in the share."""
    locality = visit.localities.order_by("sort_key", "id").first()
    agency = visit.agencies.order_by("sort_key", "id").first()
    data = {
        "leader": visit.leader,
        "title": visit.purpose[:300],
        "starts_at": visit.starts_at,
        "ends_at": visit.ends_at,
        "locality": locality,
        "agency": agency,
        "place": (locality.name if locality else agency.name if agency else "")[:300],
    }
    entry = CalendarEntry.objects.filter(visit=visit).first()
    if entry is None:
        entry = CalendarEntry(
            organization=visit.organization, kind=EntryKind.FIELD_VISIT, visit=visit, created_by=actor, **data
        )
        create_record(actor=actor, instance=entry)
    else:
        if entry.archived_at is not None:
            data["archived_at"] = None
        entry = update_record(actor=actor, instance=entry, data=data, version=None)
    lay_out_entry(entry)
    return entry


# --- opinions


def _refresh_sides(visit: Visit) -> int:
    """How many kinds of speaker the visit heard, kept on the visit (derived: no version bump)."""
    sides = Opinion.objects.active().filter(visit_id=visit.pk).values("speaker_kind").distinct().count()
    Visit.objects.filter(pk=visit.pk).update(sides_heard=sides)
    visit.sides_heard = sides
    return sides


def _check_opinion(visit: Visit, *, speaker_kind, content, kind, locality, topic) -> None:
    errors = {}
    if not speaker_kind:
        errors["speaker_kind"] = _("Say who gave the opinion.")
    if not (content or "").strip():
        errors["content"] = _("Write what was said.")
    if not kind:
        errors["kind"] = _("Say what kind of opinion it is.")
    if locality is not None and not visit.localities.filter(pk=locality.pk).exists():
        errors["locality"] = _("Choose one of the visit's localities.")
    if topic is not None and topic.organization_id != visit.organization_id:
        errors["topic"] = _("This record belongs to another organisation.")
    if errors:
        raise ValidationError(errors)
    check_lengths(content=(content, LONG_TEXT))


@transaction.atomic
def opinion_add(
    *,
    actor,
    visit: Visit,
    speaker_kind: str,
    content: str,
    kind: str,
    speaker_name: str = "",
    topic=None,
    locality=None,
) -> Opinion:
    """Record an opinion heard on a visit that has taken place; its day is the visit's."""
    if visit.status == VisitStatus.CANCELLED:
        raise ValidationError(_("No opinion is recorded on a cancelled visit."))
    if visit_day(visit) > timezone.localdate():
        raise ValidationError(_("Opinions are recorded once the visit has taken place."))
    _check_opinion(
        visit, speaker_kind=speaker_kind, content=content, kind=kind, locality=locality, topic=topic
    )
    if locality is None:
        only = list(visit.localities.all()[:2])
        locality = only[0] if len(only) == 1 else None
    opinion = Opinion(
        organization=visit.organization,
        visit=visit,
        speaker_kind=speaker_kind,
        speaker_name=nfc(speaker_name).strip(),
        topic=topic,
        kind=kind,
        content=nfc(content).strip(),
        locality=locality,
        heard_on=visit_day(visit),
        recorded_by=actor,
    )
    create_record(actor=actor, instance=opinion, kind="opinion.recorded", params={"visit": visit.pk})
    _refresh_sides(visit)
    return opinion


@transaction.atomic
def opinion_update(*, actor, opinion: Opinion, version: int | None, **data) -> Opinion:
    """Correct an opinion (who spoke, the topic, the kind, what was said, where) if nobody saved it since
    `version`; the visit's sides heard are counted again."""
    unknown = set(data) - OPINION_FIELDS
    if unknown:
        raise ValidationError({name: _("This cannot be changed now.") for name in sorted(unknown)})
    if opinion.archived_at is not None:
        raise ValidationError(_("Restore the opinion before correcting it."))
    visit = opinion.visit
    merged = {name: data.get(name, getattr(opinion, name)) for name in OPINION_FIELDS}
    _check_opinion(
        visit,
        speaker_kind=merged["speaker_kind"],
        content=merged["content"],
        kind=merged["kind"],
        locality=merged["locality"],
        topic=merged["topic"],
    )
    for key in ("content", "speaker_name"):
        if key in data:
            data[key] = nfc(data[key]).strip()
    opinion = update_record(actor=actor, instance=opinion, data=data, version=version)
    _refresh_sides(visit)
    return opinion


@transaction.atomic
def opinion_archive(*, actor, opinion: Opinion, version: int | None) -> Opinion:
    """Archive an opinion recorded by mistake: it leaves the search and the visit's sides heard; its record
    and history stay."""
    opinion = archive_record(actor=actor, instance=opinion, version=version)
    _refresh_sides(opinion.visit)
    return opinion


@transaction.atomic
def opinion_restore(*, actor, opinion: Opinion, version: int | None) -> Opinion:
    """Bring an archived opinion back into the search and the visit's sides heard."""
    opinion = restore_record(actor=actor, instance=opinion, version=version)
    _refresh_sides(opinion.visit)
    return opinion


# --- directives


def visit_issue_directive(
    *, actor, visit: Visit, content: str, lead_unit, deadline: dt.date, cooperating_units=()
):
    """A directive given on a carried-out visit: recorded in followup with the visit as its source, in the
    name of the leader who led it."""
    if visit.status != VisitStatus.CARRIED_OUT:
        raise ValidationError(_("Directives are issued from a visit once it has been carried out."))
    issued_by = followup_services.leader_person(actor) or visit.leader
    locality = visit.localities.order_by("sort_key", "id").first()
    return followup_services.directive_create(
        actor=actor,
        organization=visit.organization,
        content=content,
        issued_by=issued_by,
        lead_unit=lead_unit,
        deadline=deadline,
        source_kind=SourceKind.VISIT,
        source=visit,
        issued_on=min(visit_day(visit), timezone.localdate()),
        cooperating_units=cooperating_units,
        locality=locality,
    )
