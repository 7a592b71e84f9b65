"""Follow-up's sections of a field visit's briefing: the overdue directives and the open obstacles of the
places to be visited."""

import datetime as dt

from django.db.models import Q
from django.utils.translation import gettext as _

from followup.choices import OPEN_OBSTACLE_STATUSES
from followup.selectors import directive_overdue, directive_rows, obstacle_list

LINES = 5


def overdue_directives(*, user, localities, agencies, on: dt.date) -> dict:
    """Directives past their deadline and not done, in the localities or led by the units; oldest first."""
    if not localities and not agencies:
        return {"figures": [], "lines": []}
    place = Q(locality_id__in=localities) | Q(lead_unit_id__in=agencies)
    rows = directive_rows(user=user).filter(place).filter(directive_overdue(on))
    lines = [
        {
            "text": directive.content[:200],
            "url": directive.get_absolute_url(),
            "note": _("{unit}, deadline {day}").format(
                unit=directive.lead_unit.name, day=directive.deadline.strftime("%d/%m/%Y")
            ),
        }
        for directive in rows.select_related("lead_unit").order_by("deadline", "id")[:LINES]
    ]
    return {"figures": [{"label": _("overdue directives"), "value": rows.count()}], "lines": lines}


def open_obstacles(*, user, localities, agencies, on: dt.date) -> dict:
    """Obstacles not yet settled in the localities or of the units, overdue first."""
    if not localities and not agencies:
        return {"figures": [], "lines": []}
    place = Q(locality_id__in=localities) | Q(agency_id__in=agencies) | Q(responsible_agency_id__in=agencies)
    rows = obstacle_list(user=user, today=on).filter(place, status__in=OPEN_OBSTACLE_STATUSES)
    lines = [
        {
            "text": obstacle.title,
            "url": obstacle.get_absolute_url(),
            "note": _("overdue") if obstacle.is_overdue else str(obstacle.get_status_display()),
        }
        for obstacle in rows.order_by("-is_overdue", "deadline", "-id")[:LINES]
    ]
    return {"figures": [{"label": _("open obstacles"), "value": rows.count()}], "lines": lines}
