"""Writes of incidents: intake with routing and deadlines, reassignment, the workflow, directives."""

import datetime as dt
import operator
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models.functions import Length
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.choices import Role
from accounts.models import User
from core import audit
from core.bulk import Written, insert
from core.calendar import WorkingCalendar
from core.errors import ConflictError
from core.models import AuditAction
from core.services import attachment_add, create_record, notify, update_record
from core.text import fold, nfc
from core.validators import LONG_TEXT, check_lengths
from incidents.choices import (
    ACKNOWLEDGED_STATUSES,
    FLAGS,
    TRANSITIONS,
    IncidentStatus,
    RejectReason,
    RoutedVia,
    Severity,
)
from incidents.models import Incident
from incidents.selectors import can_handle, handles_only_as_focal_point
from org.models import Agency, PartyCommittee
from org.selectors import responsible_leader

# Working hours to acknowledge and to resolve, by severity. Hanoi's public-feedback practice: an urgent
# report is handled within 4 working hours, and every report is accepted within 8 working hours.
DEFAULT_DEADLINES = {
    Severity.URGENT: (Decimal(1), Decimal(4)),
    Severity.COMPLEX: (Decimal(8), Decimal(120)),
    Severity.NORMAL: (Decimal(8), Decimal(80)),
}


def deadline_hours(severity: str) -> tuple[Decimal, Decimal]:
    """(hours to acknowledge, hours to resolve) for a severity; COSO_INCIDENT_DEADLINES overrides."""
    configured = getattr(settings, "COSO_INCIDENT_DEADLINES", {}) or {}
    ack, resolve = configured.get(severity, DEFAULT_DEADLINES[Severity(severity)])
    return Decimal(str(ack)), Decimal(str(resolve))


