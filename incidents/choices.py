"""Choices and the workflow of incidents."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Severity(models.TextChoices):
    URGENT = "urgent", _("urgent")
    COMPLEX = "complex", _("complex")
    NORMAL = "normal", _("normal")


class IncidentSource(models.TextChoices):
    CITIZEN = "citizen", _("citizen")
    PRESS = "press", _("press")
    SOCIAL_MEDIA = "social_media", _("social media")
    HOTLINE = "hotline", _("hotline")
    LOCALITY_REPORT = "locality_report", _("a locality's report")
    INSPECTION = "inspection", _("inspection")
    VISIT = "visit", _("field visit")


class IncidentField(models.TextChoices):
    LAND = "land", _("land")
    ENVIRONMENT = "environment", _("environment")
    URBAN_ORDER = "urban_order", _("urban order")
    CONSTRUCTION = "construction", _("construction")
    SECURITY = "security", _("security and order")
    SOCIAL_WELFARE = "social_welfare", _("social welfare")
    HEALTH = "health", _("health")
    EDUCATION = "education", _("education")
    TRAFFIC = "traffic", _("traffic")
    OTHER = "other", _("other")


class RoutedVia(models.TextChoices):
    """How an incident reached its leader in charge: org.selectors.responsible_leader's answer, or by hand."""

    DIRECT = "direct", _("the place's own assignment")
    PARENT = "parent", _("the assignment of a unit above")
    DEFAULT = "default", _("the organisation's default leader")
    MANUAL = "manual", _("reassigned by hand")


class IncidentStatus(models.TextChoices):
    RECEIVED = "received", _("received")
    ASSIGNED = "assigned", _("assigned")
    HANDLING = "handling", _("being handled")
    RESOLVED = "resolved", _("resolved")
    CLOSED = "closed", _("closed")
    REOPENED = "reopened", _("reopened")
    REJECTED = "rejected", _("rejected")


OPEN_STATUSES = (
    IncidentStatus.RECEIVED,
    IncidentStatus.ASSIGNED,
    IncidentStatus.HANDLING,
    IncidentStatus.REOPENED,
)

# Every move goes through incidents.services.incident_set_status.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    IncidentStatus.RECEIVED: (IncidentStatus.ASSIGNED, IncidentStatus.HANDLING, IncidentStatus.REJECTED),
    IncidentStatus.ASSIGNED: (IncidentStatus.HANDLING, IncidentStatus.RESOLVED, IncidentStatus.REJECTED),
    IncidentStatus.HANDLING: (IncidentStatus.RESOLVED, IncidentStatus.REJECTED),
    IncidentStatus.RESOLVED: (IncidentStatus.CLOSED, IncidentStatus.REOPENED),
    IncidentStatus.CLOSED: (IncidentStatus.REOPENED,),
    IncidentStatus.REOPENED: (IncidentStatus.HANDLING, IncidentStatus.RESOLVED),
    IncidentStatus.REJECTED: (IncidentStatus.REOPENED,),
}

# Statuses that count as "acknowledged" by the handling side (the acknowledgement clock stops).
ACKNOWLEDGED_STATUSES = (IncidentStatus.HANDLING, IncidentStatus.RESOLVED, IncidentStatus.CLOSED)


class RejectReason(models.TextChoices):
    OUT_OF_SCOPE = "out_of_scope", _("not in scope")
    DUPLICATE = "duplicate", _("a duplicate")


# The six characteristics Regulation 09 names; an incident may have several.
FLAGS = (
    ("is_new", _("newly arising")),
    ("is_prominent", _("prominent")),
    ("is_complex", _("complex")),
    ("is_sudden", _("sudden")),
    ("is_pressing", _("pressing")),
    ("is_public_concern", _("of public concern")),
)
