from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    """Users, roles, API tokens and two-factor sign-in."""

    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from accounts import signals  # noqa: F401
        from core.registry import register_menu_link

        register_menu_link("accounts:user_list", _("Users"), key="users", group="admin", order=20)
