"""Base models shared by every app, the audit trail, and the office's working-calendar exceptions."""

import uuid

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.scoping import ScopeSpec


class TimeStampedModel(models.Model):
    """Creation and last-change times."""

    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class ArchivableQuerySet(models.QuerySet):
    """Records are archived by users, never hard-deleted."""

    def active(self):
        return self.filter(archived_at__isnull=True)

    def archived(self):
        return self.filter(archived_at__isnull=False)


class CoreModel(TimeStampedModel):
    """A versioned, archivable record: the base of every record users edit."""

    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True, editable=False)

    objects = ArchivableQuerySet.as_manager()

    class Meta:
        abstract = True

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    def clean_fields(self, exclude=None):
        """Django's, except that a foreign key holding a record already loaded (a service is handed records,
        not ids) is not looked up again: one query per foreign key per write, and the database keeps the
        reference intact anyway. A bare id is still checked."""
        loaded = {
            field.name
            for field in self._meta.concrete_fields
            if field.many_to_one and getattr(self, field.attname) is not None and field.is_cached(self)
        }
        super().clean_fields(exclude=set(exclude or ()) | loaded)


class ConfidentialMixin(models.Model):
    """A record that may be marked confidential ("Mật"): then only its named readers and the Standing Board
    of its organisation see it, everywhere (`core.scoping.visible`, docs/confidential.md). The mark and
    the readers are changed only through `core.services.confidentiality_set`, which audits the change."""

    confidential_capable = True

    confidential = models.BooleanField(_("confidential"), default=False, db_index=True, editable=False)
    confidential_readers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("named readers"),
        blank=True,
        related_name="+",
        editable=False,
    )

    class Meta:
        abstract = True


class AuditAction(models.TextChoices):
    CREATE = "create", _("created")
    UPDATE = "update", _("changed")
    ARCHIVE = "archive", _("archived")
    RESTORE = "restore", _("restored")
    STATUS = "status", _("status changed")
    LOGIN = "login", _("signed in")
    LOGIN_FAILED = "login_failed", _("sign-in failed")
    LOGOUT = "logout", _("signed out")
    EXPORT = "export", _("exported")
    IMPORT = "import", _("imported")
    TOKEN = "token", _("API token")


class AuditEventQuerySet(models.QuerySet):
    """The audit trail cannot be changed or deleted in bulk either."""

    def update(self, **kwargs):
        raise PermissionDenied(_("The audit trail cannot be changed."))

    def delete(self):
        raise PermissionDenied(_("The audit trail cannot be deleted."))


class AuditEvent(models.Model):
    """One immutable entry of the audit trail: who did what to which record, with before and after."""

    organization = models.ForeignKey(
        settings.COSO_ORGANIZATION_MODEL,
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=20, choices=AuditAction.choices)
    # What happened, as a registered kind (core.events) and its parameters: ids, codes, sizes, statuses,
    # never translated text. The sentence is written when read, in the reader's language. Events stored
    # before kinds existed have none and read by their action.
    kind = models.CharField(_("kind"), max_length=60, blank=True, default="")
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    content_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.PROTECT)
    object_id = models.CharField(max_length=64, blank=True)
    object_repr = models.CharField(_("record"), max_length=300, blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit trail")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id", "-at"], name="audit_object_idx")]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_repr}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionDenied(_("The audit trail cannot be changed."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionDenied(_("The audit trail cannot be deleted."))


class CalendarExceptionKind(models.TextChoices):
    WORKING_DAY = "working", _("compensatory working day")
    DAY_OFF = "off", _("extra day off")


class CalendarException(CoreModel):
    """An office-made exception to the working calendar: a working Saturday, or an extra day off."""

    scope = ScopeSpec(reference=True)

    organization = models.ForeignKey(
        settings.COSO_ORGANIZATION_MODEL, verbose_name=_("organisation"), on_delete=models.PROTECT
    )
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=10, choices=CalendarExceptionKind.choices)
    name = models.CharField(_("reason"), max_length=200)

    class Meta:
        verbose_name = _("calendar exception")
        verbose_name_plural = _("calendar exceptions")
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "date"],
                condition=models.Q(archived_at__isnull=True),
                name="calendar_exception_one_per_day",
            )
        ]

    def __str__(self):
        return f"{self.date:%d/%m/%Y} {self.get_kind_display()}: {self.name}"


