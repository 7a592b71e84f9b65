"""Sign-ins, sign-outs and failed sign-ins go on the audit trail."""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from core import audit
from core.models import AuditAction


@receiver(user_logged_in)
def on_login(sender, request, user, **kwargs):
    audit.record(
        actor=user, action=AuditAction.LOGIN, instance=user, note=_client(request), kind="account.signed_in"
    )


@receiver(user_logged_out)
def on_logout(sender, request, user, **kwargs):
    if user is not None:
        audit.record(
            actor=user,
            action=AuditAction.LOGOUT,
            instance=user,
            note=_client(request),
            kind="account.signed_out",
        )


@receiver(user_login_failed)
def on_login_failed(sender, credentials, request=None, **kwargs):
    username = str(credentials.get("username", ""))[:150]
    audit.record(
        actor=None,
        action=AuditAction.LOGIN_FAILED,
        note=f"{username} {_client(request)}".strip(),
        kind="account.sign_in_failed",
        params={"username": username},
    )


def _client(request) -> str:
    if request is None:
        return ""
    return request.META.get("REMOTE_ADDR", "")
