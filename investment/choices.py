"""Choices of the investment app: project classes, statuses, capital sources, group roles, RAG."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ProjectGroup(models.TextChoices):
    """The class of a public investment project under the Law on Public Investment."""

    NATIONAL = "national", _("national importance")
    A = "A", _("group A")
    B = "B", _("group B")
    C = "C", _("group C")


class Sector(models.TextChoices):
    """Sectors, after the OC4IDS project sector codelist."""

    TRANSPORT = "transport", _("transport")
    URBAN = "urban", _("urban development")
    WATER = "water", _("water and drainage")
    ENVIRONMENT = "environment", _("environment")
    ENERGY = "energy", _("energy")
    HEALTH = "health", _("health")
    EDUCATION = "education", _("education")
    CULTURE = "culture", _("culture and sport")
    SOCIAL = "social", _("social housing and welfare")
    SECURITY = "security", _("defence and security")
    ADMINISTRATION = "administration", _("state administration")
    OTHER = "other", _("other")


class ProjectStatus(models.TextChoices):
    PREPARATION = "preparation", _("preparation")
    IMPLEMENTATION = "implementation", _("implementation")
    COMPLETED = "completed", _("completed")
    SUSPENDED = "suspended", _("suspended")
    CANCELLED = "cancelled", _("cancelled")


# The project workflow: every move goes through investment.services.project_set_status.
PROJECT_TRANSITIONS: dict[str, tuple[str, ...]] = {
    ProjectStatus.PREPARATION: (
        ProjectStatus.IMPLEMENTATION,
        ProjectStatus.SUSPENDED,
        ProjectStatus.CANCELLED,
    ),
    ProjectStatus.IMPLEMENTATION: (ProjectStatus.COMPLETED, ProjectStatus.SUSPENDED, ProjectStatus.CANCELLED),
    ProjectStatus.SUSPENDED: (
        ProjectStatus.PREPARATION,
        ProjectStatus.IMPLEMENTATION,
        ProjectStatus.CANCELLED,
    ),
    ProjectStatus.COMPLETED: (),
    ProjectStatus.CANCELLED: (),
}


class CapitalSource(models.TextChoices):
    """Where a capital plan's money comes from."""

    CENTRAL = "central", _("central budget")
    LOCAL = "local", _("local budget")
    FOREIGN = "foreign", _("foreign (ODA, concessional loans)")


class Denominator(models.TextChoices):
    """The two amounts a capital plan keeps, each a denominator of the disbursement rate."""

    ASSIGNED = "assigned", _("assigned by the Prime Minister")
    ALLOCATED = "allocated", _("allocated by the locality")


class GroupRole(models.TextChoices):
    LEADER = "leader", _("group leader")
    DEPUTY = "deputy", _("deputy leader")
    SECRETARY = "secretary", _("secretary")
    MEMBER = "member", _("member")


class ScopeVia(models.TextChoices):
    """How a project came into a working group's scope."""

    PROJECT = "project", _("named project")
    INVESTOR = "investor", _("investor")
    LOCALITY = "locality", _("locality")


class Rag(models.TextChoices):
    """Red, amber or green: how a disbursement stands against the target curve (docs/investment.md)."""

    GREEN = "green", _("on track")
    AMBER = "amber", _("behind")
    RED = "red", _("lagging")
    NONE = "none", _("no plan")
