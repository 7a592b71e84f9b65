from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FieldworkConfig(AppConfig):
    """Field work and time: work calendars, the field-time share, visits and opinions heard."""

    name = "fieldwork"
    verbose_name = _("Field work")

    def ready(self):
        # --- visits and opinions
        from core.registry import has_role, register_menu_group, register_menu_link
        from fieldwork.permissions import sees_one_side
        from followup.choices import SourceKind
        from followup.links import register_source

        # A field visit is the source of the directives given on it.
        register_source(SourceKind.VISIT, "fieldwork.Visit")
        register_menu_group("fieldwork", _("Field work"), order=37, visible=has_role)
        register_menu_link("fieldwork:visit_list", _("Visits"), key="visits", group="fieldwork", order=30)
        register_menu_link(
            "fieldwork:opinion_search", _("Opinions"), key="opinions", group="fieldwork", order=40
        )
        register_menu_link(
            "fieldwork:one_side_visits",
            _("Visits that heard one side"),
            key="one_side",
            group="fieldwork",
            order=50,
            visible=sees_one_side,
        )
