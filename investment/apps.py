from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InvestmentConfig(AppConfig):
    """Public investment: key projects, capital plans, disbursement, working groups, supervision sessions."""

    name = "investment"
    verbose_name = _("Public investment")

    def ready(self):
        from core import references
        from investment.models import SupervisionSession

        # A directive's source may be one of these: named only to those who may open it (core.references).
        references.register(SupervisionSession)
        from core.registry import register_health_factor, register_record_panel
        from investment.profile import health_factor, unit_panel_context

        # Its part of a locality's profile (the unit's page), as the reader may see it.
        register_record_panel(
            "investment.unit",
            "org.administrativeunit",
            "investment/_unit_panel.html",
            context=unit_panel_context,
            order=40,
            visible=lambda user, unit: True,
        )
        register_health_factor(
            "investment",
            _("Public investment"),
            weight=2,
            provider=health_factor,
            rule=_("Projects on track count whole, behind half, lagging nothing, of those planned this year"),
            order=40,
        )

        from core.registry import register_briefing_section
        from investment.briefing import lagging_projects

        register_briefing_section("investment", _("Lagging projects"), lagging_projects, order=40)

        from core.scoping import register_reach_provider
        from investment.reach import group_reach

        register_reach_provider(group_reach)

        from followup.choices import SourceKind
        from followup.links import register_source, register_subject

        # A supervision session is the source of the obstacles and directives it raises; a project is
        # what they concern.
        register_source(SourceKind.SUPERVISION_SESSION, "investment.SupervisionSession")
        register_subject("investment.Project")

        # Benchmark scenarios of the pages and the API (`coso bench`).
        import investment.bench  # noqa: F401
        from core.registry import has_role, register_home_panel, register_menu_group, register_menu_link
        from investment import views

        register_menu_group("investment_menu", _("Public investment"), order=35, visible=has_role)
        for order, (url_name, label, key) in enumerate(
            (
                ("investment:dashboard", _("Disbursement"), "investment_dashboard"),
                ("investment:project_list", _("Projects"), "investment_projects"),
                ("investment:group_list", _("Working groups"), "investment_groups"),
                ("investment:session_list", _("Supervision sessions"), "investment_sessions"),
            ),
            start=1,
        ):
            register_menu_link(url_name, label, key=key, group="investment_menu", order=order * 10)
        register_home_panel(
            "investment_groups",
            "investment/_home_panel.html",
            context=views.home_panel_context,
            order=60,
            css_class="col-lg-6",
            visible=views.sits_on_a_group,
        )

        from core import events
        from core.imports import register as register_import
        from investment.importers import (
            disbursement_import_target,
            disbursements_imported,
            imported_sentence,
        )

        register_import(
            "disbursements",
            title=_("Import disbursement figures"),
            importer="investment.importers.import_disbursements",
            target=disbursement_import_target,
            success_message=disbursements_imported,
            nav="investment",
        )
        events.register("disbursement.imported", imported_sentence)

        from core.bench import register_measurement
        from investment.bench import disbursement_import_measurement

        register_measurement("import disbursement", disbursement_import_measurement)
