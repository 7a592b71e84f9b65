"""`coso restore FILE`: load a backup into an empty, freshly migrated database (see core.backup)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from core import backup
from core.money import group


class Command(BaseCommand):
    help = "Load an archive written by `coso backup` into an empty, freshly migrated database."

    def add_arguments(self, parser):
        parser.add_argument("archive", help="The zip archive written by `coso backup`.")

    def handle(self, *args, archive, **options):
        try:
            with translation.override(settings.LANGUAGE_CODE):
                summary = backup.restore(archive)
        except backup.BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Đã khôi phục {group(summary.records)} bản ghi và {group(summary.files)} tệp đính kèm "
                f"từ {summary.path}."
            )
        )
