"""Choices of the fieldwork app: calendar entry kinds, the visit workflow, speakers and opinions."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class EntryKind(models.TextChoices):
    """What a leader's work calendar entry is."""

    FIELD_VISIT = "field_visit", _("field visit")
    MEETING = "meeting", _("meeting")
    CITIZEN_RECEPTION = "citizen_reception", _("receiving citizens")
    OFFICE_WORK = "office_work", _("office work")
    BUSINESS_TRIP = "business_trip", _("business trip")
    LEAVE = "leave", _("leave")


class VisitStatus(models.TextChoices):
    PLANNED = "planned", _("planned")
    CARRIED_OUT = "carried_out", _("carried out")
    CANCELLED = "cancelled", _("cancelled")


# The visit workflow: every move goes through fieldwork.services.visit_set_status.
VISIT_TRANSITIONS: dict[str, tuple[str, ...]] = {
    VisitStatus.PLANNED: (VisitStatus.CARRIED_OUT, VisitStatus.CANCELLED),
    VisitStatus.CARRIED_OUT: (),
    VisitStatus.CANCELLED: (VisitStatus.PLANNED,),
}


class SpeakerKind(models.TextChoices):
    """Who gave an opinion heard on a visit: the sides of "ý kiến nhiều chiều"."""

    CADRE = "cadre", _("cadre or official")
    PARTY_MEMBER = "party_member", _("party member")
    CITIZEN = "citizen", _("citizen")
    BUSINESS = "business", _("business")
    MASS_ORGANISATION = "mass_organisation", _("mass organisation")
    OTHER = "other", _("other")


class OpinionKind(models.TextChoices):
    PROPOSAL = "proposal", _("proposal")
    COMPLAINT = "complaint", _("complaint")
    PRAISE = "praise", _("praise")
    INFORMATION = "information", _("information")
