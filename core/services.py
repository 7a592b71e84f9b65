"""Generic audited writes: create, update with optimistic locking, archive and restore.

Each app's services call these so that every write is atomic, validated and on the audit trail.
"""

from django.db import transaction
from django.utils import timezone

from core import audit
from core.errors import ConflictError
from core.models import AuditAction


@transaction.atomic
def create_record(*, actor, instance, note: str = ""):
    """Validate and insert a new record, and record its creation."""
    instance.full_clean()
    instance.save()
    audit.record(
        actor=actor, action=AuditAction.CREATE, instance=instance, changes=audit.snapshot(instance), note=note
    )
    return instance


@transaction.atomic
def update_record(
    *, actor, instance, data: dict, version: int | None, action=AuditAction.UPDATE, note: str = ""
):
    """Apply `data` if nobody saved the record since `version` was read; record before and after.

    The version check is a compare-and-set in SQL, so two concurrent saves cannot both win.
    """
    model = type(instance)
    current = model.objects.filter(pk=instance.pk).values_list("version", flat=True).first()
    expected = instance.version if version is None else version
    if current is None or current != expected:
        raise ConflictError()
    before = audit.snapshot(instance)
    for name, value in data.items():
        setattr(instance, name, value)
    instance.full_clean()
    changes = audit.diff(before, audit.snapshot(instance))
    if not changes:
        return instance
    instance.version = expected + 1
    instance.updated_at = timezone.now()
    fields = [model._meta.get_field(name).attname for name in data] + ["version", "updated_at"]
    if hasattr(instance, "refresh_derived"):
        instance.refresh_derived()
    concrete = {f.attname for f in model._meta.concrete_fields}
    extra = [f for f in ("search_text", "sort_key", "path") if f in concrete]
    values = {f: getattr(instance, f) for f in fields + extra}
    if model.objects.filter(pk=instance.pk, version=expected).update(**values) != 1:
        raise ConflictError()
    audit.record(actor=actor, action=action, instance=instance, changes=changes, note=note)
    return instance


@transaction.atomic
def archive_record(*, actor, instance, version: int | None = None, note: str = ""):
    """Archive a record: it leaves the working lists but stays in the database and its history."""
    if instance.archived_at is not None:
        return instance
    return update_record(
        actor=actor,
        instance=instance,
        data={"archived_at": timezone.now()},
        version=version,
        action=AuditAction.ARCHIVE,
        note=note,
    )


@transaction.atomic
def restore_record(*, actor, instance, version: int | None = None, note: str = ""):
    """Bring an archived record back into the working lists."""
    if instance.archived_at is None:
        return instance
    return update_record(
        actor=actor,
        instance=instance,
        data={"archived_at": None},
        version=version,
        action=AuditAction.RESTORE,
        note=note,
    )


# --- the working calendar: the office's exceptions --------------------------------------------------
# Imports are local so that this section only appends to the module.


@transaction.atomic
def calendar_exception_create(*, actor, organization, date, kind: str, name: str):
    """Add an office-made exception (a working day or an extra day off); one active per date."""
    from django.core.exceptions import ValidationError
    from django.db import IntegrityError
    from django.utils.formats import date_format
    from django.utils.translation import gettext as _

    from core.models import CalendarException

    def duplicate() -> ValidationError:
        return ValidationError(
            {
                "date": _("There is already an exception on {date}. Archive it first.").format(
                    date=date_format(date, "SHORT_DATE_FORMAT")
                )
            }
        )

    organization_id = getattr(organization, "pk", organization)
    if date is not None and (
        CalendarException.objects.active().filter(organization_id=organization_id, date=date).exists()
    ):
        raise duplicate()
    exception = CalendarException(
        organization_id=organization_id, date=date, kind=kind, name=(name or "").strip()
    )
    try:
        return create_record(actor=actor, instance=exception)
    except IntegrityError as exc:
        # Two offices saving the same date at once: the partial unique constraint stops the second.
        raise duplicate() from exc


@transaction.atomic
def calendar_exception_archive(*, actor, exception, version: int | None):
    """Archive an exception: the date follows the national rules again; the record stays in history."""
    return archive_record(actor=actor, instance=exception, version=version)
