"""API of the work calendar, the field-time share and meetings: the same selectors, services and scoping as
the pages. A leader writes their own calendar; the office writes every calendar of its organisation."""

import datetime as dt
from typing import Annotated

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import Field

from core.api_inputs import Id, LongText, Text, query_date, require_writer
from core.api_refs import resolve_ref
from core.filters import filter_api, filter_schema
from core.pagination import PageNumberPagination
from core.periods import current_quarter, parse_period
from fieldwork import ical
from fieldwork.choices import EntryKind
from fieldwork.filters.calendar import EntryFilterSet
from fieldwork.permissions import can_keep_calendar, can_see_all_shares, person_id
from fieldwork.selectors import calendar as selectors
from fieldwork.services import calendar as services
from org import selectors as org_selectors

router = Router(tags=["fieldwork"])

# The calendar range asked for at once.
MAX_RANGE_DAYS = 366


class EntryLeaderOut(Schema):
    id: int
    name: str


class EntryOut(Schema):
    id: int
    version: int
    leader: EntryLeaderOut
    kind: str
    kind_label: str
    title: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    all_day: bool
    place: str
    locality_id: int | None
    agency_id: int | None
    chaired: bool
    recurrence: str
    note: str
    archived: bool
    url: str

    @staticmethod
    def resolve_leader(obj):
        return {"id": obj.leader_id, "name": obj.leader.full_name}

    @staticmethod
    def resolve_kind_label(obj):
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_archived(obj):
        return obj.archived_at is not None

    @staticmethod
    def resolve_url(obj):
        return obj.get_absolute_url()


class OccurrenceOut(Schema):
    """One occurrence in the calendar range; `overlaps` when it overlaps another of the same leader's."""

    entry_id: int
    title: str
    kind: str
    kind_label: str
    leader: EntryLeaderOut
    start: dt.datetime
    end: dt.datetime
    all_day: bool
    place: str
    chaired: bool
    recurring: bool
    overlaps: bool
    url: str


def occurrence_out(occurrence) -> dict:
    entry = occurrence.entry
    return {
        "entry_id": entry.pk,
        "title": entry.title,
        "kind": entry.kind,
        "kind_label": str(entry.get_kind_display()),
        "leader": {"id": entry.leader_id, "name": entry.leader.full_name},
        "start": timezone.localtime(occurrence.start),
        "end": timezone.localtime(occurrence.end),
        "all_day": entry.all_day,
        "place": entry.place,
        "chaired": entry.chaired,
        "recurring": bool(entry.recurrence),
        "overlaps": occurrence.overlaps,
        "url": entry.get_absolute_url(),
    }


def calendar_bounds(raw_from: str | None, raw_to: str | None) -> tuple[dt.date, dt.date]:
    """The days asked for (this week by default); at most MAX_RANGE_DAYS, else a 422 in Vietnamese."""
    first = query_date(_day_part(raw_from), "from")
    last = query_date(_day_part(raw_to), "to")
    today = timezone.localdate()
    first = first or (last - dt.timedelta(days=6) if last else today - dt.timedelta(days=today.weekday()))
    last = last or first + dt.timedelta(days=6)
    if last < first:
        raise ValidationError({"to": _("The end of the range is before its start.")})
    if (last - first).days + 1 > MAX_RANGE_DAYS:
        raise ValidationError({"to": _("Ask for at most {days} days at once.").format(days=MAX_RANGE_DAYS)})
    return first, last


def _day_part(raw: str | None) -> str | None:
    """FullCalendar sends ISO moments ("2027-02-01T00:00:00+07:00"): their day is what counts."""
    if raw and "T" in raw:
        return raw.split("T", 1)[0]
    return raw


@router.get("/calendar", response=list[OccurrenceOut], summary="The occurrences of the calendars in a range")
def calendar(
    request,
    leader: Id | None = None,
    from_: Annotated[str | None, Query(alias="from")] = None,
    to: str | None = None,
):
    first, last = calendar_bounds(from_, to)
    if leader is not None:
        selectors.get_leader_for_user(user=request.user, pk=leader)
    occurrences = selectors.calendar_range(user=request.user, first=first, last=last, leader_id=leader)
    return [occurrence_out(o) for o in occurrences]


EntryQuery = filter_schema(EntryFilterSet, "EntryQuery")


@router.get("/entries/", response=list[EntryOut], summary="Calendar entries, with the list's filters")
@paginate(PageNumberPagination, page_size=50)
def list_entries(request, filters: Query[EntryQuery]):
    entries = filter_api(EntryFilterSet, request, selectors.entry_list(user=request.user), filters)
    return entries.order_by("-starts_at", "-id")


@router.get("/entries/{id:entry_id}", response=EntryOut, summary="One calendar entry")
def get_entry(request, entry_id: int):
    return selectors.get_entry_for_user(user=request.user, pk=entry_id)


