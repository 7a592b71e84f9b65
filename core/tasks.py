"""Background tasks of core, for Django's tasks framework (run by `coso db_worker`)."""

import datetime as dt

from django.tasks import task

from core.imports import import_run
from core.reminders import run_all
from core.services import notification_email_send


@task
def send_reminders_task(today: str | None = None) -> dict[str, dict[str, int]]:
    """Run every app's registered reminders (each reminder once); `today` is an ISO date, for catching up or
    testing. Arguments and the result are JSON, as the database backend stores them: the counts sent, by
    app and kind."""
    return run_all(today=dt.date.fromisoformat(today) if today else None)


@task
def send_notification_email(notification_id: int) -> bool:
    """E-mail a notification once the transaction that wrote it has committed (core.services.notify)."""
    return notification_email_send(notification_id=notification_id)


@task
def run_import(job_id: int) -> str:
    """Run one queued Excel import (core.imports.import_run); the job keeps its progress and its outcome.
    Returns the job's status."""
    return import_run(job_id)
