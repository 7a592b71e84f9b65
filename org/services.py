"""Writes of the organisation: every one atomic, validated and on the audit trail."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core import audit
from core.models import AuditAction
from core.services import archive_record, create_record, restore_record, update_record
from core.text import nfc
from org.choices import PRIMARY_ROLES, DivisionType
from org.models import AdministrativeUnit, Agency, Assignment, Body, Field, Membership, PartyCommittee, Person

# --- assignments ----------------------------------------------------------------------------------


def _check_assignment(assignment: Assignment) -> None:
    """Refuse an overlapping primary assignment of the same target and role, and foreign targets."""
    org_id = assignment.organization_id
    if assignment.leader_id and assignment.leader.organization_id != org_id:
        raise ValidationError({"leader": _("This person belongs to another organisation.")})
    if assignment.agency_id and assignment.agency.organization_id != org_id:
        raise ValidationError({"agency": _("This unit belongs to another organisation.")})
    if assignment.field_id and assignment.field.organization_id != org_id:
        raise ValidationError({"field": _("This field belongs to another organisation.")})
    if assignment.locality_id:
        root = assignment.organization.root_unit.path
        if not assignment.locality.path.startswith(root):
            raise ValidationError({"locality": _("This locality is outside the organisation's area.")})
    targets = [assignment.locality_id, assignment.agency_id, assignment.field_id]
    if sum(1 for t in targets if t) != 1:
        raise ValidationError(_("Choose exactly one of a locality, a unit or a field."))
    if assignment.valid_to and assignment.valid_to < assignment.valid_from:
        raise ValidationError({"valid_to": _("The end date is before the start date.")})
    if assignment.role not in PRIMARY_ROLES:
        return
    overlapping = Assignment.objects.active().filter(
        organization_id=org_id,
        role=assignment.role,
        locality_id=assignment.locality_id,
        agency_id=assignment.agency_id,
        field_id=assignment.field_id,
    )
    overlapping = overlapping.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=assignment.valid_from))
    if assignment.valid_to:
        overlapping = overlapping.filter(valid_from__lte=assignment.valid_to)
    if assignment.pk:
        overlapping = overlapping.exclude(pk=assignment.pk)
    clash = overlapping.select_related("leader").first()
    if clash:
        raise ValidationError(
            _(
                "{target} already has a leader with this role from {start}: {leader}. "
                "End that assignment first."
            ).format(
                target=assignment.target,
                start=clash.valid_from.strftime("%d/%m/%Y"),
                leader=clash.leader.full_name,
            )
        )


@transaction.atomic
def assignment_create(
    *,
    actor,
    organization,
    leader,
    role,
    valid_from,
    valid_to=None,
    locality=None,
    agency=None,
    field=None,
    decision: str = "",
    note: str = "",
) -> Assignment:
    """Assign a leader to a locality, a unit or a field."""
    assignment = Assignment(
        organization=organization,
        leader=leader,
        role=role,
        valid_from=valid_from,
        valid_to=valid_to,
        locality=locality,
        agency=agency,
        field=field,
        decision=nfc(decision),
        note=nfc(note),
    )
    _check_assignment(assignment)
    return create_record(actor=actor, instance=assignment)


@transaction.atomic
def assignment_update(*, actor, assignment: Assignment, version: int, **data) -> Assignment:
    """Change an assignment's leader, role, target or dates, refusing overlaps and stale edits."""
    allowed = {"leader", "role", "valid_from", "valid_to", "locality", "agency", "field", "decision", "note"}
    unknown = set(data) - allowed
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    for key in ("decision", "note"):
        if key in data:
            data[key] = nfc(data[key])
    probe = Assignment(pk=assignment.pk, organization=assignment.organization)
    for name in allowed:
        setattr(probe, name, data.get(name, getattr(assignment, name)))
    _check_assignment(probe)
    return update_record(actor=actor, instance=assignment, data=data, version=version)


@transaction.atomic
def assignment_end(*, actor, assignment: Assignment, version: int, on: dt.date) -> Assignment:
    """End an assignment on a date; its history stays."""
    return assignment_update(actor=actor, assignment=assignment, version=version, valid_to=on)


