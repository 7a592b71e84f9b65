from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgConfig(AppConfig):
    """Administrative units, agencies, people, bodies, assignments and who answers for what."""

    name = "org"
    verbose_name = _("Organisation")

    def ready(self):
        from core.registry import register_home_panel, register_menu_group, register_menu_link
        from core.scoping import register_reach_provider
        from org.home import answers_context
        from org.reach import assignment_reach, focal_point_reach

        register_reach_provider(assignment_reach)
        register_reach_provider(focal_point_reach)

        register_menu_group("organisation", _("Organisation"), order=40)
        for order, (url_name, label, key) in enumerate(
            (
                ("org:unit_list", _("Localities"), "units"),
                ("org:agency_list", _("Agencies and units"), "agencies"),
                ("org:leader_list", _("Leaders"), "leaders"),
                ("org:matrix", _("Assignments"), "matrix"),
                ("org:responsible", _("Who answers for…"), "responsible"),
            ),
            start=1,
        ):
            register_menu_link(url_name, label, key=key, group="organisation", order=order * 10)

        register_home_panel("org.answers", "org/_home_answers.html", context=answers_context, order=10)
        register_home_panel(
            "org.responsible",
            "org/_home_responsible.html",
            context=lambda request: {},
            order=20,
            css_class="col-lg-4",
        )
