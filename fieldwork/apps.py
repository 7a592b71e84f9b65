from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FieldworkConfig(AppConfig):
    """Field work and time: work calendars, the field-time share, meetings, visits and opinions heard."""

    name = "fieldwork"
    verbose_name = _("Field work")