@transaction.atomic
def assignment_reassign(
    *, actor, assignment: Assignment, version: int, leader: Person, on: dt.date, decision: str = ""
) -> Assignment:
    """Hand a target to another leader from a date: the old assignment ends the day before."""
    if on <= assignment.valid_from:
        raise ValidationError({"valid_from": _("The new assignment must start after the current one began.")})
    assignment_end(actor=actor, assignment=assignment, version=version, on=on - dt.timedelta(days=1))
    return assignment_create(
        actor=actor,
        organization=assignment.organization,
        leader=leader,
        role=assignment.role,
        valid_from=on,
        valid_to=None,
        locality=assignment.locality,
        agency=assignment.agency,
        field=assignment.field,
        decision=decision,
    )


def assignment_archive(*, actor, assignment: Assignment, version: int) -> Assignment:
    return archive_record(actor=actor, instance=assignment, version=version)


# --- agencies and people --------------------------------------------------------------------------


def agency_create(
    *,
    actor,
    organization,
    code: str,
    name: str,
    kind: str,
    parent: Agency | None = None,
    locality: AdministrativeUnit | None = None,
    short_name: str = "",
    email: str = "",
    phone: str = "",
) -> Agency:
    """Add an agency or unit to the organisation."""
    if locality is not None and not locality.path.startswith(organization.root_unit.path):
        raise ValidationError({"locality": _("This locality is outside the organisation's area.")})
    agency = Agency(
        organization=organization,
        code=nfc(code),
        name=nfc(name),
        kind=kind,
        parent=parent,
        locality=locality,
        short_name=nfc(short_name),
        email=email,
        phone=nfc(phone),
    )
    return create_record(actor=actor, instance=agency)


@transaction.atomic
def agency_update(*, actor, agency: Agency, version: int, **data) -> Agency:
    """Change an agency; moving it in the tree re-paths everything below it."""
    for key in ("code", "name", "short_name", "phone"):
        if key in data:
            data[key] = nfc(data[key])
    locality = data.get("locality")
    if locality is not None and not locality.path.startswith(agency.organization.root_unit.path):
        raise ValidationError({"locality": _("This locality is outside the organisation's area.")})
    old_path = agency.path
    agency = update_record(actor=actor, instance=agency, data=data, version=version)
    if agency.path != old_path:
        for child in (
            Agency.objects.filter(organization=agency.organization, path__startswith=old_path)
            .exclude(pk=agency.pk)
            .order_by("path")
        ):
            child.parent = Agency.objects.get(pk=child.parent_id)
            child.save(update_fields=["path", "search_text", "sort_key", "updated_at"])
    return agency


def agency_archive(*, actor, agency: Agency, version: int) -> Agency:
    return archive_record(actor=actor, instance=agency, version=version)


def person_create(
    *,
    actor,
    organization,
    full_name: str,
    position: str = "",
    agency: Agency | None = None,
    email: str = "",
    phone: str = "",
    user=None,
) -> Person:
    """Add a person to the organisation."""
    if agency is not None and agency.organization_id != organization.pk:
        raise ValidationError({"agency": _("This unit belongs to another organisation.")})
    person = Person(
        organization=organization,
        full_name=nfc(full_name),
        position=nfc(position),
        agency=agency,
        email=email,
        phone=nfc(phone),
        user=user,
    )
    return create_record(actor=actor, instance=person)


def person_update(*, actor, person: Person, version: int, **data) -> Person:
    for key in ("full_name", "position", "phone"):
        if key in data:
            data[key] = nfc(data[key])
    agency = data.get("agency")
    if agency is not None and agency.organization_id != person.organization_id:
        raise ValidationError({"agency": _("This unit belongs to another organisation.")})
    return update_record(actor=actor, instance=person, data=data, version=version)


def person_archive(*, actor, person: Person, version: int) -> Person:
    """Archive a person; one who still answers for a place must have those assignments ended first."""
    import django.utils.timezone as tz

    today = tz.localdate()
    current = (
        Assignment.objects.active()
        .filter(leader=person, valid_from__lte=today)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=today))
    )
    count = current.count()
    if count:
        raise ValidationError(
            ngettext(
                "{name} still holds {count} current assignment: end it before archiving.",
                "{name} still holds {count} current assignments: end them before archiving.",
                count,
            ).format(name=person.full_name, count=count)
        )
    return archive_record(actor=actor, instance=person, version=version)


