"""API of Excel imports run as tasks: start one (202 and the job's address), then ask how it stands.

The imports are the ones the apps register (core.imports), named by the form field `kind`: `incidents`
(the office), `directives` (a notice's, the office; the form field `notice` names it). A job is seen only
by the person who started it; anyone else is answered 404, as for a job that does not exist.
"""

import datetime as dt

from django.urls import reverse
from django.utils import translation
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from core.imports import get_import_job_for_user, import_start, job_state

router = Router(tags=["imports"])


class ImportJobErrorOut(Schema):
    sheet: str
    row: int | None
    column: str
    message: str


class ImportStartedOut(Schema):
    id: int
    status: str
    url: str
    page_url: str


class ImportJobOut(Schema):
    id: int
    kind: str
    status: str
    status_label: str
    file_name: str
    size: int
    sha256: str
    done: int
    total: int
    created: int
    errors: list[ImportJobErrorOut]
    error_count: int  # every error found; `errors` lists the first 1,000 and a line saying how many more
    failure: str
    created_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    page_url: str
    result_url: str


def _job_url(job) -> str:
    return reverse("api:import_job", kwargs={"job_id": job.pk})


@router.post("/", response={202: ImportStartedOut}, summary="Start an import from an Excel sheet")
def start_import(request, kind: Form[str], file: File[UploadedFile]):
    """A multipart form: `kind` is `incidents` or `directives` (with the field `notice`, the notice's id),
    `file` the .xlsx sheet. It is checked and imported by a background task, all or nothing: GET the job's
    `url` until its status is `done` (with `created`), `refused` (with every error by sheet, row and
    column) or `failed`."""
    params = {key: value for key, value in request.POST.items() if key not in ("file", "kind")}
    job = import_start(
        actor=request.user, kind=kind, file=file, params=params, language=translation.get_language()
    )
    return Status(
        202, {"id": job.pk, "status": job.status, "url": _job_url(job), "page_url": job.get_absolute_url()}
    )


@router.get("/{id:job_id}", response=ImportJobOut, summary="How an import stands", url_name="import_job")
def get_import_job(request, job_id: int):
    """A running job's `done` and `total` rows are read from its published progress, as the page does."""
    job = get_import_job_for_user(user=request.user, pk=job_id)
    state = job_state(job)
    return {
        "id": job.pk,
        "kind": job.kind,
        "status": state.status,
        "status_label": state.label,
        "file_name": job.file_name,
        "size": job.size,
        "sha256": job.sha256,
        "done": state.done,
        "total": state.total,
        "created": job.created_count,
        "errors": state.errors,
        "error_count": state.error_count,
        "failure": state.failure,
        "created_at": job.created_at,
        "started_at": job.started_at,
        "finished_at": job.finished_at,
        "page_url": job.get_absolute_url(),
        "result_url": job.result_url if state.status == "done" else "",
    }
