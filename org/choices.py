"""Choices of the organisation app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DivisionType(models.TextChoices):
    CENTRAL_CITY = "central_city", _("centrally-run city")
    PROVINCE = "province", _("province")
    WARD = "ward", _("ward")
    COMMUNE = "commune", _("commune")
    SPECIAL_ZONE = "special_zone", _("special zone")
    DISTRICT = "district", _("district")
    TOWN = "town", _("town")
    OTHER = "other", _("other")


class AgencyKind(models.TextChoices):
    DEPARTMENT = "department", _("department or agency")
    PARTY_COMMITTEE = "party_committee", _("party committee")
    PEOPLES_COMMITTEE = "peoples_committee", _("people's committee")
    MASS_ORGANISATION = "mass_organisation", _("mass organisation")
    INVESTOR = "investor", _("investor or project board")
    ENTERPRISE = "enterprise", _("state enterprise")
    OTHER = "other", _("other")


class BodyKind(models.TextChoices):
    STANDING_BOARD = "standing_board", _("Standing Board")
    STANDING_COMMITTEE = "standing_committee", _("Standing Committee")
    EXECUTIVE_COMMITTEE = "executive_committee", _("Executive Committee")


class AssignmentRole(models.TextChoices):
    DIRECT = "direct", _("directly in charge")
    IN_CHARGE = "in_charge", _("in charge")
    MONITOR = "monitor", _("monitoring")


# Roles that answer for a target; at most one assignment of each per target at a time.
# responsible_leader() prefers DIRECT over IN_CHARGE; MONITOR never answers.
PRIMARY_ROLES = (AssignmentRole.DIRECT, AssignmentRole.IN_CHARGE)


class TargetKind(models.TextChoices):
    LOCALITY = "locality", _("locality")
    AGENCY = "agency", _("agency or unit")
    FIELD = "field", _("field")
