"""Excel export of the incident list, and the template of the incident import sheet.

The export takes the queryset the list already shows (scoped to the user by incidents.selectors and
filtered by IncidentFilterSet), so it leaves out nothing the user may see and holds nothing they may not. The
workbook is core.exports.list_workbook's, the rows streamed from the database in chunks. Times are
real Excel date-times in local time, shown dd/mm/yyyy hh:mm; choices are written as their labels.
"""

import datetime as dt
import io

from django.db.models import F
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from core import xlsx
from core.exports import BOLD, CHUNK, Column, instructions_sheet, list_workbook
from incidents.choices import FLAGS, IncidentField, IncidentSource, IncidentStatus, RejectReason, Severity


def _label(choices, value) -> str:
    return str(choices(value).label) if value in choices.values else (value or "")


def _name(record) -> str:
    return str(record) if record is not None else ""


def _person(user) -> str:
    return (user.get_full_name() or user.username) if user is not None else ""


def _flags(incident) -> str:
    return ", ".join(str(label) for name, label in FLAGS if getattr(incident, name))


def _coordinate(value):
    return float(value) if value is not None else None


def _overdue(incident) -> str:
    return _("Yes") if getattr(incident, "is_overdue", False) else ""


def columns() -> list[Column]:
    """The export's columns, headings in the active language."""
    return [
        Column(_("No."), 6, lambda i: i.row_number),
        Column(_("Code"), 16, lambda i: i.code),
        Column(_("Title"), 40, lambda i: i.title, wrap=True),
        Column(_("Status"), 16, lambda i: _label(IncidentStatus, i.status)),
        Column(_("Severity"), 12, lambda i: _label(Severity, i.severity)),
        Column(_("Field"), 18, lambda i: _label(IncidentField, i.field)),
        Column(_("Source"), 18, lambda i: _label(IncidentSource, i.source)),
        Column(_("Characteristics"), 28, _flags, wrap=True),
        Column(_("Locality"), 24, lambda i: _name(i.locality)),
        Column(_("Unit concerned"), 28, lambda i: _name(i.agency)),
        Column(_("Place"), 28, lambda i: i.place, wrap=True),
        Column(_("Latitude"), 11, lambda i: _coordinate(i.latitude)),
        Column(_("Longitude"), 11, lambda i: _coordinate(i.longitude)),
        Column(_("Occurred at"), 17, lambda i: i.occurred_at),
        Column(_("Reported at"), 17, lambda i: i.reported_at),
        Column(_("Leader in charge"), 24, lambda i: _name(i.responsible_leader)),
        Column(_("Routed by"), 24, lambda i: i.get_routed_via_display()),
        Column(_("Handling unit"), 28, lambda i: _name(i.handling_unit)),
        Column(_("Focal point"), 22, lambda i: _person(i.focal_point)),
        Column(_("Acknowledge by"), 17, lambda i: i.ack_due_at),
        Column(_("Resolve by"), 17, lambda i: i.resolve_due_at),
        Column(_("Acknowledged at"), 17, lambda i: i.acknowledged_at),
        Column(_("Resolved at"), 17, lambda i: i.resolved_at),
        Column(_("Closed at"), 17, lambda i: i.closed_at),
        Column(_("Overdue"), 10, _overdue),
        Column(_("Resolution"), 40, lambda i: i.resolution, wrap=True),
        Column(_("Rejected as"), 18, lambda i: _label(RejectReason, i.reject_reason)),
        Column(_("Duplicate of"), 16, lambda i: getattr(i, "duplicate_code", None) or ""),
        Column(_("Reported by (name)"), 22, lambda i: i.reporter_name),
        Column(_("Reporter's contact"), 22, lambda i: i.reporter_contact),
        Column(_("Description"), 50, lambda i: i.description, wrap=True),
        Column(_("ID"), 8, lambda i: i.pk),
    ]


def _numbered(rows):
    for number, incident in enumerate(rows, start=1):
        incident.row_number = number
        yield incident


def incident_workbook(qs) -> bytes:
    """The incidents of a (scoped, filtered) list as an .xlsx workbook: a title row (organisation, list,
    export time), the headings on row 3, one incident a row from row 4."""
    organisation = qs.order_by().values_list("organization__name", flat=True).first() or ""
    # The duplicate's code comes with the row (one join), not one query per row.
    rows = qs.annotate(duplicate_code=F("duplicate_of__code")).iterator(chunk_size=CHUNK)
    return list_workbook(
        title=_("Incidents"),
        sheet=_("Incidents"),
        columns=columns(),
        rows=_numbered(rows),
        organisation=organisation,
        freeze="C4",
    )


