from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgConfig(AppConfig):
    """Administrative units, agencies, people, bodies, assignments and who answers for what."""

    name = "org"
    verbose_name = _("Organisation")
