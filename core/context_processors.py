"""Template context shared by every page: the navigation of the signed-in user.

The navigation is a handful of groups, so that it fits on one line of a 1366-pixel screen: each entry is a
link (`url`) or a menu of links (`children`). A page marks where it is with its `nav` key; the group that
holds that key is shown as active.
"""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _


def _link(name: str, label, key: str) -> dict:
    return {"url": reverse(name), "label": label, "key": key}


def _group(label, key: str, children: list[dict]) -> dict:
    return {"label": label, "key": key, "children": children, "keys": {child["key"] for child in children}}


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    items = [_link("home", _("Home"), "home")]
    if user.role:
        items += [
            _group(
                _("My work"),
                "mine",
                [
                    _link("followup:my_items", _("My items"), "my_items"),
                    _link("incidents:mine", _("My incidents"), "my_incidents"),
                ],
            ),
            _group(
                _("Follow-up"),
                "followup",
                [
                    _link("followup:obstacle_list", _("Obstacles"), "obstacles"),
                    _link("followup:directive_list", _("Directives"), "directives"),
                    _link("followup:resupervision_list", _("Re-supervision"), "resupervisions"),
                    _link("followup:notice_list", _("Conclusion notices"), "notices"),
                ],
            ),
            _group(
                _("Incidents"),
                "incident_menu",
                [
                    _link("incidents:list", _("Incidents"), "incidents"),
                    _link("incidents:map", _("Incident map"), "incident_map"),
                    _link("incidents:statistics", _("Statistics"), "incident_statistics"),
                ],
            ),
        ]
    items.append(
        _group(
            _("Organisation"),
            "organisation",
            [
                _link("org:unit_list", _("Localities"), "units"),
                _link("org:agency_list", _("Agencies and units"), "agencies"),
                _link("org:leader_list", _("Leaders"), "leaders"),
                _link("org:matrix", _("Assignments"), "matrix"),
                _link("org:responsible", _("Who answers for…"), "responsible"),
            ],
        )
    )
    if user.is_office:
        items.append(
            _group(
                _("Administration"),
                "admin",
                [
                    _link("core:calendar", _("Working calendar"), "calendar"),
                    _link("accounts:user_list", _("Users"), "users"),
                ],
            )
        )
    return {"nav_items": items}
