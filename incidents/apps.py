from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IncidentsConfig(AppConfig):
    """Incidents and hot issues: intake, routing to the leader in charge, deadlines, accountability."""

    name = "incidents"
    verbose_name = _("Incidents")

    def ready(self):
        from followup.choices import SourceKind
        from followup.links import register_source

        register_source(SourceKind.INCIDENT, "incidents.Incident")

        from core.reminders import register
        from incidents.reminders import REMINDER_LABELS, send_incident_reminders

        register("incidents", send_incident_reminders, labels=REMINDER_LABELS)
