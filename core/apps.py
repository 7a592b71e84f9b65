from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """Shared infrastructure: base models, text folding, money, the working calendar, audit."""

    name = "core"
    verbose_name = _("Core")

    def ready(self):
        from core import converters

        converters.register()
