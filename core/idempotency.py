"""`Idempotency-Key` for the API's writes: a client that sends a POST again after an error, a timeout or a
503 gets the first answer back, and nothing is created twice.

Every signed-in `POST` of the API runs in one transaction that spans the whole operation: the write, the
read that builds the answer, and the answer's record. So a write is committed together with the answer it
was given (a read that fails after the write rolls the write back with it: the client is told 503, and that
is true), and a committed write with a key always has its stored answer.

With an `Idempotency-Key` header (1 to 255 visible ASCII characters), a signed-in user's POST is answered
once per user, key and operation (the method and the path):

- the first time, as usual; a 2xx answer is stored (status, content type, body) with a SHA-256 of the
  request's body, in the write's transaction;
- again with the same body: the stored answer, with `Idempotent-Replayed: true`, and nothing is written;
- again with another body: 409, and nothing is written;
- two at once: the second waits for the first's record (the unique constraint), then gets its answer.

Error answers are not stored, so a request answered 4xx or 5xx may be sent again with the same key. Records
expire after COSO_IDEMPOTENCY_HOURS (24 h): a user's expired records are pruned as they write, everyone's
by the reminders' run (`coso remind`). Operations without sign-in (asking for a token) ignore the header:
their answers carry secrets that are never stored.

Hooked into the API once, with `install(api)` (coso/api.py), through django-ninja's decorators: one around
each operation's run (the transaction), one around its view (the key, after sign-in and validation).
"""

import datetime as dt
import functools
import hashlib
import re
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpResponse, RawPostDataException
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import ConflictError
from core.middleware import DATABASE_DOWN_ERRORS, database_unavailable_response
from core.models import IdempotencyRecord

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
KEY_PATTERN = re.compile(r"[\x21-\x7e]{1,255}")  # visible ASCII, no spaces
MARK = "coso_idempotency"

OPENAPI_PARAMETER = {
    "name": HEADER,
    "in": "header",
    "required": False,
    "schema": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": r"^[\x21-\x7e]+$"},
    "description": (
        "A key of your choice, new for each new request (a UUID). Sent again with the same body, the "
        "request is answered with its first answer and writes nothing more; with another body, 409. "
        "Kept 24 hours, per user and operation."
    ),
}


def lifetime() -> dt.timedelta:
    return dt.timedelta(hours=getattr(settings, "COSO_IDEMPOTENCY_HOURS", 24))


@dataclass
class _Claim:
    """What the view's wrapper found, for the run's wrapper to store or answer."""

    user: object = None
    key: str = ""
    operation: str = ""
    request_hash: str = ""
    replayed: bool = False


# --- the request --------------------------------------------------------------------------------------


def request_hash(request) -> str:
    """SHA-256 of what the request sends: its raw body, or (a multipart form already read) its fields and
    the digest of each file."""
    digest = hashlib.sha256()
    try:
        digest.update(request.body)
    except RawPostDataException:
        for name in sorted(request.POST):
            for value in request.POST.getlist(name):
                digest.update(f"{name}={value}\n".encode())
        for name in sorted(request.FILES):
            for upload in request.FILES.getlist(name):
                digest.update(f"{name}:{upload.name}:{upload.size}:".encode())
                for chunk in upload.chunks():
                    digest.update(chunk)
                upload.seek(0)
    return digest.hexdigest()


def operation_of(request) -> str:
    return f"{request.method} {request.path}"[:300]


def _valid_key(key: str) -> bool:
    return bool(KEY_PATTERN.fullmatch(key))


# --- records ------------------------------------------------------------------------------------------


def find(*, user, key: str, operation: str, now: dt.datetime | None = None) -> IdempotencyRecord | None:
    """The live record of this user's key for this operation, or None."""
    cutoff = (now or timezone.now()) - lifetime()
    return IdempotencyRecord.objects.filter(
        user=user, key=key, operation=operation, created_at__gte=cutoff
    ).first()


def store(claim: _Claim, response: HttpResponse) -> IdempotencyRecord:
    """Record the answer (in the caller's transaction), after pruning the user's expired records: one of
    them may hold this very key."""
    now = timezone.now()
    IdempotencyRecord.objects.filter(user=claim.user, created_at__lt=now - lifetime()).delete()
    return IdempotencyRecord.objects.create(
        user=claim.user,
        key=claim.key,
        operation=claim.operation,
        request_hash=claim.request_hash,
        status=response.status_code,
        content_type=response.get("Content-Type", "application/json")[:100],
        body=response.content.decode("utf-8"),
        created_at=now,
    )


