"""The API of a record's confidential mark ("Mật"), the same for every kind that carries it: read it (its
named readers), and set it. Each app routes it on its router with its own gate and edit action:

    confidentiality_routes(router, "/{id:incident_id}", selectors.get_incident_for_user, "reassign")

A record the user may not see answers 404 on both; setting it needs the gate's edit action (404 otherwise),
and goes through `core.services.confidentiality_set` (audited, optimistic locking: 409 on a stale version).
"""

from collections.abc import Callable
from typing import Annotated

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Field, Path, Router, Schema

from core.api_inputs import Id, require_writer
from core.converters import MAX_ID
from core.services import confidentiality_set

MAX_READERS = 200


class ConfidentialReaderOut(Schema):
    id: int
    full_name: str


class ConfidentialityOut(Schema):
    confidential: bool = Field(description="Only the named readers and the Standing Board see the record")
    readers: list[ConfidentialReaderOut]
    version: int


class ConfidentialityIn(Schema):
    confidential: bool
    reader_ids: list[Id] = Field(
        default_factory=list,
        max_length=MAX_READERS,
        description="Users of the organisation; whoever marks the record and its creator are always added",
    )
    version: int = Field(ge=1, le=MAX_ID)


def confidentiality_out(record) -> ConfidentialityOut:
    readers = sorted(record.confidential_readers.all(), key=lambda u: (u.sort_key, u.pk))
    return ConfidentialityOut(
        confidential=record.confidential,
        readers=[ConfidentialReaderOut(id=u.pk, full_name=str(u)) for u in readers],
        version=record.version,
    )


def confidentiality_routes(router: Router, prefix: str, gate: Callable, action: str, *, noun: str) -> None:
    """Add `GET` and `PUT {prefix}/{id}/confidentiality` to `router` for the records `gate` reaches (`prefix`
    is "" or a path such as "/visits"); `noun` names the record in the operations' summaries."""
    path = f"{prefix}/{{id:record_id}}/confidentiality"
    slug = noun.replace(" ", "_")

    def read(request, record_id: Annotated[int, Path(ge=1, le=MAX_ID)]) -> ConfidentialityOut:
        return confidentiality_out(gate(user=request.user, pk=record_id))

    def write(
        request, record_id: Annotated[int, Path(ge=1, le=MAX_ID)], payload: ConfidentialityIn
    ) -> ConfidentialityOut:
        user = request.user
        require_writer(user)
        record = gate(user=user, pk=record_id, action=action)
        ids = sorted(set(payload.reader_ids))
        readers = list(
            get_user_model().objects.filter(
                pk__in=ids, organization_id=record.organization_id, is_active=True
            )
        )
        if len(readers) != len(ids):
            raise ValidationError(
                {"reader_ids": _("Readers must be active users of the record's organisation.")}
            )
        saved = confidentiality_set(
            actor=user,
            instance=record,
            confidential=payload.confidential,
            readers=readers,
            version=payload.version,
        )
        return confidentiality_out(saved)

    read.__name__ = f"read_{slug}_confidentiality"
    write.__name__ = f"set_{slug}_confidentiality"
    router.get(path, response=ConfidentialityOut, summary=f"The confidential mark of a {noun}")(read)
    router.put(
        path,
        response=ConfidentialityOut,
        summary=f"Mark a {noun} confidential, or change or lift the mark",
    )(write)
