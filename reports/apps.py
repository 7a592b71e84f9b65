from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    """Reports: the periodic briefing to the Standing Committee, read from every other app's selectors."""

    name = "reports"
    verbose_name = _("Reports")

    def ready(self):
        # Benchmark scenarios of the city map (`coso bench`).
        import reports.bench  # noqa: F401
        from core.registry import register_menu_group, register_menu_link
        from reports.permissions import can_read_briefing, can_see_map

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
        register_menu_link("reports:city_map", _("City map"), key="city_map", group="reports", order=30)
