"""Generic audited writes: create, update with optimistic locking, archive and restore.

Each app's services call these so that every write is atomic, validated and on the audit trail.
"""

import logging
import smtplib

from django.db import transaction
from django.utils import timezone

from core import audit
from core.errors import ConflictError
from core.models import AuditAction

logger = logging.getLogger(__name__)


@transaction.atomic
def create_record(*, actor, instance, note: str = "", kind: str = "", params: dict | None = None):
    """Validate and insert a new record, and record its creation (as `kind`, see core.events)."""
    instance.full_clean()
    instance.save()
    audit.record(
        actor=actor,
        action=AuditAction.CREATE,
        instance=instance,
        changes=audit.snapshot(instance),
        note=note,
        kind=kind,
        params=params,
    )
    return instance


@transaction.atomic
def update_record(
    *,
    actor,
    instance,
    data: dict,
    version: int | None,
    action=AuditAction.UPDATE,
    note: str = "",
    kind: str = "",
    params: dict | None = None,
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
    audit.record(
        actor=actor, action=action, instance=instance, changes=changes, note=note, kind=kind, params=params
    )
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
        created = create_record(actor=actor, instance=exception)
    except IntegrityError as exc:
        # Two offices saving the same date at once: the partial unique constraint stops the second.
        raise duplicate() from exc
    _calendar_changed(created)
    return created


@transaction.atomic
def calendar_exception_archive(*, actor, exception, version: int):
    """Archive an exception: the date follows the national rules again; the record stays in history."""
    archived = archive_record(actor=actor, instance=exception, version=version)
    _calendar_changed(archived)
    return archived


def _calendar_changed(exception) -> None:
    """Tell the apps that the working time of the exception's date changed (core.signals)."""
    from core.signals import working_calendar_changed

    working_calendar_changed.send(
        sender=type(exception), organization_id=exception.organization_id, dates=[exception.date]
    )


def notify(
    *,
    user,
    kind: str,
    key: str,
    title: str,
    body: str = "",
    url: str = "",
    email: bool = True,
    actor=None,
    record=None,
):
    """Notify a user in the app (and by e-mail) once per `key`; a second call with the same key does nothing.

    `actor` is whoever made the step the notification tells of: nobody is told of their own act, so the
    actor is never notified (a reminder run, with no actor, tells everyone it names).

    The in-app notification is written in the caller's transaction. The e-mail is a task
    (`core.tasks.send_notification_email`) queued once that transaction commits: a write that rolls back
    sends nothing, and no mail relay is waited on while the transaction holds its locks.
    `record` is the record the notification tells of: a confidential one ("Mật") is told only to those
    who may see it (its named readers and the Standing Board), so its title never reaches anyone else.
    Returns the new notification, or None when it had already been sent.
    """
    from django.db import IntegrityError

    from core.models import Notification
    from core.scoping import may_see_confidential

    if user is None or not user.is_active:
        return None
    if record is not None and not may_see_confidential(user, record):
        return None
    if actor is not None and getattr(actor, "pk", None) == user.pk:
        return None
    try:
        with transaction.atomic():
            notification, created = Notification.objects.get_or_create(
                user=user,
                key=key[:200],
                defaults={"kind": kind, "title": title[:300], "body": body, "url": url},
            )
    except IntegrityError:  # the same reminder raced in from another worker
        return None
    if not created:
        return None
    if email and user.email:
        from core.tasks import send_notification_email

        # robust: a queue that cannot be reached is logged; the committed write stands.
        transaction.on_commit(lambda: send_notification_email.enqueue(notification.pk), robust=True)
    return notification


def notification_email_send(*, notification_id: int) -> bool:
    """E-mail a notification to its user, once; True when it went out. A mail server that is down or refuses
    leaves emailed_at empty (to show it), and is logged."""
    from django.conf import settings as django_settings
    from django.core.mail import send_mail

    from core.models import Notification

    notification = (
        Notification.objects.select_related("user")
        .filter(pk=notification_id, emailed_at__isnull=True)
        .first()
    )
    user = notification.user if notification is not None else None
    if user is None or not user.is_active or not user.email:
        return False
    url = notification.url
    link = f"\n\n{django_settings.COSO_BASE_URL.rstrip('/')}{url}" if url else ""
    try:
        send_mail(notification.title, f"{notification.body}{link}", None, [user.email])
    except (OSError, smtplib.SMTPException):
        logger.warning("notification %s: e-mail to user %s failed", notification.pk, user.pk, exc_info=1)
        return False
    Notification.objects.filter(pk=notification.pk).update(emailed_at=timezone.now())
    return True


# Files users may attach: by extension, confirmed by the first bytes of the content.
ATTACHMENT_TYPES = {
    ".pdf": ("application/pdf", (b"%PDF",)),
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".png": ("image/png", (b"\x89PNG",)),
    ".docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", (b"PK\x03\x04",)),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (b"PK\x03\x04",)),
}


