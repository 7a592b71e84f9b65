"""Typed audit events: the trail stores a kind and its parameters, and the sentence is written when read.

As in Saleor's order events, an event is `kind` (a short code such as "incident.reported") plus `params`
(ids, codes, sizes, statuses: never translated text). Each kind is registered here with the sentence it
reads as: a lazily translated format string, or a function of a `Reading`. The sentence is rendered in
the reader's active language, so the same stored event reads in Vietnamese or in English.

Core registers the generic kinds (a record created, changed, archived…, an attachment). Each app
registers its own kinds in its `events` module; `discover()` imports those modules by name, so core
imports no app of the project.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.apps import apps
from django.utils.formats import number_format
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from core.models import AuditAction


@dataclass(frozen=True)
class EventKind:
    """A registered kind: how its sentence is written, and which params name other records."""

    code: str
    sentence: object  # a lazy format string over {actor}, {record} and the params, or a function(Reading)
    names_actor: bool = True  # False when the sentence leaves the actor out (the timeline shows them)
    refs: dict[str, str] = field(default_factory=dict)  # param → "app_label.Model" it names


_KINDS: dict[str, EventKind] = {}
_HIDDEN: dict[str, set[str]] = {}
_VALUES: dict[tuple[str, str], Callable[[object], str]] = {}
_discovered = False


def register(code: str, sentence, *, names_actor: bool = True, refs: dict[str, str] | None = None) -> None:
    """Register a kind of event (once per code; registering it again replaces it)."""
    _KINDS[code] = EventKind(code, sentence, names_actor, dict(refs or {}))


def hide_fields(model: str, *names: str) -> None:
    """Fields of `model` ("app_label.Model") that the timeline leaves out: bookkeeping, not news."""
    _HIDDEN.setdefault(model.lower(), set()).update(names)


def show_values(model: str, name: str, display: Callable[[object], str]) -> None:
    """How the timeline words the stored values of a field that has no choices of its own."""
    _VALUES[(model.lower(), name)] = display


def hidden_fields(model) -> set[str]:
    discover()
    return _HIDDEN.get(model._meta.label_lower, set()) if model is not None else set()


def value_display(model, name: str) -> Callable[[object], str] | None:
    discover()
    return _VALUES.get((model._meta.label_lower, name)) if model is not None else None


def discover() -> None:
    """Import every installed app's `events` module once, so that each app's kinds are registered."""
    global _discovered
    if not _discovered:
        _discovered = True
        autodiscover_modules("events")


def kind_of(event) -> EventKind:
    """The event's registered kind; an event stored without one (or of a kind no app registers any more)
    reads by its action, as `record.<action>`."""
    discover()
    return _KINDS.get(event.kind) or _KINDS.get(f"record.{event.action}") or _KINDS["record.update"]


def filesize(size) -> str:
    """A size in bytes for people: "23,7 KB" in Vietnamese, "23.7 KB" in English."""
    try:
        size = int(size)
    except (TypeError, ValueError):
        return "—"
    if size < 1024:
        return f"{number_format(size)} B"
    if size < 1024 * 1024:
        return f"{number_format(round(size / 1024, 1), 1)} KB"
    return f"{number_format(round(size / (1024 * 1024), 1), 1)} MB"


@dataclass(frozen=True)
class Reading:
    """One event as its sentence sees it: the actor's name, the record's kind, params and named records."""

    event: object
    names: dict  # ("app_label.model", pk) → name, loaded in bulk for a whole page of events

    @property
    def params(self) -> dict:
        return self.event.params or {}

    @property
    def actor(self) -> str:
        return str(self.event.actor) if self.event.actor_id else gettext("System")

    @property
    def record(self) -> str:
        model = self.event.content_type.model_class() if self.event.content_type_id else None
        if model is None:
            return gettext("record")
        name = str(model._meta.verbose_name)
        # A verbose name written with a capital ("Vụ việc") reads in lower case inside a sentence.
        return name[:1].lower() + name[1:] if name[1:2].islower() else name

    def name(self, param: str) -> str:
        """The name of the record a param points at, "#id" if it is gone, "—" if there is none."""
        value = self.params.get(param)
        if value in (None, ""):
            return "—"
        label = kind_of(self.event).refs.get(param, "").lower()
        return self.names.get((label, value), f"#{value}")

    def format(self, template, **extra) -> str:
        values = {k: v for k, v in self.params.items() if isinstance(v, str | int | float)}
        values.update({param: self.name(param) for param in kind_of(self.event).refs})
        values.update(actor=self.actor, record=self.record, **extra)
        return str(template).format(**values)


def load_names(events, known=()) -> dict:
    """The names of every record the events' params point at: one query per model, whatever the number;
    none for the `known` records (already loaded by the page)."""
    wanted: dict[str, set] = {}
    for event in events:
        for param, label in kind_of(event).refs.items():
            value = (event.params or {}).get(param)
            if value not in (None, ""):
                wanted.setdefault(label.lower(), set()).add(value)
    at_hand = {(obj._meta.label_lower, obj.pk): obj for obj in known}
    names = {}
    for label, ids in wanted.items():
        missing = set()
        for pk in ids:
            if (label, pk) in at_hand:
                names[(label, pk)] = str(at_hand[(label, pk)])
            else:
                missing.add(pk)
        if missing:
            # Unordered: the names are looked up by id, and a model's ordering costs a sort.
            for obj in apps.get_model(label)._base_manager.filter(pk__in=missing).order_by():
                names[(label, obj.pk)] = str(obj)
    return names


def sentence(event, names: dict | None = None) -> str:
    """The event in one sentence, in the active language."""
    kind = kind_of(event)
    reading = Reading(event, load_names([event]) if names is None else names)
    if callable(kind.sentence):
        return kind.sentence(reading)
    return reading.format(kind.sentence)


# --- the kinds core knows: any record, and attachments ---------------------------------------------

register(f"record.{AuditAction.CREATE}", _("{actor} created the {record}"))
register(f"record.{AuditAction.UPDATE}", _("{actor} changed the {record}"))
register(f"record.{AuditAction.ARCHIVE}", _("{actor} archived the {record}"))
register(f"record.{AuditAction.RESTORE}", _("{actor} restored the {record}"))
register(f"record.{AuditAction.STATUS}", _("{actor} changed the status of the {record}"))
register(f"record.{AuditAction.LOGIN}", _("{actor} signed in"))
register(f"record.{AuditAction.LOGIN_FAILED}", _("A sign-in failed"))
register(f"record.{AuditAction.LOGOUT}", _("{actor} signed out"))
register(f"record.{AuditAction.EXPORT}", _("{actor} exported data"))
register(f"record.{AuditAction.IMPORT}", _("{actor} imported data"))
register(f"record.{AuditAction.TOKEN}", _("{actor} changed an API token"))
register(
    "attachment.added",
    lambda r: r.format(_("Attached {name} ({size})"), size=filesize(r.params.get("size"))),
    names_actor=False,
)
register(
    "import.refused",
    lambda r: r.format(
        ngettext(
            "{actor} tried to import {file}: refused, {errors} error",
            "{actor} tried to import {file}: refused, {errors} errors",
            r.params.get("errors", 0),
        )
    ),
)
register("backup.made", _("A backup of the whole database was made ({records} records, {files} files)"))
register("backup.restored", _("The database was restored from {file} ({records} records, {files} files)"))

# An attachment's sentence says its name and size: on a timeline its stored fields would only repeat them.
hide_fields("core.Attachment", "name", "size")


def _confidentiality(reading: Reading) -> str:
    if not reading.params.get("confidential"):
        return reading.format(_("{actor} lifted the confidential mark of the {record}"))
    return reading.format(
        ngettext(
            "{actor} marked the {record} confidential, with {readers} named reader",
            "{actor} marked the {record} confidential, with {readers} named readers",
            reading.params.get("readers", 0),
        )
    )


register("record.confidentiality_changed", _confidentiality)
