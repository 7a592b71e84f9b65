"""Background tasks of the reports, for Django's tasks framework (run by `coso db_worker`). The scheduled
drafts run with the reminders (`core.tasks.send_reminders_task`, reports.schedule)."""

from django.tasks import task

from reports.services import issue_run


@task
def issue_briefing_task(job_id: int) -> str:
    """Issue the briefing an IssueJob asks for (reports.services.issue_run); returns the job's status."""
    return issue_run(job_id)