def person_restore(*, actor, person: Person, version: int) -> Person:
    return restore_record(actor=actor, instance=person, version=version)


# --- administrative units -------------------------------------------------------------------------

_DIVISION_TYPES = {
    "thành phố trung ương": DivisionType.CENTRAL_CITY,
    "tỉnh": DivisionType.PROVINCE,
    "phường": DivisionType.WARD,
    "xã": DivisionType.COMMUNE,
    "đặc khu": DivisionType.SPECIAL_ZONE,
}


def _division_type(value) -> str:
    return _DIVISION_TYPES.get(str(getattr(value, "value", value)).lower(), DivisionType.OTHER)


@transaction.atomic
def units_import(*, actor, province_codes: list[int] | None = None) -> dict:
    """Load provinces and communes from the official list (`vietnam-provinces`), keyed on their codes.

    Idempotent: a second run changes nothing; a renamed unit is updated and the rename is audited.
    An unknown province code is refused before anything is written.
    """
    from vietnam_provinces import Province, Ward

    provinces = {int(p.code): p for p in Province.iter_all()}
    wanted = sorted(provinces) if not province_codes else sorted(set(province_codes))
    unknown = [c for c in wanted if c not in provinces]
    if unknown:
        raise ValidationError(
            _(
                "Unknown province code: {codes}. Valid codes are the official ones, such as 1 (Hà Nội) or 79."
            ).format(codes=", ".join(str(c) for c in unknown))
        )
    counts = {"created": 0, "renamed": 0, "unchanged": 0}
    existing = {(u.level, u.code): u for u in AdministrativeUnit.objects.filter(level__in=[1, 2])}
    wards_by_province: dict[int, list] = {}
    for ward in Ward.iter_all():
        wards_by_province.setdefault(int(ward.province_code), []).append(ward)

    def upsert(level, code, name, division_type, parent):
        unit = existing.get((level, code))
        if unit is None:
            unit = AdministrativeUnit(
                level=level, code=code, name=name, division_type=division_type, parent=parent
            )
            unit.save()
            existing[(level, code)] = unit
            counts["created"] += 1
            return unit, True
        if unit.name != name or unit.division_type != division_type:
            before = {"name": unit.name, "division_type": unit.division_type}
            unit.name, unit.division_type = name, division_type
            unit.save()
            audit.record(
                actor=actor,
                action=AuditAction.UPDATE,
                instance=unit,
                changes=audit.diff(before, {"name": name, "division_type": division_type}),
                kind="unit.renamed_by_import",
            )
            counts["renamed"] += 1
        else:
            counts["unchanged"] += 1
        return unit, False

    new_units = []
    for code in wanted:
        p = provinces[code]
        province, _created = upsert(1, code, nfc(p.name), _division_type(p.division_type), None)
        for w in wards_by_province.get(code, []):
            unit = existing.get((2, int(w.code)))
            name, dtype = nfc(w.name), _division_type(w.division_type)
            if unit is None:
                unit = AdministrativeUnit(
                    level=2, code=int(w.code), name=name, division_type=dtype, parent=province
                )
                unit.refresh_derived()
                new_units.append(unit)
                existing[(2, int(w.code))] = unit
                counts["created"] += 1
            else:
                upsert(2, int(w.code), name, dtype, province)
    AdministrativeUnit.objects.bulk_create(new_units, batch_size=500)
    if counts["created"] or counts["renamed"]:
        audit.record(
            actor=actor,
            action=AuditAction.IMPORT,
            kind="units.imported",
            params={"created": counts["created"], "renamed": counts["renamed"]},
        )
    return counts


# --- committees, fields, bodies and memberships ---------------------------------------------------


def committee_create(
    *,
    actor,
    code: str,
    name: str,
    root_unit: AdministrativeUnit,
    superior_body: str = "ĐẢNG BỘ",
    document_symbol: str = "TU",
    place_name: str = "",
    require_two_factor_for_office: bool = False,
) -> PartyCommittee:
    """Add a Party committee over an administrative unit; its default leader is set once it has people."""
    committee = PartyCommittee(
        code=code,
        name=nfc(name),
        root_unit=root_unit,
        superior_body=nfc(superior_body),
        document_symbol=nfc(document_symbol),
        place_name=nfc(place_name),
        require_two_factor_for_office=require_two_factor_for_office,
    )
    return create_record(actor=actor, instance=committee)


