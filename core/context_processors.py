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
    if user.role:
        items[1:1] = [
            {"url": reverse("followup:my_items"), "label": _("My items"), "key": "my_items"},
            {"url": reverse("followup:obstacle_list"), "label": _("Obstacles"), "key": "obstacles"},
            {"url": reverse("followup:directive_list"), "label": _("Directives"), "key": "directives"},
            {
                "url": reverse("followup:resupervision_list"),
                "label": _("Re-supervision"),
                "key": "resupervisions",
            },
        ]
    if user.role:
        at = next((i for i, item in enumerate(items) if item["key"] == "units"), len(items))
        items[at:at] = [
            {"url": reverse("incidents:list"), "label": _("Incidents"), "key": "incidents"},
            {"url": reverse("incidents:mine"), "label": _("My incidents"), "key": "my_incidents"},
        ]
    if user.is_office:
        items.append({"url": reverse("core:calendar"), "label": _("Working calendar"), "key": "calendar"})
        items.append({"url": reverse("accounts:user_list"), "label": _("Users"), "key": "users"})
    return {"nav_items": items}