@transaction.atomic
def attachment_add(*, actor, organization, instance, upload):
    """Attach an uploaded file to a record after checking its type (extension and content) and size."""
    import os

    from django.conf import settings as django_settings
    from django.contrib.contenttypes.models import ContentType
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext as _

    from core.models import Attachment

    name = os.path.basename(upload.name or "")[:255]
    extension = os.path.splitext(name)[1].lower()
    if extension not in ATTACHMENT_TYPES:
        raise ValidationError(
            _("“{name}”: only PDF, JPEG, PNG, DOCX and XLSX files can be attached.").format(name=name)
        )
    limit = django_settings.COSO_MAX_UPLOAD_MB * 1024 * 1024
    if upload.size > limit:
        raise ValidationError(
            _("“{name}” is larger than {limit} MB.").format(
                name=name, limit=django_settings.COSO_MAX_UPLOAD_MB
            )
        )
    mime, signatures = ATTACHMENT_TYPES[extension]
    head = upload.read(8)
    upload.seek(0)
    if not any(head.startswith(sig) for sig in signatures):
        raise ValidationError(
            _("“{name}” is not really a {ext} file.").format(name=name, ext=extension[1:].upper())
        )
    attachment = Attachment(
        organization=organization,
        content_type=ContentType.objects.get_for_model(instance),
        object_id=str(instance.pk),
        name=name,
        mime_type=mime,
        size=upload.size,
        uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    attachment.file.save(name, upload, save=False)
    attachment.save()
    audit.record(
        actor=actor,
        action=AuditAction.CREATE,
        instance=attachment,
        changes={"name": name, "size": upload.size},
        organization=organization,
        kind="attachment.added",
        params={"name": name, "size": upload.size},
    )
    return attachment


# --- the notifications inbox: a user marks their own notifications read ------------------------------
# Reading is the user's own state, not a change to the organisation's records: it is not audited.


def notification_mark_read(*, user, notification):
    """Mark one of the user's own notifications read (once: the first reading time is kept).

    Someone else's notification answers 404, like a missing one.
    """
    from django.http import Http404
    from django.utils import timezone as tz

    from core.models import Notification

    if notification.user_id != getattr(user, "pk", None):
        raise Http404
    if notification.read_at is None:
        now = tz.now()
        Notification.objects.filter(pk=notification.pk, user=user, read_at__isnull=True).update(read_at=now)
        notification.read_at = now
    return notification


def notification_mark_all_read(*, user) -> int:
    """Mark all the user's unread notifications read; returns how many there were. One query."""
    from django.utils import timezone as tz

    from core.models import Notification

    return Notification.objects.filter(user=user, read_at__isnull=True).update(read_at=tz.now())


# --- confidential records ("Mật") ---------------------------------------------------------------------


def record_creator(instance):
    """The user who created a record, as its audit trail's creation event says (None when the record was
    made in bulk, by an import, or before the trail named it)."""
    from django.contrib.auth import get_user_model
    from django.contrib.contenttypes.models import ContentType

    from core.models import AuditEvent

    actor_id = (
        AuditEvent.objects.filter(
            content_type=ContentType.objects.get_for_model(instance, for_concrete_model=True),
            object_id=str(instance.pk),
            action=AuditAction.CREATE,
            actor__isnull=False,
        )
        .order_by("at", "id")
        .values_list("actor_id", flat=True)
        .first()
    )
    if actor_id is None:
        return None
    return get_user_model().objects.filter(pk=actor_id, is_active=True).first()


@transaction.atomic
def confidentiality_set(*, actor, instance, confidential: bool, readers, version: int | None):
    """Mark a record confidential ("Mật") with its named readers, change the readers, or lift the mark.

    The caller has passed the record's own gate for editing it. Readers are users of the record's
    organisation. While the record is confidential, whoever marks it and the user who created it are
    always among its readers (nobody hides a record from themselves or from its author); lifting the mark
    clears the list. Optimistic locking as on every edit; one audit event with the readers before and
    after (ids)."""
    from django.core.exceptions import ValidationError
    from django.db.models import F
    from django.utils.translation import gettext as _

    model = type(instance)
    through = model._meta.get_field("confidential_readers").remote_field.through
    column = f"{model._meta.model_name}_id"
    readers = [user for user in readers if user is not None]
    organization_id = getattr(instance, "organization_id", None)
    strangers = [u for u in readers if u.organization_id != organization_id or not u.is_active]
    if strangers:
        raise ValidationError(
            {"confidential_readers": _("Readers must be active users of the record's organisation.")}
        )
    if confidential:
        creator = record_creator(instance)
        for user in (actor, creator):
            if user is not None and user.organization_id == organization_id and user not in readers:
                readers.append(user)
    else:
        readers = []
    after_ids = sorted({u.pk for u in readers})
    before_ids = sorted(through.objects.filter(**{column: instance.pk}).values_list("user_id", flat=True))
    expected = instance.version if version is None else version
    current = model.objects.filter(pk=instance.pk).values_list("version", "confidential").first()
    if current is None or current[0] != expected:
        raise ConflictError()
    was_confidential = current[1]
    if was_confidential == bool(confidential) and before_ids == after_ids:
        return instance
    now = timezone.now()
    if (
        model.objects.filter(pk=instance.pk, version=expected).update(
            confidential=bool(confidential), version=F("version") + 1, updated_at=now
        )
        != 1
    ):
        raise ConflictError()
    through.objects.filter(**{column: instance.pk}).exclude(user_id__in=after_ids).delete()
    through.objects.bulk_create(
        [through(**{column: instance.pk, "user_id": pk}) for pk in after_ids if pk not in before_ids]
    )
    instance.confidential = bool(confidential)
    instance.version = expected + 1
    instance.updated_at = now
    changes = {}
    if was_confidential != bool(confidential):
        changes["confidential"] = [was_confidential, bool(confidential)]
    if before_ids != after_ids:
        changes["confidential_readers"] = [before_ids, after_ids]
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        instance=instance,
        changes=changes,
        kind="record.confidentiality_changed",
        params={"confidential": bool(confidential), "readers": len(after_ids)},
    )
    return instance
