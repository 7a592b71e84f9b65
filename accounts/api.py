"""API operations of accounts: issue, list and revoke tokens; who am I."""

from django.contrib.auth import authenticate
from django.utils.translation import gettext as _
from django_otp import match_token
from ninja import Router, Schema, Status
from ninja.errors import HttpError

from accounts import selectors, services
from accounts.lockout import locked_message
from accounts.selectors import needs_two_factor

router = Router(tags=["auth"])


class TokenRequest(Schema):
    username: str
    password: str
    name: str = "API"
    otp: str | None = None


class TokenIssued(Schema):
    token: str
    id: int
    name: str
    expires_at: str | None


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    created_at: str
    expires_at: str | None
    last_used_at: str | None
    revoked_at: str | None

    @staticmethod
    def resolve_created_at(obj):
        return obj.created_at.isoformat()

    @staticmethod
    def resolve_expires_at(obj):
        return obj.expires_at.isoformat() if obj.expires_at else None

    @staticmethod
    def resolve_last_used_at(obj):
        return obj.last_used_at.isoformat() if obj.last_used_at else None

    @staticmethod
    def resolve_revoked_at(obj):
        return obj.revoked_at.isoformat() if obj.revoked_at else None


class MeOut(Schema):
    id: int
    username: str
    full_name: str
    role: str
    role_label: str
    organization: str | None


class ErrorOut(Schema):
    detail: str


@router.post(
    "/token",
    auth=None,
    response={201: TokenIssued, 401: ErrorOut, 429: ErrorOut},
    summary="Issue an API token",
)
def issue_token(request, payload: TokenRequest):
    """Exchange a username and password (and a one-time code when two-factor is required) for a token."""
    user = authenticate(request, username=payload.username, password=payload.password)
    if getattr(request, "axes_locked_out", False):
        # django-axes refused the attempt (or this failure locked the account): say so, not "wrong password".
        raise HttpError(429, locked_message())
    if user is None or not user.is_active:
        raise HttpError(401, _("Wrong username or password."))
    if needs_two_factor(user) and (not payload.otp or match_token(user, payload.otp) is None):
        raise HttpError(401, _("A valid one-time code from the authenticator app is required."))
    token, raw = services.token_create(actor=user, user=user, name=payload.name)
    return Status(
        201,
        {
            "token": raw,
            "id": token.pk,
            "name": token.name,
            "expires_at": token.expires_at.isoformat() if token.expires_at else None,
        },
    )


@router.get("/tokens", response=list[TokenOut], summary="My API tokens")
def list_tokens(request):
    return list(selectors.token_list(user=request.user)[:200])


@router.post("/tokens/{token_id}/revoke", response=TokenOut, summary="Revoke one of my API tokens")
def revoke_token(request, token_id: int):
    token = selectors.get_token_for_user(user=request.user, pk=token_id)
    return services.token_revoke(actor=request.user, token=token)


@router.get("/me", response=MeOut, summary="The signed-in user")
def me(request):
    user = request.user
    return {
        "id": user.pk,
        "username": user.username,
        "full_name": user.get_full_name(),
        "role": user.role,
        "role_label": str(user.get_role_display()),
        "organization": str(user.organization) if user.organization_id else None,
    }
