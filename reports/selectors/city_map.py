"""The city map's layers: the points of each, read through the owning app's scoped selectors, so that
everyone sees on the map exactly what they may open in that app (docs/reports.md, "The city map").

- incidents: the open ones with a position (`incidents.selectors.map_points`), newest first;
- projects: the sites with coordinates of the key public-investment projects
  (`investment.selectors.map_points`), with their red/amber/green disbursement status today;
- visits: the field visits of the last `VISIT_DAYS` days that were not cancelled, at the coordinates of each
  locality visited (`fieldwork.selectors.visits.map_points`), newest first.

Each layer holds at most `POINT_LIMIT` points and says when it was cut (`truncated`). Each reads in a fixed
number of queries, whatever the number of records.
"""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from fieldwork.choices import VisitStatus
from fieldwork.selectors import visits as visit_selectors
from incidents import selectors as incident_selectors
from incidents.choices import OPEN_STATUSES, IncidentStatus, Severity
from investment import selectors as investment_selectors
from investment.choices import ProjectStatus, Rag

POINT_LIMIT = 3000
VISIT_DAYS = 90
LAYERS = ("incidents", "projects", "visits")


def _detail_prefix(url_name: str) -> str:
    """The address of a record's page without its id: `/incidents/` for `/incidents/12/`."""
    return reverse(url_name, args=[0])[: -len("0/")]


def _labelled(points: list[dict], field: str, choices) -> None:
    """Each point's `<field>_label`, each label translated once (not once per point)."""
    labels = {value: str(label) for value, label in choices}
    for point in points:
        point[f"{field}_label"] = labels.get(point[field], point[field])


def incident_points(*, user, limit: int = POINT_LIMIT) -> tuple[list[dict], bool]:
    """The open incidents the user may see that have a position."""
    open_ones = incident_selectors.incident_list(user=user).filter(status__in=OPEN_STATUSES)
    points, truncated = incident_selectors.map_points(open_ones, limit=limit)
    _labelled(points, "status", IncidentStatus.choices)
    _labelled(points, "severity", Severity.choices)
    prefix = _detail_prefix("incidents:detail")
    for point in points:
        point["url"] = f"{prefix}{point['id']}/"
    return points, truncated


def project_points(*, user, limit: int = POINT_LIMIT, at: dt.date | None = None) -> tuple[list[dict], bool]:
    """The sites of the key projects the user may see, with each project's status today."""
    at = at or timezone.localdate()
    key_projects = investment_selectors.project_list(user=user).filter(is_key=True)
    points, truncated = investment_selectors.map_points(
        key_projects, limit=limit, organization_id=user.organization_id, at=at
    )
    _labelled(points, "status", ProjectStatus.choices)
    _labelled(points, "rag", Rag.choices)
    prefix = _detail_prefix("investment:project_detail")
    for point in points:
        point["title"] = point["name"]
        point["url"] = f"{prefix}{point['id']}/"
    return points, truncated


def visit_points(
    *, user, limit: int = POINT_LIMIT, now: dt.datetime | None = None
) -> tuple[list[dict], bool]:
    """The visits the user may see that started in the last VISIT_DAYS days, at their localities."""
    now = now or timezone.now()
    since = now - dt.timedelta(days=VISIT_DAYS)
    visits = visit_selectors.visit_list(user=user)
    points, truncated = visit_selectors.map_points(visits, limit=limit, since=since, until=now)
    _labelled(points, "status", VisitStatus.choices)
    prefix = _detail_prefix("fieldwork:visit_detail")
    for point in points:
        point["url"] = f"{prefix}{point['id']}/"
    return points, truncated


READERS = {"incidents": incident_points, "projects": project_points, "visits": visit_points}


def layer(*, user, name: str, limit: int | None = None) -> dict:
    """One layer as the page's script and the API read it: its points, whether they were cut, the limit."""
    limit = limit or POINT_LIMIT
    points, truncated = READERS[name](user=user, limit=limit)
    return {"layer": name, "points": points, "count": len(points), "truncated": truncated, "limit": limit}
