"""`coso import-disbursements FILE --organization CODE --user USERNAME`: import disbursement figures."""

from core.import_command import ImportCommand


class Command(ImportCommand):
    help = (
        "Import monthly disbursement figures from an Excel sheet into an organisation's projects, all or "
        "nothing, as the given user (the office), with the progress on stderr. A figure already recorded is "
        "corrected; the same sheet imported twice changes nothing. On a refused sheet, every error is listed "
        "by row and column and the command exits with status 1."
    )
    kind = "disbursements"
