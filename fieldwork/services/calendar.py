"""Writes of the work calendar: entries and their days, feeds, the organisation's targets.

Every write is atomic, validated and audited; an entry's days are laid out again in the same transaction,
so the share never counts an entry that was refused or half-saved.
"""

import datetime as dt
import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import audit
from core.calendar import WorkingCalendar
from core.models import AuditAction
from core.services import archive_record, create_record, restore_record, update_record
from core.text import fold, nfc
from core.validators import LONG_TEXT, check_lengths
from fieldwork.layout import build_days, entry_span, lay_out_entry, occurrence_starts
from fieldwork.models import CalendarEntry, CalendarFeed, EntryDay, FieldworkPolicy
from org.models import PartyCommittee

# An occurrence lasts at most this long (a long business trip is split into entries).
MAX_ENTRY_DAYS = 31
ENTRY_FIELDS = (
    "leader",
    "kind",
    "title",
    "starts_at",
    "ends_at",
    "all_day",
    "place",
    "locality",
    "agency",
    "chaired",
    "recurrence",
    "note",
)


def _check_entry(entry: CalendarEntry) -> None:
    """The rules an entry must meet, as field errors in the user's language; nothing is saved on failure."""
    errors: dict[str, list[str]] = {}
    if entry.starts_at is None:
        errors["starts_at"] = [_("Give the start.")]
    if entry.ends_at is None:
        errors["ends_at"] = [_("Give the end.")]
    if errors:
        raise ValidationError(errors)
    start, end = entry_span(entry)
    if entry.ends_at < entry.starts_at:
        errors["ends_at"] = [_("The entry ends before it starts.")]
    elif end - start > dt.timedelta(days=MAX_ENTRY_DAYS):
        errors["ends_at"] = [
            _("An entry lasts at most {days} days; split a longer trip into several entries.").format(
                days=MAX_ENTRY_DAYS
            )
        ]
    organization_id = entry.organization_id
    if entry.leader_id and entry.leader.organization_id != organization_id:
        errors["leader"] = [_("Choose a leader of your organisation.")]
    if entry.agency_id and entry.agency.organization_id != organization_id:
        errors["agency"] = [_("Choose a unit of your organisation.")]
    if entry.locality_id and not _in_organization(entry.locality, organization_id):
        errors["locality"] = [_("Choose a locality of your organisation.")]
    if entry.kind != "meeting" and entry.chaired:
        entry.chaired = False
    try:
        occurrence_starts(entry.recurrence, start)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    check_lengths(note=(entry.note, LONG_TEXT))


def _in_organization(unit, organization_id) -> bool:
    """Whether an administrative unit lies within the organisation's own (its root unit and below)."""
    root = PartyCommittee.objects.filter(pk=organization_id).values_list("root_unit__path", flat=True).first()
    return root is None or unit.path.startswith(root)


def _normalise(entry: CalendarEntry) -> None:
    """Texts in NFC; an all-day entry kept as local midnight to local midnight after its last day."""
    entry.title = nfc(entry.title).strip()
    entry.place = nfc(entry.place).strip()
    entry.note = nfc(entry.note).strip()
    entry.recurrence = (entry.recurrence or "").strip().upper()
    if entry.recurrence.startswith("RRULE:"):
        entry.recurrence = entry.recurrence[len("RRULE:") :]
    if entry.all_day and entry.starts_at and entry.ends_at and entry.ends_at >= entry.starts_at:
        entry.starts_at, entry.ends_at = entry_span(entry)
    entry.search_text = fold(f"{entry.title} {entry.place}")[:400]


