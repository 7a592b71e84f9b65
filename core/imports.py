"""Excel imports run as background tasks: the registry the apps fill, a job's life, and its progress.

An app registers each of its imports from its AppConfig.ready(), so that core names no app:

    register(
        "incidents",
        title=_("Import incidents"),
        importer="incidents.importers.import_incidents",
        target=incident_import_target,
        success_message=incidents_imported,
        nav="incidents",
    )

- `importer` (a dotted path, looked up when the import runs, or the function itself) is the app's
  all-or-nothing service: importer(actor=, file=, **target.arguments[, progress=]) -> core.excel.ImportResult.
  It is given `progress` when its signature takes one, and calls progress(done, total) as rows are written.
- `target(user, params)` checks that the user may make this import and finds what it imports into
  (an ImportTarget), or raises Http404. It is asked twice: when the job is started (from the page, the API
  or the command line), and again when the task runs, as the user who started it.
- `success_message(count)` says what a finished import did.

`import_start` stores the upload, records an ImportJob and queues the task `core.tasks.run_import`, which
calls `import_run`. The importer writes in one transaction; on SQLite nobody else can write while it is
open, and what it writes is invisible to other connections until it commits. So the progress is published
outside the database: a small JSON file per job under `var/import-progress/`, replaced atomically, at most
a few times a second (ProgressFile), which the page and the API read while the job runs. The job's row is
written before the import (running) and after it (done, refused or failed), never during it.
"""

import datetime as dt
import hashlib
import inspect
import json
import logging
import os
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import transaction
from django.http import Http404
from django.utils import timezone, translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.excel import MAX_ERRORS
from core.models import ImportJob, ImportStatus

logger = logging.getLogger(__name__)

PROGRESS_INTERVAL = 0.25  # seconds between two writes of a job's progress: at most four a second
# A running job whose progress has not moved for this long is shown as interrupted: its worker was stopped
# (the import's transaction went with it, so nothing was written).
STALLED_AFTER = dt.timedelta(minutes=15)
# A job still waiting after this long gets a hint that the tasks worker may not be running.
WAITING_HINT_AFTER = dt.timedelta(seconds=30)

FAILURES = {
    "crashed": gettext_lazy(
        "The import stopped on an unexpected error. Check the list before you try again; if it happens "
        "again, tell the system administrator."
    ),
    "not_allowed": gettext_lazy(
        "You may no longer make this import (your role or the record changed), so nothing was imported."
    ),
    "file_missing": gettext_lazy("The uploaded file is gone, so nothing was imported. Upload it again."),
    "interrupted": gettext_lazy(
        "The import was interrupted: the background worker stopped while it ran, and nothing was "
        "imported. Upload the file again."
    ),
}


# --- the registry -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportTarget:
    """What an import writes into, for one user: the importer's arguments besides actor, file and
    progress, the organisation, where the imported records are listed, and where the form is."""

    organization: object
    arguments: dict
    result_url: str
    form_url: str


@dataclass(frozen=True)
class ImportKind:
    key: str
    title: object
    importer: str | Callable
    target: Callable[[object, dict], ImportTarget]
    success_message: Callable[[int], str]
    nav: str = ""

    def load_importer(self) -> Callable:
        return import_string(self.importer) if isinstance(self.importer, str) else self.importer


_kinds: dict[str, ImportKind] = {}


def register(
    key: str,
    *,
    title,
    importer: str | Callable,
    target: Callable[[object, dict], ImportTarget],
    success_message: Callable[[int], str],
    nav: str = "",
) -> ImportKind:
    """Add an app's import (registering the same key again replaces it)."""
    kind = ImportKind(key, title, importer, target, success_message, nav)
    _kinds[key] = kind
    return kind


def unregister(key: str) -> None:
    _kinds.pop(key, None)


def kind_for(key: str) -> ImportKind:
    """A registered import, or 404."""
    kind = _kinds.get(key)
    if kind is None:
        raise Http404
    return kind


def registered() -> list[ImportKind]:
    return list(_kinds.values())


def takes_progress(importer: Callable) -> bool:
    try:
        parameters = inspect.signature(importer).parameters
    except (TypeError, ValueError):
        return False
    return "progress" in parameters or any(p.kind is p.VAR_KEYWORD for p in parameters.values())


# --- progress, outside the database -----------------------------------------------------------------


