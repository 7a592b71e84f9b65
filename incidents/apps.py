from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IncidentsConfig(AppConfig):
    """Incidents and hot issues: intake, routing to the leader in charge, deadlines, accountability."""

    name = "incidents"
    verbose_name = _("Incidents")

    def ready(self):
        from core.registry import register_health_factor, register_record_panel
        from incidents.profile import health_factor, unit_panel_context

        # Its part of a locality's profile (the unit's page), as the reader may see it.
        register_record_panel(
            "incidents.unit",
            "org.administrativeunit",
            "incidents/_unit_panel.html",
            context=unit_panel_context,
            order=10,
            visible=lambda user, unit: True,
        )
        register_health_factor(
            "incidents",
            _("Incidents"),
            weight=3,
            provider=health_factor,
            rule=_("Resolved on time in the last 12 months, and open ones within their deadlines, of both"),
            order=10,
        )

        from core.registry import register_action_source
        from incidents.actions import actions

        register_action_source("incidents", actions, order=10)

        from core.registry import register_briefing_section
        from incidents.briefing import open_incidents

        register_briefing_section("incidents", _("Open incidents"), open_incidents, order=10)

        from followup.choices import SourceKind
        from followup.links import register_source

        register_source(SourceKind.INCIDENT, "incidents.Incident")

        from core import references
        from incidents.models import Incident

        # A directive's source may be an incident: its lists check it in their own query, not row by row.
        references.register(Incident)

        from core.reminders import register
        from incidents.reminders import REMINDER_LABELS, send_incident_reminders

        register("incidents", send_incident_reminders, labels=REMINDER_LABELS)

        from core.registry import has_role, register_menu_group, register_menu_link
        from incidents.selectors import can_report

        register_menu_link("incidents:mine", _("My incidents"), key="my_incidents", group="mine", order=20)
        register_menu_group("incident_menu", _("Incidents"), order=30, visible=has_role)
        register_menu_link(
            "incidents:create",
            _("Report an incident"),
            key="incident_report",
            group="incident_menu",
            order=5,
            visible=can_report,
        )
        for order, (url_name, label, key) in enumerate(
            (
                ("incidents:list", _("Incidents"), "incidents"),
                ("incidents:map", _("Incident map"), "incident_map"),
                ("incidents:statistics", _("Statistics"), "incident_statistics"),
            ),
            start=1,
        ):
            register_menu_link(url_name, label, key=key, group="incident_menu", order=order * 10)

        from core.imports import register as register_import
        from incidents.views import incident_import_target, incidents_imported

        register_import(
            "incidents",
            title=_("Import incidents"),
            importer="incidents.importers.import_incidents",
            target=incident_import_target,
            success_message=incidents_imported,
            nav="incidents",
        )