class Notification(models.Model):
    """An in-app notification (also e-mailed); `key` makes each reminder go out once and only once."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField(_("kind"), max_length=40)
    key = models.CharField(max_length=200, help_text="Identifies the event, so it is never sent twice.")
    title = models.CharField(_("title"), max_length=300)
    body = models.TextField(_("message"), blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="notification_once_per_key")]
        indexes = [models.Index(fields=["user", "read_at", "-created_at"], name="notification_inbox_idx")]

    def __str__(self):
        return self.title


def attachment_path(instance, filename: str) -> str:
    """Stored under a random name: the uploader's file name is kept only as data."""
    return f"attachments/{timezone.now():%Y/%m}/{uuid.uuid4().hex}"


class Attachment(models.Model):
    """A file attached to any record (evidence of progress, a photo of an incident), checked on upload."""

    organization = models.ForeignKey(
        settings.COSO_ORGANIZATION_MODEL, verbose_name=_("organisation"), on_delete=models.PROTECT
    )
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.CharField(max_length=64)
    file = models.FileField(_("file"), upload_to=attachment_path)
    name = models.CharField(_("file name"), max_length=255)
    mime_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at", "id"]
        indexes = [models.Index(fields=["content_type", "object_id"], name="attachment_object_idx")]

    def __str__(self):
        return self.name


class ImportStatus(models.TextChoices):
    QUEUED = "queued", pgettext_lazy("import", "waiting to start")
    RUNNING = "running", pgettext_lazy("import", "importing")
    DONE = "done", pgettext_lazy("import", "imported")
    REFUSED = "refused", pgettext_lazy("import", "refused")
    FAILED = "failed", pgettext_lazy("import", "failed")


FINISHED_STATUSES = (ImportStatus.DONE, ImportStatus.REFUSED, ImportStatus.FAILED)


def import_upload_path(instance, filename: str) -> str:
    """Under the media folder's private `imports/`, named by the job's token: never served by any URL."""
    return f"imports/{instance.token.hex}.xlsx"


class ImportJob(models.Model):
    """One Excel import run as a background task (core.imports): who started it, on which sheet, how far it
    got and how it ended. The upload is kept only while the job waits or runs; the name, size and SHA-256
    stay."""

    organization = models.ForeignKey(
        settings.COSO_ORGANIZATION_MODEL, verbose_name=_("organisation"), on_delete=models.PROTECT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=40)  # a key of the import registry (core.imports)
    # What the registered import needs to find its target again (a notice's id), as JSON.
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    language = models.CharField(_("language"), max_length=10, blank=True)
    file = models.FileField(_("file"), upload_to=import_upload_path, blank=True)
    file_name = models.CharField(_("file name"), max_length=255)
    size = models.PositiveBigIntegerField(_("size"), default=0)
    sha256 = models.CharField("SHA-256", max_length=64)
    status = models.CharField(
        _("status"), max_length=10, choices=ImportStatus.choices, default=ImportStatus.QUEUED
    )
    done = models.PositiveIntegerField(_("rows done"), default=0)
    total = models.PositiveIntegerField(_("rows"), default=0)
    created_count = models.PositiveIntegerField(_("records created"), default=0)
    # A refused sheet's errors: [{"sheet", "row", "column", "message"}], capped as core.excel caps them.
    errors = models.JSONField(_("errors"), default=list, blank=True)
    error_count = models.PositiveIntegerField(_("errors found"), default=0)  # beyond those listed, too
    failure = models.CharField(_("failure"), max_length=20, blank=True)  # why a failed job failed: a code
    result_url = models.CharField(_("link"), max_length=300, blank=True)
    form_url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["created_by", "-created_at"], name="import_job_user_idx")]

    def __str__(self):
        return self.file_name

    def get_absolute_url(self) -> str:
        return reverse("import_job", args=[self.pk])

    @property
    def is_finished(self) -> bool:
        return self.status in FINISHED_STATUSES


class IdempotencyRecord(models.Model):
    """The first answer to an API write sent with an `Idempotency-Key` header (core.idempotency): written in
    the write's own transaction, so a committed write always has its answer, and a retry with the same key
    gets that answer back instead of a second record."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    operation = models.CharField(max_length=300)  # the method and the path, e.g. "POST /api/v1/incidents/"
    request_hash = models.CharField(max_length=64)  # SHA-256 of the request's body
    status = models.PositiveSmallIntegerField()
    content_type = models.CharField(max_length=100)
    body = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key", "operation"], name="idempotency_unique_key")
        ]
        indexes = [
            models.Index(fields=["user", "created_at"], name="idempotency_user_created_idx"),
            models.Index(fields=["created_at"], name="idempotency_created_idx"),
        ]

    def __str__(self):
        return f"{self.operation} {self.key}"
