"""`coso report standing-committee --period 2026-11 --format docx,xlsx,pdf --output DIR`: the briefing to the
Standing Committee written to files, with a progress line per step on stderr and the files on stdout.

The report is read as a user of the organisation (`--user`, who must be of the office or the Standing
Board), or as the organisation's first office user (`--organization`, which may be left out when there is
only one organisation). Each file is on the audit trail as an export under that user.
"""

import json
import time
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from accounts.selectors import active_user, first_office_user
from core import audit
from core.models import AuditAction
from org.selectors import committee_codes
from reports import formats
from reports.content import decimal1
from reports.periods import briefing_period
from reports.permissions import can_read_briefing
from reports.views import last_month

KINDS = ("standing-committee",)


class Command(BaseCommand):
    help = "Write the briefing to the Standing Committee for a period as DOCX, XLSX, PDF or JSON files."

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=KINDS, help="The report: standing-committee.")
        parser.add_argument(
            "--period", default="", help="2026-W48, 2026-11, 2026-Q4, 2026 or a range; last month."
        )
        parser.add_argument(
            "--format", default="docx,xlsx,pdf", help="Comma-separated: docx, xlsx, pdf, json."
        )
        parser.add_argument("--output", default=".", help="The directory the files are written to.")
        parser.add_argument("--organization", default="", help="The organisation's code (e.g. hanoi).")
        parser.add_argument(
            "--user", default="", help="The login the report is read as (office or Standing Board)."
        )
        parser.add_argument("--number", default="", help="The document's number, printed as Số …-BC/TU.")

    def handle(self, *args, kind, period, format, output, organization, user, number, **options):
        chosen = [name.strip() for name in format.split(",") if name.strip()]
        unknown = [name for name in chosen if name not in formats.FORMATS]
        if unknown or not chosen:
            raise CommandError(_("Choose one of: {choices}.").format(choices=", ".join(formats.FORMATS)))
        try:
            span = briefing_period(period) if period else last_month()
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        reader = self.reader(organization, user)
        directory = Path(output)
        directory.mkdir(parents=True, exist_ok=True)
        steps = 1 + len(chosen)
        started = time.perf_counter()
        self.step(1, steps, _("Reading the figures of {period}…").format(period=span.code))
        report = formats.build(user=reader, period=span, fmt="docx")
        self.done(started)
        for n, fmt in enumerate(chosen, start=2):
            began = time.perf_counter()
            self.step(n, steps, _("Writing the {format}…").format(format=fmt.upper()))
            if fmt == "json":
                data = json.dumps(formats.json_of(report), ensure_ascii=False, indent=1).encode()
            elif fmt in ("docx", "pdf"):
                data = formats.render(report, fmt, number=number)
            else:
                data = formats.render(report, fmt)
            path = directory / formats.filename(report, fmt)
            path.write_bytes(data)
            audit.record(actor=reader, action=AuditAction.EXPORT, note=path.name)
            self.done(began)
            self.stdout.write(str(path))
        total = decimal1(time.perf_counter() - started)
        self.stderr.write(_("Done in {seconds} s.").format(seconds=total), style_func=str)

    def reader(self, organization: str, username: str):
        if username:
            reader = active_user(username)
            if reader is None:
                raise CommandError(_("There is no active user {user}.").format(user=username))
            if organization and reader.organization.code != organization:
                raise CommandError(
                    _("{user} does not belong to the organisation {code}.").format(
                        user=username, code=organization
                    )
                )
        else:
            codes = committee_codes()
            if not organization and len(codes) == 1:
                organization = codes[0]
            if organization not in codes:
                raise CommandError(
                    _("Name the organisation with --organization: one of {codes}.").format(
                        codes=", ".join(codes)
                    )
                )
            reader = first_office_user(organization)
            if reader is None:
                raise CommandError(_("The organisation {code} has no office user.").format(code=organization))
        if not can_read_briefing(reader):
            raise CommandError(_("{user} may not read the briefing.").format(user=reader.username))
        return reader

    def step(self, n: int, total: int, text: str) -> None:
        self.stderr.write(f"[{n}/{total}] {text}", style_func=str, ending="")
        self.stderr.flush()

    def done(self, began: float) -> None:
        self.stderr.write(f" {decimal1(time.perf_counter() - began)} s", style_func=str)
