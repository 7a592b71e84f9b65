"""`coso import-units [--province CODE ...]`: load administrative units from the official list."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from org.services import units_import


class Command(BaseCommand):
    help = "Load provinces and communes from vietnam-provinces, keyed on official codes (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--province",
            type=int,
            action="append",
            dest="provinces",
            help="Official province code (repeatable); all 34 when omitted.",
        )

    def handle(self, *args, provinces=None, **options):
        try:
            counts = units_import(actor=None, province_codes=provinces)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(
            "Administrative units: {created} created, {renamed} renamed, {unchanged} unchanged.".format(
                **counts
            )
        )
