from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    """Reports: the periodic briefing to the Standing Committee, read from every other app's selectors."""

    name = "reports"
    verbose_name = _("Reports")

    def ready(self):
        from core.registry import register_home_panel, register_menu_group, register_menu_link
        from core.reminders import register as register_reminders
        from reports.permissions import can_read_briefing, can_read_leaders
        from reports.schedule import LABELS, prepare_scheduled_drafts
        from reports.views import leaders_panel_context

        # The scheduled drafts run with the reminders: one cron line, one task (docs/reports.md).
        register_reminders("reports", prepare_scheduled_drafts, labels=LABELS)
        from reports.permissions import can_read_rankings, can_see_map

        register_menu_group("reports", _("Reports"), order=45, visible=can_see_map)
        register_menu_link(
            "reports:briefing",
            _("Briefing to the Standing Committee"),
            key="reports_briefing",
            group="reports",
            order=10,
            visible=can_read_briefing,
        )
        register_menu_link(
            "reports:issued",
            _("Issued reports"),
            key="reports_issued",
            group="reports",
            order=20,
            visible=can_read_briefing,
        )
        register_menu_link(
            "reports:leaders",
            _("Leaders' scoreboard"),
            key="reports_leaders",
            group="reports",
            order=30,
            visible=can_read_leaders,
        )
        # The Secretary's and the office's home: the leaders most behind this month, and the way to the table.
        register_home_panel(
            "reports.leaders",
            "reports/_home_leaders.html",
            context=leaders_panel_context,
            order=5,
            css_class="col-12",
            visible=can_read_leaders,
        )
        # Benchmark scenarios of the leaders' table (`coso bench`).
        import reports.bench  # noqa: F401

        register_menu_link(
            "reports:rankings",
            _("Monthly rankings"),
            key="reports_rankings",
            group="reports",
            order=40,
            visible=can_read_rankings,
        )
        register_menu_link("reports:city_map", _("City map"), key="city_map", group="reports", order=50)
