from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FollowupConfig(AppConfig):
    """Obstacles go up, directives come down, re-supervision closes the loop."""

    name = "followup"
    verbose_name = _("Follow-up")
