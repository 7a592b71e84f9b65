"""Typed links: which model each kind of source (or subject) is, so later apps can attach their records.

A later app registers its model once, for example in its AppConfig.ready():

    from followup.links import register_source
    register_source(SourceKind.VISIT, "fieldwork.Visit")

and then calls followup's services with `source=<its record>`. Followup never imports those apps.
"""

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from followup.choices import SourceKind
from followup.models import ReSupervision

_SOURCES: dict[str, str] = {
    SourceKind.CONCLUSION_NOTICE: "followup.ConclusionNotice",
    SourceKind.OBSTACLE: "followup.Obstacle",
    SourceKind.RESUPERVISION: "followup.ReSupervision",
}
_SUBJECTS: set[str] = set()


def register_source(kind: str, model_label: str) -> None:
    """Declare which model records of a source kind are (for example "incident" -> "incidents.Incident")."""
    _SOURCES[kind] = model_label


def register_subject(model_label: str) -> None:
    """Declare a model that obstacles may concern besides localities and units (for example a project)."""
    _SUBJECTS.add(model_label.lower())


def source_model(kind: str):
    label = _SOURCES.get(kind)
    return apps.get_model(label) if label else None


def source_label(record) -> str:
    """How a directive names its source after the kind ("Tái giám sát: <label>"): the record's own name,
    without the kind again. A re-supervision is named by the item it checked, not by its own name, which
    already starts with "Tái giám sát"."""
    if isinstance(record, ReSupervision):
        return str(record.item)[:300]
    return str(record)[:300]


def link_source(kind: str, record) -> tuple[ContentType | None, int | None, str]:
    """The (content type, id, label) to store for a source; refuses a record of the wrong kind."""
    if record is None:
        return None, None, ""
    expected = source_model(kind)
    if expected is None or not isinstance(record, expected):
        raise ValidationError({"source": _("This record cannot be the source of this kind.")})
    return ContentType.objects.get_for_model(record), record.pk, source_label(record)


def link_subject(record) -> tuple[ContentType | None, int | None, str]:
    """The (content type, id, label) to store for an obstacle's subject record."""
    if record is None:
        return None, None, ""
    label = record._meta.label_lower
    if label not in _SUBJECTS:
        raise ValidationError({"subject": _("An obstacle cannot concern this kind of record.")})
    return ContentType.objects.get_for_model(record), record.pk, str(record)[:300]
