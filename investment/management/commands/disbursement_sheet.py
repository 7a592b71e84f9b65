"""`coso disbursement-sheet FILE --rows N --organization CODE`: a generated disbursement sheet, to measure
the import (docs/imports.md): distinct figures over the organisation's projects, in plan years long past."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from investment import bench
from org.models import PartyCommittee


class Command(BaseCommand):
    help = (
        "Write a generated disbursement sheet of N rows over the organisation's projects (adding BENCH- "
        "projects when it has fewer than --projects), for measuring the import."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--rows", type=int, default=bench.BENCH_ROWS)
        parser.add_argument("--organization", required=True)
        parser.add_argument("--projects", type=int, default=3_000)

    def handle(self, *args, file, rows, organization, projects, **options):
        committee = PartyCommittee.objects.filter(code=organization).first()
        if committee is None:
            raise CommandError(f"There is no organisation {organization}.")
        bench.ensure_projects(committee, projects)
        bench.write_sheet(Path(file), bench.project_codes(committee), rows)
        self.stdout.write(f"{file}: {rows} rows, {Path(file).stat().st_size / 2**20:.1f} MB")
