"""Excel exports of the follow-up lists, and the template of the directive import sheet.

Each export takes the queryset the list already shows (scoped to the user by the selector and filtered by
the shared filter), so it leaves out nothing the user may see and holds nothing they may not. Workbooks are
written in openpyxl's write-only mode, the rows streamed from the database in chunks.
"""

import datetime as dt
import io
import itertools

from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from core import references, xlsx
from core.calendar import default_deadline
from core.exports import BOLD, Column, instructions_sheet, list_workbook
from followup import selectors
from followup.choices import (
    CheckMethod,
    ObstacleCategory,
    ObstacleStatus,
    RaisedIn,
    ResolutionLevel,
    SourceKind,
    StatusBucket,
    Verdict,
)

CHUNK = 2000


def _label(choices, value) -> str:
    return str(choices(value).label) if value in choices.values else (value or "")


def _name(record) -> str:
    return str(record) if record is not None else ""


def _organisation_name(qs) -> str:
    row = qs.order_by().values_list("organization__name", flat=True).first()
    return row or ""


def _workbook(*, title: str, columns: list[Column], qs) -> bytes:
    """The list, numbered from 1, under the organisation's name, written by the shared list writer."""
    numbers = itertools.count(1)
    return list_workbook(
        title=title,
        sheet=title,
        columns=[Column(_("No."), 6, lambda record: next(numbers)), *columns],
        rows=qs.iterator(chunk_size=CHUNK),
        organisation=_organisation_name(qs),
    )


# --- obstacles ------------------------------------------------------------------------------------


def obstacle_workbook(qs) -> bytes:
    """The obstacles of a (scoped, filtered) list as an .xlsx workbook."""
    today = timezone.localdate()
    columns = [
        Column(_("Title"), 40, lambda o: o.title),
        Column(_("Category"), 24, lambda o: _label(ObstacleCategory, o.category)),
        Column(_("Status"), 20, lambda o: _label(ObstacleStatus, o.status)),
        Column(_("Locality"), 24, lambda o: _name(o.locality)),
        Column(_("Unit concerned"), 28, lambda o: _name(o.agency)),
        Column(_("Subject"), 28, lambda o: o.subject_label),
        Column(_("Raised by"), 24, lambda o: _name(o.raised_by)),
        Column(_("Raised in"), 18, lambda o: _label(RaisedIn, o.raised_in)),
        Column(_("Raised on"), 12, lambda o: o.raised_on),
        Column(_("Level that can resolve it"), 22, lambda o: _label(ResolutionLevel, o.resolution_level)),
        Column(_("Agency that must resolve it"), 28, lambda o: _name(o.responsible_agency)),
        Column(_("Deadline"), 12, lambda o: o.deadline),
        Column(_("Overdue"), 10, lambda o: _("Yes") if getattr(o, "is_overdue", 0) else ""),
        Column(_("Age (days)"), 10, lambda o: selectors.obstacle_age_days(o, today)),
        Column(_("Escalated on"), 12, lambda o: o.escalated_on),
        Column(_("Standing Committee decision"), 40, lambda o: o.committee_decision),
        Column(_("Decided on"), 12, lambda o: o.decided_on),
        Column(_("Resolution"), 40, lambda o: o.resolution),
        Column(_("Resolved on"), 12, lambda o: o.resolved_on),
        Column(_("Verification"), 30, lambda o: o.verification),
        Column(_("Verified on"), 12, lambda o: o.verified_on),
        Column(_("Reason for closing"), 30, lambda o: o.closed_reason),
        Column(_("Closed on"), 12, lambda o: o.closed_on),
        Column(_("Description"), 50, lambda o: o.description),
    ]
    return _workbook(title=_("Obstacles"), columns=columns, qs=qs)


# --- directives -----------------------------------------------------------------------------------


def _bucket(directive, today: dt.date) -> str:
    bucket = getattr(directive, "status_bucket", None)
    if bucket is None:
        bucket = selectors.status_bucket(
            deadline=directive.deadline,
            completed_on=directive.completed_on,
            confirmed_on=directive.completion_confirmed_on,
            closed_on=directive.closed_on,
            has_report=bool(getattr(directive, "report_count", 0)),
            today=today,
        )
    return _label(StatusBucket, bucket)


def _source_label(directive) -> str:
    """The source's label, or the out-of-reach words (the list is annotated by core.references)."""
    if directive.source_id and references.in_reach(directive, "source_id") is False:
        return str(references.OUT_OF_REACH)
    return directive.source_label


def _parent_id(directive):
    return None if references.in_reach(directive, "parent") is False else directive.parent_id


