from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InvestmentConfig(AppConfig):
    """Public investment: key projects, capital plans, disbursement, working groups, supervision sessions."""

    name = "investment"
    verbose_name = _("Public investment")

    def ready(self):
        from core.scoping import register_reach_provider
        from investment.reach import group_reach

        register_reach_provider(group_reach)

        from followup.choices import SourceKind
        from followup.links import register_source, register_subject

        # A supervision session is the source of the obstacles and directives it raises; a project is
        # what they concern.
        register_source(SourceKind.SUPERVISION_SESSION, "investment.SupervisionSession")
        register_subject("investment.Project")

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
