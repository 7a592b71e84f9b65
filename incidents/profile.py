"""The incidents on a locality's page (its profile, org.UnitDetail, through register_record_panel):
how many are open and overdue, the last twelve months month by month, and the latest ones, as the user may
see them; a fixed number of queries."""

import datetime as dt

from django.db.models import Count, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone

from incidents import selectors
from incidents.choices import OPEN_STATUSES, IncidentStatus

LATEST = 5
MONTHS = 12
TREND_HEIGHT = 48


def month_starts(today: dt.date, count: int = MONTHS) -> list[dt.date]:
    """The first days of the last `count` months, the running one last."""
    year, month = today.year, today.month
    starts = []
    for _ in range(count):
        starts.append(dt.date(year, month, 1))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return starts[::-1]


def unit_panel_context(request, unit) -> dict:
    now = timezone.now()
    incidents = selectors.incident_list(user=request.user).filter(locality=unit)
    counts = incidents.aggregate(
        open=Count("pk", filter=Q(status__in=OPEN_STATUSES)),
        overdue=Count("pk", filter=selectors.overdue(now)),
        total=Count("pk"),
    )
    months = month_starts(timezone.localdate(now))
    first = timezone.make_aware(dt.datetime.combine(months[0], dt.time()))
    by_month = dict(
        incidents.filter(reported_at__gte=first)
        .annotate(month=TruncMonth("reported_at"))
        .order_by()
        .values_list("month")
        .annotate(n=Count("pk"))
    )
    by_month = {(m.date() if isinstance(m, dt.datetime) else m): n for m, n in by_month.items()}
    trend = [(month, by_month.get(month, 0)) for month in months]
    peak = max((n for _m, n in trend), default=0) or 1
    # Bars of an inline SVG, 10 wide on a 120 × 48 canvas (the page's policy allows no inline style).
    bars = []
    for index, (month, n) in enumerate(trend):
        height = max(round(n * TREND_HEIGHT / peak), 1)
        bars.append(
            {"month": month, "n": n, "x": index * 10 + 1, "y": TREND_HEIGHT - height, "height": height}
        )
    from incidents.views import STATUS_COLOURS

    return {
        "status_labels": dict(IncidentStatus.choices),
        "status_colours": STATUS_COLOURS,
        "unit": unit,
        "counts": counts,
        "trend": bars,
        "latest": list(incidents.order_by("-reported_at", "-pk")[:LATEST]),
    }