def directive_workbook(qs) -> bytes:
    """The directives of a (scoped, filtered) list as an .xlsx workbook, each with its status bucket."""
    today = timezone.localdate()
    columns = [
        Column(_("Reference"), 14, lambda d: d.number),
        Column(_("Content"), 60, lambda d: d.content),
        Column(_("Status"), 24, lambda d: _bucket(d, today)),
        Column(_("Lead unit"), 28, lambda d: _name(d.lead_unit)),
        Column(
            _("Cooperating units"),
            32,
            lambda d: "; ".join(u.name for u in d.cooperating_units.all()),
        ),
        Column(_("Deadline"), 12, lambda d: d.deadline),
        Column(_("Completed on"), 12, lambda d: d.completed_on),
        Column(_("Completion confirmed on"), 14, lambda d: d.completion_confirmed_on),
        Column(_("Issued by (leader)"), 24, lambda d: _name(d.issued_by)),
        Column(_("Issued on"), 12, lambda d: d.issued_on),
        Column(_("Locality"), 24, lambda d: _name(d.locality)),
        Column(_("Source"), 24, lambda d: _label(SourceKind, d.source_kind)),
        Column(_("Source document"), 32, _source_label),
        Column(_("Progress reports"), 10, lambda d: getattr(d, "report_count", None)),
        Column(_("Completion report"), 40, lambda d: d.completion_note),
        Column(_("Closed on"), 12, lambda d: d.closed_on),
        Column(_("Follows up (ID)"), 10, _parent_id),
        Column(_("ID"), 8, lambda d: d.pk),
    ]
    return _workbook(title=_("Directives"), columns=columns, qs=qs)


# --- re-supervision -------------------------------------------------------------------------------


def _item_kind(check) -> str:
    return _("Directive") if check.directive_id else _("Obstacle")


def _recorded_by(check) -> str:
    user = check.recorded_by
    return (user.get_full_name() or user.username) if user is not None else ""


def _item_label(check) -> str:
    """The checked item's title, or the out-of-reach words (the list is annotated by core.references)."""
    name = "directive" if check.directive_id else "obstacle"
    if references.in_reach(check, name) is False:
        return str(references.OUT_OF_REACH)
    return str(check.item)


def _follow_up_id(check):
    return None if references.in_reach(check, "follow_up") is False else check.follow_up_id


def resupervision_workbook(qs) -> bytes:
    """The re-supervision checks of a (scoped, filtered) list as an .xlsx workbook."""
    columns = [
        Column(_("Checked item"), 14, _item_kind),
        Column(_("Content"), 50, _item_label),
        Column(_("Locality"), 24, lambda c: _name(c.locality)),
        Column(_("Unit"), 28, lambda c: _name(c.agency)),
        Column(_("Due on"), 12, lambda c: c.due_on),
        Column(_("Checked by (leader)"), 24, lambda c: _name(c.assigned_to)),
        Column(_("Checked by (working group)"), 24, lambda c: c.checked_group),
        Column(_("Verdict"), 22, lambda c: _label(Verdict, c.verdict)),
        Column(_("How it was checked"), 16, lambda c: _label(CheckMethod, c.method)),
        Column(_("Checked on"), 12, lambda c: c.checked_on),
        Column(_("Where"), 24, lambda c: c.place),
        Column(_("Evidence"), 50, lambda c: c.evidence),
        Column(_("Follow-up directive (ID)"), 12, _follow_up_id),
        Column(_("Supersedes (ID)"), 10, lambda c: c.supersedes_id),
        Column(_("Recorded by"), 22, _recorded_by),
        Column(_("Recorded at"), 16, lambda c: c.recorded_at),
        Column(_("ID"), 8, lambda c: c.pk),
    ]
    return _workbook(title=_("Re-supervision"), columns=columns, qs=qs)


# --- the directive import template ----------------------------------------------------------------


def directive_import_template() -> bytes:
    """The sheet followup.importers.import_directives reads: the headings, one example row, and a second
    sheet explaining each column."""
    from followup.importers import COLUMNS, MAX_ROWS

    # The example imports as it is into the demo's Hanoi committee (accounts.demo): its agency codes, the
    # leader in charge of Phường Hoàn Kiếm (70), and a deadline on a working day a month ahead.
    example = {
        "number": "1",
        "content": _("Complete the site clearance of the project before the deadline."),
        "lead_unit": "SO-XD",
        "cooperating_units": "SO-TC; SO-NNMT",
        "deadline": default_deadline(None, 30),  # a month ahead, on a working day
        "issued_by": "Lương Đức Thịnh",
        "locality_code": 70,
    }
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title=_("Directives")[:31])
    for index, column in enumerate(COLUMNS, start=1):
        ws.column_dimensions[get_column_letter(index)].width = column.width
    ws.freeze_panes = "A2"
    ws.append([xlsx.cell(ws, column.heading(), font=BOLD, wrap=True) for column in COLUMNS])
    ws.append([xlsx.cell(ws, example[column.key]) for column in COLUMNS])

    instructions_sheet(
        wb,
        intro=_(
            "One directive a row, below the heading row of the first sheet. Replace the example row. "
            "If any row has an error, nothing is imported: every error is listed with its row and "
            "column. At most {limit} rows. Cells must hold values, not formulas; do not merge cells."
        ).format(limit=number_format(MAX_ROWS, force_grouping=True)),
        columns=COLUMNS,
    )
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