# --- the import template ----------------------------------------------------------------------------


def incident_import_template() -> bytes:
    """The sheet incidents.importers.import_incidents reads: the headings, two example rows, drop-down
    lists of the labels it accepts, and a second sheet explaining each column."""
    from incidents.importers import COLUMNS, MAX_ROWS, choice_labels

    now = timezone.localtime().replace(minute=0, second=0, microsecond=0, tzinfo=None)
    examples = [
        {
            "title": "Rác thải tồn đọng nhiều ngày trên phố Hàng Bạc",
            "description": "Người dân phản ánh rác để trên vỉa hè trước số 20 ba ngày chưa được thu gom.",
            "unit": 70,
            "agency": "",
            "place": "Trước số 20 phố Hàng Bạc",
            "latitude": 21.0345,
            "longitude": 105.8524,
            "occurred_at": now - dt.timedelta(days=1),
            "reported_at": now,
            "severity": str(Severity.NORMAL.label),
            "source": str(IncidentSource.HOTLINE.label),
            "field": str(IncidentField.ENVIRONMENT.label),
            "flags": str(dict(FLAGS)["is_pressing"]),
            "reporter_name": "Nguyễn Văn An",
            "reporter_contact": "0912 345 678",
        },
        {
            "title": "Cháy kho hàng trong ngõ, nhiều hộ dân phải sơ tán",
            "description": "Cháy lúc rạng sáng, lực lượng chữa cháy đã có mặt; "
            "cần hỗ trợ các hộ bị ảnh hưởng.",
            "unit": 70,
            "agency": "",
            "place": "Ngõ 12",
            "latitude": None,
            "longitude": None,
            "occurred_at": now - dt.timedelta(hours=3),
            "reported_at": None,
            "severity": str(Severity.URGENT.label),
            "source": str(IncidentSource.SOCIAL_MEDIA.label),
            "field": str(IncidentField.SECURITY.label),
            "flags": ", ".join(str(dict(FLAGS)[n]) for n in ("is_sudden", "is_public_concern")),
            "reporter_name": "",
            "reporter_contact": "",
        },
    ]
    # A normal (not write-only) workbook: it is small, and drop-down lists need it.
    wb = Workbook()
    ws = wb.active
    ws.title = _("Incidents")[:31]
    for index, column in enumerate(COLUMNS, start=1):
        ws.column_dimensions[get_column_letter(index)].width = column.width
    ws.freeze_panes = "A2"
    ws.append([column.heading() for column in COLUMNS])
    for cell in ws[1]:
        cell.font = BOLD
        cell.alignment = xlsx.WRAP
    for example in examples:
        ws.append([example[column.key] for column in COLUMNS])
    for row in ws.iter_rows(min_row=2, max_row=1 + len(examples)):
        for cell, column in zip(row, COLUMNS, strict=True):
            if column.kind == "datetime":
                cell.number_format = xlsx.DATETIME_FORMAT
            elif column.kind == "text" and isinstance(cell.value, str):
                xlsx.as_text(cell, cell.value)
    lists = wb.create_sheet(_("Lists")[:31])
    for index, (key, labels) in enumerate(choice_labels().items(), start=1):
        letter = get_column_letter(index)
        lists.cell(row=1, column=index, value=next(c.heading() for c in COLUMNS if c.key == key)).font = BOLD
        for offset, label in enumerate(labels, start=2):
            lists.cell(row=offset, column=index, value=label)
        lists.column_dimensions[letter].width = 26
        target = get_column_letter(next(i for i, c in enumerate(COLUMNS, start=1) if c.key == key))
        validation = DataValidation(
            type="list",
            formula1=f"'{lists.title}'!${letter}$2:${letter}${len(labels) + 1}",
            allow_blank=True,
            showErrorMessage=False,  # other spellings (English, codes) are accepted too
        )
        validation.add(f"{target}2:{target}{MAX_ROWS + 1}")
        ws.add_data_validation(validation)

    instructions_sheet(
        wb,
        intro=_(
            "One incident a row, below the heading row of the first sheet. Replace the example rows. "
            "If any row has an error, nothing is imported: every error is listed with its row and "
            "column. At most {limit} rows. Cells must hold values, not formulas; do not merge cells. "
            "Each incident goes to the leader in charge of its place on the day it occurred."
        ).format(limit=number_format(MAX_ROWS, force_grouping=True)),
        columns=COLUMNS,
    )
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