class EntryIn(Schema):
    leader: Id | None = Field(None, description="The leader's person id; yourself by default")
    kind: EntryKind
    title: Annotated[Text, Field(min_length=1, max_length=300)]
    starts_at: dt.datetime
    ends_at: dt.datetime
    all_day: bool = False
    place: Annotated[Text, Field(max_length=300)] = ""
    locality: Id | None = None
    agency: Id | None = None
    chaired: bool = False
    recurrence: Annotated[str, Field(max_length=500)] = ""
    note: LongText = ""


class EntryPatch(Schema):
    version: int
    leader: Id | None = None
    kind: EntryKind | None = None
    title: Annotated[Text, Field(min_length=1, max_length=300)] | None = None
    starts_at: dt.datetime | None = None
    ends_at: dt.datetime | None = None
    all_day: bool | None = None
    place: Annotated[Text, Field(max_length=300)] | None = None
    locality: Id | None = None
    agency: Id | None = None
    chaired: bool | None = None
    recurrence: Annotated[str, Field(max_length=500)] | None = None
    note: LongText | None = None


class EntryVersionIn(Schema):
    version: int


def _aware(value: dt.datetime) -> dt.datetime:
    return timezone.make_aware(value) if timezone.is_naive(value) else value


def _entry_data(user, data: dict) -> dict:
    """Ids to records, read within what the user may write; a leader not theirs to write is a 404."""
    if "leader" in data:
        leader_id = data["leader"] or person_id(user)
        if leader_id is None:
            raise ValidationError({"leader": _("Choose the leader.")})
        leader = selectors.writable_leaders(user=user).filter(pk=leader_id).first()
        if leader is None:
            raise Http404
        data["leader"] = leader
    # The same scoped lists as the page's pickers: unknown or another organisation's is a 422.
    if "locality" in data:
        data["locality"] = resolve_ref(user, org_selectors.unit_list, data["locality"], "locality")
    if "agency" in data:
        data["agency"] = resolve_ref(user, org_selectors.agency_list, data["agency"], "agency")
    for name in ("starts_at", "ends_at"):
        if data.get(name) is not None:
            data[name] = _aware(data[name])
    for name in (
        "kind",
        "title",
        "starts_at",
        "ends_at",
        "all_day",
        "chaired",
        "place",
        "recurrence",
        "note",
    ):
        if name in data and data[name] is None:
            raise ValidationError({name: _("This field cannot be empty.")})
    if "kind" in data:
        data["kind"] = EntryKind(data["kind"]).value
    return data


@router.post("/entries/", response={201: EntryOut}, summary="Put an entry on a calendar")
def create_entry(request, payload: EntryIn):
    require_writer(request.user)
    if not can_keep_calendar(request.user):
        raise Http404
    data = _entry_data(request.user, payload.dict())
    entry = services.entry_create(actor=request.user, organization=request.user.organization_id, **data)
    return Status(201, selectors.get_entry_for_user(user=request.user, pk=entry.pk))


@router.patch("/entries/{id:entry_id}", response=EntryOut, summary="Change a calendar entry")
def update_entry(request, entry_id: int, payload: EntryPatch):
    require_writer(request.user)
    entry = selectors.get_entry_for_user(user=request.user, pk=entry_id, action="change")
    data = _entry_data(request.user, payload.dict(exclude_unset=True, exclude={"version"}))
    services.entry_update(actor=request.user, entry=entry, version=payload.version, **data)
    return selectors.get_entry_for_user(user=request.user, pk=entry.pk)


@router.post("/entries/{id:entry_id}/archive", response=EntryOut, summary="Archive a calendar entry")
def archive_entry(request, entry_id: int, payload: EntryVersionIn):
    require_writer(request.user)
    entry = selectors.get_entry_for_user(user=request.user, pk=entry_id, action="change")
    return services.entry_archive(actor=request.user, entry=entry, version=payload.version)


@router.post("/entries/{id:entry_id}/restore", response=EntryOut, summary="Restore a calendar entry")
def restore_entry(request, entry_id: int, payload: EntryVersionIn):
    require_writer(request.user)
    entry = selectors.get_entry_for_user(user=request.user, pk=entry_id, action="change")
    return services.entry_restore(actor=request.user, entry=entry, version=payload.version)


# --- a leader's iCalendar feed ----------------------------------------------------------------------------


class FeedOut(Schema):
    """A leader's secret feed: whether one is live, its address and when it was made."""

    leader: EntryLeaderOut
    exists: bool
    url: str | None = Field(description="The secret iCalendar address; whoever has it reads the calendar")
    created_at: dt.datetime | None


def feed_out(request, leader, feed) -> dict:
    return {
        "leader": {"id": leader.pk, "name": leader.full_name},
        "exists": feed is not None,
        "url": ical.feed_url(request, feed) or None,
        "created_at": feed.created_at if feed else None,
    }


@router.get("/leaders/{id:person_id}/feed", response=FeedOut, summary="A leader's calendar feed")
def get_feed(request, person_id: int):
    """Whether the leader has a live feed, and its address: for the office and the leader (404 otherwise,
    as for a leader who does not exist)."""
    leader = selectors.get_feed_leader_for_user(user=request.user, pk=person_id)
    return feed_out(request, leader, selectors.live_feed(leader))


