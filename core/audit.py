"""Recording the audit trail: every service writes its change here, in the same transaction."""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy

from core import events as event_kinds
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
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def snapshot(instance: models.Model) -> dict:
    """The concrete field values of a record, as the audit trail stores them."""
    data = {}
    for field in instance._meta.concrete_fields:
        if field.name in {"id", "created_at", "updated_at", "search_text", "sort_key", "path", "password"}:
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
    *,
    actor,
    action: str,
    instance=None,
    changes=None,
    note: str = "",
    organization=None,
    kind: str = "",
    params: dict | None = None,
) -> AuditEvent:
    """Append one event to the audit trail.

    `kind` is a code registered in core.events and `params` its parameters (ids, codes, sizes,
    statuses; never translated text): the sentence is written when the event is read. `note` is for
    what a person typed (a reason); `changes` keeps the fields before and after.
    """
    event = AuditEvent(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        kind=kind,
        params=_plain(params or {}),
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


def history_for(*instances) -> models.QuerySet[AuditEvent]:
    """The history of one record (or several, merged), newest first, with the actor loaded."""
    by_type: dict[ContentType, list[str]] = {}
    for instance in instances:
        ct = ContentType.objects.get_for_model(instance, for_concrete_model=True)
        by_type.setdefault(ct, []).append(str(instance.pk))
    condition = models.Q(pk__in=[])
    for ct, ids in by_type.items():
        condition |= models.Q(content_type=ct, object_id__in=ids)
    return AuditEvent.objects.filter(condition).select_related("actor", "content_type")


@dataclass(frozen=True)
class ChangeRow:
    field: str
    label: str
    before: str
    after: str


@dataclass(frozen=True)
class EventRow:
    """An audit event made readable: field labels, choice labels and names instead of ids."""

    event: AuditEvent
    changes: list[ChangeRow]


def _display(field, value, names: dict) -> str:
    if value is None or value == "":
        return "—"
    if field is None:
        return str(value)
    if field.is_relation and (field.many_to_one or field.one_to_one):
        return names.get((field.related_model, value), f"#{value}")
    if field.many_to_many and isinstance(value, list):
        return ", ".join(names.get((field.related_model, v), f"#{v}") for v in value) or "—"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, models.DateField) and not isinstance(field, models.DateTimeField):
        try:
            return dt.date.fromisoformat(value).strftime("%d/%m/%Y")
        except (TypeError, ValueError):
            return str(value)
    if isinstance(field, models.DateTimeField):
        try:
            from django.utils import timezone

            return timezone.localtime(dt.datetime.fromisoformat(value)).strftime("%d/%m/%Y %H:%M")
        except (TypeError, ValueError):
            return str(value)
    if isinstance(field, models.BooleanField):
        from django.utils.translation import gettext

        return gettext("yes") if value else gettext("no")
    return str(value)


_CREATE_NOISE = {"version", "archived_at", "organization"}
# What services record besides a model's own fields (a progress report, an import, an attachment).
_EXTRA_LABELS = {
    "progress": gettext_lazy("progress report"),
    "file": gettext_lazy("file"),
    "errors": gettext_lazy("errors"),
    "directives": gettext_lazy("directives"),
    "incidents": gettext_lazy("incidents"),
    "name": gettext_lazy("file name"),
    "size": gettext_lazy("size (bytes)"),
}


def _values(event, value) -> list:
    """A change as a list of values: [after] for a creation, [before, after] for an update."""
    if event.action != AuditAction.CREATE and isinstance(value, list) and len(value) == 2:
        return value
    return [value]


def _generic_links(model) -> dict[str, str]:
    """A model's typed links (generic foreign keys), as {id field: type field}."""
    from django.contrib.contenttypes.fields import GenericForeignKey

    if model is None:
        return {}
    return {f.fk_field: f.ct_field for f in model._meta.private_fields if isinstance(f, GenericForeignKey)}


def _linked(event, changes: dict, id_name: str, type_name: str) -> list[tuple[type | None, object]]:
    """The (model, id) pairs a typed link pointed at in this change, before and after."""
    type_ids = _values(event, changes.get(type_name))
    ids = _values(event, changes[id_name])
    if len(type_ids) != len(ids):
        type_ids = [type_ids[-1]] * len(ids)
    pairs = []
    for type_id, object_id in zip(type_ids, ids, strict=True):
        target = None
        if type_id not in (None, "") and object_id not in (None, ""):
            try:
                target = ContentType.objects.get_for_id(type_id).model_class()
            except ContentType.DoesNotExist:
                target = None
        pairs.append((target, object_id))
    return pairs


def _name(model, obj) -> str:
    if isinstance(obj, ContentType):  # a typed link's kind: "Obstacle", not "followup | obstacle"
        target = obj.model_class()
        return capfirst(str(target._meta.verbose_name)) if target is not None else str(obj)
    return str(obj)


