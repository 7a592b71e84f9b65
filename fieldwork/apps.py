from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FieldworkConfig(AppConfig):
    """Field work and time: work calendars, the field-time share, visits and opinions heard."""

    name = "fieldwork"
    verbose_name = _("Field work")

    def ready(self):
        from core import references
        from fieldwork.models import Visit

        # A directive's source may be one of these: named only to those who may open it (core.references).
        references.register(Visit)
        from core.registry import register_health_factor, register_record_panel
        from fieldwork.profile import health_factor, unit_panel_context

        # Its part of a locality's profile (the unit's page), as the reader may see it.
        register_record_panel(
            "fieldwork.unit",
            "org.administrativeunit",
            "fieldwork/_unit_panel.html",
            context=unit_panel_context,
            order=30,
            visible=lambda user, unit: True,
        )
        register_health_factor(
            "fieldwork",
            _("Field work"),
            weight=1,
            provider=health_factor,
            rule=_("A leader's visit in the last 90 days scores 100, in the last 180 days 50, none 0"),
            order=50,
        )

        from core.registry import register_action_source
        from fieldwork.actions import actions

        register_action_source("fieldwork", actions, order=30)

        # --- calendar
        from core.registry import (
            has_role,
            register_home_panel,
            register_menu_group,
            register_menu_link,
            register_record_panel,
        )
        from core.signals import working_calendar_changed
        from fieldwork.permissions import can_see_calendars
        from fieldwork.services.calendar import working_calendar_changed as relay_out
        from fieldwork.views import calendar as calendar_views

        # An office's exception changes the working time of a date: the entries on it are laid out again.
        working_calendar_changed.connect(relay_out, dispatch_uid="fieldwork.relay_out")
        register_menu_group("fieldwork", _("Field work"), order=38, visible=has_role)
        register_menu_link(
            "fieldwork:calendar",
            _("Calendar"),
            key="fieldwork_calendar",
            group="fieldwork",
            order=10,
            visible=can_see_calendars,
        )
        register_menu_link(
            "fieldwork:share",
            _("Field-time share"),
            key="fieldwork_share",
            group="fieldwork",
            order=20,
            visible=can_see_calendars,
        )
        register_home_panel(
            "fieldwork_share",
            "fieldwork/_home_panel.html",
            context=calendar_views.home_panel_context,
            order=55,
            css_class="col-lg-6",
            visible=calendar_views.has_calendar,
        )
        # The leader's calendar and feed address, on their record for the office and the leader.
        register_record_panel(
            "fieldwork.calendar",
            "org.person",
            "fieldwork/_person_panel.html",
            context=calendar_views.person_panel_context,
            order=10,
            visible=calendar_views.person_panel_visible,
        )
        # --- visits and opinions
        from fieldwork.permissions import sees_one_side
        from followup.choices import SourceKind
        from followup.links import register_source

        # A field visit is the source of the directives given on it.
        register_source(SourceKind.VISIT, "fieldwork.Visit")
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
