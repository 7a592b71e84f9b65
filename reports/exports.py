"""The reports' workbooks, in Vietnamese whatever the reader's language, as the office files them: the table
of every leader, with the same figures as the page (numbers stay numbers: counts, rates in %, hours); and the
rankings, one sheet of the rank, the name, the counts and the rate (core.exports.list_workbook)."""

from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import override

from core.exports import Column, list_workbook
from reports.content import MONEY, PERCENT, TEXT
from reports.selectors.leaders import MARK_WORDS, LeaderTable
from reports.selectors.rankings import Ranking


def _groups(row) -> str:
    return "; ".join(
        f"{group.group}: {'—' if group.rate is None else str(group.rate).replace('.', ',') + ' %'}"
        for group in row.groups
    )


def _mark_words(row) -> str:
    return ", ".join(str(MARK_WORDS[mark]) for mark in row.behind)


def leaders_workbook(table: LeaderTable) -> bytes:
    with override("vi"):
        columns = [
            Column("ID", 8, lambda r: r.leader.pk),
            Column(_("Leader"), 30, lambda r: r.leader.full_name),
            Column(_("Position"), 30, lambda r: r.leader.position, wrap=True),
            Column(_("Incidents reported in the period"), 14, lambda r: r.reported),
            Column(_("Resolved"), 12, lambda r: r.resolved),
            Column(_("Resolved by the deadline"), 14, lambda r: r.on_time),
            Column(_("On-time rate (%)"), 12, lambda r: r.on_time_rate),
            Column(_("Incidents open now"), 12, lambda r: r.open),
            Column(_("Incidents overdue now"), 12, lambda r: r.overdue),
            Column(_("Directives issued, overdue now"), 14, lambda r: r.directives_overdue),
            Column(_("Field hours"), 12, lambda r: r.share.field_hours if r.share else None),
            Column(_("Available working hours"), 14, lambda r: r.share.available_hours if r.share else None),
            Column(_("Field-time share (%)"), 12, lambda r: r.share_percent),
            Column(_("Target (%)"), 10, lambda r: r.share.target_percent if r.share else None),
            Column(_("Meetings"), 10, lambda r: r.meeting_count),
            Column(_("Meeting hours"), 12, lambda r: r.meeting_hours),
            Column(_("Working groups led: disbursement rate"), 36, _groups, wrap=True),
            Column(_("Behind in"), 36, _mark_words, wrap=True),
        ]
        return list_workbook(
            title=_("Leaders' scoreboard, {first} to {last}").format(
                first=table.period.first.strftime("%d/%m/%Y"), last=table.period.last.strftime("%d/%m/%Y")
            ),
            sheet=_("Leaders"),
            columns=columns,
            rows=table.rows,
            freeze="C4",
        )


WIDTHS = {TEXT: 44, MONEY: 18, PERCENT: 14}


def _value(key: str, kind: str):
    """How a row gives a column's value: amounts in millions of đồng (one decimal), rates as numbers in %."""

    def value(row):
        found = row.get(key)
        if found is None:
            return None
        if kind == MONEY:
            return float((Decimal(found) / 1_000_000).quantize(Decimal("0.1")))
        if kind == PERCENT:
            return float(found)
        return found

    return value


def ranking_workbook(ranking: Ranking, *, organisation: str) -> bytes:
    """Every row of the ranking, best first, with the unit's or investor's id last."""
    columns = [
        Column(
            column.label,
            8 if column.key == "rank" else WIDTHS.get(column.kind, 12),
            _value(column.key, column.kind),
        )
        for column in ranking.columns
    ]
    columns.append(Column(_("ID"), 8, lambda row: row["unit_id"]))
    title = _("{title}, {month}").format(title=ranking.title, month=ranking.period.first.strftime("%m/%Y"))
    return list_workbook(
        title=title,
        sheet=_("Rankings"),
        columns=columns,
        rows=ranking.rows,
        organisation=organisation,
        freeze="C4",
    )