def _shown(event, model, hidden) -> dict:
    """The changes of an event that its row shows: not a new record's bookkeeping, nor what `hidden` hides."""
    skip = set(hidden(model)) if hidden is not None else set()
    if event.action == AuditAction.CREATE:
        skip |= _CREATE_NOISE
    return {name: value for name, value in (event.changes or {}).items() if name not in skip}


def present(events, *, hidden: Callable | None = None, known=()) -> list[EventRow]:
    """Readable rows for a page of events: one query per referenced model, whatever the number of events.

    `hidden(model)` names the fields a row leaves out (a detail page's timeline hides bookkeeping): the
    records they point at are not loaded either. `known` are records the page has already loaded (the
    record itself, its directives): they are named without a query."""
    return _present(events, hidden, known)[0]


def _present(events, hidden, known) -> tuple[list[EventRow], list]:
    """present(), and the records it loaded to name them (for the sentences' names)."""
    events = list(events)
    wanted: dict[type, set] = {}
    for event in events:
        model = event.content_type.model_class() if event.content_type_id else None
        changes = event.changes or {}
        for name, value in _shown(event, model, hidden).items():
            field = _field(model, name)
            if field is not None and field.is_relation and (field.many_to_one or field.one_to_one):
                values = _values(event, value)
                wanted.setdefault(field.related_model, set()).update(v for v in values if v not in (None, ""))
            elif field is not None and field.many_to_many:
                ids = {v for values in _values(event, value) if isinstance(values, list) for v in values}
                wanted.setdefault(field.related_model, set()).update(ids)
        for id_name, type_name in _generic_links(model).items():
            if id_name in changes and id_name not in (hidden(model) if hidden is not None else ()):
                for target, object_id in _linked(event, changes, id_name, type_name):
                    if target is not None:
                        wanted.setdefault(target, set()).add(object_id)
    names, loaded = {}, []
    at_hand = {(type(obj)._meta.concrete_model, obj.pk): obj for obj in known}
    for model, ids in wanted.items():
        missing = set()
        for pk in ids:
            obj = at_hand.get((model._meta.concrete_model, pk))
            if obj is None:
                missing.add(pk)
            else:
                names[(model, pk)] = _name(model, obj)
        if missing:
            # Unordered: the names are looked up by id, and a model's ordering costs a sort.
            for obj in model._base_manager.filter(pk__in=missing).order_by():
                names[(model, obj.pk)] = _name(model, obj)
                loaded.append(obj)
    rows = []
    for event in events:
        model = event.content_type.model_class() if event.content_type_id else None
        changes = []
        links = _generic_links(model)
        for name, value in _shown(event, model, hidden).items():
            if event.action == AuditAction.CREATE and value in (None, "", []):
                continue  # a new record's empty fields say nothing
            field = _field(model, name)
            label = str(field.verbose_name) if field is not None else str(_EXTRA_LABELS.get(name, name))
            if name in links:
                shown = [
                    "—" if object_id in (None, "") else names.get((target, object_id), f"#{object_id}")
                    for target, object_id in _linked(event, event.changes, name, links[name])
                ]
            else:
                shown = [_display(field, v, names) for v in _values(event, value)]
            before, after = ("—", shown[0]) if len(shown) == 1 else (shown[0], shown[1])
            changes.append(ChangeRow(name, label, before, after))
        rows.append(EventRow(event, changes))
    return rows, loaded


def _field(model, name):
    if model is None:
        return None
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:  # a field that no longer exists is shown by its stored name
        return None


@dataclass(frozen=True)
class TimelineRow:
    """An event as a sentence in the reader's language, with its field changes for a closer look."""

    event: AuditEvent
    sentence: str
    names_actor: bool
    changes: list[ChangeRow]


def timeline(events, *, everything: bool = False, known=()) -> list[TimelineRow]:
    """Sentences for a page of events (core.events), each with its readable field changes.

    The records the events name are loaded in bulk: a query per model, whatever the number of events.
    A detail page's timeline leaves out bookkeeping (the fields the apps hide, the raw parts of typed
    links, a new record's unset flags); the full history (`everything`) keeps every stored field.
    """

    def hidden(model) -> set[str]:
        return set() if everything else event_kinds.hidden_fields(model) | set(_generic_links(model).values())

    rows, loaded = _present(events, hidden, known)
    names = event_kinds.load_names([row.event for row in rows], known=[*known, *loaded])
    result = []
    for row in rows:
        event = row.event
        model = event.content_type.model_class() if event.content_type_id else None
        changes = []
        for change in row.changes:
            if (
                not everything
                and event.action == AuditAction.CREATE
                and event.changes.get(change.field) is False
            ):
                continue
            display = event_kinds.value_display(model, change.field)
            if display is not None:
                change = ChangeRow(
                    change.field,
                    change.label,
                    "—" if change.before == "—" else str(display(change.before)),
                    "—" if change.after == "—" else str(display(change.after)),
                )
            changes.append(change)
        kind = event_kinds.kind_of(event)
        result.append(TimelineRow(event, event_kinds.sentence(event, names), kind.names_actor, changes))
    return result
