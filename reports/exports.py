"""The rankings as Excel workbooks: one sheet of the rank, the name, the counts and the rate
(core.exports.list_workbook), in the language active when called (the export view asks for Vietnamese)."""

from decimal import Decimal

from django.utils.translation import gettext as _

from core.exports import Column, list_workbook
from reports.content import MONEY, PERCENT, TEXT
from reports.selectors.rankings import Ranking

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
