from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FollowupConfig(AppConfig):
    """Obstacles go up, directives come down, re-supervision closes the loop."""

    name = "followup"
    verbose_name = _("Follow-up")

    def ready(self):
        from core.reminders import register
        from followup.choices import NotificationKind
        from followup.reminders import send_reminders

        register("followup", send_reminders, labels=dict(NotificationKind.choices))
