from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """Shared infrastructure: base models, text folding, money, the working calendar, audit."""

    name = "core"
    verbose_name = _("Core")

    def ready(self):
        from core import converters

        converters.register()

        # One empty choice for every select box (Django reads this at each field's creation; see the setting).
        from django.conf import settings
        from django.db.models import fields

        fields.BLANK_CHOICE_LABEL = settings.COSO_BLANK_CHOICE

        from core.registry import has_role, is_office, register_menu_group, register_menu_link

        register_menu_link("home", _("Home"), key="home", order=0)

        from core.actions import actions
        from core.registry import register_action_source, register_home_panel
        from core.views import today_context

        register_action_source("imports", actions, order=90)
        # What needs action today, from every app (core.registry.register_action_source), at the top.
        register_home_panel(
            "core.today", "core/_home_today.html", context=today_context, order=0, css_class="col-12"
        )
        # Groups that several apps fill: each app adds its own links to them.
        register_menu_group("mine", _("My work"), order=10, visible=has_role)
        register_menu_group("admin", _("Administration"), order=90, visible=is_office)
        register_menu_link("core:calendar", _("Working calendar"), key="calendar", group="admin", order=10)

        # The API's expired Idempotency-Key records, deleted by the reminders' run (core.idempotency).
        from core import idempotency, reminders

        reminders.register(
            "core", idempotency.prune, labels={"expired_keys": _("Expired API idempotency keys deleted")}
        )
