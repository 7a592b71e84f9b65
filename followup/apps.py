from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FollowupConfig(AppConfig):
    """Obstacles go up, directives come down, re-supervision closes the loop."""

    name = "followup"
    verbose_name = _("Follow-up")

    def ready(self):
        from core.registry import register_health_factor, register_record_panel
        from followup.profile import directives_health, obstacles_health, unit_panel_context

        # Its part of a locality's profile (the unit's page), as the reader may see it.
        register_record_panel(
            "followup.unit",
            "org.administrativeunit",
            "followup/_unit_panel.html",
            context=unit_panel_context,
            order=20,
            visible=lambda user, unit: True,
        )
        register_health_factor(
            "directives",
            _("Directives"),
            weight=3,
            provider=directives_health,
            rule=_("Neither overdue nor done late, of the directives open or done in the last 12 months"),
            order=20,
        )
        register_health_factor(
            "obstacles",
            _("Obstacles"),
            weight=2,
            provider=obstacles_health,
            rule=_("Open obstacles within their deadlines, of those open"),
            order=30,
        )

        from core.registry import register_action_source
        from followup.actions import actions

        register_action_source("followup", actions, order=20)

        from core.registry import register_briefing_section
        from followup.briefing import open_obstacles, overdue_directives

        register_briefing_section("directives", _("Overdue directives"), overdue_directives, order=20)
        register_briefing_section("obstacles", _("Open obstacles"), open_obstacles, order=30)

        from core.registry import has_role, register_menu_group, register_menu_link

        register_menu_link("followup:my_items", _("My items"), key="my_items", group="mine", order=10)
        register_menu_group("followup", _("Follow-up"), order=20, visible=has_role)
        for order, (url_name, label, key) in enumerate(
            (
                ("followup:obstacle_list", _("Obstacles"), "obstacles"),
                ("followup:directive_list", _("Directives"), "directives"),
                ("followup:resupervision_list", _("Re-supervision"), "resupervisions"),
                ("followup:notice_list", _("Conclusion notices"), "notices"),
            ),
            start=1,
        ):
            register_menu_link(url_name, label, key=key, group="followup", order=order * 10)

        from core import references
        from followup.models import ConclusionNotice, Directive, Obstacle, ReSupervision

        # The follow-up records others refer to (a directive's parent and source, a check's directive). A
        # user may open exactly those the scoping lets through: the selectors' lists add only columns, and
        # building those for every list that names a record cost milliseconds a request.
        for model in (Directive, Obstacle, ReSupervision, ConclusionNotice):
            references.register(model)

        from core.reminders import register
        from followup.choices import NotificationKind
        from followup.reminders import send_reminders

        register("followup", send_reminders, labels=dict(NotificationKind.choices))

        from core.imports import register as register_import
        from followup.views import directive_import_target, directives_imported

        register_import(
            "directives",
            title=_("Import directives"),
            importer="followup.importers.import_directives",
            target=directive_import_target,
            success_message=directives_imported,
            nav="notices",
        )
