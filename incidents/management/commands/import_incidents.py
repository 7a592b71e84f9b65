"""`coso import-incidents FILE --organization CODE --user USERNAME`: import incidents from an Excel sheet."""

from core.import_command import ImportCommand


class Command(ImportCommand):
    help = (
        "Import incidents from an Excel sheet into an organisation, all or nothing, as the given user (the "
        "office), with the progress on stderr. On a refused sheet, every error is listed by row and column "
        "and the command exits with status 1."
    )
    kind = "incidents"
