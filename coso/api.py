"""The REST API under /api/v1/: session cookies or bearer tokens, JSON errors in the user's language."""

from axes.exceptions import AxesBackendPermissionDenied
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, IntegrityError, InterfaceError, OperationalError
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as SchemaValidationError
from ninja.security import HttpBearer, SessionAuth

from accounts.lockout import locked_message
from accounts.models import ApiToken, hash_token
from accounts.selectors import needs_two_factor
from core import idempotency
from core.errors import ConflictError
from core.middleware import RETRY_AFTER_SECONDS, integrity_conflict_message
from core.throttling import install as install_throttling
from core.throttling import throttles


class TokenAuth(HttpBearer):
    """Bearer tokens: looked up by their SHA-256 digest; revoked or expired tokens fail."""

    def authenticate(self, request, token):
        token_row = (
            ApiToken.objects.usable().select_related("user").filter(key_hash=hash_token(token)).first()
        )
        if token_row is None or not token_row.user.is_active:
            return None
        now = timezone.now()
        if token_row.last_used_at is None or (now - token_row.last_used_at).total_seconds() > 60:
            ApiToken.objects.filter(pk=token_row.pk).update(last_used_at=now)
        request.user = token_row.user
        request.api_token = token_row
        return token_row.user


class VerifiedSessionAuth(SessionAuth):
    """Session cookies (with CSRF), once the user has passed two-factor sign-in where it is required."""

    def authenticate(self, request, key):
        user = super().authenticate(request, key)
        if user is None or (needs_two_factor(user) and not user.is_verified()):
            return None
        return user


api = NinjaAPI(
    title="Cơ Sở API",
    version="1",
    description="Cơ Sở: organisation, assignments and who answers for each place.",
    auth=[TokenAuth(), VerifiedSessionAuth()],
    urls_namespace="api",
    docs_url="/docs",
    throttle=throttles(),  # per token and per address (core.throttling)
)
install_throttling(api)


def _error(request, status: int, message: str, **extra):
    return api.create_response(request, {"detail": message, **extra}, status=status)


@api.exception_handler(Http404)
def not_found(request, exc):
    return _error(request, 404, _("Not found."))


@api.exception_handler(PermissionDenied)
def forbidden(request, exc):
    return _error(request, 403, _("You do not have permission to do this."))


@api.exception_handler(AxesBackendPermissionDenied)
def locked_out(request, exc):
    """django-axes refused a sign-in: not a permission problem, the account is locked for a while."""
    return _error(request, 429, locked_message())


@api.exception_handler(AuthenticationError)
def unauthorised(request, exc):
    return _error(request, 401, _("Sign in, or send a valid API token."))


@api.exception_handler(ConflictError)
def conflict(request, exc):
    return _error(request, 409, exc.message)


@api.exception_handler(ValidationError)
def invalid(request, exc):
    errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    first = next(iter(errors.values()))[0]
    return _error(request, 422, str(first), errors=errors)


@api.exception_handler(SchemaValidationError)
def schema_invalid(request, exc):
    errors = {}
    for err in exc.errors:
        loc = ".".join(str(p) for p in err.get("loc", []) if p not in ("body", "query", "path", "payload"))
        errors.setdefault(loc or "__all__", []).append(
            _("Invalid value: {reason}").format(reason=err.get("msg", ""))
        )
    return _error(request, 422, _("The request has invalid fields."), errors=errors)


@api.exception_handler(HttpError)
def http_error(request, exc):
    return _error(request, exc.status_code, str(exc.message))


@api.exception_handler(OperationalError)
@api.exception_handler(InterfaceError)
def database_unavailable(request, exc):
    response = _error(request, 503, _("The database is not available right now. Try again in a moment."))
    response["Retry-After"] = RETRY_AFTER_SECONDS
    return response


@api.exception_handler(IntegrityError)
def integrity_race(request, exc):
    """A unique constraint that a concurrent save won: a conflict to retry, not an outage."""
    return _error(request, 409, integrity_conflict_message())


@api.exception_handler(DatabaseError)
def database_error(request, exc):
    response = _error(request, 503, _("The database could not complete the request. Try again in a moment."))
    response["Retry-After"] = RETRY_AFTER_SECONDS
    return response


# Idempotency-Key on every signed-in POST, each POST one transaction with its answer (core/idempotency.py).
idempotency.install(api)

api.add_router("/auth/", "accounts.api.router")
api.add_router("/org/", "org.api.router")
api.add_router("/calendar/", "core.api.router")
api.add_router("/notifications/", "core.notifications_api.router")
api.add_router("/followup/", "followup.api.router")
api.add_router("/incidents/", "incidents.api.router")
api.add_router("/investment/", "investment.api.router")
api.add_router("/fieldwork/", "fieldwork.api.router")
api.add_router("/reports/", "reports.api.router")
api.add_router("/imports/", "core.imports_api.router")
