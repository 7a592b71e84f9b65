"""The organisation app's kinds of audit event (core.events): each reads as a sentence when shown."""

from django.utils.translation import gettext_lazy as _

from core import events

events.register(
    "units.imported",
    _("{actor} imported the administrative units: {created} new, {renamed} renamed"),
)
events.register("unit.renamed_by_import", _("The administrative units import renamed the unit"))
