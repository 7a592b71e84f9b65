"""`coso backup [--output FILE]`: the database and the attached files, in one archive (see core.backup)."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from core import backup
from core.money import group


class Command(BaseCommand):
    help = "Write the whole database and the attached files to one zip archive, for `coso restore`."

    def add_arguments(self, parser):
        parser.add_argument(
            "--output", help="The archive to write (default: var/backups/coso-YYYYMMDD-HHMMSS.zip)."
        )

    def handle(self, *args, output=None, **options):
        path = Path(output) if output else Path(settings.VAR_DIR) / "backups" / backup.default_name()
        summary = backup.backup(path)
        size = f"{summary.size / 1024 / 1024:.1f}".replace(".", ",")
        self.stdout.write(
            self.style.SUCCESS(
                f"Đã sao lưu {group(summary.records)} bản ghi và {group(summary.files)} tệp đính kèm "
                f"vào {summary.path} ({size} MB)."
            )
        )
