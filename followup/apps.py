from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FollowupConfig(AppConfig):
    """Obstacles go up, directives come down, re-supervision closes the loop."""

    name = "followup"
    verbose_name = _("Follow-up")

    def ready(self):
        from accounts.scoping import visible
        from core import references
        from followup import selectors
        from followup.models import ConclusionNotice, Directive, Obstacle, ReSupervision

        # Which follow-up records a user may open, for every reference to one of them.
        references.register(
            Directive, lambda user: selectors.directive_list(user=user, include_archived=True)
        )
        references.register(Obstacle, lambda user: selectors.obstacle_list(user=user, include_archived=True))
        references.register(ReSupervision, lambda user: selectors.resupervision_list(user=user))
        references.register(ConclusionNotice, lambda user: visible(ConclusionNotice.objects.all(), user))
        # Records of other apps (an incident an obstacle came from…): the project's scoping.
        references.register_default(
            lambda qs, user: visible(qs, user) if hasattr(qs.model, "scope") else qs.none()
        )
