from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FollowupConfig(AppConfig):
    """Obstacles go up, directives come down, re-supervision closes the loop."""

    name = "followup"
    verbose_name = _("Follow-up")

    def ready(self):
        from core.registry import has_role, register_menu_group, register_menu_link

        register_menu_link("followup:my_items", _("My items"), key="my_items", group="mine", order=10)
        register_menu_group("followup", _("Follow-up"), order=20, visible=has_role)
        for order, (url_name, label, key) in enumerate(
            (
                ("followup:obstacle_list", _("Obstacles"), "obstacles"),
                ("followup:directive_list", _("Directives"), "directives"),
                ("followup:resupervision_list", _("Re-supervision"), "resupervisions"),
                ("followup:notice_list", _("Conclusion notices"), "notices"),
            ),
            start=1,
        ):
            register_menu_link(url_name, label, key=key, group="followup", order=order * 10)

        from core import references
        from core.scoping import visible
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

        from core.reminders import register
        from followup.choices import NotificationKind
        from followup.reminders import send_reminders

        register("followup", send_reminders, labels=dict(NotificationKind.choices))
