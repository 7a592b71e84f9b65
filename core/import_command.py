"""The command-line side of the imports registered in core.imports: `coso import-<kind> FILE
--organization CODE --user USERNAME` runs the import here, in this process, as that user, with its progress
on stderr: a bar redrawn in place on a terminal, a line every 10 % otherwise (a log, a pipe). It prints
what was created, or lists every error with its row and column and exits with status 1. The importer
records the audit event, as it does for the page.

An app's command is this class with its `kind`:

    class Command(ImportCommand):
        help = "Import incidents from an Excel sheet, all or nothing."
        kind = "incidents"
"""

import time
from collections.abc import Callable
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.http import Http404
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.imports import kind_for, takes_progress

BAR_WIDTH = 30
REDRAW_INTERVAL = 0.1  # seconds between two redraws of the bar on a terminal


def grouped(value: int) -> str:
    return number_format(value, force_grouping=True)


class ProgressDisplay:
    """progress(done, total) drawn with `write(text)`: in place on a terminal, or one line per tenth."""

    def __init__(self, write: Callable[[str], None], *, tty: bool, clock=time.monotonic):
        self.write = write
        self.tty = tty
        self.clock = clock
        self.last_draw: float | None = None
        self.tenths = -1
        self.drawn = False

    def __call__(self, done: int, total: int) -> None:
        if total <= 0:
            return
        done = min(done, total)
        percent = done * 100 // total
        text = _("{done} of {total} rows ({percent}%)").format(
            done=grouped(done), total=grouped(total), percent=percent
        )
        if self.tty:
            now = self.clock()
            if self.last_draw is not None and now - self.last_draw < REDRAW_INTERVAL and done < total:
                return
            self.last_draw = now
            filled = BAR_WIDTH * done // total
            self.write(f"\r[{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {text}\033[K")
            self.drawn = True
        else:
            tenths = percent // 10
            if tenths > self.tenths:
                self.tenths = tenths
                self.write(text + "\n")

    def finish(self) -> None:
        if self.tty and self.drawn:
            self.write("\n")


class ImportCommand(BaseCommand):
    kind = ""

    def add_arguments(self, parser):
        parser.add_argument("file", help="The Excel workbook (.xlsx) to import.")
        parser.add_argument(
            "--organization",
            required=True,
            help="The organisation's code (e.g. hanoi): it must be the user's.",
        )
        parser.add_argument(
            "--user", required=True, help="The login the import is made as (and recorded under)."
        )

    def handle(self, *args, file, organization, user, **options):
        kind = kind_for(self.kind)
        path = Path(file)
        if not path.is_file():
            raise CommandError(_("There is no file {file}.").format(file=file))
        actor = get_user_model().objects.filter(username=user, is_active=True).first()
        if actor is None:
            raise CommandError(_("There is no active user {user}.").format(user=user))
        try:
            target = kind.target(actor, {})
        except (Http404, PermissionDenied) as exc:
            raise CommandError(_("{user} may not make this import.").format(user=actor.username)) from exc
        if getattr(target.organization, "code", None) != organization:
            raise CommandError(
                _("{user} does not belong to the organisation {code}.").format(
                    user=actor.username, code=organization
                )
            )
        importer = kind.load_importer()
        arguments = dict(target.arguments)
        display = ProgressDisplay(self.progress_write, tty=self.stderr.isatty())
        if takes_progress(importer):
            arguments["progress"] = display
        self.stderr.write(_("Reading and checking the sheet…"), style_func=str)
        try:
            result = importer(actor=actor, file=path, **arguments)
        except ValidationError as exc:
            display.finish()
            raise CommandError(" ".join(exc.messages), returncode=1) from exc
        display.finish()
        if result.errors:
            for error in result.errors:
                self.stderr.write(self.error_line(error))
            raise CommandError(
                ngettext(
                    "The sheet was refused: {count} error, nothing was imported.",
                    "The sheet was refused: {count} errors, nothing was imported.",
                    len(result.errors),
                ).format(count=grouped(len(result.errors))),
                returncode=1,
            )
        self.stdout.write(self.style.SUCCESS(kind.success_message(len(result.created))))

    def progress_write(self, text: str) -> None:
        self.stderr.write(text, style_func=str, ending="")  # plain, not in the error colour
        self.stderr.flush()

    @staticmethod
    def error_line(error) -> str:
        where = []
        if error.sheet:
            where.append(_("sheet {sheet}").format(sheet=error.sheet))
        if error.row:
            where.append(_("row {row}").format(row=error.row))
        if error.column:
            where.append(_("column {column}").format(column=error.column))
        return f"{', '.join(where)}: {error.message}" if where else error.message
