"""Recording the audit trail: every service writes its change here, in the same transaction."""

import datetime as dt
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db import models

from core.models import AuditAction, AuditEvent


def _plain(value):
    """A JSON-safe form of a field value."""
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, list | tuple | set):
        return [_plain(v) for v in value]
    return value


def snapshot(instance: models.Model) -> dict:
    """The concrete field values of a record, as the audit trail stores them."""
    data = {}
    for field in instance._meta.concrete_fields:
        if field.name in {"id", "created_at", "updated_at", "search_text", "path", "password"}:
            continue
        data[field.name] = _plain(getattr(instance, field.attname))
    return data


def diff(before: dict, after: dict) -> dict:
    """Fields that changed, as {field: [before, after]}."""
    keys = set(before) | set(after)
    return {k: [before.get(k), after.get(k)] for k in sorted(keys) if before.get(k) != after.get(k)}


def organization_of(instance) -> int | None:
    """The Party organisation a record belongs to, when it has one."""
    for name in ("organization_id", "committee_id"):
        if hasattr(instance, name):
            return getattr(instance, name)
    return None


def record(
    *, actor, action: str, instance=None, changes=None, note: str = "", organization=None
) -> AuditEvent:
    """Append one event to the audit trail."""
    event = AuditEvent(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        changes=changes or {},
        note=note[:500],
    )
    if instance is not None:
        event.content_type = ContentType.objects.get_for_model(instance, for_concrete_model=True)
        event.object_id = str(instance.pk)
        event.object_repr = str(instance)[:300]
        event.organization_id = organization_of(instance)
    if organization is not None:
        event.organization_id = getattr(organization, "pk", organization)
    elif event.organization_id is None and getattr(actor, "organization_id", None):
        event.organization_id = actor.organization_id
    event.save()
    return event


def history_for(instance) -> models.QuerySet[AuditEvent]:
    """The history of one record, newest first, with the actor loaded."""
    ct = ContentType.objects.get_for_model(instance, for_concrete_model=True)
    return AuditEvent.objects.filter(content_type=ct, object_id=str(instance.pk)).select_related("actor")


__all__ = ["AuditAction", "diff", "history_for", "record", "snapshot"]
