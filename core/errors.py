"""Domain errors that views and the API turn into clear messages."""

from django.core.exceptions import ValidationError


class ConflictError(Exception):
    """Someone else saved the record after it was loaded: optimistic locking refused the write."""

    def __init__(self, message=None):
        from django.utils.translation import gettext as _

        super().__init__(message or _("This record was changed by someone else. Reload it and try again."))
        self.message = str(self.args[0])


class IllegalTransition(ValidationError):
    """A status move that the workflow's transitions table does not allow."""