def deadlines_for(*, organization, severity: str, start: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    """Deadlines counted in working hours on the organisation's working calendar from `start`."""
    calendar = WorkingCalendar.for_organization(organization)
    ack, resolve = deadline_hours(severity)
    return calendar.add_working_hours(start, ack), calendar.add_working_hours(start, resolve)


def _handling_unit(organization, locality, agency):
    """The unit that handles an incident: the one named, or the party committee (else the People's Committee)
    of its locality."""
    if agency is not None:
        return agency
    if locality is None:
        return None
    candidates = Agency.objects.active().filter(organization=organization, locality=locality)
    return (
        candidates.filter(kind="party_committee").order_by("path").first()
        or candidates.filter(kind="peoples_committee").order_by("path").first()
        or candidates.order_by("path").first()
    )


def _focal_point(unit):
    if unit is None:
        return None
    return User.objects.filter(role=Role.FOCAL_POINT, agency=unit, is_active=True).order_by("id").first()


def _lock_codes(organization) -> None:
    """Lock the organisation's row until the creating transaction commits, so concurrent reports are
    numbered one after another (on SQLite, the immediate transaction already takes the write lock)."""
    PartyCommittee.objects.select_for_update().filter(pk=organization.pk).values_list("pk").first()


def _last_number(organization, prefix: str) -> int:
    # Numbers have five digits, then more past 99,999 a year: the longest code first, then the highest.
    last = (
        Incident.objects.filter(organization=organization, code__startswith=prefix)
        .order_by(Length("code").desc(), "-code")
        .values_list("code", flat=True)
        .first()
    )
    return int(last.rsplit("-", 1)[1]) if last else 0


def _next_code(organization, year: int) -> str:
    """The organisation's next incident code of the year. Called inside the creating transaction."""
    _lock_codes(organization)
    prefix = f"VV-{year}-"
    return f"{prefix}{_last_number(organization, prefix) + 1:05d}"


def _check_parties(organization, locality, agency, duplicate_of=None) -> None:
    """An incident has a place, and everything it names belongs to its organisation."""
    if locality is None and agency is None:
        raise ValidationError(_("Name the locality or the unit where it happened."))
    for name, record in (("locality", locality), ("agency", agency)):
        org_id = getattr(record, "organization_id", None)
        if org_id is not None and org_id != organization.pk:
            raise ValidationError({name: _("This record belongs to another organisation.")})
    if locality is not None and not locality.path.startswith(organization.root_unit.path):
        raise ValidationError({"locality": _("This locality is outside the organisation's area.")})
    if duplicate_of is not None and duplicate_of.organization_id != organization.pk:
        raise ValidationError({"duplicate_of": _("This record belongs to another organisation.")})


class Intake:
    """The rules of taking in incidents for one organisation: routing to the leader in charge on the day it
    occurred (frozen), the handling unit and its focal point, deadlines in working hours on one working
    calendar. Each answer is kept, so a batch asks the database once per distinct place and day, however
    many incidents share them. incident_create builds an incident through it (build), an import's rows are
    routed through it (BulkIntake)."""

    def __init__(self, organization):
        self.organization = organization
        self.calendar = WorkingCalendar.for_organization(organization)
        self.zone = timezone.get_current_timezone()
        self._parties: dict = {}
        self._routes: dict = {}
        self._units: dict = {}
        self._focal_points: dict = {}
        self._deadlines: dict = {}

    def check_parties(self, locality, agency) -> None:
        """_check_parties, once per place (without a duplicate: an import names none)."""
        key = (getattr(locality, "pk", None), getattr(agency, "pk", None))
        if key not in self._parties:
            try:
                _check_parties(self.organization, locality, agency)
                self._parties[key] = None
            except ValidationError as exc:
                self._parties[key] = exc
        if self._parties[key] is not None:
            raise self._parties[key]

    def route(self, target, occurred_at: dt.datetime):
        local = occurred_at if occurred_at.tzinfo is self.zone else timezone.localtime(occurred_at)
        key = (type(target).__name__, target.pk, local.date())
        if key not in self._routes:
            self._routes[key] = responsible_leader(target, at=occurred_at, organization=self.organization)
        return self._routes[key]

    def handling_unit(self, locality, agency):
        key = (getattr(locality, "pk", None), getattr(agency, "pk", None))
        if key not in self._units:
            self._units[key] = _handling_unit(self.organization, locality, agency)
        return self._units[key]

    def focal_point(self, unit):
        key = getattr(unit, "pk", None)
        if key not in self._focal_points:
            self._focal_points[key] = _focal_point(unit)
        return self._focal_points[key]

    def deadlines(self, severity: str, start: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
        key = (severity, start)
        if key not in self._deadlines:
            ack, resolve = deadline_hours(severity)
            self._deadlines[key] = (
                self.calendar.add_working_hours(start, ack),
                self.calendar.add_working_hours(start, resolve),
            )
        return self._deadlines[key]

    def build(
        self,
        *,
        actor,
        title: str,
        description: str,
        occurred_at: dt.datetime,
        source: str,
        field: str,
        severity: str = Severity.NORMAL,
        locality=None,
        agency=None,
        place: str = "",
        latitude=None,
        longitude=None,
        reported_at: dt.datetime | None = None,
        reporter_name: str = "",
        reporter_contact: str = "",
        flags: dict | None = None,
        duplicate_of: Incident | None = None,
    ) -> Incident:
        """A new incident, checked, routed and with its deadlines, not yet numbered nor saved."""
        organization = self.organization
        check_lengths(description=(description, LONG_TEXT))
        _check_parties(organization, locality, agency, duplicate_of)
        reported_at = reported_at or timezone.now()
        answer = self.route(locality or agency, occurred_at)
        unit = self.handling_unit(locality, agency)
        ack_due, resolve_due = self.deadlines(severity, reported_at)
        return Incident(
            organization=organization,
            title=nfc(title),
            description=nfc(description),
            locality=locality,
            agency=agency,
            place=nfc(place),
            latitude=latitude,
            longitude=longitude,
            occurred_at=occurred_at,
            reported_at=reported_at,
            source=source,
            field=field,
            severity=severity,
            reporter=actor if getattr(actor, "is_authenticated", False) else None,
            reporter_name=nfc(reporter_name),
            reporter_contact=nfc(reporter_contact),
            responsible_leader=answer.leader,
            responsible_assignment=answer.assignment,
            routed_via=answer.via,
            handling_unit=unit,
            focal_point=self.focal_point(unit),
            ack_due_at=ack_due,
            resolve_due_at=resolve_due,
            duplicate_of=duplicate_of,
            **{name: bool((flags or {}).get(name)) for name, _label in FLAGS},
        )


def _notify_new(incident: Incident, actor=None) -> None:
    title = _("New incident in {place}: {title}").format(
        place=incident.locality or incident.agency, title=incident.title
    )
    body = _("Acknowledge by {ack}, resolve by {resolve}.").format(
        ack=timezone.localtime(incident.ack_due_at).strftime("%H:%M %d/%m/%Y"),
        resolve=timezone.localtime(incident.resolve_due_at).strftime("%H:%M %d/%m/%Y"),
    )
    people = []
    leader_user = getattr(incident.responsible_leader, "user", None) if incident.responsible_leader else None
    if leader_user is not None:
        people.append(leader_user)
    if incident.focal_point is not None:
        people.append(incident.focal_point)
    if incident.is_public_concern or incident.severity == Severity.URGENT:
        people += list(
            User.objects.filter(organization=incident.organization, role=Role.STANDING_BOARD, is_active=True)
        )
    for user in {u.pk: u for u in people}.values():
        notify(
            actor=actor,
            user=user,
            kind="incident_new",
            key=f"incident:{incident.pk}:new",
            title=title,
            body=body,
            url=incident.get_absolute_url(),
            record=incident,
        )


@transaction.atomic
def incident_create(
    *,
    actor,
    organization,
    title: str,
    description: str,
    occurred_at: dt.datetime,
    source: str,
    field: str,
    severity: str = Severity.NORMAL,
    locality=None,
    agency=None,
    place: str = "",
    latitude=None,
    longitude=None,
    reported_at: dt.datetime | None = None,
    reporter_name: str = "",
    reporter_contact: str = "",
    flags: dict | None = None,
    duplicate_of: Incident | None = None,
    files=(),
    notify_people: bool = True,
) -> Incident:
    """Take in an incident: route it to the leader in charge on the day it occurred, frozen, with deadlines
    in working hours; tell the leader (and the Standing Board when urgent or of public concern)."""
    incident = Intake(organization).build(
        actor=actor,
        title=title,
        description=description,
        occurred_at=occurred_at,
        source=source,
        field=field,
        severity=severity,
        locality=locality,
        agency=agency,
        place=place,
        latitude=latitude,
        longitude=longitude,
        reported_at=reported_at,
        reporter_name=reporter_name,
        reporter_contact=reporter_contact,
        flags=flags,
        duplicate_of=duplicate_of,
    )
    incident.code = _next_code(organization, timezone.localtime(incident.reported_at).year)
    create_record(actor=actor, instance=incident, kind="incident.reported", params={"code": incident.code})
    for upload in files:
        attachment_add(actor=actor, organization=organization, instance=incident, upload=upload)
    if notify_people:  # an import tells each person once for the whole sheet instead
        _notify_new(incident, actor)
    return incident


# The columns an import writes (every concrete field but the id), and where each value goes in a row.
_COLUMNS = [f.name for f in Incident._meta.concrete_fields if not f.primary_key]
_AT = {name: index for index, name in enumerate(_COLUMNS)}
# What an import sets, row by row; the other columns keep the value a new Incident has.
_SET = (
    "title",
    "description",
    "locality",
    "agency",
    "place",
    "latitude",
    "longitude",
    "occurred_at",
    "reported_at",
    "source",
    "field",
    "severity",
    "reporter_name",
    "reporter_contact",
    "responsible_leader",
    "responsible_assignment",
    "routed_via",
    "handling_unit",
    "focal_point",
    "ack_due_at",
    "resolve_due_at",
    *(name for name, _label in FLAGS),
)
_FLAG_NAMES = tuple(name for name, _label in FLAGS)
# A row is the template (a new Incident's values) followed by the values of _SET, rearranged in the order of
# the columns: each column takes its value from _SET if it is there, else from the template.
_ARRANGE = operator.itemgetter(
    *(len(_COLUMNS) + _SET.index(name) if name in _SET else index for index, name in enumerate(_COLUMNS))
)
_CODE, _SEARCH = _AT["code"], _AT["search_text"]
# The model's rules for the values a row brings (Incident.clean_fields), checked cheaply: a value that does
# not plainly pass is handed to the field's own clean, which gives its error.
_CHECKED = (
    "title",
    "description",
    "place",
    "latitude",
    "longitude",
    "occurred_at",
    "reported_at",
    "source",
    "field",
    "severity",
    "reporter_name",
    "reporter_contact",
)


def _plainly_valid(field: models.Field):
    """A quick test that a value passes `field`'s rules (blank, null, length, choices, digits)."""
    if isinstance(field, models.CharField | models.TextField):
        limit, blank = field.max_length, field.blank
        choices = {value for value, _label in field.flatchoices} if field.choices else None
        return lambda v: (
            v.__class__ is str
            and (blank or v != "")
            and (limit is None or len(v) <= limit)
            and (choices is None or v in choices)
        )
    if isinstance(field, models.DecimalField):
        bound = Decimal(10) ** (field.max_digits - field.decimal_places)
        places = -field.decimal_places
        null = field.null
        return lambda v: (
            (v is None and null)
            or (isinstance(v, Decimal) and -bound < v < bound and v.as_tuple().exponent >= places)
        )
    if isinstance(field, models.DateTimeField):
        null = field.null
        return lambda v: (v is None and null) or isinstance(v, dt.datetime)
    return lambda v: False


# The columns whose values are the same in many rows: a value that passed is not checked again.
_REPEATING = {"place", "latitude", "longitude", "reported_at", "source", "field", "severity", "reporter_name"}
_CLEANED_AT = tuple(
    _AT[name] for name in ("locality", "agency", "occurred_at", "reported_at", "latitude", "longitude")
)


class _Cleaned:
    """What Incident.clean reads of an incident, without building one."""

    __slots__ = ("agency_id", "latitude", "locality_id", "longitude", "occurred_at", "reported_at")

    def __init__(self, locality_id, agency_id, occurred_at, reported_at, latitude, longitude):
        self.locality_id, self.agency_id = locality_id, agency_id
        self.occurred_at, self.reported_at = occurred_at, reported_at
        self.latitude, self.longitude = latitude, longitude


class BulkIntake:
    """Takes in the incidents of an import by the rules of incident_create, without a model instance a row.

    `prepare` checks a row as incident_create would (Intake: its place belongs to the organisation, the
    leader in charge of it on the day it occurred, frozen, the handling unit and its focal point, the
    deadlines in working hours; the model's field rules and its clean) and gives the values to write, or
    raises ValidationError. `write` numbers a batch of them in the order given, under the organisation's row
    lock (the lock incident_create takes, held until the import commits), sets their search text as save()
    does, and inserts them in one statement (core.bulk.insert). Routing and deadlines are looked up once
    per distinct place and day. It keeps what the import's audit event and notices need: how many were
    written, the first and last codes, how many concern each person, how many are pressing. No audit event
    and no notification here."""

    def __init__(self, *, actor, organization, now: dt.datetime):
        self.organization = organization
        self.intake = Intake(organization)
        new = Incident(
            organization=organization,
            reporter=actor if getattr(actor, "is_authenticated", False) else None,
            created_at=now,
            updated_at=now,
            status_changed_at=now,
        )
        self._template = [getattr(new, Incident._meta.get_field(name).attname) for name in _COLUMNS]
        self._arrange = _ARRANGE
        self._routed: dict = {}
        self._flags: dict = {}
        self._kept: list = []
        self._places: dict = {}
        self._rules = [
            (_AT[name], name, field, _plainly_valid(field), set() if name in _REPEATING else None)
            for name, field in ((name, Incident._meta.get_field(name)) for name in _CHECKED)
        ]
        self._numbers: dict[str, int] = {}
        self._locked = False
        self.count = 0
        self.first_code = self.last_code = ""
        self.people: dict[
            int, int
        ] = {}  # user id → incidents that are theirs (leader in charge, focal point)
        self.pressing = 0  # urgent, or of public concern: the Standing Board hears of them

    def prepare(
        self,
        *,
        title: str,
        description: str,
        occurred_at: dt.datetime,
        reported_at: dt.datetime,
        source: str,
        field: str,
        severity: str,
        locality=None,
        agency=None,
        place: str = "",
        latitude=None,
        longitude=None,
        reporter_name: str = "",
        reporter_contact: str = "",
        flags: dict | None = None,
        folded_title: str | None = None,
    ) -> list:
        """The values of a new incident, checked and routed, not yet numbered: texts as core.text.nfc gives
        them; `folded_title` is fold(title), when the caller has it."""
        zone = self.intake.zone
        day = (occurred_at if occurred_at.tzinfo is zone else timezone.localtime(occurred_at)).date()
        key = (id(locality), id(agency), day, severity, reported_at)
        routed = self._routed.get(key)
        if routed is None:
            routed = self._route(key, locality, agency, occurred_at, severity, reported_at)
        (
            locality_id,
            agency_id,
            leader_id,
            assignment_id,
            via,
            unit_id,
            focal_point_id,
            ack_due,
            resolve_due,
            prefix,
            people,
        ) = routed
        flags = flags or {}
        row = self._arrange(
            [
                *self._template,
                title,
                description,
                locality_id,
                agency_id,
                place,
                latitude,
                longitude,
                occurred_at,
                reported_at,
                source,
                field,
                severity,
                reporter_name,
                reporter_contact,
                leader_id,
                assignment_id,
                via,
                unit_id,
                focal_point_id,
                ack_due,
                resolve_due,
                *self._flag_values(flags),
            ]
        )
        row = list(row)
        self._check(row)
        # The code's prefix until write numbers the row, the folded title and place until it adds the code.
        row[_CODE] = prefix
        folded_place = self._places.get(place)
        if folded_place is None:
            folded_place = self._places[place] = fold(place)
        folded = folded_title if folded_title is not None else fold(title)
        row[_SEARCH] = f"{folded} {folded_place}" if folded_place else folded
        counts = self.people
        for user in people:
            counts[user] = counts.get(user, 0) + 1
        if severity == Severity.URGENT or flags.get("is_public_concern"):
            self.pressing += 1
        return row

    def _flag_values(self, flags: dict) -> list[bool]:
        """The flag columns' values for `flags`, worked out once for each dict of flags given (an import
        gives the same few again and again); the dict is kept with them, so that its id stays its own."""
        found = self._flags.get(id(flags))
        if found is None:
            found = self._flags[id(flags)] = ([bool(flags.get(name)) for name in _FLAG_NAMES], flags)
        return found[0]

    def _route(self, key, locality, agency, occurred_at, severity, reported_at) -> tuple:
        """What incident_create works out for a place, a day, a severity and a time of report (Intake),
        remembered; the place's records are kept with it, so that their ids in the key stay theirs."""
        intake = self.intake
        intake.check_parties(locality, agency)
        answer = intake.route(locality or agency, occurred_at)
        unit = intake.handling_unit(locality, agency)
        focal_point = intake.focal_point(unit)
        ack_due, resolve_due = intake.deadlines(severity, reported_at)
        leader_user = getattr(answer.leader, "user", None) if answer.leader is not None else None
        people = tuple({u.pk for u in (leader_user, focal_point) if u is not None and u.is_active})
        routed = (
            getattr(locality, "pk", None),
            getattr(agency, "pk", None),
            getattr(answer.leader, "pk", None),
            getattr(answer.assignment, "pk", None),
            answer.via,
            getattr(unit, "pk", None),
            getattr(focal_point, "pk", None),
            ack_due,
            resolve_due,
            f"VV-{timezone.localtime(reported_at).year}-",
            people,
        )
        self._routed[key] = routed
        self._kept.append((locality, agency))
        return routed

    def _check(self, row: list) -> None:
        errors: dict[str, list[str]] = {}
        for index, name, field, plain, passed in self._rules:
            value = row[index]
            if passed is not None and value in passed:
                continue
            if plain(value):
                if passed is not None and len(passed) < 10_000:
                    passed.add(value)
                continue
            try:
                field.clean(value, None)
            except ValidationError as exc:
                errors[name] = exc.messages
        if errors:
            raise ValidationError(errors)
        Incident.clean(_Cleaned(*[row[index] for index in _CLEANED_AT]))

    def write(self, rows: list[list]) -> None:
        """Number `rows` (from prepare) after the organisation's last code of each year, and insert them."""
        if not rows:
            return
        if not self._locked:
            _lock_codes(self.organization)
            self._locked = True
        numbers = self._numbers
        for row in rows:
            prefix = row[_CODE]
            number = numbers.get(prefix)
            if number is None:
                number = _last_number(self.organization, prefix)
            numbers[prefix] = number = number + 1
            code = row[_CODE] = f"{prefix}{number:05d}"
            words = row[_SEARCH]
            # fold(f"{code} {title} {place}"), as save() sets it: a code folds to itself in lower case.
            row[_SEARCH] = f"{code.lower()} {words}" if words else code.lower()
        self.first_code = self.first_code or rows[0][_CODE]
        self.last_code = rows[-1][_CODE]
        insert(Incident, _COLUMNS, rows)
        self.count += len(rows)

    def written(self) -> Written:
        """The incidents written, in the order written, read from the database when asked for."""
        ids = dict(
            Incident.objects.filter(
                organization=self.organization, code__in=[self.first_code, self.last_code]
            ).values_list("code", "pk")
        )
        return Written(
            Incident.objects.filter(
                organization=self.organization,
                pk__gte=ids.get(self.first_code, 0),
                pk__lte=ids.get(self.last_code, 0),
            ),
            self.count,
        )


@transaction.atomic
def incident_reassign(
    *, actor, incident: Incident, version: int, leader, reason: str, handling_unit=None
) -> Incident:
    """Hand an incident to another leader (and unit), with a reason that goes on the timeline."""
    reason = nfc(reason)
    if not reason:
        raise ValidationError({"reason": _("Give the reason for the reassignment.")})
    if leader.organization_id != incident.organization_id:
        raise ValidationError({"leader": _("This person belongs to another organisation.")})
    data = {"responsible_leader": leader, "responsible_assignment": None, "routed_via": RoutedVia.MANUAL}
    if handling_unit is not None:
        if handling_unit.organization_id != incident.organization_id:
            raise ValidationError({"handling_unit": _("This unit belongs to another organisation.")})
        data.update(handling_unit=handling_unit, focal_point=_focal_point(handling_unit))
    incident = update_record(
        actor=actor,
        instance=incident,
        data=data,
        version=version,
        note=reason,
        kind="incident.reassigned",
        params={"leader": leader.pk},
    )
    title = _("Incident assigned to you: {title}").format(title=incident.title)
    user = getattr(leader, "user", None)
    if user is not None:
        notify(
            actor=actor,
            user=user,
            kind="incident_reassigned",
            key=f"incident:{incident.pk}:leader:{leader.pk}:{version}",
            title=title,
            body=reason,
            url=incident.get_absolute_url(),
            record=incident,
        )
    if handling_unit is not None and incident.focal_point is not None:
        notify(
            actor=actor,
            user=incident.focal_point,
            kind="incident_reassigned",
            key=f"incident:{incident.pk}:unit:{handling_unit.pk}:{version}",
            title=title,
            body=reason,
            url=incident.get_absolute_url(),
            record=incident,
        )
    return incident


# The moves that accept an incident, turn it away ("không thụ lý") or answer it. When the incident is routed
# to a leader, the leader in charge makes them (Regulation 09: the Standing Committee member in charge deals
# with it and answers for it), the office or the Standing Board on their behalf; never the handling unit's
# focal point, whose moves would otherwise count as the leader's acceptance.
LEADER_MOVES = (IncidentStatus.HANDLING, IncidentStatus.REJECTED, IncidentStatus.RESOLVED)


def move_refusal(*, actor, incident: Incident, status: str) -> str:
    """Why `actor` may not move `incident` to `status` now ("" when they may): the workflow matrix of
    docs/incidents.md. Pure, so pages can offer only the moves the service will make. An actor that is not
    a signed-in user (the demo loader, a data fix) is the system, bound by the workflow only."""
    if status not in TRANSITIONS.get(incident.status, ()):
        return _("An incident cannot move from “{current}” to “{new}”.").format(
            current=IncidentStatus(incident.status).label, new=IncidentStatus(status).label
        )
    if not getattr(actor, "is_authenticated", False):
        return ""
    if not can_handle(actor, incident):
        return _("You may not move this incident along its workflow.")
    if (
        status in LEADER_MOVES
        and incident.responsible_leader_id is not None
        and handles_only_as_focal_point(actor, incident)
    ):
        return _(
            "Only the leader in charge may accept, reject or resolve this incident; "
            "the focal point of the handling unit may not."
        )
    return ""


def working_hours_taken(
    organization, reported_at: dt.datetime, moment: dt.datetime, calendar=None
) -> Decimal:
    """The working hours from the report to `moment` on the organisation's calendar, to the hundredth: what
    the statistics' medians are taken over (ack_working_hours, resolve_working_hours)."""
    calendar = calendar or WorkingCalendar.for_organization(organization)
    return calendar.working_hours_between(reported_at, moment).quantize(Decimal("0.01"))


@transaction.atomic
def incident_set_status(
    *,
    actor,
    incident: Incident,
    version: int,
    status: str,
    note: str = "",
    resolution: str = "",
    reject_reason: str = "",
    duplicate_of: Incident | None = None,
) -> Incident:
    """Move an incident along its workflow; an illegal move is refused and nothing changes."""
    incident = Incident.objects.select_for_update().get(pk=incident.pk)
    if incident.version != version:
        raise ConflictError()
    refusal = move_refusal(actor=actor, incident=incident, status=status)
    if refusal:
        raise ValidationError(refusal)
    now = timezone.now()
    data: dict = {"status": status, "status_changed_at": now}
    calendar = WorkingCalendar.for_organization(incident.organization_id)
    if status in ACKNOWLEDGED_STATUSES and incident.acknowledged_at is None:
        data["acknowledged_at"] = now
        data["ack_working_hours"] = working_hours_taken(None, incident.reported_at, now, calendar)
    if status == IncidentStatus.RESOLVED:
        resolution = nfc(resolution)
        if not resolution:
            raise ValidationError({"resolution": _("Describe what was done.")})
        check_lengths(resolution=(resolution, LONG_TEXT))
        data.update(
            resolution=resolution,
            resolved_at=now,
            resolve_working_hours=working_hours_taken(None, incident.reported_at, now, calendar),
        )
    elif status == IncidentStatus.CLOSED:
        data["closed_at"] = now
    elif status == IncidentStatus.REOPENED:
        _ack, resolve_due = deadlines_for(
            organization=incident.organization, severity=incident.severity, start=now
        )
        data.update(
            resolved_at=None,
            resolve_working_hours=None,
            closed_at=None,
            resolve_due_at=resolve_due,
            reject_reason="",
        )
    elif status == IncidentStatus.REJECTED:
        if reject_reason not in RejectReason.values:
            raise ValidationError(
                {"reject_reason": _("Say why it is rejected: not in scope, or a duplicate.")}
            )
        if reject_reason == RejectReason.DUPLICATE:
            if duplicate_of is None or duplicate_of.pk == incident.pk:
                raise ValidationError({"duplicate_of": _("Name the incident it duplicates.")})
            if duplicate_of.organization_id != incident.organization_id:
                raise ValidationError({"duplicate_of": _("This record belongs to another organisation.")})
            data["duplicate_of"] = duplicate_of
        data["reject_reason"] = reject_reason
    incident = update_record(
        actor=actor,
        instance=incident,
        data=data,
        version=version,
        action=AuditAction.STATUS,
        note=nfc(note),
        kind="incident.status_changed",
        params={
            "from": incident.status,
            "to": status,
            "reject_reason": data.get("reject_reason", ""),
            "duplicate_of": getattr(data.get("duplicate_of"), "code", ""),
        },
    )
    _notify_move(incident, actor=actor, version=version)
    return incident


def _leader_user(incident: Incident):
    leader = incident.responsible_leader
    return getattr(leader, "user", None) if leader is not None else None


# Who must act after each move (docs/incidents.md, "Who is told"): handed to the unit, its focal point
# handles it; reopened, the leader in charge and the focal point take it up again; resolved or turned away,
# the colleague who reported it learns the answer. Accepting and closing tell nobody: nobody has to act.
MOVE_NOTICES = {
    IncidentStatus.ASSIGNED: ("incident_assigned", gettext_lazy("Incident handed to your unit: {title}")),
    IncidentStatus.REOPENED: ("incident_reopened", gettext_lazy("Incident reopened: {title}")),
    IncidentStatus.RESOLVED: (
        "incident_resolved",
        gettext_lazy("The incident you reported was resolved: {title}"),
    ),
    IncidentStatus.REJECTED: (
        "incident_rejected",
        gettext_lazy("The incident you reported was not taken up: {title}"),
    ),
}


def _notify_move(incident: Incident, *, actor, version: int) -> None:
    if incident.status not in MOVE_NOTICES:
        return
    kind, title = MOVE_NOTICES[incident.status]
    if incident.status == IncidentStatus.ASSIGNED:
        people, body = [incident.focal_point], ""
    elif incident.status == IncidentStatus.REOPENED:
        people, body = [_leader_user(incident), incident.focal_point], ""
    else:
        people = [incident.reporter]
        body = incident.resolution if incident.status == IncidentStatus.RESOLVED else ""
    for user in {u.pk: u for u in people if u is not None}.values():
        notify(
            actor=actor,
            user=user,
            kind=kind,
            key=f"incident:{incident.pk}:{incident.status}:{version}",
            title=str(title).format(title=incident.title),
            body=body[:500],
            url=incident.get_absolute_url(),
            record=incident,
        )


@transaction.atomic
def incident_link_duplicate(*, actor, incident: Incident, version: int, duplicate_of: Incident) -> Incident:
    """Mark a freshly reported incident as a duplicate of an earlier one, and reject it as such."""
    return incident_set_status(
        actor=actor,
        incident=incident,
        version=version,
        status=IncidentStatus.REJECTED,
        reject_reason=RejectReason.DUPLICATE,
        duplicate_of=duplicate_of,
    )


@transaction.atomic
def incident_issue_directive(
    *,
    actor,
    incident: Incident,
    content: str,
    lead_unit,
    deadline: dt.date,
    issued_by=None,
    cooperating_units=(),
):
    """Issue a directive from an incident through the follow-up loop (re-supervision included)."""
    from followup.choices import SourceKind
    from followup.services import directive_create

    issued_by = issued_by or incident.responsible_leader
    if issued_by is None:
        raise ValidationError({"issued_by": _("Name the leader who issues the directive.")})
    directive = directive_create(
        actor=actor,
        organization=incident.organization,
        content=content,
        issued_by=issued_by,
        lead_unit=lead_unit,
        cooperating_units=cooperating_units,
        deadline=deadline,
        source_kind=SourceKind.INCIDENT,
        source=incident,
        locality=incident.locality,
    )
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        instance=incident,
        kind="incident.directive_issued",
        params={"directive": directive.pk},
    )
    return directive
