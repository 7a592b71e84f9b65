"""Investment's section of a field visit's briefing: the lagging projects of the places to be visited."""

import datetime as dt

from django.db.models import Q
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from investment import analytics
from investment.choices import Rag
from investment.selectors import project_list

LINES = 5


def lagging_projects(*, user, localities, agencies, on: dt.date) -> dict:
    """Projects with a site in the localities, or invested by the units, whose disbursement this year runs
    well behind the target curve (red), worst first."""
    if (not localities and not agencies) or not user.organization_id:
        return {"figures": [], "lines": []}
    place = Q(sites__locality_id__in=localities) | Q(investor_id__in=agencies)
    ids = project_list(user=user).filter(place).order_by().values("pk").distinct()
    projects = project_list(user=user).filter(pk__in=ids)
    figures = analytics.figures_by(projects, "pk", organization_id=user.organization_id, at=on)
    red = sorted(
        ((key, f) for key, f in figures.items() if f.rag == Rag.RED), key=lambda pair: pair[1].gap or 0
    )
    names = {p.pk: p for p in projects.filter(pk__in=[key for key, _f in red[:LINES]])}
    lines = [
        {
            "text": f"{names[key].code} – {names[key].name}",
            "url": names[key].get_absolute_url(),
            "note": _("{rate} % disbursed, target {target} %").format(
                rate=number_format(f.rate, 1), target=number_format(f.target, 1)
            ),
        }
        for key, f in red[:LINES]
        if key in names
    ]
    return {
        "figures": [
            {"label": _("projects"), "value": len(figures)},
            {"label": _("lagging projects"), "value": len(red)},
        ],
        "lines": lines,
    }
