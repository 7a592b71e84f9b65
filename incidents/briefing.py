"""The incidents' section of a field visit's briefing: the open incidents of the places to be visited."""

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from incidents.choices import OPEN_STATUSES
from incidents.selectors import incident_list

LINES = 5


def open_incidents(*, user, localities, agencies, on) -> dict:
    """Open incidents in the localities, or handled by the units, that the user may see; overdue first."""
    if not localities and not agencies:
        return {"figures": [], "lines": []}
    place = Q(locality_id__in=localities) | Q(agency_id__in=agencies) | Q(handling_unit_id__in=agencies)
    rows = incident_list(user=user).filter(place, status__in=OPEN_STATUSES)
    counts = rows.order_by().aggregate(total=Count("pk"), overdue=Count("pk", filter=Q(is_overdue=True)))
    lines = [
        {
            "text": f"{incident.code} – {incident.title}",
            "url": incident.get_absolute_url(),
            "note": _("overdue") if incident.is_overdue else str(incident.get_status_display()),
        }
        for incident in rows.order_by("-is_overdue", "resolve_due_at", "-id")[:LINES]
    ]
    return {
        "figures": [
            {"label": _("open incidents"), "value": counts["total"]},
            {"label": _("of which overdue"), "value": counts["overdue"]},
        ],
        "lines": lines,
    }