def progress_path(job: ImportJob) -> Path:
    return Path(settings.VAR_DIR) / "import-progress" / f"{job.token.hex}.json"


class ProgressFile:
    """progress(done, total) for an importer: writes {"done", "total"} to one small file, replaced atomically
    (a reader never sees half a file), at most once every `interval` seconds, and always the last row."""

    def __init__(self, path: Path, *, interval: float | None = None, clock=time.monotonic):
        self.path = Path(path)
        self.interval = PROGRESS_INTERVAL if interval is None else interval
        self.clock = clock
        self.last: float | None = None
        self.done = 0
        self.total = 0
        self.writes = 0

    def __call__(self, done: int, total: int) -> None:
        self.done, self.total = int(done), int(total)
        now = self.clock()
        if self.last is not None and now - self.last < self.interval and done < total:
            return
        self.last = now
        self.write()

    def write(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle, partial = tempfile.mkstemp(dir=self.path.parent, prefix=".", suffix=".tmp")
        try:
            with os.fdopen(handle, "w") as out:
                json.dump({"done": self.done, "total": self.total}, out)
            os.replace(partial, self.path)
        except BaseException:
            Path(partial).unlink(missing_ok=True)
            raise
        self.writes += 1

    def remove(self) -> None:
        self.path.unlink(missing_ok=True)


def read_progress(job: ImportJob) -> tuple[int, int, float] | None:
    """The published (done, total, time written) of a running job, or None before its first write."""
    path = progress_path(job)
    try:
        written = path.stat().st_mtime
        data = json.loads(path.read_text())
        return int(data["done"]), int(data["total"]), written
    except (OSError, ValueError, KeyError, TypeError):
        return None


# --- starting and running a job ---------------------------------------------------------------------


def _digest(file) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    for chunk in file.chunks():
        digest.update(chunk)
        size += len(chunk)
    file.seek(0)
    return digest.hexdigest(), size


def import_start(*, actor, kind: str, file, params: dict | None = None, language: str = "") -> ImportJob:
    """Queue an import of `file` (an uploaded file) as `actor`: check the user may make it (404 if not),
    store the upload, record the job and queue its task. The job row and the task's row are written in one
    transaction, so the worker never sees a task whose job is not there yet. Under the immediate backend
    (the tests) the task runs at once, and the job comes back finished."""
    from core.tasks import run_import

    import_kind = kind_for(kind)
    params = {str(k): v for k, v in (params or {}).items()}
    target = import_kind.target(actor, params)
    limit = settings.COSO_MAX_UPLOAD_MB * 1024 * 1024
    if file.size is not None and file.size > limit:
        message = _("The file is larger than {limit} MB.").format(limit=settings.COSO_MAX_UPLOAD_MB)
        raise ValidationError({"file": message})
    sha256, size = _digest(file)
    job = ImportJob(
        organization=target.organization,
        created_by=actor,
        kind=kind,
        params=params,
        language=language or translation.get_language() or settings.LANGUAGE_CODE,
        file_name=os.path.basename(file.name or "")[:255],
        size=size,
        sha256=sha256,
        result_url=target.result_url,
        form_url=target.form_url,
    )
    job.file.save("upload.xlsx", file, save=False)
    try:
        with transaction.atomic():
            job.save()
            run_import.enqueue(job.pk)
    except BaseException:
        job.file.delete(save=False)
        raise
    job.refresh_from_db()
    return job


def import_run(job_id: int) -> str:
    """Run a queued job once (a second run of the same task finds it taken and does nothing): the importer
    with a progress file, then the outcome on the job's row. Nothing escapes: an error marks the job failed,
    with a message for the user and the traceback in the log. The upload is deleted when the job ends."""
    claimed = ImportJob.objects.filter(pk=job_id, status=ImportStatus.QUEUED).update(
        status=ImportStatus.RUNNING, started_at=timezone.now()
    )
    job = ImportJob.objects.select_related("created_by").filter(pk=job_id).first()
    if job is None or not claimed:
        return job.status if job is not None else "missing"
    progress = ProgressFile(progress_path(job))
    outcome: dict = {"status": ImportStatus.FAILED, "failure": "crashed"}
    try:
        with translation.override(job.language or settings.LANGUAGE_CODE):
            outcome = _run(job, progress)
    except Exception:
        logger.exception("Import job %s (%s, %s) failed", job.pk, job.kind, job.file_name)
    finally:
        ImportJob.objects.filter(pk=job.pk).update(finished_at=timezone.now(), **outcome)
        progress.remove()
        if job.file:
            job.file.delete(save=False)
            ImportJob.objects.filter(pk=job.pk).update(file="")
    return str(outcome["status"])


def _run(job: ImportJob, progress: ProgressFile) -> dict:
    kind = _kinds.get(job.kind)
    if kind is None:
        logger.error("Import job %s: no import is registered as %r", job.pk, job.kind)
        return {"status": ImportStatus.FAILED, "failure": "crashed"}
    user = job.created_by
    try:
        if not user.is_active:
            raise PermissionDenied
        target = kind.target(user, job.params)
        if target.organization.pk != job.organization_id:
            raise PermissionDenied
    except (Http404, PermissionDenied):
        return {"status": ImportStatus.FAILED, "failure": "not_allowed"}
    importer = kind.load_importer()
    arguments = dict(target.arguments)
    if takes_progress(importer):
        arguments["progress"] = progress
    try:
        handle = job.file.open("rb")
    except (OSError, ValueError):
        return {"status": ImportStatus.FAILED, "failure": "file_missing"}
    try:
        with handle:
            result = importer(actor=user, file=File(handle, name=job.file_name), **arguments)
    except ValidationError as exc:
        errors = [{"sheet": "", "row": None, "column": "", "message": str(m)} for m in exc.messages]
        return {
            "status": ImportStatus.REFUSED,
            "errors": errors[: MAX_ERRORS + 1],
            "error_count": len(errors),
        }
    if result.errors:
        errors = [
            {"sheet": e.sheet, "row": e.row, "column": e.column, "message": str(e.message)}
            for e in result.errors[: MAX_ERRORS + 1]
        ]
        return {
            "status": ImportStatus.REFUSED,
            "errors": errors,
            "error_count": result.error_count or len(result.errors),
            "done": 0,
            "total": progress.total,
        }
    count = len(result.created)
    total = max(progress.total, count)
    return {"status": ImportStatus.DONE, "created_count": count, "done": total, "total": total}


# --- reading a job ----------------------------------------------------------------------------------


def get_import_job_for_user(*, user, pk: int) -> ImportJob:
    """A job, to the person who started it only; anyone else is told it does not exist."""
    job = ImportJob.objects.filter(pk=pk, created_by_id=user.pk).first()
    if job is None:
        raise Http404
    return job


@dataclass(frozen=True)
class JobState:
    """Where a job stands, as the page and the API show it: a running job's rows from its progress file."""

    status: str
    done: int
    total: int
    failure: str = ""
    waiting_long: bool = False  # queued for a while: is the tasks worker running?
    errors: list = field(default_factory=list)
    error_count: int = 0  # all the errors found; `errors` lists the first MAX_ERRORS of them

    @property
    def finished(self) -> bool:
        return self.status in (ImportStatus.DONE, ImportStatus.REFUSED, ImportStatus.FAILED)

    @property
    def percent(self) -> int | None:
        if not self.total:
            return None
        return min(100, self.done * 100 // self.total)

    @property
    def label(self) -> str:
        return str(ImportStatus(self.status).label)


def job_state(job: ImportJob, *, now: dt.datetime | None = None) -> JobState:
    now = now or timezone.now()
    if job.status == ImportStatus.QUEUED:
        return JobState(job.status, 0, 0, waiting_long=now - job.created_at > WAITING_HINT_AFTER)
    if job.status == ImportStatus.RUNNING:
        published = read_progress(job)
        done, total = (published[0], published[1]) if published else (job.done, job.total)
        last = job.started_at or job.created_at
        if published:
            last = max(last, dt.datetime.fromtimestamp(published[2], tz=dt.UTC))
        if now - last > STALLED_AFTER:
            return JobState(ImportStatus.FAILED, done, total, failure=str(FAILURES["interrupted"]))
        return JobState(job.status, done, total)
    failure = str(FAILURES.get(job.failure, FAILURES["crashed"])) if job.status == ImportStatus.FAILED else ""
    return JobState(
        job.status,
        job.done,
        job.total,
        failure=failure,
        errors=list(job.errors),
        error_count=job.error_count or len(job.errors),
    )
