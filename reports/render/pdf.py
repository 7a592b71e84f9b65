"""A report as a PDF, through WeasyPrint, from an HTML template of the same content and the same Party
format as the DOCX. The text is set in Liberation Serif (the metric twin of Times New Roman, from the
system's fonts), with DejaVu Serif for the Vietnamese letters a Liberation Serif lacks; WeasyPrint embeds
the fonts it uses (subsets), so the PDF reads the same on any machine. No network: the charts are inline
PNG images and nothing else is fetched.
"""

import base64
import datetime as dt
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from reports.content import Chart, Report
from reports.render.charts import chart_png
from reports.render.docx import Margins, Signature, document_date


@dataclass
class _Figure:
    title: str
    caption: str
    png: str


def _figure(chart: Chart) -> _Figure:
    data = base64.b64encode(chart_png(chart)).decode()
    caption = _("Chart {number}. {title}").format(number=chart.number, title=chart.title)
    return _Figure(chart.title, caption, f"data:image/png;base64,{data}")


def briefing_html(
    report: Report,
    *,
    number: str = "",
    issued_on: dt.date | None = None,
    margins: Margins | None = None,
    signature: Signature | None = None,
) -> str:
    """The HTML the PDF is printed from (also what a screenshot of the PDF's layout is taken of)."""
    issued_on = issued_on or report.generated_at.date()
    org = report.organisation
    for section in report.sections:
        section.charts_html = [_figure(chart) for chart in section.charts]
    place = f"{org.place}, {document_date(issued_on)}" if org.place else document_date(issued_on)
    return render_to_string(
        "reports/briefing_pdf.html",
        {
            "report": report,
            "number": number or "\u00a0" * 6,
            "place_and_date": place,
            "margins": margins or Margins.configured(),
            "signature": signature or Signature(),
        },
    )


def render_pdf(report: Report, **options) -> bytes:
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    # Only the inline images: a PDF of a report never reaches the network or the disk.
    only_inline = URLFetcher(allowed_protocols=("data",), fail_on_errors=True)
    return HTML(string=briefing_html(report, **options), url_fetcher=only_inline).write_pdf()
