"""The reports app's kinds of audit event (core.events): each reads as a sentence when shown."""

from django.utils.translation import gettext_lazy as _

from core import events

events.register("report.issued", _("{actor} issued report No. {symbol} for {period}"))
events.register(
    "report.draft_prepared", _("The draft briefing for {period} was prepared on schedule"), names_actor=False
)
