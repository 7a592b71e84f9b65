"""Choices and workflows of the follow-up app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ObstacleCategory(models.TextChoices):
    SITE_CLEARANCE = "site_clearance", _("site clearance and compensation")
    INVESTMENT_PROCEDURES = "investment_procedures", _("investment procedures")
    PLANNING = "planning", _("planning")
    MECHANISM_POLICY = "mechanism_policy", _("mechanism or policy")
    CAPITAL = "capital", _("capital")
    MATERIALS_PRICES = "materials_prices", _("materials and prices")
    CONTRACTOR_CAPACITY = "contractor_capacity", _("investor or contractor capacity")
    INFRASTRUCTURE_RELOCATION = "infrastructure_relocation", _("relocating technical infrastructure")
    FEAR_OF_RESPONSIBILITY = "fear_of_responsibility", _("officials' fear of responsibility")
    OTHER = "other", _("other")


class ResolutionLevel(models.TextChoices):
    INVESTOR = "investor", _("investor")
    COMMUNE = "commune", _("commune")
    DEPARTMENT = "department", _("department")
    CITY_PEOPLES_COMMITTEE = "city_peoples_committee", _("city People's Committee")
    STANDING_COMMITTEE = "standing_committee", _("Standing Committee")
    CENTRAL = "central", _("central government")


class RaisedIn(models.TextChoices):
    SUPERVISION_SESSION = "supervision_session", _("supervision session")
    VISIT = "visit", _("field visit")
    REPORT = "report", _("report")
    INCIDENT = "incident", _("incident")
    OTHER = "other", _("other")


class ObstacleStatus(models.TextChoices):
    NEW = "new", _("new")
    ESCALATED = "escalated", _("escalated to the Standing Committee")
    ASSIGNED = "assigned", _("assigned")
    RESOLVING = "resolving", _("being resolved")
    RESOLVED = "resolved", _("resolved")
    VERIFIED = "verified", _("verified")
    CLOSED = "closed", _("closed")


# Not yet resolved: an obstacle past its deadline in one of these is overdue.
UNRESOLVED_OBSTACLE_STATUSES = (
    ObstacleStatus.NEW,
    ObstacleStatus.ESCALATED,
    ObstacleStatus.ASSIGNED,
    ObstacleStatus.RESOLVING,
)

OPEN_OBSTACLE_STATUSES = (
    ObstacleStatus.NEW,
    ObstacleStatus.ESCALATED,
    ObstacleStatus.ASSIGNED,
    ObstacleStatus.RESOLVING,
    ObstacleStatus.RESOLVED,
)

# The obstacle workflow: every move goes through followup.services.obstacle_set_status.
OBSTACLE_TRANSITIONS: dict[str, tuple[str, ...]] = {
    ObstacleStatus.NEW: (
        ObstacleStatus.ESCALATED,
        ObstacleStatus.ASSIGNED,
        ObstacleStatus.RESOLVING,
        ObstacleStatus.CLOSED,
    ),
    ObstacleStatus.ESCALATED: (ObstacleStatus.ASSIGNED, ObstacleStatus.CLOSED),
    ObstacleStatus.ASSIGNED: (ObstacleStatus.RESOLVING, ObstacleStatus.RESOLVED, ObstacleStatus.CLOSED),
    ObstacleStatus.RESOLVING: (ObstacleStatus.RESOLVED, ObstacleStatus.CLOSED),
    # A resolution is verified by the group or by re-supervision; a failed check sends it back.
    ObstacleStatus.RESOLVED: (ObstacleStatus.VERIFIED, ObstacleStatus.RESOLVING, ObstacleStatus.CLOSED),
    ObstacleStatus.VERIFIED: (),
    ObstacleStatus.CLOSED: (),
}


class SourceKind(models.TextChoices):
    """Where a directive comes from; later apps attach their records to these kinds."""

    CONCLUSION_NOTICE = "conclusion_notice", _("Standing Committee conclusion notice")
    OBSTACLE = "obstacle", _("obstacle")
    VISIT = "visit", _("field visit")
    SUPERVISION_SESSION = "supervision_session", _("supervision session")
    INCIDENT = "incident", _("incident")
    RESUPERVISION = "resupervision", _("re-supervision")
    OTHER = "other", _("other")


class StatusBucket(models.TextChoices):
    """How Vietnamese task tracking reports a directive; computed, never typed in."""

    NOT_DUE = "not_due", _("not yet due")
    IN_PROGRESS = "in_progress", _("in progress, within the deadline")
    AWAITING_CONFIRMATION = "awaiting_confirmation", _("reported done, awaiting confirmation")
    DONE_ON_TIME = "done_on_time", _("done on time")
    DONE_LATE = "done_late", _("done late")
    OVERDUE = "overdue", _("overdue and not done")


class Verdict(models.TextChoices):
    IMPLEMENTED = "implemented", _("implemented")
    PARTLY = "partly", _("partly implemented")
    NOT_IMPLEMENTED = "not_implemented", _("not implemented")
    NOT_APPLICABLE = "not_applicable", _("no longer applicable")


# Verdicts that close the item; any other keeps it open and spawns a follow-up directive.
CLOSING_VERDICTS = (Verdict.IMPLEMENTED, Verdict.NOT_APPLICABLE)
FOLLOW_UP_VERDICTS = (Verdict.PARTLY, Verdict.NOT_IMPLEMENTED)


class CheckMethod(models.TextChoices):
    ON_SITE = "on_site", _("on site")
    DOCUMENTS = "documents", _("from documents")


class NotificationKind(models.TextChoices):
    DIRECTIVE_DUE = "directive_due", _("directive due soon")
    DIRECTIVE_OVERDUE = "directive_overdue", _("directive overdue")
    DIRECTIVE_ASSIGNED = "directive_assigned", _("new directive")
    DIRECTIVE_DONE_REPORTED = "directive_done_reported", _("directive reported done")
    DIRECTIVE_CONFIRMED = "directive_confirmed", _("completion confirmed")
    DIRECTIVE_RETURNED = "directive_returned", _("completion returned")
    DIRECTIVE_CLOSED = "directive_closed", _("directive closed by a re-supervision")
    OBSTACLE_RAISED = "obstacle_raised", _("new obstacle")
    OBSTACLE_ASSIGNED = "obstacle_assigned", _("obstacle assigned")
    OBSTACLE_ESCALATED = "obstacle_escalated", _("obstacle escalated")
    OBSTACLE_OVERDUE = "obstacle_overdue", _("obstacle overdue")
    OBSTACLE_RESOLVED = "obstacle_resolved", _("obstacle resolved")
    RESUPERVISION_DUE = "resupervision_due", _("re-supervision due")
    RESUPERVISION_SCHEDULED = "resupervision_scheduled", _("new re-supervision")
    OTHER = "other", _("other")
