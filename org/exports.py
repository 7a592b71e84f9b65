"""Excel exports of the organisation's lists, written by core.exports from the rows the list shows."""

from django.utils.translation import gettext as _

from core.exports import CHUNK, Column, list_workbook
from org.choices import AssignmentRole


def _role(value) -> str:
    return str(AssignmentRole(value).label) if value in AssignmentRole.values else value


def assignment_workbook(qs) -> bytes:
    """The assignments of a (scoped, filtered) list as an .xlsx workbook, one row each."""
    columns = [
        Column(_("ID"), 8, lambda a: a.pk),
        Column(_("Leader"), 28, lambda a: a.leader.full_name),
        Column(_("Assigned to"), 36, lambda a: str(a.target)),
        Column(_("Locality code"), 12, lambda a: a.locality.code if a.locality_id else None),
        Column(_("Role"), 20, lambda a: _role(a.role)),
        Column(_("From"), 12, lambda a: a.valid_from),
        Column(_("To"), 12, lambda a: a.valid_to),
        Column(_("Decision"), 24, lambda a: a.decision),
        Column(_("Note"), 36, lambda a: a.note),
    ]
    first = qs.select_related("organization").first()
    return list_workbook(
        title=_("Assignments"),
        sheet=_("Assignments"),
        columns=columns,
        rows=qs.iterator(chunk_size=CHUNK),
        organisation=first.organization.name if first else "",
    )
