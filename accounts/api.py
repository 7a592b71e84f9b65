"""API operations of accounts: issue, list and revoke tokens; who am I; the office's logins."""

import datetime as dt

from django.contrib.auth import authenticate
from django.http import Http404
from django.utils.translation import gettext as _
from django_otp import match_token
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from accounts import selectors, services
from accounts.choices import Role
from accounts.lockout import locked_message
from accounts.selectors import needs_two_factor
from core.pagination import PageNumberPagination
from org import selectors as org_selectors

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
    if "\x00" in payload.username or "\x00" in payload.password:  # PostgreSQL refuses NUL in text
        raise HttpError(401, _("Wrong username or password."))
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


@router.post("/tokens/{id:token_id}/revoke", response=TokenOut, summary="Revoke one of my API tokens")
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


# --- the office's logins ----------------------------------------------------------------------------


class UserOut(Schema):
    id: int
    username: str
    full_name: str
    email: str
    role: str
    role_label: str
    agency_id: int | None
    agency_name: str | None = None
    person_id: int | None = None
    require_two_factor: bool
    two_factor_set_up: bool = False
    is_active: bool
    last_login: dt.datetime | None
    version: int

    @staticmethod
    def resolve_full_name(obj):
        return obj.get_full_name()

    @staticmethod
    def resolve_role_label(obj):
        return str(obj.get_role_display())

    @staticmethod
    def resolve_agency_name(obj):
        return obj.agency.name if obj.agency_id else None

    @staticmethod
    def resolve_person_id(obj):
        person = getattr(obj, "person", None)
        return person.pk if person else None

    @staticmethod
    def resolve_two_factor_set_up(obj):
        return bool(getattr(obj, "two_factor_set_up", False))


class UserFilters(Schema):
    q: str | None = None
    role: Role | None = None
    active: bool | None = None


class UserIn(Schema):
    username: str = Field(min_length=1, max_length=150)
    full_name: str = Field(min_length=1, max_length=300)
    email: str = Field("", max_length=254)
    role: Role
    agency_id: int | None = Field(None, description="The unit of a focal point; required for that role only")
    person_id: int | None = Field(None, description="The person (such as a leader) this login belongs to")
    require_two_factor: bool = False
    password: str | None = Field(
        None, max_length=128, description="Leave out and the user cannot sign in until a password is set"
    )


class UserPatch(Schema):
    version: int
    username: str | None = Field(None, min_length=1, max_length=150)
    full_name: str | None = Field(None, min_length=1, max_length=300)
    email: str | None = Field(None, max_length=254)
    role: Role | None = None
    agency_id: int | None = None
    person_id: int | None = None
    require_two_factor: bool | None = None


class UserVersionIn(Schema):
    version: int


class PasswordIn(Schema):
    password: str = Field(min_length=1, max_length=128)


def _require_office(user):
    """Logins are the office's to administer; to anyone else these operations do not exist."""
    if not user.is_office:
        raise Http404


def _user_refs(user, data: dict) -> dict:
    """Turn ids in a login payload into records the office may see; a null leaves a field as it is,
    except the unit and the person, which it empties."""
    out = {}
    for key, value in data.items():
        if key == "agency_id":
            out["agency"] = org_selectors.get_agency_for_user(user=user, pk=value) if value else None
        elif key == "person_id":
            out["person"] = org_selectors.get_person_for_user(user=user, pk=value) if value else None
        elif key == "role" and value is not None:
            out["role"] = str(value.value if hasattr(value, "value") else value)
        elif value is not None:
            out[key] = value
    return out


@router.get("/users/", response=list[UserOut], summary="The organisation's logins (office)")
@paginate(PageNumberPagination, page_size=50)
def list_users(request, filters: Query[UserFilters]):
    """`q` ignores diacritics and matches the username or the name ("thinh" finds "Lương Đức Thịnh")."""
    _require_office(request.user)
    role = str(filters.role.value) if filters.role else None
    return selectors.user_list(user=request.user, q=filters.q, role=role, active=filters.active)


@router.get("/users/{id:user_id}", response=UserOut, summary="One login (office)")
def get_user(request, user_id: int):
    _require_office(request.user)
    return selectors.get_user_for_office(user=request.user, pk=user_id)


@router.post("/users/", response={201: UserOut}, summary="Add a login (office)")
def create_user(request, payload: UserIn):
    _require_office(request.user)
    data = _user_refs(request.user, payload.dict(exclude={"password"}))
    account = services.user_create(
        actor=request.user,
        organization=org_selectors.committee_for(request.user),
        password=payload.password or None,
        **data,
    )
    return Status(201, selectors.get_user_for_office(user=request.user, pk=account.pk))


@router.patch("/users/{id:user_id}", response=UserOut, summary="Change a login (office)")
def update_user(request, user_id: int, payload: UserPatch):
    _require_office(request.user)
    account = selectors.get_user_for_office(user=request.user, pk=user_id)
    data = _user_refs(request.user, payload.dict(exclude_unset=True, exclude={"version"}))
    services.user_update(actor=request.user, user=account, version=payload.version, **data)
    return selectors.get_user_for_office(user=request.user, pk=user_id)


@router.post("/users/{id:user_id}/password", response=UserOut, summary="Set a login's password (office)")
def set_user_password(request, user_id: int, payload: PasswordIn):
    _require_office(request.user)
    account = selectors.get_user_for_office(user=request.user, pk=user_id)
    services.user_set_password_by_office(actor=request.user, user=account, password=payload.password)
    return account


@router.post("/users/{id:user_id}/deactivate", response=UserOut, summary="Deactivate a login (office)")
def deactivate_user(request, user_id: int, payload: UserVersionIn):
    _require_office(request.user)
    account = selectors.get_user_for_office(user=request.user, pk=user_id)
    return services.user_deactivate(actor=request.user, user=account, version=payload.version)


@router.post("/users/{id:user_id}/activate", response=UserOut, summary="Activate a login again (office)")
def activate_user(request, user_id: int, payload: UserVersionIn):
    _require_office(request.user)
    account = selectors.get_user_for_office(user=request.user, pk=user_id)
    return services.user_activate(actor=request.user, user=account, version=payload.version)
