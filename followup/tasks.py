"""Background tasks of the follow-up loop, for Django's tasks framework (run by `coso db_worker`)."""

import datetime as dt

from django.tasks import task

from followup.reminders import send_reminders


@task
def send_reminders_task(today: str | None = None) -> dict[str, int]:
    """Send the reminders that are due (once each); `today` is an ISO date, for catching up or testing.

    Arguments and the result are JSON, as the database backend stores them: the counts sent, by kind.
    """
    return send_reminders(today=dt.date.fromisoformat(today) if today else None)