@router.post(
    "/leaders/{id:person_id}/feed", response={201: FeedOut}, summary="Make a new calendar feed address"
)
def create_feed(request, person_id: int):
    """A new secret address; the earlier one, if any, stops working at once."""
    require_writer(request.user)
    leader = selectors.get_feed_leader_for_user(user=request.user, pk=person_id, action="change")
    feed = services.feed_create(actor=request.user, leader=leader)
    return Status(201, feed_out(request, leader, feed))


@router.post("/leaders/{id:person_id}/feed/revoke", response=FeedOut, summary="Revoke the calendar feed")
def revoke_feed(request, person_id: int):
    """The address answers 404 from now on; with no live feed nothing changes."""
    require_writer(request.user)
    leader = selectors.get_feed_leader_for_user(user=request.user, pk=person_id, action="change")
    feed = selectors.live_feed(leader)
    if feed is not None:
        services.feed_revoke(actor=request.user, feed=feed)
    return feed_out(request, leader, None)


# --- the share and meetings ----------------------------------------------------------------------------


class ShareOut(Schema):
    leader: EntryLeaderOut
    period: str
    first_day: dt.date
    last_day: dt.date
    field_hours: float
    planned_field_hours: float
    working_hours: float
    leave_hours: float
    available_hours: float
    share: float | None = Field(description="Field hours ÷ available hours so far, 0 to 1")
    share_percent: float | None
    target: str = Field(description="The target as an exact fraction, e.g. 1/3")
    target_percent: float
    meets_target: bool
    hours_needed: float
    working_days_left: int
    running: bool


def share_out(share) -> dict:
    return {
        "leader": {"id": share.leader.pk, "name": share.leader.full_name},
        "period": share.period.code,
        "first_day": share.period.first,
        "last_day": share.period.last,
        "field_hours": share.hours(share.field_minutes),
        "planned_field_hours": share.hours(share.planned_minutes),
        "working_hours": share.hours(share.working_minutes),
        "leave_hours": share.hours(share.leave_minutes),
        "available_hours": share.hours(share.available_minutes),
        "share": None if share.share is None else round(float(share.share), 4),
        "share_percent": share.share_percent,
        "target": f"{share.target.numerator}/{share.target.denominator}",
        "target_percent": share.target_percent,
        "meets_target": share.meets_target,
        "hours_needed": share.hours(share.needed_minutes),
        "working_days_left": share.working_days_left,
        "running": share.running,
    }


def period_of(raw: str | None):
    if not raw:
        return current_quarter(timezone.localdate())
    try:
        return parse_period(raw)
    except ValidationError as exc:
        raise ValidationError({"period": exc.messages}) from exc


@router.get("/share", response=ShareOut, summary="A leader's field-time share and pace over a period")
def share(request, leader: Id | None = None, period: str | None = None):
    leader_id = leader or person_id(request.user)
    if leader_id is None:
        raise Http404
    person = selectors.get_leader_for_user(user=request.user, pk=leader_id)
    return share_out(selectors.share_for(leader=person, period=period_of(period)))


@router.get("/shares", response=list[ShareOut], summary="Every leader's share over a period (office)")
def shares(request, period: str | None = None, sort: str = "share"):
    if not can_see_all_shares(request.user):
        raise Http404
    if sort not in selectors.SHARE_SORTS:
        raise ValidationError(
            {"sort": _("Sort by one of: {choices}.").format(choices=", ".join(selectors.SHARE_SORTS))}
        )
    return [
        share_out(s) for s in selectors.share_table(user=request.user, period=period_of(period), sort=sort)
    ]


class MeetingRowOut(Schema):
    leader: EntryLeaderOut | None
    count: int
    hours: float
    chaired: int
    previous_count: int
    previous_hours: float
    change_percent: float | None


class MeetingsOut(Schema):
    period: str
    previous_period: str
    reduction_target_percent: int
    target_hours: float
    meets_target: bool | None
    total: MeetingRowOut
    leaders: list[MeetingRowOut]


def meeting_row_out(row) -> dict:
    return {
        "leader": None if row.leader is None else {"id": row.leader.pk, "name": row.leader.full_name},
        "count": row.count,
        "hours": row.hours,
        "chaired": row.chaired,
        "previous_count": row.previous_count,
        "previous_hours": row.previous_hours,
        "change_percent": row.change_percent,
    }


@router.get(
    "/meetings",
    response=MeetingsOut,
    summary="Meetings held, per leader and in total, against the previous period",
)
def meetings(request, period: str | None = None):
    if not (can_see_all_shares(request.user) or person_id(request.user)):
        raise Http404
    figures = selectors.meetings(user=request.user, period=period_of(period))
    return {
        "period": figures.period.code,
        "previous_period": figures.previous.code,
        "reduction_target_percent": figures.reduction_percent,
        "target_hours": figures.target_hours,
        "meets_target": figures.meets_target,
        "total": meeting_row_out(figures.total),
        "leaders": [meeting_row_out(r) for r in figures.rows],
    }
