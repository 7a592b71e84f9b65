"""Public investment on a locality's page (its profile, org.UnitDetail through
core.registry.register_record_panel): the projects that lie there, with this year's rate and status, those
behind the floor first, as the user may see them; a fixed number of queries."""

from django.utils import timezone

from investment import analytics, selectors
from investment.models import ProjectLocality

LATEST = 5


def unit_panel_context(request, unit) -> dict:
    from investment.views import _badges

    user, at = request.user, timezone.localdate()
    here = ProjectLocality.objects.filter(locality_id=unit.pk).values("project_id")
    projects = selectors.project_list(user=user).filter(pk__in=here)
    figures = analytics.project_figures(projects, organization_id=user.organization_id, at=at)
    lagging = sorted(figures, key=lambda pk: (figures[pk].gap is None, figures[pk].gap or 0, pk))[:LATEST]
    shown = {p.pk: p for p in projects.filter(pk__in=lagging)}
    rows = []
    for pk in lagging:
        if pk in shown:
            shown[pk].figures = figures[pk]
            rows.append(shown[pk])
    return {**_badges(), "unit": unit, "count": projects.count(), "projects": rows, "year": at.year}
