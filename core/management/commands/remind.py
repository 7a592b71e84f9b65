"""`coso remind [--today dd/mm/yyyy] [--enqueue]`: send every app's reminders that are due, once each."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from core.reminders import label, run_all
from core.tasks import send_reminders_task


def _date(raw: str) -> dt.date:
    try:
        return dt.datetime.strptime(raw.strip(), "%d/%m/%Y").date()
    except ValueError as exc:
        raise CommandError(_("The date must read dd/mm/yyyy.")) from exc


class Command(BaseCommand):
    help = (
        "Send the reminders that are due, of every app: directives due soon or overdue, obstacles escalated "
        "or overdue, re-supervisions due, overdue incidents. Each reminder goes out once, however often this "
        "runs (cron: hourly or daily)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--today", type=_date, default=None, help="Act as if today were this date (dd/mm/yyyy)."
        )
        parser.add_argument(
            "--enqueue",
            action="store_true",
            help="Queue the run for the tasks worker (`coso db_worker`) instead of running it here.",
        )

    def handle(self, *args, today=None, enqueue=False, **options):
        if enqueue:
            result = send_reminders_task.enqueue(today.isoformat() if today else None)
            self.stdout.write(_("Reminders queued for the tasks worker (task {id}).").format(id=result.id))
            return
        total = 0
        for counts in run_all(today=today).values():
            for kind, count in counts.items():
                self.stdout.write(f"{label(kind)}: {count}")
                total += count
        self.stdout.write(self.style.SUCCESS(_("Reminders sent: {count}.").format(count=total)))
