"""A report's charts as PNG images, drawn with matplotlib on its Agg backend (no display, no network).

The figures are made with `matplotlib.figure.Figure`, not pyplot: no global state, safe in a server's
threads. The text is in Liberation Serif (the metric twin of Times New Roman), DejaVu Serif where missing.
"""

import io

import matplotlib
from django.utils.translation import gettext as _
from matplotlib.figure import Figure

from reports.content import Chart

matplotlib.use("Agg")

FONTS = ["Liberation Serif", "DejaVu Serif"]
COLOURS = ["#206bc4", "#d63939", "#2fb344", "#f59f00"]
MOST_LABELS = 24  # the names a chart's axis can hold at a page's width


def chart_png(chart: Chart, *, width: float = 6.3, height: float = 3.2, dpi: int = 120) -> bytes:
    """The chart as a PNG: bars and lines over the chart's labels; None values are gaps."""
    with matplotlib.rc_context({"font.family": FONTS, "font.size": 9}):
        figure = Figure(figsize=(width, height), dpi=dpi)
        axes = figure.add_subplot()
        positions = list(range(len(chart.labels)))
        bars = [s for s in chart.series if s.kind == "bar"]
        bar_width = 0.8 / max(1, len(bars))
        for n, series in enumerate(chart.series):
            colour = COLOURS[n % len(COLOURS)]
            values = [float("nan") if v is None else float(v) for v in series.values]
            if series.kind == "bar":
                offset = (bars.index(series) - (len(bars) - 1) / 2) * bar_width
                axes.bar([p + offset for p in positions], values, bar_width, label=series.label, color=colour)
            else:
                axes.plot(positions, values, marker="o", markersize=3, label=series.label, color=colour)
        axes.set_xticks(positions)
        long_labels = len(chart.labels) > 6 or any(len(label) > 12 for label in chart.labels)
        if len(chart.labels) > MOST_LABELS:
            # Too many to read (the 80 leaders): the bars keep the table's order, the names are in the table.
            axes.set_xticklabels([])
            axes.set_xlabel(_("{count} in all, in the order of the table").format(count=len(chart.labels)))
            long_labels = False
        else:
            axes.set_xticklabels(
                chart.labels, rotation=35 if long_labels else 0, ha="right" if long_labels else "center"
            )
        if chart.unit:
            axes.set_ylabel(chart.unit)
        axes.grid(axis="y", alpha=0.3)
        axes.spines[["top", "right"]].set_visible(False)
        if len(chart.series) > 1:
            axes.legend(frameon=False, fontsize=8)
        # Fixed margins, room for slanted labels below: tight_layout measured every label's text again
        # (0.6 s for a chart of the 80 leaders).
        longest = max((len(label) for label in chart.labels), default=0) if long_labels else 0
        figure.subplots_adjust(left=0.1, right=0.98, top=0.95, bottom=0.12 + 0.018 * min(longest, 14))
        out = io.BytesIO()
        figure.savefig(out, format="png")
        return out.getvalue()
