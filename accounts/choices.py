"""Roles of Cơ Sở users."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    OFFICE = "office", _("Office administrator")
    STANDING_BOARD = "standing_board", _("Standing Board member")
    STANDING_MEMBER = "standing_member", _("Standing Committee member")
    GROUP_MEMBER = "group_member", _("Working group member")
    FOCAL_POINT = "focal_point", _("Unit focal point")
    VIEWER = "viewer", _("Viewer or inspector")


# Roles that see every record of their organisation.
SEE_ALL_ROLES = frozenset({Role.OFFICE, Role.STANDING_BOARD, Role.VIEWER})
# Roles that may never change anything.
READ_ONLY_ROLES = frozenset({Role.VIEWER})
# Roles that administer the organisation's reference data (units, people, assignments, calendar).
ADMIN_ROLES = frozenset({Role.OFFICE})