def replay(record: IdempotencyRecord) -> HttpResponse:
    response = HttpResponse(record.body, status=record.status, content_type=record.content_type)
    response[REPLAYED_HEADER] = "true"
    return response


def reused_key_message() -> str:
    return _(
        "This Idempotency-Key was already used for a different request, so nothing was done. "
        "Send a new key with a new request."
    )


def answer_for(claim: _Claim) -> HttpResponse | None:
    """The stored answer to a claim's key, if it is the same request; ConflictError for another request."""
    record = find(user=claim.user, key=claim.key, operation=claim.operation)
    if record is None:
        return None
    if record.request_hash != claim.request_hash:
        raise ConflictError(reused_key_message())
    return replay(record)


def prune(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Delete every expired record (the reminders' run); how many, as {"expired_keys": n}."""
    cutoff = (now or timezone.now()) - lifetime()
    deleted, _per_model = IdempotencyRecord.objects.filter(created_at__lt=cutoff).delete()
    return {"expired_keys": deleted}


# --- the API's hooks ----------------------------------------------------------------------------------


def _conflict_response(request, message: str) -> HttpResponse:
    from django.http import JsonResponse

    return JsonResponse({"detail": message}, status=409)


def atomic_run(run):
    """Around an operation's run (sign-in, validation, the view, the answer): a POST runs in one
    transaction, rolled back on a 5xx; a 2xx answer to a claimed key is stored in it."""

    @functools.wraps(run)
    def wrapper(request, *args, **kwargs):
        if request.method != "POST":
            return run(request, *args, **kwargs)
        claim = _Claim()
        request.coso_idempotency = claim
        try:
            with transaction.atomic():
                response = run(request, *args, **kwargs)
                if response.status_code >= 500:
                    transaction.set_rollback(True)
                elif claim.key and not claim.replayed and 200 <= response.status_code < 300:
                    store(claim, response)
        except IntegrityError:
            if not claim.key:
                raise
            # The same key at the same moment: the other request's record won; answer with it.
            try:
                with transaction.atomic():
                    answer = answer_for(claim)
            except ConflictError as exc:
                return _conflict_response(request, exc.message)
            if answer is None:
                raise
            return answer
        except DATABASE_DOWN_ERRORS:
            # The commit itself failed: whether it landed is unknown; a retry with the key will tell.
            return database_unavailable_response(request)
        return response

    setattr(wrapper, MARK, True)
    return wrapper


def keyed_view(view):
    """Around an operation's view (after sign-in and validation): take the key, answer a repeat."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        claim = getattr(request, "coso_idempotency", None)
        key = request.headers.get(HEADER)
        user = getattr(request, "auth", None)
        if claim is None or key is None or getattr(user, "pk", None) is None:
            return view(request, *args, **kwargs)
        if not _valid_key(key):
            from django.core.exceptions import ValidationError

            raise ValidationError(
                {HEADER: _("The Idempotency-Key must be 1 to 255 visible characters, without spaces.")}
            )
        claim.user, claim.key = user, key
        claim.operation = operation_of(request)
        claim.request_hash = request_hash(request)
        answer = answer_for(claim)
        if answer is not None:
            claim.replayed = True
            return answer
        return view(request, *args, **kwargs)

    setattr(wrapper, MARK, True)
    return wrapper


def covers(operation) -> bool:
    """Whether a bound operation of the API runs under both hooks."""
    return _marked(operation.run) and _marked(operation.view_func)


def _marked(function) -> bool:
    while function is not None:
        if getattr(function, MARK, False):
            return True
        function = getattr(function, "__wrapped__", None)
    return False


def document(schema: dict) -> dict:
    """Name the header among the parameters of every signed-in POST of an OpenAPI document."""
    for operations in schema.get("paths", {}).values():
        operation = operations.get("post")
        if operation is None or not operation.get("security"):
            continue
        parameters = operation.setdefault("parameters", [])
        if not any(p.get("name") == HEADER and p.get("in") == "header" for p in parameters):
            parameters.append(dict(OPENAPI_PARAMETER))
    return schema


def install(api) -> None:
    """Hook the key into every operation of `api` (django-ninja), and into its OpenAPI document."""
    # django-ninja's names: "view" wraps the operation's run, "operation" wraps the view function.
    api.add_decorator(atomic_run, mode="view")
    api.add_decorator(keyed_view, mode="operation")
    plain = api.get_openapi_schema

    @functools.wraps(plain)
    def get_openapi_schema(*args, **kwargs):
        return document(plain(*args, **kwargs))

    api.get_openapi_schema = get_openapi_schema