@transaction.atomic
def entry_create(
    *,
    actor,
    organization,
    leader,
    kind: str,
    title: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    all_day: bool = False,
    place: str = "",
    locality=None,
    agency=None,
    chaired: bool = False,
    recurrence: str = "",
    note: str = "",
    visit=None,
    calendar=None,
) -> CalendarEntry:
    """Put an entry on a leader's calendar and lay out its days (on `calendar`, a WorkingCalendar of the
    organisation, when a caller writing many entries already holds one)."""
    entry = CalendarEntry(
        organization_id=getattr(organization, "pk", organization),
        leader=leader,
        kind=kind,
        title=title or "",
        starts_at=starts_at,
        ends_at=ends_at,
        all_day=all_day,
        place=place or "",
        locality=locality,
        agency=agency,
        chaired=chaired,
        recurrence=recurrence or "",
        note=note or "",
        visit=visit,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    _normalise(entry)
    _check_entry(entry)
    create_record(actor=actor, instance=entry)
    lay_out_entry(entry, calendar)
    return entry


@transaction.atomic
def entries_create_many(*, actor, organization, leader, entries: list[dict], calendar=None) -> int:
    """Put many entries on one leader's calendar at once (a year of a calendar): each is normalised and
    checked as `entry_create` does, all or none are written, their days laid out in bulk, and the whole is
    one event on the audit trail, with the count. Each dict holds `entry_create`'s fields."""
    if calendar is None:
        calendar = WorkingCalendar.for_organization(organization)
    made_by = actor if getattr(actor, "is_authenticated", False) else None
    rows = []
    for data in entries:
        unknown = set(data) - set(ENTRY_FIELDS)
        if unknown:
            raise TypeError(f"Unknown entry fields: {sorted(unknown)}")
        entry = CalendarEntry(
            organization_id=getattr(organization, "pk", organization),
            leader=leader,
            created_by=made_by,
            **{"title": "", "place": "", "recurrence": "", "note": "", **data},
        )
        _normalise(entry)
        _check_entry(entry)
        entry.full_clean()
        rows.append(entry)
    CalendarEntry.objects.bulk_create(rows, batch_size=500)
    days = [day for entry in rows for day in build_days(entry, calendar)]
    EntryDay.objects.bulk_create(days, batch_size=1000)
    if rows:
        audit.record(
            actor=actor,
            action=AuditAction.IMPORT,
            instance=leader,
            kind="calendar.entries_added",
            params={"count": len(rows), "leader": leader.pk},
        )
    return len(rows)


@transaction.atomic
def entry_update(*, actor, entry: CalendarEntry, version: int, **data) -> CalendarEntry:
    """Change an entry (only the fields given) if nobody saved it since `version`; lay out its days again."""
    unknown = set(data) - set(ENTRY_FIELDS)
    if unknown:
        raise TypeError(f"Unknown entry fields: {sorted(unknown)}")
    probe = CalendarEntry(
        **{f.attname: getattr(entry, f.attname) for f in CalendarEntry._meta.concrete_fields}
    )
    for name, value in data.items():
        setattr(probe, name, value)
    _normalise(probe)
    _check_entry(probe)
    changes = {name: getattr(probe, name) for name in {*data, "starts_at", "ends_at", "chaired"}}
    entry.search_text = probe.search_text
    update_record(actor=actor, instance=entry, data=changes, version=version)
    lay_out_entry(entry)
    return entry


@transaction.atomic
def entry_archive(*, actor, entry: CalendarEntry, version: int) -> CalendarEntry:
    """Archive an entry: it leaves the calendar and the share; its days go, its record stays."""
    archive_record(actor=actor, instance=entry, version=version)
    lay_out_entry(entry)
    return entry


@transaction.atomic
def entry_restore(*, actor, entry: CalendarEntry, version: int) -> CalendarEntry:
    restore_record(actor=actor, instance=entry, version=version)
    lay_out_entry(entry)
    return entry


def relay_out_days(*, organization_id: int, dates) -> int:
    """Lay out again every entry of an organisation that has a day on one of `dates`; how many entries."""
    ids = sorted(
        set(
            EntryDay.objects.filter(organization_id=organization_id, day__in=list(dates))
            .values_list("entry_id", flat=True)
            .distinct()
        )
    )
    calendar = WorkingCalendar.for_organization(organization_id)
    for entry in CalendarEntry.objects.filter(pk__in=ids).order_by("pk"):
        lay_out_entry(entry, calendar)
    return len(ids)


def working_calendar_changed(sender, *, organization_id, dates, **kwargs) -> None:
    """Receiver of core.signals.working_calendar_changed: the days' working minutes are counted again."""
    relay_out_days(organization_id=organization_id, dates=dates)


# --- feeds ------------------------------------------------------------------------------------------------


@transaction.atomic
def feed_create(*, actor, leader) -> CalendarFeed:
    """Give a leader a new secret feed URL; the earlier ones are revoked."""
    for feed in CalendarFeed.objects.select_for_update().filter(leader=leader, revoked_at__isnull=True):
        feed_revoke(actor=actor, feed=feed)
    feed = CalendarFeed.objects.create(
        leader=leader,
        token=secrets.token_urlsafe(32),
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit.record(
        actor=actor,
        action=AuditAction.CREATE,
        instance=feed,
        changes={"leader": leader.pk},
        organization=leader.organization_id,
    )
    return feed


@transaction.atomic
def feed_revoke(*, actor, feed: CalendarFeed) -> CalendarFeed:
    """Revoke a feed URL for good: it answers 404 from now on."""
    if feed.revoked_at is not None:
        return feed
    feed.revoked_at = timezone.now()
    feed.save(update_fields=["revoked_at"])
    audit.record(
        actor=actor,
        action=AuditAction.ARCHIVE,
        instance=feed,
        changes={"revoked_at": [None, feed.revoked_at.isoformat()]},
        organization=feed.leader.organization_id,
    )
    return feed


# --- the organisation's targets ---------------------------------------------------------------------------


def policy_for(organization) -> FieldworkPolicy:
    """The organisation's targets, or the defaults (1/3, 15 %) unsaved when the office set none."""
    organization_id = getattr(organization, "pk", organization)
    policy = FieldworkPolicy.objects.filter(organization_id=organization_id).first()
    return policy or FieldworkPolicy(organization_id=organization_id)


@transaction.atomic
def policy_update(
    *,
    actor,
    organization,
    version: int | None,
    share_target_numerator: int,
    share_target_denominator: int,
    meeting_reduction_percent: int,
) -> FieldworkPolicy:
    """Set the field-time target (an exact fraction) and the meeting reduction target."""
    if share_target_denominator and share_target_numerator > share_target_denominator:
        raise ValidationError({"share_target_numerator": _("The target cannot be more than all the time.")})
    data = {
        "share_target_numerator": share_target_numerator,
        "share_target_denominator": share_target_denominator,
        "meeting_reduction_percent": meeting_reduction_percent,
    }
    policy = policy_for(organization)
    if policy.pk is None:
        for name, value in data.items():
            setattr(policy, name, value)
        return create_record(actor=actor, instance=policy)
    return update_record(actor=actor, instance=policy, data=data, version=version)
