"""The accounts app's kinds of audit event (core.events): each reads as a sentence when shown."""

from django.utils.translation import gettext_lazy as _

from core import events

events.register("account.signed_in", _("{actor} signed in"))
events.register("account.signed_out", _("{actor} signed out"))
events.register("account.sign_in_failed", _("A sign-in as “{username}” failed"))
events.register("account.password_changed", _("{actor} changed their password"))
events.register("account.password_set", _("{actor} set a new password for the account"))
events.register("account.two_factor_enabled", _("{actor} turned on two-factor sign-in"))
events.register("account.deactivated", _("{actor} deactivated the account"))
events.register("account.activated", _("{actor} activated the account again"))
events.register("token.created", _("{actor} issued an API token"))
events.register("token.revoked", _("{actor} revoked the API token"))
