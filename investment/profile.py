"""Public investment on a locality's page (its profile, org.UnitDetail through
core.registry.register_record_panel): the projects that lie there, with this year's rate and status, those
behind the floor first, as the user may see them; a fixed number of queries."""

from collections import Counter

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.registry import health_reading
from investment import analytics, selectors
from investment.choices import Rag
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


def health_factor(*, user, unit, now):
    """The public-investment factor of a locality's health (core.registry.register_health_factor): of the
    projects there with a plan this year, on track counts whole, behind half, lagging nothing; None when
    none has a plan."""
    at = timezone.localdate(now)
    here = ProjectLocality.objects.filter(locality_id=unit.pk).values("project_id")
    projects = selectors.project_list(user=user).filter(pk__in=here)
    figures = analytics.project_figures(projects, organization_id=user.organization_id, at=at)
    rags = Counter(f.rag for f in figures.values() if f.rag != Rag.NONE)
    counts = {"green": rags[Rag.GREEN], "amber": rags[Rag.AMBER], "red": rags[Rag.RED], "total": rags.total()}
    return health_reading(
        good=2 * counts["green"] + counts["amber"],
        whole=2 * counts["total"],
        detail=_("{green} on track, {amber} behind, {red} lagging, of {total} projects planned this year"),
        counts=counts,
        url=f"{reverse('investment:project_list')}?locality={unit.pk}",
    )
