"""A report's charts as PNG images, drawn with matplotlib on its Agg backend (no display, no network).

The figures are made with `matplotlib.figure.Figure`, not pyplot: no global state, safe in a server's
threads. The text is in Liberation Serif (the metric twin of Times New Roman), DejaVu Serif where missing.
"""

import io

import matplotlib
from matplotlib.figure import Figure

from reports.content import Chart

matplotlib.use("Agg")

FONTS = ["Liberation Serif", "DejaVu Serif"]
COLOURS = ["#206bc4", "#d63939", "#2fb344", "#f59f00"]


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
        axes.set_xticklabels(
            chart.labels, rotation=35 if long_labels else 0, ha="right" if long_labels else "center"
        )
        if chart.unit:
            axes.set_ylabel(chart.unit)
        axes.grid(axis="y", alpha=0.3)
        axes.spines[["top", "right"]].set_visible(False)
        if len(chart.series) > 1:
            axes.legend(frameon=False, fontsize=8)
        figure.tight_layout()
        out = io.BytesIO()
        figure.savefig(out, format="png")
        return out.getvalue()
