"""Template context shared by every page: the navigation of the signed-in user."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    items = [
        {"url": reverse("home"), "label": _("Home"), "key": "home"},
        {"url": reverse("org:unit_list"), "label": _("Localities"), "key": "units"},
        {"url": reverse("org:agency_list"), "label": _("Agencies and units"), "key": "agencies"},
        {"url": reverse("org:leader_list"), "label": _("Leaders"), "key": "leaders"},
        {"url": reverse("org:matrix"), "label": _("Assignments"), "key": "matrix"},
        {"url": reverse("org:responsible"), "label": _("Who answers for…"), "key": "responsible"},
    ]
    if user.is_office:
        items.append({"url": reverse("core:calendar"), "label": _("Working calendar"), "key": "calendar"})
    return {"nav_items": items}