@transaction.atomic
def committee_update(*, actor, committee: PartyCommittee, version: int, **data) -> PartyCommittee:
    """Change a committee's names, document details, default leader or two-factor rule."""
    allowed = {
        "name",
        "superior_body",
        "document_symbol",
        "place_name",
        "default_leader",
        "require_two_factor_for_office",
    }
    unknown = set(data) - allowed
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    for key in ("name", "superior_body", "document_symbol", "place_name"):
        if key in data:
            data[key] = nfc(data[key])
    leader = data.get("default_leader")
    if leader is not None and leader.organization_id != committee.pk:
        raise ValidationError({"default_leader": _("This person belongs to another organisation.")})
    return update_record(actor=actor, instance=committee, data=data, version=version)


def field_create(*, actor, organization: PartyCommittee, name: str) -> Field:
    """Add a field of work (lĩnh vực) that leaders can be assigned."""
    return create_record(actor=actor, instance=Field(organization=organization, name=nfc(name)))


def body_create(
    *,
    actor,
    organization: PartyCommittee,
    kind: str,
    term: str,
    term_start: dt.date,
    term_end: dt.date | None = None,
) -> Body:
    """Add a body (Standing Board, Standing Committee or Executive Committee) for one term."""
    if term_end and term_end < term_start:
        raise ValidationError({"term_end": _("The end date is before the start date.")})
    body = Body(
        organization=organization, kind=kind, term=nfc(term), term_start=term_start, term_end=term_end
    )
    return create_record(actor=actor, instance=body)


def membership_create(
    *,
    actor,
    body: Body,
    person: Person,
    valid_from: dt.date,
    valid_to: dt.date | None = None,
    position: str = "",
    order: int = 100,
) -> Membership:
    """Seat a person of the same organisation on a body, with a position and dates."""
    if person.organization_id != body.organization_id:
        raise ValidationError({"person": _("This person belongs to another organisation.")})
    membership = Membership(
        body=body,
        person=person,
        position=nfc(position),
        order=order,
        valid_from=valid_from,
        valid_to=valid_to,
    )
    return create_record(actor=actor, instance=membership)


@transaction.atomic
def membership_add(
    *,
    actor,
    body: Body,
    person: Person,
    valid_from: dt.date,
    position: str = "",
    order: int = 100,
) -> Membership:
    """The office seats a person on a body from a date, within the body's term and not twice at once."""
    if person.archived_at is not None:
        raise ValidationError({"person": _("This person is archived: restore them first.")})
    if body.archived_at is not None:
        raise ValidationError({"body": _("This body is archived.")})
    if valid_from < body.term_start or (body.term_end and valid_from > body.term_end):
        raise ValidationError(
            {
                "valid_from": _("The start date must fall within the term {term} ({start} to {end}).").format(
                    term=body.term,
                    start=body.term_start.strftime("%d/%m/%Y"),
                    end=body.term_end.strftime("%d/%m/%Y") if body.term_end else "…",
                )
            }
        )
    seated = (
        Membership.objects.active()
        .filter(body=body, person=person)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=valid_from))
        .order_by("valid_from")
        .first()
    )
    if seated is not None:
        raise ValidationError(
            {
                "body": _("{person} already sits on {body} from {start}. End that seat first.").format(
                    person=person.full_name, body=body, start=seated.valid_from.strftime("%d/%m/%Y")
                )
            }
        )
    return membership_create(
        actor=actor, body=body, person=person, valid_from=valid_from, position=position, order=order
    )


@transaction.atomic
def membership_end(*, actor, membership: Membership, version: int, on: dt.date) -> Membership:
    """End a seat on a body on a date (inclusive); the seat stays in the person's history."""
    if membership.valid_to is not None:
        raise ValidationError(
            {
                "valid_to": _("This seat already ended on {date}.").format(
                    date=membership.valid_to.strftime("%d/%m/%Y")
                )
            }
        )
    if on < membership.valid_from:
        raise ValidationError(
            {
                "valid_to": _("The end date is before the start date ({start}).").format(
                    start=membership.valid_from.strftime("%d/%m/%Y")
                )
            }
        )
    return update_record(actor=actor, instance=membership, data={"valid_to": on}, version=version)
