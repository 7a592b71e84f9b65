"""Sessions in the database, renewed as they are used, but written at most once every few minutes.

A session lasts SESSION_COOKIE_AGE after its last use. Django's SESSION_SAVE_EVERY_REQUEST pushes the expiry
back by writing the session's row on every request: one write (on SQLite, a lock on the whole database) per
page read. This store remembers the expiry it read, and `core.middleware.SessionRenewalMiddleware` saves an
unchanged session only when that expiry is COSO_SESSION_RENEW_SECONDS or more behind a fresh one. A session
then ends between SESSION_COOKIE_AGE minus that margin and SESSION_COOKIE_AGE after the last request.

Settings: SESSION_ENGINE = "core.sessions".
"""

import datetime as dt

from django.conf import settings
from django.contrib.sessions.backends import db
from django.utils import timezone


class SessionStore(db.SessionStore):
    """The database store, which also keeps the expiry of the row it loaded (`expires_at`)."""

    expires_at: dt.datetime | None = None

    def _get_session_from_db(self):
        row = super()._get_session_from_db()
        self.expires_at = row.expire_date if row is not None else None
        return row

    def due_for_renewal(self) -> bool:
        """Whether an unchanged session was last written long enough ago to be written again."""
        if self.expires_at is None:
            return False
        fresh = timezone.now() + dt.timedelta(seconds=self.get_expiry_age())
        return fresh - self.expires_at >= dt.timedelta(seconds=settings.COSO_SESSION_RENEW_SECONDS)
