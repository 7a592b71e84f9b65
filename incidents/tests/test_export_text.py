"""The incident export writes user text as text: never an Excel error, never a formula."""

import io

import time_machine
from openpyxl import load_workbook

from incidents.exports import incident_workbook
from incidents.selectors import incident_list
from incidents.tests.conftest import report
from incidents.tests.test_excel import NOW

TEXTS = ["#N/A", "=1+1", "+1", "-1", "@SUM(1)", "=cmd|' /C calc'!A0", "#REF!"]


def test_the_incident_export_writes_text_as_text(hanoi, routed, office):
    for text in TEXTS:
        report(hanoi, office, title=f"Sụt lún {text}", reporter_name=text)
    with time_machine.travel(NOW, tick=False):
        data = incident_workbook(incident_list(user=office))
    ws = load_workbook(io.BytesIO(data)).worksheets[0]
    index = [c.value for c in ws[3]].index("Người phản ánh (họ tên)")
    cells = [row[index] for row in ws.iter_rows(min_row=4)]
    assert sorted(c.value for c in cells) == sorted(TEXTS)
    assert {c.data_type for c in cells} == {"s"}
    assert all(c.quotePrefix for c in cells)
